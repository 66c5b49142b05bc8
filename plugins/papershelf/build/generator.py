"""The Pelican side: read the content, build the archive, write its pages."""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import logging
import os
import posixpath
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pelican
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from pelican.log import console
from pelican.utils import path_to_url
from pelican.writers import get_relative_path

from ..archive import Archive, assemble, merge, summary
from ..archive.dates import long_date
from ..archive.model import ContentError, Entry, Note, Paper, Problem
from ..config import Config, SettingsError
from ..read import latex
from ..read.listing import content_files, listing_files, listing_reader
from ..read.notes import new_note_url, read_note, source_url
from ..search import build_search_index
from ..search.text import known_stems, stems
from ..site import markup, templating
from ..site.feeds import feed_items
from ..site.layout import lay_out
from ..site.links import paper_links
from ..site.markup import Renderer, math_html, pygments_css
from ..site.papers_json import papers_json, record_json
from . import workers
from .cache import BuildCache, data_digest, digest, settings_digest, tree_digest
from .fingerprints import Fingerprints

logger = logging.getLogger(__name__)
T = TypeVar("T")


def listing_readers(content_path: str, config: Config) -> tuple[list[str], list, list[Problem]]:
    """The listing files below the content folder (relative names), each read
    now (see `listing_reader`: the key its entries are remembered by, and its
    parser), and the problem of a missing folder."""
    problems: list[Problem] = []
    folder = Path(content_path) / config.listings_path
    if not folder.is_dir():
        message = 'no such folder: daily listings go there (see the README, "Adding a listing")'
        problems.append(Problem(str(Path(config.listings_path)), 0, message))
    files = listing_files(folder)
    names = [str(path.relative_to(content_path)) for path in files]
    readers = [listing_reader(path, display=name) for path, name in zip(files, names, strict=True)]
    return names, readers, problems


def read_listings(readers: list, config: Config, cache: BuildCache | None = None):
    """The entries of the listings and every problem in them. With a cache,
    unchanged files are not parsed; the others are parsed on every core."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    remember = functools.partial(cache.remember, "listings") if cache else None
    keys, tasks = [key for key, _ in readers], [parse for _, parse in readers]
    for found, trouble in workers.remembered(keys, tasks, remember, workers.jobs(config.jobs)):
        entries += found
        problems += trouble
    return entries, problems


def read_notes(content_path: str, config: Config) -> tuple[list[Note], list[Problem]]:
    notes: list[Note] = []
    problems: list[Problem] = []
    for path in content_files(Path(content_path) / config.notes_path, ".md"):
        note, trouble = read_note(path, display=str(path.relative_to(content_path)))
        notes += [note] if note else []
        problems += trouble
    return notes, problems


def load_archive(content_path: str, config: Config, cache: BuildCache | None = None) -> Archive:
    """The archive of a content folder; ContentError lists every problem.

    With a cache, papers merged by an earlier build from the same listings
    (every file the same, byte for byte) are taken as they were.
    """
    names, readers, missing = listing_readers(content_path, config)

    def merged() -> tuple[list[str], list[Paper], int, list[Problem]]:
        entries, problems = read_listings(readers, config, cache)
        problems = missing + problems
        return names, merge(entries, config) if not problems else [], len(entries), problems

    if cache is None:
        names, papers, entries, problems = merged()
    else:
        # Every file by name and as read, and the settings that give papers their URLs.
        files = [key for key, _ in readers]
        key = digest(names, files, config.listings_path, config.paper_url, config.paper_save_as)
        names, papers, entries, problems = cache.remember("papers", key, merged)
        # Saved as they are now: the archive adds notes and tags to its papers.
        cache.keep("listings", beside=True)
        cache.keep("papers", beside=True)
    readers.clear()  # the files' bytes
    notes, trouble = read_notes(content_path, config)
    problems = problems + trouble
    if not problems:
        remember = functools.partial(cache.remember, "topics") if cache else None
        archive = assemble(papers, entries, names, notes, config, remember)
        problems += archive.problems
    if problems:
        line = summary(len(names), entries, errors=len(problems))
        raise ContentError(problems, f"{line}: nothing written")
    return archive


# Jinja filters: listing text is never markup, so it reaches pages only through these.
def listing_html(text: str) -> Markup:
    return Markup(latex.html(text, math=math_html))


def listing_plain(text: str) -> str:
    return latex.plain(text)


# Stands for SITEURL in fragments shared by pages at different depths.
_SITEURL = "\x00siteurl\x00"


def _with_siteurl(fragment: str, siteurl: str) -> Markup:
    return Markup(fragment.replace(_SITEURL, escape(siteurl)))


def _stop(error: Exception, lines: list[str]) -> None:
    """Report what is wrong in plain lines and stop the build.

    A plain build exits 1 without a traceback; under `pelican --autoreload`
    the error is raised, so Pelican logs it and waits for the next change.
    """
    for line in lines:
        print(line, file=sys.stderr)
    if _autoreloading():
        raise error
    raise SystemExit(1) from None


def _autoreloading() -> bool:
    """Whether this build runs inside `pelican --autoreload`."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is pelican.autoreload.__code__:
            return True
        frame = frame.f_back
    return False


