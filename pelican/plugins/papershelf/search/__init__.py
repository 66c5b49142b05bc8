"""Search: the files a reader's browser fetches to search the archive.

Every word of every title, abstract, author name, tag, arXiv id and note
summary is indexed, at any size: the transfer is kept small by fetching less
(see `index.py` for the shards), never by indexing less. What a result shows
comes in blocks of PAPERS_PER_BLOCK papers (`papers/N.json`), fetched for the
results on screen; `tags.json` gives each tag's papers, for the tag filter.
The worker, theme/static/js/search-worker.js, is the other half.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .. import latex
from ..archive.dates import long_date
from ..config import Config
from ..site.kinds import search_files
from ..site.layout import lay_out
from .index import FIELDS, FORMAT, build_shards
from .text import Vocabulary, normalise, normalised_words, stems, words

__all__ = [
    "FIELDS",
    "KnownWords",
    "SearchFiles",
    "Searched",
    "build_search_index",
    "index_archive",
    "index_of",
    "index_of_parts",
    "index_parts",
    "normalise",
    "paper_words",
    "searched",
    "words",
]

PAPERS_PER_BLOCK = 5
AUTHORS_SHOWN = 3


class Searched(NamedTuple):
    """What the index takes of a paper: plain data, which can be sent to a
    process of its own (a paper's record stands for itself by its digest)."""

    source: bytes  # what the listings say of it (`Paper.source`)
    url: str
    title: str
    abstract: str
    date: dt.date
    authors: tuple[str, ...]
    authors_count: int | None
    upvotes: int | None
    arxiv_id: str | None
    tags: tuple[str, ...]  # names


def searched(paper) -> Searched:
    """What the index takes of a paper's record (or of the archive's paper)."""
    return Searched(
        paper.source,
        paper.url,
        paper.title,
        paper.abstract,
        paper.date,
        paper.authors,
        paper.authors_count,
        paper.upvotes,
        paper.arxiv_id,
        tuple(tag.name for tag in paper.tags),
    )


# Each field's searchable text.
_FIELD_TEXT: dict[str, Callable[[Searched], str]] = {
    "title": lambda paper: normalise(latex.plain(paper.title)),
    "tags": lambda paper: normalise(", ".join(paper.tags)),
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


def paper_words(paper, field: str, summaries: tuple[str, ...] = ()) -> list[str]:
    """A field's words as written (normalised, trimmed, stop words included);
    the notes field's are those of the note summaries."""
    return normalised_words(_field_text(searched(paper), field, summaries))


def _field_text(paper: Searched, field: str, summaries: tuple[str, ...]) -> str:
    if field == "notes":
        return normalise(" ".join(summaries))
    return _FIELD_TEXT[field](paper)


def build_search_index(
    papers: Sequence[Searched],
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
    tags = sorted({name for paper in papers for name in paper.tags}, key=str.casefold)
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
    return index_of_parts(index_parts(values), known)


def index_of_parts(parts: Iterable[tuple], known: KnownWords | None = None) -> SearchFiles:
    """The search files of the papers given in parts (see `index_parts`)."""
    papers, summaries, tag_urls = [], [], {}
    for some, their_summaries, urls in parts:
        papers += some
        summaries += their_summaries
        tag_urls.update(urls)
    return build_search_index(papers, summaries, tag_urls, known)


def index_parts(values: dict, size: int = 2_000) -> Iterator[tuple[list, tuple, dict]]:
    """The `search files` page kind's values as plain data, a part at a time:
    papers (`Searched`), their note summaries, and the tags' URLs by name."""
    papers, summaries = values["papers"], values["summaries"]
    tag_urls = {tag.name: tag.url for tag in values["tags"]}
    yield [searched(paper) for paper in papers[:size]], summaries[:size], tag_urls
    for start in range(size, len(papers), size):
        part = slice(start, start + size)
        yield [searched(paper) for paper in papers[part]], summaries[part], {}


def _paper_blocks(papers: Sequence[Searched], tag_number: dict[str, int]) -> dict[str, str]:
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
                [tag_number[name] for name in paper.tags],
                paper.upvotes,
                list(paper.authors[:AUTHORS_SHOWN]),
                len(paper.authors) or paper.authors_count or 0,
                latex.collapsed(paper.abstract),
            ]
            for paper in papers[start : start + PAPERS_PER_BLOCK]
        ]
        blocks[f"papers/{number}.json"] = _json(block)
    return blocks


def _tags_json(papers: Sequence[Searched], tags: list[str]) -> str:
    """Each tag's papers, as refs given as differences from the one before."""
    refs: dict[str, list[int]] = {name: [] for name in tags}
    for ref, paper in enumerate(papers):
        for name in paper.tags:
            refs[name].append(ref)
    lists = [
        [b - a for a, b in itertools.pairwise([0, *refs[name]])] if refs[name] else []
        for name in tags
    ]
    return _json(lists)


def _years(papers: Sequence[Searched]) -> list[list]:
    """[year, first ref] of each run of papers of one year (one run a year,
    as papers are newest first)."""
    runs = []
    for ref, paper in enumerate(papers):
        if not runs or runs[-1][0] != paper.date.year:
            runs.append([paper.date.year, ref])
    return runs


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
