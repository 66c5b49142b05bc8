"""Reader for curators' notes (`notes/*.md`): a metadata header, then Markdown.

    Paper: 2411.15124            (arXiv id, slug or exact title; required)
    Curator: Ada Lovelace        (required)
    Date: 2025-12-20
    Tags: post-training, open models
    Summary: One line shown in lists.

    The note, in Markdown.

The header ends at the first blank line, as in Pelican's Markdown reader.
Which paper a note is about is decided by the archive (`archive/assemble.py`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from .. import latex
from ..archive.model import Note, Paper, Problem
from ..config import Config
from .listing import UnreadableFile, decode, read_content_file

KEYS = {"paper", "curator", "date", "tags", "summary"}
# The placeholders of `note_template`: a note that still has one is unfinished.
PLACEHOLDER_CURATOR = "Your name"
PLACEHOLDER_SUMMARY = "One line that says what the paper is worth reading for."
PLACEHOLDER_TEXT = "What does the paper show, and how convincingly?"
REQUIRED = ("paper", "curator")
_HEADER_RE = re.compile(r"(?P<key>[A-Za-z][\w-]*)\s*:(?P<value>.*)")


def read_note(
    path: str | Path, display: str | None = None, root: str | Path | None = None
) -> tuple[Note | None, list[Problem]]:
    """A note from its file (see `read_content_file`; `root` is the content folder)."""
    path = Path(path)
    name = display or str(path)
    try:
        data = read_content_file(path, root)
    except UnreadableFile as error:
        return None, [Problem(name, 1, str(error))]
    text, problems = decode(data, name)
    if problems:
        return None, problems
    return parse_note(text, name, path.stem)


def paper_reference(path: Path, root: str | Path | None = None) -> tuple[int, str] | None:
    """The line and value of a note's `Paper:`, read from its header alone:
    a note with other problems is checked against the archive too."""
    try:
        lines = read_content_file(path, root).decode("utf-8").splitlines()
    except (UnreadableFile, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        match = _HEADER_RE.fullmatch(line.strip())
        if not line.strip() or match is None:
            return None
        if match["key"].lower() == "paper" and match["value"].strip():
            return number, match["value"].strip()
    return None


def parse_note(text: str, name: str, stem: str = "") -> tuple[Note | None, list[Problem]]:
    """A note from its text, or None and every problem with it."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    problems: list[Problem] = []
    meta: dict[str, tuple[int, str]] = {}
    number = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            break
        match = _HEADER_RE.fullmatch(line.strip())
        if match is None:
            if not meta:  # no header at all: the file starts with the note
                number = 0
                break
            problems.append(
                Problem(
                    name,
                    number,
                    f"not a 'Key: value' line in the header: "
                    f"{line.strip()[:60]!r} (end the header with a blank line)",
                )
            )
            continue
        key, value = match["key"].lower(), match["value"].strip()
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0].capitalize()}:?)" if close else ""
            known = ", ".join(k.capitalize() for k in sorted(KEYS))
            problems.append(
                Problem(
                    name,
                    number,
                    f"unknown metadata key {match['key']!r}{hint}; known keys: {known}",
                )
            )
        elif key in meta:
            problems.append(
                Problem(name, number, f"{match['key']} given twice (first on line {meta[key][0]})")
            )
        else:
            meta[key] = (number, value)
    else:
        number = len(lines)
    header_end = number

    for key in REQUIRED:
        if not meta.get(key, (0, ""))[1]:
            line = meta[key][0] if key in meta else 1
            problems.append(Problem(name, line, f"missing {key.capitalize()}: (required)"))

    date = None
    if meta.get("date", (0, ""))[1]:  # an empty Date: is a note without a date
        line, value = meta["date"]
        try:
            date = dt.date.fromisoformat(value[:10])
            if value[10:].strip():
                dt.datetime.fromisoformat(value.replace(" ", "T"))
        except ValueError:
            problems.append(Problem(name, line, f"malformed date {value!r}: write YYYY-MM-DD"))

    body = "\n".join(lines[header_end:]).strip("\n")
    if not body.strip():
        problems.append(Problem(name, header_end or 1, "the note has no text after its header"))
    for key, placeholder in (("curator", PLACEHOLDER_CURATOR), ("summary", PLACEHOLDER_SUMMARY)):
        if meta.get(key, (0, ""))[1] == placeholder:
            problems.append(
                Problem(
                    name, meta[key][0], f"{key.capitalize()}: is still the template's placeholder"
                )
            )
    if PLACEHOLDER_TEXT in body:
        line = (
            header_end
            + 1
            + next(i for i, t in enumerate(lines[header_end:]) if PLACEHOLDER_TEXT in t)
        )
        problems.append(
            Problem(name, line, "the note still has the template's text: write your own")
        )
    if problems:
        return None, problems
    tags = [t.strip() for t in meta.get("tags", (0, ""))[1].split(",")]
    return Note(
        source=name,
        line=meta["paper"][0],
        paper_ref=meta["paper"][1],
        curator=meta["curator"][1],
        date=date,
        tags=tuple(t for t in tags if t),
        summary=meta.get("summary", (0, ""))[1],
        body=body + "\n",
        slug=stem,
    ), []


def note_template(
    paper: Paper, curator: str = PLACEHOLDER_CURATOR, date: dt.date | None = None
) -> str:
    """The skeleton of a new note about a paper (without a date, `Date:` is left
    for the curator to fill in)."""
    ref = paper.arxiv_id or paper.slug
    day = date.isoformat() if date else ""
    return (
        f"Paper: {ref}\n"
        f"Curator: {curator}\n"
        f"Date: {day}\n"
        "Tags: \n"
        f"Summary: {PLACEHOLDER_SUMMARY}\n"
        "\n"
        f'<!-- A note about "{" ".join(latex.plain(paper.title).split())}". -->\n'
        f"{PLACEHOLDER_TEXT} What should a reader look at\n"
        "first, and what does it change for related work? Markdown works: **bold**,\n"
        "[links](https://example.org), `code`, tables, footnotes and $math$.\n"
    )


def new_note_name(slug: str, notes: int) -> str:
    """A file name for the next note about a paper that has `notes` notes."""
    return f"{slug}.md" if notes == 0 else f"{slug}-{notes + 1}.md"


def new_note_url(config: Config, paper, notes: int) -> str:
    """GitHub's new-file page, prefilled with the next note about a paper
    (one with a slug, title and arXiv id) that has `notes` notes."""
    if not config.repo_url:
        return ""
    query = urlencode(
        {
            "filename": f"{config.repo_notes_path}/{new_note_name(paper.slug, notes)}",
            "value": note_template(paper),
        },
        quote_via=quote,
    )
    return f"{config.repo_url.rstrip('/')}/new/{config.repo_branch}?{query}"


def source_url(config: Config, note: Note) -> str:
    """The note's file on GitHub."""
    if not config.repo_url:
        return ""
    path = f"{config.repo_notes_path}/{note.slug}.md"
    return f"{config.repo_url.rstrip('/')}/blob/{config.repo_branch}/{quote(path)}"
