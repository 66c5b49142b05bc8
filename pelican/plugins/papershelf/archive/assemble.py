"""The archive: every entry merged into papers, with the indexes pages are made from."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from ..config import Config
from ..digest import Compute, compute_here, digest
from .identity import (
    ARXIV_ID_RE,
    citation_key,
    claim_slug,
    normalise_title,
    paper_keys,
    slugify,
)
from .model import LISTED_FIELDS, Author, Curator, Entry, Note, Paper, Problem, Sighting, Tag
from .tags import assign_tags


@dataclass
class Archive:
    papers: list[Paper]  # newest date first; within a date by upvotes
    by_key: dict[str, Paper]
    by_slug: dict[str, Paper]
    by_date: dict[dt.date, list[Paper]]  # each day's papers by upvotes
    dates: list[dt.date]  # days with papers, newest first
    listings: list[str]
    entries: int
    tags: list[Tag] = field(default_factory=list)  # by name
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # newest first
    curated: list[Paper] = field(default_factory=list)  # newest note first
    curators: list[Curator] = field(default_factory=list)  # by name
    authors: dict[str, Author] = field(default_factory=dict)  # by name as written, with a page
    problems: list[Problem] = field(default_factory=list)  # notes about no known paper
    related: dict[str, tuple[Paper, ...]] = field(default_factory=dict)  # by key (related.py)

    @property
    def duplicates(self) -> int:
        return self.entries - len(self.papers)

    def summary(self) -> str:
        return summary(len(self.listings), self.entries, len(self.papers), notes=len(self.notes))


def summary(
    listings: int, entries: int, papers: int | None = None, errors: int = 0, notes: int = 0
) -> str:
    """The build's closing line: it accounts for every entry and note read."""
    parts = [_count(listings, "listing") + " read", _count(entries, "entry", "entries")]
    if papers is not None:
        parts += [_count(papers, "paper"), _count(entries - papers, "duplicate") + " merged"]
        parts.append(_count(notes, "note") + " attached")
    parts.append(_count(errors, "error"))
    return "papershelf: " + ", ".join(parts)


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def build(
    entries: list[Entry],
    config: Config | None = None,
    listings: list[str] | None = None,
    notes: list[Note] | None = None,
    compute_topics: Compute = compute_here,
) -> Archive:
    """Merge entries (oldest listing first) into the archive and attach notes;
    `listings` names the files read (by default, those the entries come from).
    A note about no known paper is in `problems`. `compute_topics` finds
    the papers' topics (see `tags.assign_tags`)."""
    config = config or Config()
    if listings is None:
        listings = _listings_of(entries)
    return assemble(merge(entries, config), len(entries), listings, notes, config, compute_topics)


