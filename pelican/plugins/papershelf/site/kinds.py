"""Every kind of page and file the site has, in one registry.

A kind says which pages exist (paths from the URL settings), the template
that renders them and the values it is given: records (see `records.py`)
and nothing else, so that what a page shows is what its fingerprint covers.
Values worth computing only for a page that is written (HTML of an
abstract) come from `derive(values)`, which may use nothing but the values and
the settings.

To add a kind: a function here that yields its outputs, an entry in KINDS,
a template, and its URL settings in config.py (see CONTRIBUTING.md).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from .. import THEME
from ..archive import Archive
from ..config import Config
from ..read.notes import new_note_url
from . import citation, markup, records, stats
from .layout import Layout, neighbours, paginate
from .sitemap import robots_txt, sitemap_files

Values = dict


class Output(NamedTuple):
    """One file of the site, and everything it is made from."""

    save_as: str
    values: Values
    template: str = ""  # rendered with this template of the theme, or:
    writer: str = "template"  # "feed" (Pelican's feed writer), "json", "search"
    url: str = ""
    derive: Callable[[Values], Values] | None = None
    lastmod: dt.date | None = None  # when what it shows last changed (for the sitemap)
    in_sitemap: bool = True  # a page of the site (the 404 page is not)


@dataclass(frozen=True)
class Kind:
    name: str
    outputs: Callable[[Archive, Layout, Config], Iterable[Output]]


def papers(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    derive = functools.partial(_paper_html, config)  # settings: in every fingerprint
    shown = layout.papers
    for paper in archive.papers:
        values = {
            "paper": layout.papers[paper.key],
            "day": layout.day_of[paper.date],
            "notes": layout.notes.get(paper.key, ()),
            # The page of each sighting's day, or "" (plain strings: digested fast).
            "seen_urls": tuple(_day_url(layout, s.snapshot) for s in paper.sightings),
            # Neighbours within the day, as the archive orders it.
            "previous": shown[paper.previous.key] if paper.previous else None,
            "next": shown[paper.next.key] if paper.next else None,
            # Records the build has already made and digested, rather than
            # links of their own: their pages are rendered again a little more
            # often (a related paper's upvotes changed), every build is faster.
            "related": tuple(shown[other.key] for other in archive.related.get(paper.key, ())),
        }
        yield Output(
            paper.save_as,
            values,
            "paper",
            url=paper.url,
            derive=derive,
            lastmod=layout.updated[paper.key],
        )


def _day_url(layout: Layout, date) -> str:
    day = layout.day_of.get(date)
    return day.url if day else ""


def _paper_html(config: Config, values: Values) -> Values:
    render, paper = _note_renderer(), values["paper"]
    page_url = f"{config.site_root}/{paper.url}" if config.site_root else ""
    return {
        "bibtex": citation.bibtex(paper, page_url),
        "history": stats.upvote_history(paper),
        "json_ld": Markup(citation.json_ld(paper, page_url)),
        "new_note_url": new_note_url(config, paper, paper.note_count),
        "content": Markup(markup.abstract_html(paper.abstract)),
        "note_html": [Markup(render(n.body, ids=f"note-{n.number}-")) for n in values["notes"]],
    }


@functools.cache
def _note_renderer() -> markup.Renderer:
    return markup.Renderer()  # one Markdown instance, reused


def days(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    for newer, day, older in neighbours(layout.days):
        values = {"day": day, "newer": _dated(newer), "older": _dated(older)}
        save_as = config.date_save_as.format(date=day.date)
        updated = layout.newest_of_days([day])
        yield Output(save_as, values, "date", url=day.url, lastmod=updated)


def _dated(item) -> records.Dated | None:
    return records.Dated(item.date, item.url) if item else None


def months(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    for month in layout.months:
        save_as = config.month_save_as.format(date=month.date)
        updated = layout.newest_of_days(month.days)
        yield Output(save_as, {"month": month}, "month", url=month.url, lastmod=updated)


def years(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    for year in layout.years:
        save_as = config.year_save_as.format(date=year.date)
        updated = layout.newest_of_days([day for month in year.months for day in month.days])
        yield Output(save_as, {"year": year}, "year", url=year.url, lastmod=updated)


def top_lists(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    for period, tops in (("week", layout.top_weeks), ("month", layout.top_months)):
        save_as = config.top_week_save_as if period == "week" else config.top_month_save_as
        for newer, top, older in neighbours(tops):
            values = {"top": top, "newer": _dated(newer), "older": _dated(older)}
            updated = layout.newest(top.papers)
            yield Output(save_as.format(date=top.date), values, "top", url=top.url, lastmod=updated)


def dates(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    values = {"years": tuple(layout.years), "paper_count": len(archive.papers)}
    values["day_count"] = len(layout.days)
    yield Output(
        config.dates_save_as, values, "dates", url=config.dates_url, lastmod=layout.newest()
    )


def tags(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    for tag in archive.tags:
        shown = layout.tags[tag.name]
        trend = stats.tag_trend(tag.papers, layout, tag.name)
        chunks = paginate(layout.shown(tag.papers), config.tag_page_size)
        pages = [records.Numbered(1, tag.url)] + [
            records.Numbered(number, config.tag_page_url.format(slug=tag.slug, number=number))
            for number in range(2, len(chunks) + 1)
        ]
        for (before, page, after), chunk in zip(neighbours(pages), chunks, strict=True):
            save_as = tag.save_as
            if page.number > 1:
                save_as = config.tag_page_save_as.format(slug=tag.slug, number=page.number)
            values = {
                "tag": shown,
                "trend": trend,
                "papers": chunk,
                "page": page,
                "page_count": len(pages),
                "previous": before,
                "next": after,
            }
            yield Output(save_as, values, "tag", url=page.url, lastmod=layout.newest(chunk))


def tag_index(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    by_name = tuple(layout.tags.values())
    values = {
        "tags": by_name,
        "tags_by_count": tuple(sorted(by_name, key=lambda tag: -tag.count)),
        "paper_count": len(archive.papers),
    }
    yield Output(config.tags_save_as, values, "tags", url=config.tags_url, lastmod=layout.newest())


def authors(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    for author in dict.fromkeys(archive.authors.values()):
        values = {"author": author.name, "papers": layout.shown(author.papers)}
        updated = layout.newest(values["papers"])
        yield Output(author.save_as, values, "author", url=author.url, lastmod=updated)


def curators(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    for curator in archive.curators:
        notes = tuple(layout.notes[n.paper.key][n.paper.notes.index(n)] for n in curator.notes)
        values = {"curator": records.Named(curator.name, curator.url), "notes": notes}
        updated = max((n.date for n in notes if n.date), default=None)
        yield Output(curator.save_as, values, "curator", url=curator.url, lastmod=updated)


def curator_index(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    counts = tuple(records.Counted(c.name, c.url, len(c.notes)) for c in archive.curators)
    updated = max((n.date for n in archive.notes if n.date), default=None)
    values = {"curators": counts}
    yield Output(
        config.curators_save_as, values, "curators", url=config.curators_url, lastmod=updated
    )


def curated(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    shown = tuple(
        records.Curated(layout.titled[p.key], len(p.notes), layout.notes[p.key][-1])
        for p in archive.curated
    )
    values = {"curated": shown, "curator_count": len(archive.curators)}
    updated = max((n.date for n in archive.notes if n.date), default=None)
    yield Output(config.curated_save_as, values, "curated", url=config.curated_url, lastmod=updated)


def statistics(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    growing, shrinking = stats.movers(archive, layout)
    values = {
        "papers_per_month": stats.papers_per_month(layout),
        "upvotes_by_weekday": stats.upvotes_by_weekday(archive),
        "notes_per_month": stats.notes_per_month(archive),
        "growing": growing,
        "shrinking": shrinking,
        "paper_count": len(archive.papers),
    }
    updated = layout.newest()
    yield Output(config.stats_save_as, values, "stats", url=config.stats_url, lastmod=updated)


def search_page(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    values = {"paper_count": len(archive.papers)}
    updated = layout.newest()
    yield Output(config.search_save_as, values, "search", url=config.search_url, lastmod=updated)


def home(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    shown, count = [], 0
    for day in layout.days:  # whole days, until there are enough papers
        if count >= config.home_papers:
            break
        shown.append(day)
        count += len(day.papers)
    values = {
        "days": tuple(shown),
        "top_week": _dated(layout.top_weeks[0] if layout.top_weeks else None),
        "top_month": _dated(layout.top_months[0] if layout.top_months else None),
        "posts": layout.posts[: config.home_posts],
        "years": tuple(layout.years),
        "paper_count": len(archive.papers),
        "listing_count": len(archive.listings),
        "day_count": len(layout.days),
    }
    yield Output(config.home_save_as, values, "home", url="", lastmod=layout.newest())


def feeds(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    """The newest papers, overall and per tag (a feed's title: its tag)."""
    every = [(archive.papers, config.feed_save_as, config.feed_url, None)]
    every += [(tag.papers, tag.feed_save_as, tag.feed_url, tag.name) for tag in archive.tags]
    for tag_papers, save_as, url, title in every:
        values = {"papers": layout.shown(tag_papers[: config.feed_size]), "title": title}
        yield Output(save_as, values, writer="feed", url=url)


def bibliographies(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    """Every paper's BibTeX entry, newest first: the archive's, and each tag's."""
    every = [(archive.papers, config.bib_save_as, config.bib_url)]
    every += [(tag.papers, tag.bib_save_as, tag.bib_url) for tag in archive.tags]
    for tag_papers, save_as, url in every:
        yield Output(save_as, {"papers": layout.shown(tag_papers)}, writer="bib", url=url)


def papers_json(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    values = {
        "papers": tuple(layout.papers.values()),
        "notes": tuple(layout.notes.get(key, ()) for key in layout.papers),
    }
    yield Output(config.export_save_as, values, writer="json")


def search_files(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    """The search index: its manifest, shards and result blocks (`search/`)."""
    values = {
        "papers": tuple(layout.papers.values()),
        "summaries": tuple(
            tuple(note.summary for note in layout.notes.get(key, ())) for key in layout.papers
        ),
        "tags": tuple(layout.tags.values()),
    }
    yield Output(config.search_index_save_as, values, writer="search")


def not_found(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    """The page GitHub Pages serves for a path that has none."""
    if config.not_found_save_as:
        values = {"paper_count": len(archive.papers)}
        yield Output(config.not_found_save_as, values, "404", in_sitemap=False)


def theme_files(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    """The theme's CSS and scripts below the root (unless Pelican copies them,
    as the theme of the whole site), and the code colours of the notes."""
    folder = Path(THEME, "static")
    if config.copy_static:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = path.relative_to(folder).as_posix()
                text = path.read_text(encoding="utf-8")
                yield Output(config.static_url + name, {"text": text}, writer="file")
    css = markup.pygments_css(config.pygments_style, config.pygments_dark_style)
    yield Output(config.static_url + "css/pygments.css", {"text": css}, writer="file")


def discovery(pages: list[tuple[str, dt.date | None]], config: Config) -> Iterator[Output]:
    """The sitemap of the pages (URL, when it last changed) and robots.txt.
    A sitemap lists only pages below its own folder: those of the archive."""
    sitemap_url = ""
    if config.site_root and config.sitemap_save_as:
        pages = [(url, date) for url, date in pages if url.startswith(config.root)]
        files = sitemap_files(pages, config.site_root, config.sitemap_save_as)
        for save_as, text in files.items():
            yield Output(save_as, {"text": text}, writer="file")
        sitemap_url = f"{config.site_root}/{config.sitemap_save_as}"
    if config.robots_save_as:
        yield Output(config.robots_save_as, {"text": robots_txt(sitemap_url)}, writer="file")


# In the order the build schedules them: the longest first.
KINDS = [
    Kind("papers.json", papers_json),
    Kind("search files", search_files),
    Kind("paper", papers),
    Kind("day", days),
    Kind("month", months),
    Kind("year", years),
    Kind("tag", tags),
    Kind("top", top_lists),
    Kind("author", authors),
    Kind("curator", curators),
    Kind("curators", curator_index),
    Kind("tags", tag_index),
    Kind("stats", statistics),
    Kind("search page", search_page),
    Kind("curated", curated),
    Kind("dates", dates),
    Kind("home", home),
    Kind("feeds", feeds),
    Kind("bibliographies", bibliographies),
    Kind("404", not_found),
    Kind("theme files", theme_files),
]


def outputs(archive: Archive, layout: Layout, config: Config) -> Iterator[Output]:
    """Every kind's outputs, then the sitemap of their pages and Pelican's."""
    pages = [(post.url, post.date) for post in layout.posts]
    pages += [(page.url, None) for page in layout.pages]
    for kind in KINDS:
        for output in kind.outputs(archive, layout, config):
            if output.template and output.in_sitemap:
                pages.append((output.url, output.lastmod))
            yield output
    yield from discovery(pages, config)


def site_links(config: Config) -> records.SiteLinks:
    return records.SiteLinks(
        root=config.root,
        home_url=config.home_url,
        static_url=config.static_url,
        dates_url=config.dates_url,
        tags_url=config.tags_url,
        curated_url=config.curated_url,
        curators_url=config.curators_url,
        stats_url=config.stats_url,
        feed_url=config.feed_url,
        bib_url=config.bib_url,
        search_url=config.search_url,
        search_index_url=config.search_index_url,
        preview_chars=config.preview_chars,
    )
