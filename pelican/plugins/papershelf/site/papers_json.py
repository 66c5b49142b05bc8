"""`papers.json`: the archive for programs, in a documented, stable shape.

    {"format": "papershelf-papers", "version": 1, "papers": [PAPER, ...]}

Papers are newest first. Each PAPER has exactly these keys:
    id             the paper's slug: unique and stable, also its page's name
    arxiv_id       arXiv id or null
    title          plain text
    date           YYYY-MM-DD
    dated          false when no listing gave a date (the date is the listing's)
    authors        list of names (empty when listings gave only a count)
    authors_count  int or null
    upvotes        int or null (the newest listing's count)
    tags           list of tag names
    keywords       list of the API's keywords
    links          list of {"kind": "arxiv"|"pdf"|"hf-paper"|"code"|"project", "url"}
    url            the paper's page (absolute when SITEURL is set)
    sightings      list of {"listing", "date", "upvotes"}: every listing it was in
    notes          list of {"curator", "date", "summary", "source"}: curators' notes,
                   oldest first (date may be null; source is the note's file)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from .. import latex
from .records import Note, Paper

FORMAT = "papershelf-papers"
VERSION = 1


def paper_record(paper: Paper, notes: tuple[Note, ...] = (), siteurl: str = "") -> dict:
    return {
        "id": paper.slug,
        "arxiv_id": paper.arxiv_id,
        "title": latex.plain(paper.title),
        "date": paper.date.isoformat(),
        "dated": paper.dated,
        "authors": list(paper.authors),
        "authors_count": paper.authors_count,
        "upvotes": paper.upvotes,
        "tags": [tag.name for tag in paper.tags],
        "keywords": list(paper.keywords),
        "links": [{"kind": link.kind, "url": link.url} for link in paper.links],
        "url": f"{siteurl}/{paper.url}" if siteurl else paper.url,
        "sightings": [
            {"listing": s.listing, "date": s.snapshot.isoformat(), "upvotes": s.upvotes}
            for s in paper.sightings
        ],
        "notes": [
            {
                "curator": note.curator.name,
                "date": note.date.isoformat() if note.date else None,
                "summary": note.summary,
                "source": note.source,
            }
            for note in notes
        ],
    }


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def record_json(paper: Paper, notes: tuple[Note, ...] = (), siteurl: str = "") -> str:
    return _json(paper_record(paper, notes, siteurl.rstrip("/")))


def papers_json(
    papers: Iterable[Paper], notes: Iterable[tuple[Note, ...]], record: Callable[..., str]
) -> Iterator[str]:
    """The export file, in pieces (a file of 50,000 papers is 100 MB: written
    as it is made); `record(paper, notes)` gives a paper's JSON (`record_json`,
    or what it gave before)."""
    yield _json({"format": FORMAT, "version": VERSION})[:-1] + ',"papers":['
    for number, (paper, paper_notes) in enumerate(zip(papers, notes, strict=True)):
        yield ("," if number else "") + record(paper, paper_notes)
    yield "]}\n"
