"""The Pelican side: read the content, build the archive, write its pages."""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from jinja2 import FileSystemLoader
from markupsafe import Markup, escape
from pelican.generators import Generator
from pelican.log import console
from pelican.utils import path_to_url
from pelican.writers import get_relative_path

import pelican
from pelican import signals

from .. import THEME, files, latex
from ..archive.dates import long_date
from ..archive.model import ContentError
from ..config import PREFIX, Config, SettingsError
from ..digest import data_digest, digest, tree_digest
from ..search import index_of_parts, index_parts
from ..search.text import known_stems, stems
from ..site import kinds, markup, templating
from ..site.citation import bibtex
from ..site.feeds import feed_items
from ..site.kinds import Output, site_links
from ..site.layout import lay_out
from ..site.markup import math_html
from ..site.papers_json import papers_json, record_json
from ..site.records import Post, Titled, values_digest
from . import guard, workers
from .cache import BuildCache, settings_digest
from .fingerprints import Fingerprints
from .guard import Busy, OutputLock
from .load import load_archive

logger = logging.getLogger(__name__)


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


def _lines(error: Exception) -> list[str]:
    """What a build that stops says of the error."""
    if isinstance(error, workers.WorkerKilled):
        return [f"papershelf: {error}; the next build finishes the job"]
    return str(error).splitlines()