def merge(entries: list[Entry], config: Config) -> list[Paper]:
    """The papers of the entries, newest date first and by upvotes within a
    date, with their slugs and URLs; no neighbours, notes or tags yet (the
    papers are plain data, which a cache can keep)."""
    grouped: dict[str, list[Entry]] = {}
    for key, entry in zip(paper_keys(entries), entries, strict=True):
        grouped.setdefault(key, []).append(entry)
    papers = [_merge(key, group) for key, group in grouped.items()]
    _assign_slugs(papers)
    for paper in papers:
        paper.url = config.paper_url.format(slug=paper.slug, date=paper.date)
        paper.save_as = config.paper_save_as.format(slug=paper.slug, date=paper.date)
        paper.source = source_digest(paper)
    by_date: dict[dt.date, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_date[paper.date].append(paper)
    for day_papers in by_date.values():
        day_papers.sort(key=_by_upvotes)
    return [paper for day in sorted(by_date, reverse=True) for paper in by_date[day]]


def source_digest(paper: Paper) -> bytes:
    """Everything about a paper that its listings decide (every field that
    `merge` fills in): computed once, when papers are merged, and kept with
    them by the cache.

    Plain tuples, strings and numbers only: pickling dataclasses and dates is
    several times slower.
    """
    return digest(
        *(getattr(paper, name) for name in LISTED_FIELDS if name not in ("date", "sightings")),
        paper.date.toordinal(),
        tuple((s.listing, s.snapshot.toordinal(), s.upvotes, s.source) for s in paper.sightings),
    )


def assemble(
    papers: list[Paper],
    entries: int,
    listings: list[str],
    notes: list[Note] | None,
    config: Config,
    compute_topics: Compute = compute_here,
    authors: dict[str, Author] | None = None,
) -> Archive:
    """The archive of merged papers (see `merge`): neighbours within a date,
    notes attached, tags, curators. `entries` counts the entries the papers
    were merged from; `authors` can be `authors_of` the papers, found before."""
    by_date: dict[dt.date, list[Paper]] = {}
    for paper in papers:
        by_date.setdefault(paper.date, []).append(paper)
    for day_papers in by_date.values():
        for before, after in pairwise(day_papers):
            before.next, after.previous = after, before
    attached, problems = attach_notes(notes or [], papers)
    note_tags = {p.key: [t for n in p.notes for t in n.tags] for p in papers if p.notes}
    tags, warnings = assign_tags(papers, config, note_tags, compute_topics)
    curated = sorted((p for p in papers if p.notes), key=_newest_note, reverse=True)
    return Archive(
        papers=papers,
        by_key={p.key: p for p in papers},
        by_slug={p.slug: p for p in papers},
        by_date=by_date,
        dates=list(by_date),
        listings=listings,
        entries=entries,
        tags=tags,
        warnings=warnings,
        notes=sorted(attached, key=_note_order, reverse=True),
        curated=curated,
        curators=_curators(attached, config),
        authors=authors_of(papers, config) if authors is None else authors,
        problems=problems,
    )


def _listings_of(entries: list[Entry]) -> list[str]:
    return list(dict.fromkeys(e.listing for e in entries))


def _by_upvotes(paper: Paper):
    return (-(paper.upvotes or 0), paper.title.casefold(), paper.key)


def _merge(key: str, group: list[Entry]) -> Paper:
    """One paper from its entries, oldest sighting first."""
    group = sorted(group, key=lambda e: e.snapshot or e.date)  # stable: file order kept
    newest = group[-1]
    dated = [e for e in group if e.dated]
    with_authors = max(group, key=lambda e: len(e.authors))
    counts = [e.authors_count for e in group if e.authors_count is not None]
    return Paper(
        key=key,
        slug=slugify(group[0].title),  # from the first sighting: it never changes
        title=newest.title,
        abstract=next((e.abstract for e in reversed(group) if e.abstract), ""),
        date=min(e.date for e in dated) if dated else group[0].date,
        dated=bool(dated),
        authors=with_authors.authors,
        authors_count=max([*counts, len(with_authors.authors)]) or None,
        upvotes=newest.upvotes,
        arxiv_id=next((e.arxiv_id for e in group if e.arxiv_id), None),
        links=tuple(dict.fromkeys(link for e in group for link in e.links)),
        keywords=tuple(dict.fromkeys(k for e in group for k in e.keywords)),
        sightings=[Sighting(e.listing, e.snapshot or e.date, e.upvotes, e.source) for e in group],
    )


def _assign_slugs(papers: list[Paper]) -> None:
    """Distinct slugs and citation keys: the paper first seen keeps the plain
    one (so neither depends on which papers came in between)."""
    slugs: set[str] = set()
    keys: set[str] = set()
    for paper in sorted(papers, key=lambda p: (p.sightings[0].snapshot, p.sightings[0].source)):
        paper.slug = claim_slug(paper.slug, slugs, normalise_title(paper.title), paper.key)
        key = citation_key(paper.authors, paper.date.year, paper.title)
        paper.cite_key = claim_slug(key, keys, paper.key)


def _note_order(note: Note):
    return (note.date or dt.date.min, note.source)


def _newest_note(paper: Paper):
    return max(_note_order(note) for note in paper.notes)


def paper_finder(papers: list[Paper]) -> Callable[[str], Paper | None]:
    """The paper a note names (by arXiv id, slug or title), if there is one."""
    by_ref: dict[str, Paper] = {}
    titles: dict[str, Paper] = {}
    for paper in papers:
        by_ref[paper.slug] = paper
        if paper.arxiv_id:
            by_ref[paper.arxiv_id] = paper
        titles.setdefault(paper.title, paper)
    normalised: dict[str, Paper] = {}  # made only if a title is not written exactly

    def find(ref: str) -> Paper | None:
        paper = by_ref.get(_arxiv_ref(ref)) or by_ref.get(ref.strip()) or titles.get(ref.strip())
        if paper is None:
            if not normalised:
                for each in papers:
                    normalised.setdefault(normalise_title(each.title), each)
            paper = normalised.get(normalise_title(ref))
        return paper

    return find


def unknown_papers(references: list[tuple[str, int, str]], papers: list[Paper]) -> list[Problem]:
    """A problem for each (file, line, reference) that names no paper."""
    find = paper_finder(papers)
    return [
        Problem(source, line, _unknown_paper(ref, papers))
        for source, line, ref in references
        if find(ref) is None
    ]


def attach_notes(notes: list[Note], papers: list[Paper]) -> tuple[list[Note], list[Problem]]:
    """Find each note's paper (by arXiv id, slug or title) and attach it."""
    find = paper_finder(papers)
    attached, problems = [], []
    for note in notes:
        paper = find(note.paper_ref)
        if paper is None:
            problems.append(Problem(note.source, note.line, _unknown_paper(note.paper_ref, papers)))
            continue
        note.paper = paper
        paper.notes.append(note)
        attached.append(note)
    for paper in papers:
        paper.notes.sort(key=_note_order)
    return attached, problems


def _arxiv_ref(ref: str) -> str:
    """An arXiv id without prefix, URL or version, as the archive keys it."""
    ref = ref.strip().removeprefix("arXiv:").removeprefix("arxiv:").rsplit("/abs/", 1)[-1]
    return re.sub(r"v\d+$", "", ref) if ARXIV_ID_RE.fullmatch(ref) else ref


def _unknown_paper(ref: str, papers: list[Paper]) -> str:
    titles = {normalise_title(p.title): p.title for p in papers}
    close = difflib.get_close_matches(normalise_title(ref), titles, n=3, cutoff=0.3)
    hint = "; closest titles: " + "; ".join(repr(titles[t]) for t in close) if close else ""
    return f"no paper {ref!r} in the archive (give its arXiv id, slug or exact title){hint}"


def _curators(notes: list[Note], config: Config) -> list[Curator]:
    by_name: dict[str, Curator] = {}
    for note in sorted(notes, key=_note_order, reverse=True):
        key = normalise_title(note.curator) or note.curator
        note.curator_page = by_name.setdefault(key, Curator(note.curator, ""))
        note.curator_page.notes.append(note)
    curators = sorted(by_name.values(), key=lambda c: c.name.casefold())
    taken: set[str] = set()
    for curator in curators:
        curator.slug = claim_slug(slugify(curator.name), taken, curator.name)
        curator.url = config.curator_url.format(slug=curator.slug)
        curator.save_as = config.curator_save_as.format(slug=curator.slug)
    return curators


def authors_of(papers: list[Paper], config: Config) -> dict[str, Author]:
    """Authors named on at least `author_min_papers` papers, by every name as
    written: one author however a listing spells the name's case or spacing.
    None when author pages are off (`author_save_as` empty). They depend on
    the listings alone: a cache can keep them with the merged papers."""
    if not config.author_save_as:
        return {}
    key_of: dict[str, str] = {}  # name as written -> its key
    papers_of: dict[str, list[Paper]] = {}  # key -> papers, newest first
    named: dict[str, str] = {}  # key -> the newest paper's spelling
    for paper in papers:
        for name in paper.authors:
            key = key_of.get(name)
            if key is None:  # names are plain text: no LaTeX to resolve
                key = key_of[name] = unicodedata.normalize(
                    "NFKC", " ".join(name.split())
                ).casefold()
            theirs = papers_of.get(key)
            if theirs is None:
                papers_of[key], named[key] = [paper], name
            elif theirs[-1] is not paper:
                theirs.append(paper)
    kept = {
        key: Author(named[key], "", theirs)
        for key, theirs in papers_of.items()
        if len(theirs) >= config.author_min_papers
    }
    taken: set[str] = set()
    for key, author in sorted(kept.items(), key=lambda item: (item[1].name.casefold(), item[0])):
        author.slug = claim_slug(slugify(author.name), taken, key)
        author.url = config.author_url.format(slug=author.slug)
        author.save_as = config.author_save_as.format(slug=author.slug)
    return {name: kept[key] for name, key in key_of.items() if key in kept}
