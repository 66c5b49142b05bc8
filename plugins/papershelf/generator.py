"""The Pelican side: read the content, build the archive, write its pages."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pelican
from markupsafe import Markup
from pelican.generators import Generator
from pelican.log import console

from . import latex, markup
from .archive import Archive, build, summary
from .config import Config, SettingsError
from .export import papers_json
from .feeds import feed_items
from .links import paper_links
from .listing import content_files, listing_files, read_listing
from .markup import Renderer, math_html, pygments_css
from .model import ContentError, Entry, Note, Problem
from .notes import new_note_url, read_note, source_url
from .pages import lay_out
from .search import build_search_index

logger = logging.getLogger(__name__)


def read_content(content_path: str, config: Config):
    """Every entry and note below the content folder, every problem, and the
    listing files read."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    folder = Path(content_path) / config.listings_path
    if not folder.is_dir():
        message = 'no such folder: daily listings go there (see the README, "Adding a listing")'
        problems.append(Problem(str(Path(config.listings_path)), 0, message))
    files = listing_files(folder)
    listings = [str(path.relative_to(content_path)) for path in files]
    for path, name in zip(files, listings, strict=True):
        found, trouble = read_listing(path, display=name)
        entries += found
        problems += trouble
    notes: list[Note] = []
    for path in content_files(Path(content_path) / config.notes_path, ".md"):
        note, trouble = read_note(path, display=str(path.relative_to(content_path)))
        notes += [note] if note else []
        problems += trouble
    return entries, notes, problems, listings


def load_archive(content_path: str, config: Config) -> Archive:
    """The archive of a content folder; ContentError lists every problem."""
    entries, notes, problems, listings = read_content(content_path, config)
    archive = build(entries, config, listings, notes) if not problems else None
    problems += archive.problems if archive else []
    if problems:
        line = summary(len(listings), len(entries), errors=len(problems))
        raise ContentError(problems, f"{line}: nothing written")
    return archive


# Jinja filters: listing text is never markup, so it reaches pages only through these.
def listing_html(text: str) -> Markup:
    return Markup(latex.html(text, math=math_html))


def listing_plain(text: str) -> str:
    return latex.plain(text)


def long_date(date) -> str:
    return f"{date:%B} {date.day}, {date.year}"


# Stands for SITEURL in fragments shared by pages at different depths.
_SITEURL = "\x00siteurl\x00"


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
        self.env.autoescape = True
        self.env.filters.update(
            listing_html=listing_html,
            listing_plain=listing_plain,
            preview=latex.preview,
            long_date=long_date,
        )
        self.env.globals.update(
            paper_links=paper_links, note_source_url=self._source_url, paper_item=self._paper_item
        )
        self._items: dict[tuple, str] = {}
        try:
            self.config = Config.from_settings(self.settings)
        except SettingsError as error:
            _stop(error, [f"papershelf: {error}"])
        self.site = None

    def _paper_item(self, paper, siteurl: str, preview_chars: int, show_date: bool) -> Markup:
        """A paper's list item, rendered once with a stand-in for SITEURL."""
        key = (paper.key, preview_chars, show_date)
        if key not in self._items:
            self._items[key] = self.get_template("_paper_item").render(
                paper=paper, SITEURL=_SITEURL, preview_chars=preview_chars, show_date=show_date
            )
        return Markup(self._items[key].replace(_SITEURL, siteurl))

    def _source_url(self, note) -> str:
        return source_url(self.config, note)

    def generate_context(self):
        try:
            archive = load_archive(self.path, self.config)
        except ContentError as error:
            _stop(error, str(error).splitlines())
        self.site = lay_out(archive, self.config)
        self.context["papershelf"] = self.site

    def generate_output(self, writer):
        site, config = self.site, self.config
        relative = self.settings["RELATIVE_URLS"]

        def write(save_as, template, url, **values):
            writer.write_file(
                save_as,
                self.get_template(template),
                self.context,
                relative_urls=relative,
                url=url,
                page_name=url,
                **values,
            )

        render = Renderer()
        abstracts: dict[str, Markup] = {}

        def abstract_html(paper) -> Markup:
            if paper.key not in abstracts:
                abstracts[paper.key] = Markup(markup.abstract_html(paper.abstract))
            return abstracts[paper.key]

        for paper in site.archive.papers:
            notes = [
                (note, Markup(render(note.body, ids=f"note-{n}-")))
                for n, note in enumerate(paper.notes, start=1)
            ]
            write(
                paper.save_as,
                "paper",
                paper.url,
                paper=paper,
                day=site.day(paper),
                content=abstract_html(paper),
                notes=notes,
                new_note_url=new_note_url(config, paper),
            )
        for day in site.days:
            write(day.save_as, "date", day.url, day=day)
        for month in site.months:
            write(month.save_as, "month", month.url, month=month)
        for year in site.years:
            write(year.save_as, "year", year.url, year=year)
        for page in site.tag_pages:
            write(page.save_as, "tag", page.url, tag=page.tag, tag_page=page)
        for curator in site.archive.curators:
            write(curator.save_as, "curator", curator.url, curator=curator)
        write(config.tags_save_as, "tags", config.tags_url)
        write(config.search_save_as, "search", config.search_url)
        write(config.curated_save_as, "curated", config.curated_url)
        write(config.curators_save_as, "curators", config.curators_url)
        write(config.dates_save_as, "dates", site.dates_url)
        write(config.home_save_as, "home", "")

        feeds = [(site.archive.papers, config.feed_save_as, config.feed_url, None)]
        feeds += [(tag.papers, tag.feed_save_as, tag.feed_url, tag.name) for tag in site.tags]
        for papers, save_as, url, title in feeds:
            items = feed_items(papers, config.feed_size, abstract_html)
            writer.write_feed(items, self.context, save_as, url, feed_title=title)

        output = Path(self.output_path)
        siteurl = "" if relative else self.settings["SITEURL"]
        _write_text(output / config.export_save_as, papers_json(site.archive.papers, siteurl))
        search = build_search_index(site.archive.papers, config.search_budget)
        _write_text(output / config.search_index_save_as, search.index)
        _write_text(output / config.search_documents_save_as, search.documents)
        css = pygments_css(config.pygments_style, config.pygments_dark_style)
        _write_text(output / self.settings["THEME_STATIC_DIR"] / "css" / "pygments.css", css)

        for warning in site.archive.warnings:
            logger.warning("papershelf: %s", warning)
        console.print(site.archive.summary())
        console.print(
            f"papershelf: search index of {search.mode}: {search.raw_bytes:,} bytes, "
            f"{search.gzip_bytes:,} gzipped"
        )


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