class PapershelfGenerator(Generator):
    """Builds the archive in `generate_context` and writes its pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Listing text reaches templates as str: escape everything by default.
        templating.install(self.env)
        # A build reads each template once; `pelican --autoreload` makes a new
        # generator, and so a new environment, for every build.
        self.env.auto_reload = False
        self.env.filters.update(
            listing_html=listing_html,
            listing_plain=listing_plain,
            preview=latex.preview,
            long_date=long_date,
        )
        self.env.globals.update(
            paper_links=paper_links,
            note_source_url=self._source_url,
            paper_item=self._paper_item,
            tag_links=self._tag_links,
        )
        self._items: dict[tuple, str] = {}
        self._tag_lists: dict[tuple, str] = {}
        # Memo -> name -> (fingerprint, value) computed by this process: see `_remember_as`.
        self._fresh: dict[str, dict] = {}
        self._shows: Fingerprints | None = None  # what each page shows, once the site is laid out
        try:
            self.config = Config.from_settings(self.settings)
        except SettingsError as error:
            _stop(error, [f"papershelf: {error}"])
        self.site = None
        # Code or templates changed: nothing cached can be trusted.
        templates = [Path(self.theme, "templates"), *self.settings["THEME_TEMPLATES_OVERRIDES"]]
        code = tree_digest(Path(__file__).parent.parent, *templates)
        self.cache = BuildCache.open(self.settings, self.output_path, code)
        if self.cache.path is not None:  # compiled templates too
            compiled = self.cache.path / "templates"
            compiled.mkdir(parents=True, exist_ok=True)
            self.env.bytecode_cache = templating.BytecodeCache(str(compiled), code)

    def _paper_item(self, paper, siteurl: str, preview_chars: int, show_date: bool) -> Markup:
        """A paper's list item, rendered once with a stand-in for SITEURL (and
        kept for the next build, by the paper's fingerprint)."""
        key = (paper.key, preview_chars, show_date)
        if key not in self._items:

            def render() -> str:
                return self.get_template("_paper_item").render(
                    paper=paper, SITEURL=_SITEURL, preview_chars=preview_chars, show_date=show_date
                )

            fingerprint = self._shows.item(paper) if self._shows else None
            if fingerprint is None:
                self._items[key] = render()
            else:
                self._items[key] = self._remember_as("items", key, fingerprint, render)
        return _with_siteurl(self._items[key], siteurl)

    def _remember_as(self, memo: str, name, fingerprint: bytes, compute: Callable[[], T]) -> T:
        """`cache.remember_as`, noting what this process computes: a process
        forked by `_run` saves it for the next build as a shard of the memo."""

        def fresh() -> T:
            value = compute()
            self._fresh.setdefault(memo, {})[name] = (fingerprint, value)
            return value

        return self.cache.remember_as(memo, name, fingerprint, fresh)

    def _tag_links(self, tags, siteurl: str) -> Markup:
        """The theme's `tag_links` macro, rendered once per set of tags: every
        paper page and list item shows one, and papers share them."""
        key = tuple(tags)  # tags compare by identity, one per name
        if key not in self._tag_lists:
            macro = self.get_template("_macros").module.tag_links
            self._tag_lists[key] = str(macro(tags, _SITEURL))
        return _with_siteurl(self._tag_lists[key], siteurl)

    def _run(self, tasks: list, search_index: Callable | None) -> tuple:
        """The tasks on every core (see workers.py), the search index beside
        them. What list items and export records each process computed, it
        saves for the next build once its tasks are done."""
        jobs = workers.jobs(self.config.jobs)
        if signals.content_written.receivers:
            jobs = 1  # another plugin follows the pages written: keep them in its process
        for name in ("paper", "_paper_item", "date", "month", "tag"):
            self.get_template(name)  # compiled once, before the processes part
        self._fresh = {}
        results, side, _ = workers.run(tasks, jobs, search_index, self._save_fresh, self._save)
        self._fresh = {}
        return results, side

    def _save_fresh(self) -> None:
        """In another process: save what it computed (see `BuildCache.shard`),
        letting go of it as it goes."""
        self._items.clear()
        for memo, fresh in self._fresh.items():
            self.cache.shard(memo, fresh)

    def _save(self) -> None:
        """In this process: every list is written, so save and free their items."""
        self.cache.keep("items")
        self.cache.keep("records")
        self._items.clear()
        self._tag_lists.clear()

    def _forget(self, pelican) -> None:
        """Take the site out of the context once every page is written: Pelican
        keeps its own pages, and the context they hold, from one build to the
        next under `pelican --autoreload`, and with them the whole archive."""
        self.context.pop("papershelf", None)

    def _source_url(self, note) -> str:
        return source_url(self.config, note)

    def generate_context(self):
        try:
            with _without_collection():  # a million objects, kept to the end
                archive = load_archive(self.path, self.config, self.cache)
                # Out of the collector's sight before it is on again: its next
                # pass would walk every object made since it was turned off.
                gc.freeze()
        except ContentError as error:
            self.cache.wait()
            _stop(error, str(error).splitlines())
        self.site = lay_out(archive, self.config)
        self.context["papershelf"] = self.site
        signals.finalized.connect(self._forget)  # held weakly: it goes with this generator
        gc.freeze()

    def generate_output(self, writer):
        site, config, cache = self.site, self.config, self.cache
        relative = self.settings["RELATIVE_URLS"]
        output = Path(self.output_path)
        # What every page shows besides its own content: settings and menu.
        pages = [_MenuPage(page) for page in self.context.get("pages", [])]
        common = digest(settings_digest(self.settings), [(page.title, page.url) for page in pages])
        shows = Fingerprints(site, common, self.context.get("articles", []))
        self._shows = shows

        tasks: list[Callable[[], tuple]] = []  # one a file, run by `workers.run`

        def put(save_as: str, fingerprint: bytes, text: str | Iterable[str]) -> tuple:
            """Write a file and note it for the next build: what a task returns."""
            return save_as, cache.wrote(save_as, fingerprint, _write_text(output / save_as, text))

        siteurl = "" if relative else self.settings["SITEURL"]

        def record(paper) -> str:
            fingerprint = shows.paper(paper) + siteurl.encode()
            return self._remember_as(
                "records", paper.key, fingerprint, lambda: record_json(paper, siteurl)
            )

        def export() -> tuple:
            return put(
                config.export_save_as, exported, papers_json(site.archive.papers, siteurl, record)
            )

        exported = shows.of("export", shows.shown(site.archive.papers))
        if not cache.unchanged(config.export_save_as, exported):
            tasks.append(export)  # first: the longest task, best not left to the end

        def write(save_as, template, url, fingerprint: bytes, lazy=None, **values):
            """Render and write a page unless it is as the last build wrote it
            from the same inputs. `lazy()` gives values worth computing only
            for a page that is written."""
            if not cache.unchanged(save_as, fingerprint):
                tasks.append(lambda: render(save_as, template, url, fingerprint, lazy, values))

        def render(save_as, template, url, fingerprint, lazy, values) -> tuple:
            """What Pelican's `Writer.write_file` does for a page, less its
            bookkeeping: every page here has a path of its own."""
            context = {**self.context, "localsiteurl": self.context.get("localsiteurl")}
            if relative:
                context["SITEURL"] = context["localsiteurl"] = path_to_url(
                    get_relative_path(save_as)
                )
            context.update(output_file=save_as, url=url, page_name=url, pages=pages, **values)
            context.update(lazy() if lazy else ())
            written = put(save_as, fingerprint, self.get_template(template).render(context))
            if signals.content_written.receivers:
                signals.content_written.send(str(output / save_as), context=context)
            return written

        note_html = Renderer()

        abstracts: dict[str, Markup] = {}  # feeds share papers: at most feed_size per feed

        def abstract_html(paper) -> Markup:
            if paper.key not in abstracts:
                abstracts[paper.key] = Markup(markup.abstract_html(paper.abstract))
            return abstracts[paper.key]

        def paper_values(paper) -> dict:
            notes = [
                (note, Markup(note_html(note.body, ids=f"note-{n}-")))
                for n, note in enumerate(paper.notes, start=1)
            ]
            return {
                "content": Markup(markup.abstract_html(paper.abstract)),
                "notes": notes,
                "new_note_url": new_note_url(config, paper),
            }

        for paper in site.archive.papers:
            lazy = functools.partial(paper_values, paper)
            fingerprint = shows.paper(paper)
            write(
                paper.save_as,
                "paper",
                paper.url,
                fingerprint,
                lazy,
                paper=paper,
                day=site.day(paper),
            )
        for day in site.days:
            write(day.save_as, "date", day.url, shows.day(day), day=day)
        for month in site.months:
            write(month.save_as, "month", month.url, shows.month(month), month=month)
        for year in site.years:
            write(year.save_as, "year", year.url, shows.dates(), year=year)
        for page in site.tag_pages:
            fingerprint = shows.tag_page(page)
            write(page.save_as, "tag", page.url, fingerprint, tag=page.tag, tag_page=page)
        for curator in site.archive.curators:
            write(curator.save_as, "curator", curator.url, shows.curator(curator), curator=curator)
        write(config.tags_save_as, "tags", config.tags_url, shows.tags())
        write(config.search_save_as, "search", config.search_url, shows.search_page())
        write(config.curated_save_as, "curated", config.curated_url, shows.curated())
        write(config.curators_save_as, "curators", config.curators_url, shows.curators())
        write(config.dates_save_as, "dates", site.dates_url, shows.dates())
        write(config.home_save_as, "home", "", shows.home())

        def feed(feed_papers, save_as, url, title, fingerprint) -> tuple:
            items = feed_items(feed_papers, config.feed_size, abstract_html)
            writer.write_feed(items, self.context, save_as, url, feed_title=title)
            return save_as, cache.wrote(save_as, fingerprint)

        feeds = [(site.archive.papers, config.feed_save_as, config.feed_url, None)]
        feeds += [(tag.papers, tag.feed_save_as, tag.feed_url, tag.name) for tag in site.tags]
        for feed_papers, save_as, url, title in feeds:
            newest = feed_papers[: config.feed_size]
            fingerprint = shows.feed(url, title, newest)
            if not cache.unchanged(save_as, fingerprint):
                tasks.append(functools.partial(feed, newest, save_as, url, title, fingerprint))

        searched = shows.search()
        listed = cache.recall("search files", searched)  # {save_as: fingerprint}
        search_index = None
        if listed is not None and all(cache.current(n, f) for n, f in listed.items()):
            for save_as, fingerprint in listed.items():
                cache.unchanged(save_as, fingerprint)
        else:

            def search_index() -> tuple[list[tuple], int, str]:
                """Build the search files and write those that changed, in the
                process that builds them: the files (written or not), how
                many were left as they were, and a line for the summary."""
                remember = functools.partial(cache.remember, "search words")
                tag_urls = {tag.name: tag.url for tag in site.tags}
                known = cache.recall("search stems", b"") or {}
                known_stems(known)
                with _without_collection():  # lists of words, millions
                    built = build_search_index(site.archive.papers, tag_urls, remember)
                    cache.keep("search words")
                    if len(stems()) != len(known):
                        cache.store("search stems", b"", dict(stems()))
                        cache.keep("search stems")
                folder = posixpath.dirname(config.search_index_save_as)
                files, kept, fingerprints = [], 0, {}
                for name, text in built.files.items():
                    is_manifest = name == "index.json"
                    save_as = (
                        config.search_index_save_as if is_manifest else posixpath.join(folder, name)
                    )
                    fingerprints[save_as] = fingerprint = data_digest(text.encode())
                    if cache.unchanged(save_as, fingerprint):
                        files.append((save_as, cache.writing[save_as]))
                        kept += 1
                    else:
                        files.append(put(save_as, fingerprint, text))
                cache.remember("search files", searched, lambda: fingerprints)
                cache.keep("search files")
                return files, kept, built.summary

        written, search_result = self._run(tasks, search_index)
        tasks.clear()
        cache.writing.update(written)
        search_summary = None
        if search_result:
            search_written, kept, search_summary = search_result
            cache.writing.update(search_written)
            cache.skipped += kept

        css = pygments_css(config.pygments_style, config.pygments_dark_style)
        _write_text(output / self.settings["THEME_STATIC_DIR"] / "css" / "pygments.css", css)

        stale = cache.remove_stale()
        cache.save()
        gc.unfreeze()  # under `pelican --autoreload`, this archive is garbage after the next build
        # A process that exits next would walk the archive's million objects in
        # its last collection (a third of a second at 10,000 papers), only to
        # free memory that the system takes back anyway.
        atexit.unregister(gc.freeze)
        atexit.register(gc.freeze)

        for warning in site.archive.warnings:
            logger.warning("papershelf: %s", warning)
        console.print(site.archive.summary())
        if cache.skipped or stale:
            console.print(
                f"papershelf: {len(cache.writing) - cache.skipped:,} files written, "
                f"{cache.skipped:,} unchanged, {len(stale):,} removed"
            )
        if search_summary:
            console.print(f"papershelf: {search_summary}")


@contextlib.contextmanager
def _without_collection():
    """No cycle collection while many objects are made that hold no cycles, or
    are kept to the end: the collector would walk them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _MenuPage:
    """A Pelican page as our templates see it: Pelican works its URL out anew
    each time it is asked, and every page we write shows it in the menu."""

    def __init__(self, page):
        self._page = page
        self.url = page.url

    def __getattr__(self, name: str):
        return getattr(self._page, name)


# Bytes as rendered, with no newline translation on Windows either.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _write_text(path: Path, text: str | Iterable[str]) -> os.stat_result:
    """Write the text (a string, or its pieces) as UTF-8; the file's size and
    time. Through `os` rather than `open`, whose text file object costs a
    third of a page's file: a folder and its file took 140 microseconds, and
    95 this way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, _CREATE, 0o666)
    try:
        for chunk in [text] if isinstance(text, str) else _batched(text):
            data = memoryview(chunk.encode("utf-8"))
            while data:  # a write may take less than it is given
                data = data[os.write(descriptor, data) :]
        return os.fstat(descriptor)
    finally:
        os.close(descriptor)


def _batched(pieces: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """Pieces joined into strings of about `size` characters: few writes, and
    never the whole text (papers.json) in memory at once."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)
