"""Reader for the Hugging Face daily_papers API JSON (`listings/YYYY-MM-DD.json`).

The API returns an array of items, each with a `paper` object (`id` is the
arXiv id). Items are decoded one at a time so that each problem names the line
its item starts on, and a syntax error late in a file loses no earlier item.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import reprlib

from .. import latex
from ..archive.identity import ARXIV_ID_RE
from ..archive.model import Entry, Problem
from . import characters

_WHITESPACE = re.compile(r"[ \t\u00a0]+")


def _squeeze(text: str) -> str:
    """Runs of blanks as one space; most texts have none (and `in` is fast)."""
    if "  " in text or "\t" in text or "\u00a0" in text:
        return _WHITESPACE.sub(" ", text)
    return text


_DECODER = json.JSONDecoder()
MAX_COUNT = 10**9  # upvotes: anything larger is not a count
YEARS = range(1900, 2200)  # a publication date outside is an error, not a date to compute with
# Escapes that may spell a forbidden character (see characters.py): \b, \f
# and the \uXXXX of a control character, a surrogate or a non-character.
_ESCAPED_FORBIDDEN_RE = re.compile(
    r"\\(?:[bf]|u(?:00[01]|007f|00[89]|d[89a-f]|fd[de]|fff[ef]))", re.IGNORECASE
)
_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict = 3, 60, 60, 4, 4


def _shown(value) -> str:
    """A value in a problem's line: short, however long or deep it is."""
    return characters.printable(_REPR.repr(value))


def _strings(item, key: str = "", depth: int = 0):
    """(key, text) for every string of a decoded item, values and keys."""
    if isinstance(item, str):
        yield key, item
    elif depth < 8 and isinstance(item, dict):
        for name, value in item.items():
            yield from _strings(name, "a key", depth + 1)
            yield from _strings(value, name if isinstance(name, str) else key, depth + 1)
    elif depth < 8 and isinstance(item, list):
        for value in item:
            yield from _strings(value, key, depth + 1)


def read_json(text: str, path: str, snapshot: dt.date) -> tuple[list[Entry], list[Problem]]:
    """Entries of an API listing, and a problem for everything it cannot read."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    # A decoded string holds a forbidden character only if the text does, or
    # spells one as an escape: otherwise no string needs looking at.
    checked = characters.forbidden(text) is None and not _ESCAPED_FORBIDDEN_RE.search(text)
    for line, item in _items(text, path, problems):
        entry = _entry(item, path, line, snapshot, problems, checked)
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _items(text, path, problems):
    """(line, item) for each element of the top-level array."""
    text = text.removeprefix("\ufeff")
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        if pos == len(text):
            problems.append(Problem(path, 1, "empty file: expected a JSON array of papers"))
        else:
            problems.append(
                Problem(path, _line_of(text, pos), "expected a JSON array of daily papers")
            )
        return
    pos = _skip_space(text, pos + 1)
    if text.startswith("]", pos):
        return
    line, counted = 1, 0  # lines are counted on from the previous item: no rescans
    while True:
        try:
            item, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            problems.append(Problem(path, error.lineno, f"invalid JSON: {error.msg}"))
            return
        except ValueError:  # a number of more digits than Python converts (4,300)
            line = _line_of(text, pos)
            problems.append(Problem(path, line, "invalid JSON: a number too long to be a count"))
            return
        except RecursionError:
            line = _line_of(text, pos)
            problems.append(Problem(path, line, "invalid JSON: arrays or objects too deep"))
            return
        line, counted = line + text.count("\n", counted, pos), pos
        yield line, item
        pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
        elif text.startswith("]", pos):
            rest = _skip_space(text, pos + 1)
            if rest != len(text):
                problems.append(Problem(path, _line_of(text, rest), "text after the array"))
            return
        else:
            problems.append(Problem(path, _line_of(text, pos), "invalid JSON: expected ',' or ']'"))
            return


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _text(value) -> str:
    return "\n\n".join(
        _squeeze(part).strip()
        for part in re.split(r"\n(?=\s)|\n\s*\n", value.replace("\r\n", "\n"))
        if part.strip()
    )


def _entry(item, path, line, snapshot, problems, checked=False) -> Entry | None:
    def problem(message: str) -> None:
        problems.append(Problem(path, line, message))

    if not isinstance(item, dict):
        problem(f"expected a paper object, found {type(item).__name__}")
        return None
    paper = item.get("paper") if isinstance(item.get("paper"), dict) else {}
    get = lambda key: paper.get(key, item.get(key))  # noqa: E731 - paper first

    title = get("title")
    if not isinstance(title, str) or not title.strip():
        problem("paper without a title")
        return None
    title = _squeeze(title.replace("\n", " ")).strip()
    ok = True
    for key, value in () if checked else _strings(item):
        what = characters.forbidden(value)
        if what:
            problem(f"{key} holds a {what}: text cannot hold it")
            ok = False

    summary = get("summary") or ""
    if not isinstance(summary, str):
        problem("summary is not text")
        ok = False
        summary = ""
    abstract = _text(summary)

    authors = []
    listed = get("authors") or []
    if not isinstance(listed, list):
        problem(f"authors is not a list: {_shown(listed)}")
        ok, listed = False, []
    for author in listed:
        name = author.get("name") if isinstance(author, dict) else author
        if not isinstance(name, str) or not name.strip():
            problem(f"author without a name: {_shown(author)}")
            ok = False
        else:
            authors.append(_squeeze(name).strip())

    upvotes = get("upvotes")
    if upvotes is not None and (
        not isinstance(upvotes, int) or isinstance(upvotes, bool) or not 0 <= upvotes <= MAX_COUNT
    ):
        problem(f"upvotes is not a count: {_shown(upvotes)}")
        ok = False

    arxiv_id = paper.get("id")
    if arxiv_id is not None:
        if not isinstance(arxiv_id, str) or not ARXIV_ID_RE.fullmatch(arxiv_id.strip()):
            problem(f"not an arXiv id: {_shown(arxiv_id)}")
            ok = False
        else:
            arxiv_id = re.sub(r"v\d+$", "", arxiv_id.strip())

    date, dated = snapshot, False
    published = item.get("publishedAt") or paper.get("publishedAt")
    if published is not None:
        try:
            date, dated = dt.datetime.fromisoformat(published).date(), True
        except (TypeError, ValueError):
            problem(f"publishedAt is not a date: {_shown(published)}")
            ok = False
        else:
            if date.year not in YEARS:
                problem(f"publishedAt is out of range: {_shown(published)}")
                ok = False

    links = []
    for key in ("githubRepo", "projectPage"):
        url = get(key)
        if url in (None, ""):
            continue
        if isinstance(url, str) and re.match(r"https?://\S+$", url.strip()):
            links.append(url.strip())
        else:
            problem(f"{key} is not an http(s) URL: {_shown(url)}")
            ok = False
    links.extend(latex.urls(abstract))

    keywords = get("ai_keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        problem("ai_keywords is not a list of words")
        ok = False
        keywords = []

    if not ok:
        return None
    return Entry(
        title=title,
        abstract=abstract,
        date=date,
        dated=dated,
        authors=tuple(authors),
        authors_count=len(authors) if authors else None,
        upvotes=upvotes,
        arxiv_id=arxiv_id,
        links=tuple(dict.fromkeys(links)),
        keywords=tuple(dict.fromkeys(k.strip() for k in keywords if k.strip())),
        listing=path,
        snapshot=snapshot,
        line=line,
    )
