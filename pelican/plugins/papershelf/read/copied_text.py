"""Reader for a daily-papers page copied as text (`listings/YYYY-MM-DD.txt`).

The page is a header, then one card per paper: a title paragraph, an abstract
paragraph and a trailer (``• N authors``, ``·``, ``DATE [UPVOTES]``). Some
cards have no trailer. Trailers are unmistakable, so the paragraphs between two
trailers must pair up as title and abstract; anything else is reported rather
than guessed at.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

from .. import latex
from ..archive import dates
from ..archive.model import Entry, Problem

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
_SPACES = ("\u00a0", "\u2007", "\u202f", "\t")  # read as plain spaces
_AUTHORS_RE = re.compile(r"•\s*(?P<count>\d[\d,]*)\s+authors?", re.IGNORECASE)
_RUNS_OF_SPACES = re.compile(r" {2,}")
MAX_COUNT = 10**9


class _Card(NamedTuple):
    date: dt.date
    upvotes: int | None
    authors_count: int | None
    dated: bool


@dataclass
class _Block:
    line: int  # line number of its first line, from 1
    lines: list[str]

    @property
    def is_trailer(self) -> bool:
        first = self.lines[0].lstrip()
        return first.startswith(("•", "·")) or (
            len(self.lines) == 1 and dates.CARD_DATE_RE.fullmatch(first) is not None
        )


def read_text(text: str, path: str, snapshot: dt.date) -> tuple[list[Entry], list[Problem]]:
    """Entries of a copied page, and a problem for everything it cannot read."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    if not text.strip("\ufeff \t\r\n"):
        return [], [Problem(path, 1, "empty file: expected a copied daily-papers page")]
    blocks = _skip_header(_blocks(text))
    group: list[_Block] = []
    for block in blocks:
        if block.is_trailer:
            _read_card_group(group, block, path, snapshot, entries, problems)
            group = []
        else:
            group.append(block)
    if group:
        _read_card_group(group, None, path, snapshot, entries, problems)
    return entries, problems


