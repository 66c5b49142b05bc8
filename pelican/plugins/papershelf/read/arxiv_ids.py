"""The reviewed file of arXiv ids found for papers whose listings gave none.

`papershelf resolve` writes it (see `resolve.py`); the build only reads it,
so builds stay offline and give the same site from the same files. One line
a paper: its arXiv id, a tab, and its title as a listing gives it:

    # arXiv ids that `papershelf resolve` found by exact title. Review, then commit.
    2411.15124<TAB>TÜLU 3: Pushing Frontiers in Open Language Model Post-Training

An entry without an arXiv id whose normalised title is on a line gets that id
(the same as if its listing had given it); deleting a line takes it back.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .. import files
from ..archive.identity import ARXIV_ID_RE, normalise_title
from ..archive.model import Entry, Problem
from .listing import UnreadableFile, decode, read_content_file

HEADER = (
    "# arXiv ids that `papershelf resolve` found by exact title, one paper a line:\n"
    "# the id, a tab, and the title as its listing gives it. Review, then commit;\n"
    "# delete a line to take its id back.\n"
)


def read_ids(path: Path, display: str) -> tuple[dict[str, str], list[Problem]]:
    """{normalised title: arXiv id} from the file (none if it does not exist),
    and every problem in it."""
    if not path.exists() and not path.is_symlink():
        return {}, []
    try:
        data = read_content_file(path, path.parent)
    except UnreadableFile as error:
        return {}, [Problem(display, 0, str(error))]
    text, problems = decode(data, display)
    if problems:
        return {}, problems
    ids: dict[str, str] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        arxiv_id, tab, title = line.partition("\t")
        arxiv_id, title = arxiv_id.strip(), title.strip()
        if not tab or not title:
            problems.append(Problem(display, number, "expected an arXiv id, a tab and a title"))
        elif not ARXIV_ID_RE.fullmatch(arxiv_id):
            problems.append(Problem(display, number, f"not an arXiv id: {arxiv_id!r}"))
        elif ids.get(normalise_title(title), arxiv_id) != arxiv_id:
            earlier = ids[normalise_title(title)]
            problems.append(Problem(display, number, f"this title has another id above: {earlier}"))
        else:
            ids[normalise_title(title)] = arxiv_id
    return ids, problems


def with_ids(entries: list[Entry], ids: dict[str, str]) -> list[Entry]:
    """The entries, those without an arXiv id given the one found for their title."""
    if not ids:
        return entries
    return [
        dataclasses.replace(entry, arxiv_id=ids[title])
        if not entry.arxiv_id and (title := normalise_title(entry.title)) in ids
        else entry
        for entry in entries
    ]


def write_ids(path: Path, found: dict[str, str]) -> None:
    """Add {title: arXiv id} lines to the file, keeping the lines it has;
    written whole or not at all."""
    try:
        kept = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        kept = HEADER
    if kept and not kept.endswith("\n"):
        kept += "\n"
    lines = "".join(f"{arxiv_id}\t{' '.join(title.split())}\n" for title, arxiv_id in found.items())
    files.write_text(path, kept + lines, durable=True)
