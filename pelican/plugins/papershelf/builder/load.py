"""Loading the archive of a content folder: listings and notes read, papers
merged, tagged and assembled, with what the last build remembered."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from pathlib import Path

from ..archive import Archive, assemble, authors_of, merge, summary, unknown_papers
from ..archive.model import Author, ContentError, Entry, Note, Paper, Problem
from ..archive.related import related_papers
from ..config import Config
from ..digest import Compute, digest
from ..read.arxiv_ids import read_ids, with_ids
from ..read.listing import Known, content_files, listing_files, listing_reader
from ..read.notes import paper_reference, read_note
from . import workers
from .cache import BuildCache

# A file changed less long ago than this may change again within the same
# tick of its time stamps, its status the same: it is read, not known.
SETTLED_NS = 3_000_000_000


def listing_readers(
    content_path: str, config: Config, cache: BuildCache | None = None
) -> tuple[list[str], list, list[Problem]]:
    """The listing files below the content folder (relative names), each read
    now (see `listing_reader`: the key its entries are remembered by, and its
    parser), and the problem of a missing folder. With a cache, a file whose
    status is as an earlier build found it is read only if it is parsed."""
    problems: list[Problem] = []
    folder = Path(content_path) / config.listings_path
    if not folder.is_dir():
        message = 'no such folder: daily listings go there (see the README, "Adding a listing")'
        problems.append(Problem(str(Path(config.listings_path)), 0, message))
    files = listing_files(folder)
    names = [str(path.relative_to(content_path)) for path in files]
    known = _known_files(cache) if cache else None
    readers = [
        listing_reader(path, display=name, root=content_path, known=known)
        for path, name in zip(files, names, strict=True)
    ]
    return names, readers, problems


def _known_files(cache: BuildCache) -> Known:
    """Keys of listing files by their status (size, times, inode and device),
    as git knows its files: at 50,000 papers the listings are 160 MB, read and
    hashed in a second. A change rewrites a file's change time, which nothing
    sets back; a file changed just now is read all the same (SETTLED_NS)."""
    now = time.time_ns()

    def known(what, status: os.stat_result, read_key: Callable[[], bytes]) -> bytes:
        if now - max(status.st_mtime_ns, status.st_ctime_ns) < SETTLED_NS:
            return read_key()
        times = (status.st_mtime_ns, status.st_ctime_ns)
        identity = digest(what, status.st_size, times, status.st_ino, status.st_dev)
        return cache.remember("listing files", identity, read_key)

    return known


def read_listings(readers: list, config: Config, cache: BuildCache | None = None):
    """The entries of the listings and every problem in them. With a cache,
    unchanged files are not parsed; the others are parsed on every core."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    keys, tasks = [key for key, _ in readers], [parse for _, parse in readers]
    for found, trouble in _compute(config, cache, "listings")(keys, tasks):
        entries += found
        problems += trouble
    return entries, problems


def read_notes(content_path: str, config: Config) -> tuple[list[Note], list[Problem], list]:
    """The notes, their problems, and the papers that the notes with problems
    name (file, line, reference): those are checked against the archive too."""
    notes: list[Note] = []
    problems: list[Problem] = []
    references: list[tuple[str, int, str]] = []
    for path in content_files(Path(content_path) / config.notes_path, ".md"):
        name = str(path.relative_to(content_path))
        note, trouble = read_note(path, display=name, root=content_path)
        notes += [note] if note else []
        problems += trouble
        reference = paper_reference(path, content_path) if trouble else None
        if reference:
            references.append((name, *reference))
    return notes, problems, references


def load_archive(content_path: str, config: Config, cache: BuildCache | None = None) -> Archive:
    """The archive of a content folder; ContentError lists every problem.

    With a cache, papers merged by an earlier build from the same listings
    (every file the same, byte for byte) are taken as they were.
    """
    names, readers, missing = listing_readers(content_path, config, cache)
    ids_file = Path(content_path) / config.arxiv_ids_path
    ids, id_problems = read_ids(ids_file, config.arxiv_ids_path)

    def merged() -> tuple[list[str], list[Paper], dict[str, Author], int, list[Problem]]:
        entries, problems = read_listings(readers, config, cache)
        problems = missing + id_problems + problems
        papers = merge(with_ids(entries, ids), config) if not problems else []
        return names, papers, authors_of(papers, config), len(entries), problems

    if cache is None:
        names, papers, authors, entries, problems = merged()
    else:
        # Every file by name and as read, the arXiv ids found for titles, and the
        # settings that give papers and authors their URLs.
        files = [key for key, _ in readers]
        urls = [config.paper_url, config.paper_save_as, config.author_url, config.author_save_as]
        found = (ids, id_problems)
        key = digest(names, files, config.listings_path, urls, config.author_min_papers, found)
        names, papers, authors, entries, problems = cache.remember("papers", key, merged)
        # Saved as they are now: the archive adds notes and tags to its papers.
        cache.keep("listings", beside=True)
        cache.keep("papers", beside=True)
    notes, trouble, references = read_notes(content_path, config)
    if not problems:  # the papers are known: every note is checked against them too
        topics = _compute(config, cache, "topics")
        archive = assemble(papers, entries, names, notes, config, topics, authors)
        problems = trouble + unknown_papers(references, papers) + archive.problems
        if not problems and config.related_papers:
            remember = functools.partial(cache.remember, "related") if cache else None
            archive.related = related_papers(
                archive.papers, remember, workers.jobs(config.jobs), config.related_papers
            )
    else:
        problems = problems + trouble
    if problems:
        line = summary(len(names), entries, errors=len(problems))
        raise ContentError(problems, f"{line}: nothing written")
    return archive


def load_papers(content_path: str, config: Config) -> list[Paper]:
    """The papers of the listings alone (no notes, tags or related papers):
    what writing a new note needs, whatever state the notes are in."""
    _, readers, problems = listing_readers(content_path, config)
    entries, trouble = read_listings(readers, config)
    ids, id_problems = read_ids(Path(content_path) / config.arxiv_ids_path, config.arxiv_ids_path)
    problems += trouble + id_problems
    if problems:
        raise ContentError(problems, f"{summary(len(readers), len(entries), errors=len(problems))}")
    return merge(with_ids(entries, ids), config)


def _compute(config: Config, cache: BuildCache | None, memo: str) -> Compute:
    """Tasks on every core, their results remembered in a memo of the cache."""
    remember = functools.partial(cache.remember, memo) if cache else None
    return functools.partial(workers.remembered, remember=remember, jobs=workers.jobs(config.jobs))