def _blocks(text: str) -> list[_Block]:
    """Paragraphs (runs of non-blank lines), with their line numbers."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for space in _SPACES:  # str.translate is slower on big texts
        text = text.replace(space, " ")
    lines = text.split("\n")
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, line in enumerate(lines, start=1):
        line = line.rstrip()
        if not line.strip():
            current = None
        elif current is None:
            current = _Block(number, [line])
            blocks.append(current)
        else:
            current.lines.append(line)
    return blocks


def _is_header_line(line: str) -> bool:
    line = line.strip()
    return line.lower() in HEADER_LINES or dates.CARD_DATE_RE.fullmatch(line) is not None


def _skip_header(blocks: list[_Block]) -> list[_Block]:
    for index, block in enumerate(blocks):
        if not all(_is_header_line(line) for line in block.lines):
            return blocks[index:]
    return []


def header_date(text: str, today: dt.date) -> dt.date | None:
    """The date the page's header shows ("Dec 15"), as the latest such date not
    after `today`; None if the header has no date."""
    for block in _blocks(text):
        if not all(_is_header_line(line) for line in block.lines):
            return None
        for line in block.lines:
            match = dates.CARD_DATE_RE.fullmatch(line.strip())
            if match and not match["upvotes"]:
                try:
                    return dates.resolve(match["month"], match["day"], match["year"], today)
                except ValueError:
                    return None
    return None


def _pairing_problem(group: list[_Block], trailer: _Block | None) -> tuple[int, str] | None:
    """Why the paragraphs before a trailer cannot be titles and abstracts."""
    if not group:
        return trailer.line, "authors/date trailer without a title"
    if len(group) == 1:
        if trailer is None:
            return group[0].line, "title without an abstract"
        return group[
            0
        ].line, "one paragraph before the trailer: a title and an abstract are expected"
    if len(group) % 2:
        lines = ", ".join(str(b.line) for b in group)
        return group[0].line, (
            f"cannot pair {len(group)} paragraphs (lines {lines}) into titles and abstracts: "
            "each paper needs a one-line title followed by one abstract paragraph"
        )
    return None


def _read_card_group(group, trailer, path, snapshot, entries, problems):
    """The paragraphs up to a trailer: (title, abstract) pairs, the last one
    dated by the trailer, the others undated."""
    problem = _pairing_problem(group, trailer)
    if problem:
        problems.append(Problem(path, *problem))
        return
    card = _Card(snapshot, None, None, dated=False)
    if trailer is not None:
        card = _read_trailer(trailer, path, snapshot, problems)
    pairs = [(group[i], group[i + 1]) for i in range(0, len(group), 2)]
    for index, (title_block, abstract_block) in enumerate(pairs):
        if len(title_block.lines) > 1:
            message = f"title spans {len(title_block.lines)} lines"
            problems.append(Problem(path, title_block.line, message))
            continue
        is_last = index == len(pairs) - 1
        if is_last and card is None:
            continue  # its trailer is unreadable, and that has been reported
        date, upvotes, authors_count, dated = card if is_last else (snapshot, None, None, False)
        abstract = _abstract(abstract_block.lines)
        entries.append(
            Entry(
                title=_RUNS_OF_SPACES.sub(" ", title_block.lines[0].strip()),
                abstract=abstract,
                date=date,
                dated=dated,
                authors_count=authors_count,
                upvotes=upvotes,
                links=tuple(latex.urls(abstract)),
                listing=path,
                snapshot=snapshot,
                line=title_block.line,
            )
        )


def _read_trailer(block, path, snapshot, problems) -> _Card | None:
    """What a trailer says, or None (and its problems) if it is unreadable."""
    lines = [line.strip() for line in block.lines]
    authors_count = None
    ok = True
    if lines and lines[0].startswith("•"):
        match = _AUTHORS_RE.fullmatch(lines[0])
        if match is None:
            problems.append(
                Problem(path, block.line, f"authors line without a number: {lines[0]!r}")
            )
            ok = False
        else:
            authors_count = _count(match["count"].replace(",", ""))
            if authors_count is None:
                problems.append(Problem(path, block.line, f"not a count: {lines[0][:60]!r}"))
                ok = False
        lines.pop(0)
    offset = len(block.lines) - len(lines)
    if lines and lines[0].startswith("·"):
        lines[0] = lines[0][1:].strip()
        if not lines[0]:
            lines.pop(0)
            offset += 1
    if not lines:
        problems.append(Problem(path, block.line, "authors/date trailer without a date"))
        return None
    line_number = block.line + offset
    if len(lines) > 1:
        problems.append(
            Problem(path, line_number + 1, f"unexpected text after the date: {lines[1]!r}")
        )
        ok = False
    match = dates.CARD_DATE_RE.fullmatch(lines[0])
    if match is None:
        problems.append(Problem(path, line_number, f"unreadable date: {lines[0]!r}"))
        return None
    try:
        date = dates.resolve(match["month"], match["day"], match["year"], snapshot)
    except ValueError:
        problems.append(Problem(path, line_number, f"impossible date: {lines[0]!r}"))
        return None
    upvotes = _count(match["upvotes"]) if match["upvotes"] else None
    if match["upvotes"] and upvotes is None:
        problems.append(Problem(path, line_number, f"not a count of upvotes: {lines[0][:60]!r}"))
        ok = False
    return _Card(date, upvotes, authors_count, dated=True) if ok else None


def _count(digits: str) -> int | None:
    """A count from its digits, or None past a billion (not a count at all)."""
    return int(digits) if len(digits) <= 10 and int(digits) <= MAX_COUNT else None


def _abstract(lines: list[str]) -> str:
    """One paragraph per indented line (arXiv's paragraph breaks); other line
    breaks are where the copy wrapped."""
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and not line.startswith(" "):
            paragraphs[-1] += " " + line.strip()
        else:
            paragraphs.append(line.strip())
    return "\n\n".join(_RUNS_OF_SPACES.sub(" ", p) for p in paragraphs)