def _autoreloading() -> bool:
    """Whether this build runs inside `pelican --autoreload`."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is pelican.autoreload.__code__:
            return True
        frame = frame.f_back
    return False


def keep_out_of_pelican(settings: dict) -> None:
    """Keep Pelican from reading the listings and notes as articles or pages
    (a blog reads its whole content folder by default)."""
    own = [
        settings.get(PREFIX + "LISTINGS_PATH", Config.listings_path),
        settings.get(PREFIX + "NOTES_PATH", Config.notes_path),
    ]
    for setting in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        excluded = list(settings.get(setting) or [])
        settings[setting] = excluded + [path for path in own if path not in excluded]
    # DELETE_OUTPUT_DIRECTORY empties the output folder during the build: not its lock.
    retained = list(settings.get("OUTPUT_RETENTION") or [])
    settings["OUTPUT_RETENTION"] = retained + [guard.LOCK] * (guard.LOCK not in retained)


def template_folders(settings: dict, config: Config) -> list[str]:
    """Where papershelf's templates are looked for: a `papershelf/` folder in
    each of THEME_TEMPLATES_OVERRIDES, then (when papershelf's theme is the
    site's) those folders themselves, then papershelf's own."""
    overrides = list(settings.get("THEME_TEMPLATES_OVERRIDES") or [])
    folders = [str(Path(folder, "papershelf")) for folder in overrides]
    if not config.copy_static:  # Pelican's own pages use this theme too
        folders += overrides
    return [*folders, str(Path(THEME, "templates"))]


class PapershelfGenerator(Generator):
    """Builds the archive in `generate_context`; writes every file of every
    page kind (`site/kinds.py`) that is not as the last build left it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            self.config = Config.from_settings(self.settings)
        except SettingsError as error:
            _stop(error, [f"papershelf: {error}"])
        self.env.loader = FileSystemLoader(template_folders(self.settings, self.config))
        # Listing text reaches templates as str: escape everything by default.
        templating.install(self.env)
        # A build reads each template once; `pelican --autoreload` makes a new
        # generator, and so a new environment, for every build.
        self.env.auto_reload = False
        self.env.filters.update(
            listing_html=listing_html,
            listing_plain=listing_plain,
            preview=latex.preview,
            first_sentence=latex.first_sentence,
            long_date=long_date,
        )
        # Pure functions of their arguments, rendered once and placed many times.
        self.env.globals.update(paper_item=self._paper_item, tag_links=self._tag_links)
        self._tag_lists: dict[tuple, str] = {}
        self._prints: Fingerprints | None = None
        self.archive = self.layout = None
        try:
            self.lock = OutputLock.take(self.output_path)
        except Busy as error:
            _stop(error, [f"papershelf: {error}"])
        except OSError as error:
            _stop(error, [guard.cannot_write(error)])
        # Templates are part of each page's fingerprint; the code is the cache's key.
        code = tree_digest(Path(__file__).parent.parent, pattern="*.py")
        self.cache = BuildCache.open(self.settings, self.output_path, code)
        self.memos = workers.Memos(self.cache)
        if self.cache.path is not None:  # compiled templates too
            compiled = self.cache.path / "templates"
            compiled.mkdir(parents=True, exist_ok=True)
            self.env.bytecode_cache = templating.BytecodeCache(str(compiled), code)

    def _paper_item(self, paper, siteurl: str, preview_chars: int, show_date: bool) -> Markup:
        """A paper's list item, rendered once with a stand-in for SITEURL (and
        kept for the next build, by everything it is made from).

        Kept as UTF-8: an item shows "▲", and a text with a character past
        U+00FF takes two bytes for each of its characters (at 50,000 papers,
        150,000 items held in 280 MB instead of 140 MB)."""
        template, prints = "_paper_item.html", self._prints

        def render() -> bytes:
            html = self.env.get_template(template).render(
                paper=paper, SITEURL=_SITEURL, preview_chars=preview_chars, show_date=show_date
            )
            return html.encode()

        key = (paper.key, preview_chars, show_date)
        fingerprint = prints.common + prints.template(template) + paper.digest
        item = self.memos.remember_as("items", key, fingerprint, render)
        return _with_siteurl(item.decode(), siteurl)

    def _tag_links(self, tags, siteurl: str) -> Markup:
        """The theme's `tag_links` macro, rendered once per set of tags: every
        paper page and list item shows one, and papers share them."""
        key = tuple(tags)  # records compare by identity, one per tag
        if key not in self._tag_lists:
            macro = self.env.get_template("_macros.html").module.tag_links
            self._tag_lists[key] = str(macro(tags, _SITEURL))
        return _with_siteurl(self._tag_lists[key], siteurl)

    def _forget(self, pelican) -> None:
        """Let go of the archive once every page is written: under `pelican
        --autoreload`, Pelican keeps its generators' context from one build
        to the next."""
        self.archive = self.layout = None

    def generate_context(self):
        # Forked now, while this process is small: the search index is built there.
        self.apart = workers.Apart()
        try:
            with workers.keeping():  # a million objects, kept to the end
                self.archive = load_archive(self.path, self.config, self.cache)
                self.layout = lay_out(self.archive, self.config)
        except (ContentError, workers.WorkerKilled) as error:
            self.apart.close()
            self.cache.wait()
            self.lock.release()
            _stop(error, _lines(error))
        # What every page shows of the site, Pelican's own pages too.
        self.context["papershelf"] = site_links(self.config)
        signals.finalized.connect(self._forget)  # held weakly: it goes with this generator

    def generate_output(self, writer):
        try:
            self._generate_output(writer)
        except OSError as error:  # a full disk, a folder not writable
            _stop(error, [guard.cannot_write(error)])
        except workers.WorkerKilled as error:  # by the system, when memory ran out, say
            _stop(error, _lines(error))
        finally:
            self.apart.close()
            self.lock.release()

    def _generate_output(self, writer):
        archive, layout, config, cache = self.archive, self.layout, self.config, self.cache
        layout.posts = tuple(
            Post(a.title, a.url, a.date, a.locale_date) for a in self.context.get("articles", [])
        )
        # What every page shows besides its own values: settings and menu.
        menu = tuple(Titled(page.title, page.url) for page in self.context.get("pages", []))
        layout.pages = menu
        shared = {key: value for key, value in self.context.items() if key.isupper()}
        shared.update(pages=menu, papershelf=self.context["papershelf"])
        common = digest(settings_digest(self.settings), values_digest(menu, shared["papershelf"]))
        uses = functools.partial(cache.remember, "template uses")
        self._prints = prints = Fingerprints(self.env, common, uses)

        tasks: list[Callable[[], tuple]] = []  # one a file, run by `workers.run`
        search, templates = None, {"_paper_item"}
        for output in kinds.outputs(archive, layout, config):
            fingerprint = prints.of(output)
            if output.writer == "search":
                search = self._search_files(output, fingerprint)
            elif not cache.unchanged(output.save_as, fingerprint):
                write = getattr(self, "_write_" + output.writer)
                tasks.append(functools.partial(write, output, fingerprint, shared, writer))

            if output.template:
                templates.add(output.template)
        for name in templates:
            self.env.get_template(name + ".html")  # compiled once, before the processes part
        jobs = workers.jobs(config.jobs)
        if signals.content_written.receivers:
            jobs = 1  # another plugin follows the pages written: keep them in its process
        if search is None:
            self.apart.close()  # not wanted: before the processes that would share it
        written, search_result = self.memos.run(tasks, jobs, search, self._let_go)
        tasks.clear()
        cache.writing.update(written)
        search_summary = None
        if search_result:
            search_written, kept, search_summary = search_result
            cache.writing.update(search_written)
            cache.skipped += kept

        stale = cache.remove_stale()
        cache.save()
        workers.release()

        for warning in archive.warnings:
            logger.warning("papershelf: %s", warning)
        console.print(archive.summary())
        if cache.skipped or stale:
            console.print(
                f"papershelf: {len(cache.writing) - cache.skipped:,} files written, "
                f"{cache.skipped:,} unchanged, {len(stale):,} removed"
            )
        if search_summary:
            console.print(f"papershelf: {search_summary}")

    def _let_go(self) -> None:
        """Every list is written: save their items for the next build, and free them."""
        self.cache.keep("items")
        self.cache.keep("records")
        self.cache.keep("bibtex")
        self._tag_lists.clear()

    def _put(self, save_as: str, fingerprint: bytes, text: str | Iterable[str]) -> tuple:
        """Write a file and note it for the next build: what a task returns."""
        self.cache.journal(save_as)
        stat = files.write_text(os.path.join(self.output_path, save_as), text)  # noqa: PTH118
        return save_as, self.cache.wrote(save_as, fingerprint, stat)

    def _write_template(self, output: Output, fingerprint: bytes, shared: dict, writer) -> tuple:
        """What Pelican's `Writer.write_file` does for a page, less its
        bookkeeping: every page here has a path of its own. The template sees
        the settings, the menu and the page's values, nothing else."""
        context = {**shared, **output.values}
        if self.settings["RELATIVE_URLS"]:
            context["SITEURL"] = path_to_url(get_relative_path(output.save_as))
        context.update(output_file=output.save_as, url=output.url, page_name=output.url)
        if output.derive:
            context.update(output.derive(output.values))
        html = self.env.get_template(output.template + ".html").render(context)
        written = self._put(output.save_as, fingerprint, html)
        if signals.content_written.receivers:
            path = str(Path(self.output_path, output.save_as))
            signals.content_written.send(path, context=context)
        return written

    def _write_feed(self, output: Output, fingerprint: bytes, shared: dict, writer) -> tuple:
        items = feed_items(output.values["papers"], _abstract_html)
        title = output.values["title"]
        # Pelican's writer makes the feed (no path: it writes nothing) and it is
        # written here, whole or not at all, as every other file.
        feed = writer.write_feed(items, self.context, None, output.url, feed_title=title)
        written = self._put(output.save_as, fingerprint, feed.writeString("utf-8"))
        if signals.feed_written.receivers:
            path = str(Path(self.output_path, output.save_as))
            signals.feed_written.send(path, context=self.context, feed=feed)
        return written

    def _write_json(self, output: Output, fingerprint: bytes, shared: dict, writer) -> tuple:
        siteurl = self.config.site_root

        def record(paper, notes) -> str:
            # Digests side by side: each is a fixed 16 bytes, and the URL comes last.
            made_of = b"".join([paper.digest, *(note.digest for note in notes), siteurl.encode()])
            return self.memos.remember_as(
                "records", paper.key, made_of, lambda: record_json(paper, notes, siteurl)
            )

        values = output.values
        return self._put(
            output.save_as, fingerprint, papers_json(values["papers"], values["notes"], record)
        )

    def _write_file(self, output: Output, fingerprint: bytes, shared: dict, writer) -> tuple:
        return self._put(output.save_as, fingerprint, output.values["text"])

    def _write_bib(self, output: Output, fingerprint: bytes, shared: dict, writer) -> tuple:
        root = self.config.site_root

        def entry(paper) -> str:
            made_of = paper.digest + root.encode()
            page_url = f"{root}/{paper.url}" if root else ""
            return self.memos.remember_as(
                "bibtex", paper.key, made_of, lambda: bibtex(paper, page_url)
            )

        entries = (entry(paper) for paper in output.values["papers"])
        return self._put(output.save_as, fingerprint, _separated(entries))

    def _search_files(self, output: Output, fingerprint: bytes) -> Callable | None:
        """The job that builds the search files, if any changed: they are
        written in the process that builds them."""
        cache, config = self.cache, self.config
        listed = cache.recall("search files", fingerprint)  # {save_as: fingerprint}
        if listed is not None and all(cache.current(n, f) for n, f in listed.items()):
            for save_as, file_fingerprint in listed.items():
                cache.unchanged(save_as, file_fingerprint)
            return None
        values = output.values

        def search_files() -> tuple[list[tuple], int, str]:
            """The files (written or not), how many were left as they were,
            and a line for the summary."""
            memos = (cache.path, cache.key, cache.output, cache.load)
            built = self.apart.call(_search_index, memos, index_parts(values))
            folder = posixpath.dirname(config.search_index_save_as)
            files, kept, fingerprints, summary = [], 0, {}, ""
            for name, text in built:
                if name is None:
                    summary = text
                    continue
                save_as = posixpath.join(folder, name)
                if name == "index.json":
                    save_as = config.search_index_save_as
                fingerprints[save_as] = file_fingerprint = data_digest(text.encode())
                if cache.unchanged(save_as, file_fingerprint):
                    files.append((save_as, cache.writing[save_as]))
                    kept += 1
                else:
                    files.append(self._put(save_as, file_fingerprint, text))
            cache.remember("search files", fingerprint, lambda: fingerprints)
            cache.keep("search files")
            return files, kept, summary

        return search_files


def _search_index(memos: tuple, parts: Iterator) -> Iterator[tuple[str | None, str]]:
    """The search files of the `search files` kind's values, sent in parts
    (see `index_parts`), built in a process of their own (`workers.Apart`):
    each file as (name, text), then (None, the line for the summary). The
    words and stems of the last build come from the cache's memos, and go
    back to them (`memos`: the cache's folder, key, output and loading)."""
    cache = BuildCache(*memos)
    known = cache.recall("search stems", b"") or {}
    known_stems(known)
    with workers.without_collection():  # millions of words come and go
        built = index_of_parts(parts, cache.recall("search words", b""))
        cache.store("search words", b"", built.known)
        cache.keep("search words")
        if len(stems()) != len(known):
            cache.store("search stems", b"", dict(stems()))
            cache.keep("search stems")
    files = built.files
    for name in list(files):
        yield name, files.pop(name)  # let go of each once sent
    yield None, built.summary


@functools.lru_cache(maxsize=4096)  # feeds share papers: at most feed_size a feed
def _abstract_html(paper) -> Markup:
    return Markup(markup.abstract_html(paper.abstract))


def _separated(entries: Iterable[str]) -> Iterator[str]:
    """Entries with a blank line between them."""
    for number, text in enumerate(entries):
        yield "\n" + text if number else text
