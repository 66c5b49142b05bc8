"""Search: the files a reader's browser fetches to search the archive.

Every word of every title, abstract, author name, tag, arXiv id and note
summary is indexed, at any size: the transfer is kept small by fetching less
(see `index.py` for the shards), never by indexing less. What a result shows
comes in blocks of PAPERS_PER_BLOCK papers (`papers/N.json`), fetched for the
results on screen; `tags.json` gives each tag's papers, for the tag filter.
The worker, theme/static/js/search-worker.js, is the other half.
"""

from __future__ import annotations

import itertools
import json
import sys
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import latex
from ..archive.dates import long_date
from ..config import Config
from ..site.kinds import search_files
from ..site.layout import lay_out
from ..site.records import Paper
from .index import FIELDS, FORMAT, build_shards
from .text import Vocabulary, normalise, normalised_words, stems, words

__all__ = [
    "FIELDS",
    "KnownWords",
    "SearchFiles",
    "build_search_index",
    "index_archive",
    "index_of",
    "normalise",
    "paper_words",
    "words",
]

PAPERS_PER_BLOCK = 5
AUTHORS_SHOWN = 3

# Each field's searchable text.
_FIELD_TEXT: dict[str, Callable[[Paper], str]] = {
    "title": lambda paper: normalise(latex.plain(paper.title)),
    "tags": lambda paper: normalise(", ".join(t.name for t in paper.tags)),
    "arxiv": lambda paper: normalise(paper.arxiv_id or ""),
    "authors": lambda paper: normalise(", ".join(paper.authors)),
    "abstract": lambda paper: normalise(latex.plain(paper.abstract)),
}
# Fields that the listings alone decide: their words are known by the paper's `source`.
_FROM_LISTINGS = ("title", "arxiv", "authors", "abstract")


@dataclass(frozen=True)
class KnownWords:
    """The words of the papers' listed fields as a build found them, for the
    next: each paper's (by its `source`) as numbers into `words`, one
    machine-order `array("i")` of bytes a field. Tokenising every word again
    is most of the time of an index built after a day is added."""

    words: list[str]
    papers: dict[bytes, tuple[bytes, ...]]  # one per field of _FROM_LISTINGS
    byteorder: str = sys.byteorder  # a cache moved to another machine is not read wrong


@dataclass(frozen=True)
class SearchFiles:
    """The search files, as text by name relative to the manifest's folder
    (the manifest is `index.json`), a line for the build summary, and the
    words found, for the next build (None: not worth keeping)."""

    files: dict[str, str]
    summary: str
    known: KnownWords | None = None


def paper_words(paper: Paper, field: str, summaries: tuple[str, ...] = ()) -> list[str]:
    """A field's words as written (normalised, trimmed, stop words included);
    the notes field's are those of the note summaries."""
    return normalised_words(_field_text(paper, field, summaries))


def _field_text(paper: Paper, field: str, summaries: tuple[str, ...]) -> str:
    if field == "notes":
        return normalise(" ".join(summaries))
    return _FIELD_TEXT[field](paper)


