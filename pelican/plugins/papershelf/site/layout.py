"""The archive as records (see `records.py`): what every page kind shows, made
once and shared, so that a paper is the same record on each list it is on."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from ..archive import Archive
from ..archive import model as archive
from ..config import Config
from ..read.notes import source_url
from . import records
from .links import paper_links


@dataclass
class Layout:
    """Records of the archive, and where each kind of page finds them."""

    papers: dict[str, records.Paper]  # by paper key, in archive order
    titled: dict[str, records.Titled]  # papers with notes, by key
    notes: dict[str, tuple[records.Note, ...]]  # by paper key, oldest first
    days: list[records.Day]  # newest first
    day_of: dict[dt.date, records.Day]
    months: list[records.Month]
    years: list[records.Year]
    tags: dict[str, records.Tag]  # by name
    top_weeks: list[records.Top]  # newest first
    top_months: list[records.Top]  # newest first
    updated: dict[str, dt.date]  # by paper key: its newest sighting or note
    posts: tuple[records.Post, ...] = ()  # the curators' own posts, newest first
    pages: tuple[records.Titled, ...] = ()  # Pelican's pages (the menu)
    _day_newest: dict[dt.date, dt.date | None] = field(default_factory=dict, repr=False)

    def shown(self, papers: list[archive.Paper]) -> tuple[records.Paper, ...]:
        return tuple(self.papers[paper.key] for paper in papers)

    def newest(self, papers=None) -> dt.date | None:
        """When the newest of the papers (records or the archive's; all of
        them by default) last changed: a listing or a note."""
        if papers is None:
            return self._newest
        return max(map(self.updated.__getitem__, (paper.key for paper in papers)), default=None)

    @functools.cached_property
    def _newest(self) -> dt.date | None:
        return max(self.updated.values(), default=None)

    def newest_of_days(self, days) -> dt.date | None:
        """The newest of the days' papers (a month's, a year's), each day's
        found once however many months and years show it."""
        for day in days:
            if day.date not in self._day_newest:
                self._day_newest[day.date] = self.newest(day.papers)
        return max((self._day_newest[day.date] for day in days), default=None)


def lay_out(archive: Archive, config: Config) -> Layout:
    tag_links = {tag.name: records.Named(tag.name, tag.url) for tag in archive.tags}
    author_urls = {name: author.url for name, author in archive.authors.items()}
    papers = {paper.key: _paper(paper, tag_links, author_urls) for paper in archive.papers}
    titled = {p.key: records.Titled(p.title, p.url) for p in archive.papers if p.notes}
    curators = {
        curator.name: records.Named(curator.name, curator.url) for curator in archive.curators
    }
    notes = {
        paper.key: tuple(
            _note(number, note, titled[paper.key], curators[note.curator_page.name], config)
            for number, note in enumerate(paper.notes, start=1)
        )
        for paper in archive.papers
        if paper.notes
    }

    months: dict[dt.date, list[records.Day]] = {}
    days = []
    for date in archive.dates:
        first = date.replace(day=1)
        day = records.Day(
            date,
            config.date_url.format(date=date),
            config.month_url.format(date=first),
            tuple(papers[paper.key] for paper in archive.by_date[date]),
            top_week_url=config.top_week_url.format(date=date),
            top_month_url=config.top_month_url.format(date=first),
        )
        days.append(day)
        months.setdefault(first, []).append(day)
    years: dict[dt.date, list[records.Month]] = {}
    for first, month_days in months.items():
        january = first.replace(month=1)
        month_url, year_url = (
            config.month_url.format(date=first),
            config.year_url.format(date=january),
        )
        years.setdefault(january, []).append(
            records.Month(
                first,
                month_url,
                year_url,
                tuple(month_days),
                top_url=config.top_month_url.format(date=first),
            )
        )
    return Layout(
        papers=papers,
        titled=titled,
        notes=notes,
        days=days,
        day_of={day.date: day for day in days},
        months=[month for year in years.values() for month in year],
        years=[
            records.Year(january, config.year_url.format(date=january), tuple(year_months))
            for january, year_months in years.items()
        ],
        tags={
            tag.name: records.Tag(tag.name, tag.url, tag.feed_url, tag.bib_url, len(tag.papers))
            for tag in archive.tags
        },
        updated={paper.key: _updated(paper) for paper in archive.papers},
        top_weeks=_tops("week", archive, papers, config),
        top_months=_tops("month", archive, papers, config),
    )


def _updated(paper: archive.Paper) -> dt.date:
    """The newest listing that showed the paper, or note about it."""
    dates = [sighting.snapshot for sighting in paper.sightings]
    return max([*dates, *(note.date for note in paper.notes if note.date)], default=paper.date)


def _tops(
    period: str, archive: Archive, papers: dict[str, records.Paper], config: Config
) -> list[records.Top]:
    """Each week's or month's most upvoted papers, newest period first."""
    url = config.top_week_url if period == "week" else config.top_month_url
    periods: dict[dt.date, list[records.Paper]] = {}
    for paper in archive.papers:  # newest first, which stays the order of equal upvotes
        first = (
            paper.date - dt.timedelta(days=paper.date.weekday())
            if period == "week"
            else paper.date.replace(day=1)
        )
        periods.setdefault(first, []).append(papers[paper.key])
    return [
        records.Top(
            period,
            first,
            url.format(date=first),
            tuple(sorted(shown, key=_by_upvotes)[: config.top_size]),
            len(shown),
        )
        for first, shown in sorted(periods.items(), reverse=True)
    ]


def _by_upvotes(paper: records.Paper) -> tuple:
    return (paper.upvotes is None, -(paper.upvotes or 0))


def _paper(paper: archive.Paper, tags: dict, authors: dict) -> records.Paper:
    """The record of a paper: what its listings decide (every listed field,
    as the archive has it, and the links made from them), and the rest."""
    listed = [getattr(paper, name) for name in records.LISTED_SHOWN]  # the record's first fields
    listed[-1] = tuple(listed[-1])  # sightings, a list in the archive
    return records.Paper(
        *listed,
        links=tuple(paper_links(paper.arxiv_id, paper.links)),
        source=paper.source,
        author_urls=tuple(authors.get(name, "") for name in paper.authors),
        tags=tuple(tags[tag.name] for tag in paper.tags),
        note_count=len(paper.notes),
    )


def _note(
    number: int, note: archive.Note, paper: records.Titled, curator: records.Named, config: Config
) -> records.Note:
    return records.Note(
        number=number,
        paper=paper,
        curator=curator,
        date=note.date,
        summary=note.summary,
        body=note.body,
        source=note.source,
        source_url=source_url(config, note),
    )


def neighbours(items: list) -> list[tuple]:
    """Each item with the one before and the one after it (or None)."""
    return [
        (items[n - 1] if n else None, item, items[n + 1] if n + 1 < len(items) else None)
        for n, item in enumerate(items)
    ]


def paginate(items: tuple, size: int) -> list[tuple]:
    """Items in pages of `size`; one empty page when there are none."""
    size = max(1, size)
    return [items[i : i + size] for i in range(0, len(items), size)] or [()]