def build_search_index(
    papers: Sequence[Paper],
    summaries: Sequence[tuple[str, ...]],
    tag_urls: dict[str, str],
    known: KnownWords | None = None,
) -> SearchFiles:
    """Every search file of the papers, newest first (a paper's ref is its
    position), with the summaries of each one's notes; `known`: the words an
    earlier build found (the files are the same with or without them)."""
    if known and known.byteorder != sys.byteorder:
        known = None
    vocabulary = Vocabulary(known.words if known else ())
    numbers, pieces = array("i"), array("i")  # see `build_shards`
    found: dict[bytes, tuple[bytes, ...]] = {}
    for paper, notes in zip(papers, summaries, strict=True):
        listed = known.papers.get(paper.source) if known and paper.source else None
        fresh = []
        for field in FIELDS:
            if field not in _FROM_LISTINGS:
                pieces.append(vocabulary.extend(numbers, _field_text(paper, field, notes)))
            elif listed is not None:
                part = listed[_FROM_LISTINGS.index(field)]
                numbers.frombytes(part)
                pieces.append(len(part) // numbers.itemsize)
            else:
                pieces.append(vocabulary.extend(numbers, _field_text(paper, field, notes)))
                fresh.append(numbers[len(numbers) - pieces[-1] :].tobytes())
        if paper.source:
            found[paper.source] = listed if listed is not None else tuple(fresh)
    shards = build_shards(vocabulary.words, numbers, pieces, stems())
    del numbers, pieces
    if known and found.keys() == known.papers.keys():
        kept = known  # the same papers: nothing new to keep
    elif 2 * shards.words_used >= len(vocabulary.words):
        kept = KnownWords(vocabulary.words, found)
    else:  # words of papers gone stay numbered: past half, the next build starts afresh
        kept = None
    tags = sorted({tag.name for paper in papers for tag in paper.tags}, key=str.casefold)
    tag_number = {name: n for n, name in enumerate(tags)}
    files = dict(shards.files)
    files.update(_paper_blocks(papers, tag_number))
    files["tags.json"] = _tags_json(papers, tags)
    manifest = {
        "format": FORMAT,
        "fields": FIELDS,
        "papers": len(papers),
        "papersPerBlock": PAPERS_PER_BLOCK,
        "years": _years(papers),
        "tags": [[name, tag_urls[name]] for name in tags],
        **shards.manifest,
    }
    files["index.json"] = _json(manifest)
    size = sum(len(text.encode()) for text in files.values())
    summary = (
        f"search index of {len(papers):,} papers: {shards.terms:,} terms, "
        f"{shards.postings:,} postings, {len(files):,} files, {size / 1e6:,.1f} MB"
    )
    return SearchFiles(files=files, summary=summary, known=kept)


def index_archive(archive, config: Config | None = None) -> SearchFiles:
    """The search files of an archive, as the build makes them."""
    config = config or Config()
    (output,) = search_files(archive, lay_out(archive, config), config)
    return index_of(output.values)


def index_of(values: dict, known: KnownWords | None = None) -> SearchFiles:
    """The search files of the `search files` page kind's values."""
    tag_urls = {tag.name: tag.url for tag in values["tags"]}
    return build_search_index(values["papers"], values["summaries"], tag_urls, known)


def _paper_blocks(papers: Sequence[Paper], tag_number: dict[str, int]) -> dict[str, str]:
    """What each result shows, PAPERS_PER_BLOCK papers a file: URL, title,
    date, its label, tags (by number), upvotes, first authors, how many
    authors, and the abstract (the snippet is the passage that matched)."""
    blocks = {}
    for number, start in enumerate(range(0, len(papers), PAPERS_PER_BLOCK)):
        block = [
            [
                paper.url,
                latex.plain(paper.title),
                paper.date.isoformat(),
                long_date(paper.date),
                [tag_number[tag.name] for tag in paper.tags],
                paper.upvotes,
                list(paper.authors[:AUTHORS_SHOWN]),
                len(paper.authors) or paper.authors_count or 0,
                latex.collapsed(paper.abstract),
            ]
            for paper in papers[start : start + PAPERS_PER_BLOCK]
        ]
        blocks[f"papers/{number}.json"] = _json(block)
    return blocks


def _tags_json(papers: Sequence[Paper], tags: list[str]) -> str:
    """Each tag's papers, as refs given as differences from the one before."""
    refs: dict[str, list[int]] = {name: [] for name in tags}
    for ref, paper in enumerate(papers):
        for tag in paper.tags:
            refs[tag.name].append(ref)
    lists = [
        [b - a for a, b in itertools.pairwise([0, *refs[name]])] if refs[name] else []
        for name in tags
    ]
    return _json(lists)


def _years(papers: Sequence[Paper]) -> list[list]:
    """[year, first ref] of each run of papers of one year (one run a year,
    as papers are newest first)."""
    runs = []
    for ref, paper in enumerate(papers):
        if not runs or runs[-1][0] != paper.date.year:
            runs.append([paper.date.year, ref])
    return runs


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
