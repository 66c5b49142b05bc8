"""The pages of the archive site and how they link: days, months, years, home.

Pure Python: the Pelican generator only writes what this module lays out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise

from ..archive import Archive
from ..archive.model import Paper, Tag
from ..config import Config


@dataclass
class Day:
    date: dt.date
    url: str
    save_as: str
    papers: list[Paper]
    previous: Day | None = None  # the older day with papers
    next: Day | None = None  # the newer day with papers


@dataclass
class Month:
    date: dt.date  # the first of the month
    url: str
    save_as: str
    days: list[Day] = field(default_factory=list)  # newest first

    @property
    def count(self) -> int:
        return sum(len(day.papers) for day in self.days)


@dataclass
class Year:
    date: dt.date  # January 1
    url: str
    save_as: str
    months: list[Month] = field(default_factory=list)  # newest first

    @property
    def count(self) -> int:
        return sum(month.count for month in self.months)


@dataclass
class TagPage:
    """One page of a tag's papers, newest first."""

    tag: Tag
    number: int
    count: int  # pages of this tag
    papers: list[Paper]
    url: str
    save_as: str
    previous: TagPage | None = None
    next: TagPage | None = None


@dataclass
class Site:
    """Everything the templates see as `papershelf`."""

    archive: Archive
    config: Config
    days: list[Day]  # newest first
    months: list[Month]
    years: list[Year]
    day_of: dict[dt.date, Day]
    dates_url: str
    home_days: list[Day]
    tag_pages: list[TagPage]

    @property
    def tags(self) -> list[Tag]:
        return self.archive.tags

    @property
    def tags_by_count(self) -> list[Tag]:
        return sorted(self.archive.tags, key=lambda t: -len(t.papers))

    def day(self, paper: Paper) -> Day:
        return self.day_of[paper.date]


def lay_out(archive: Archive, config: Config) -> Site:
    days = [
        Day(
            date,
            config.date_url.format(date=date),
            config.date_save_as.format(date=date),
            archive.by_date[date],
        )
        for date in archive.dates
    ]
    for newer, older in pairwise(days):
        newer.previous, older.next = older, newer

    months: dict[dt.date, Month] = {}
    years: dict[int, Year] = {}
    for day in days:
        first = day.date.replace(day=1)
        if first not in months:
            months[first] = Month(
                first, config.month_url.format(date=first), config.month_save_as.format(date=first)
            )
            january = first.replace(month=1)
            if first.year not in years:
                years[first.year] = Year(
                    january,
                    config.year_url.format(date=january),
                    config.year_save_as.format(date=january),
                )
            years[first.year].months.append(months[first])
        months[first].days.append(day)

    home_days, shown = [], 0
    for day in days:
        if shown >= config.home_papers:
            break
        home_days.append(day)
        shown += len(day.papers)

    return Site(
        tag_pages=[page for tag in archive.tags for page in paginate(tag, config)],
        archive=archive,
        config=config,
        days=days,
        months=list(months.values()),
        years=list(years.values()),
        day_of={day.date: day for day in days},
        dates_url=config.dates_url,
        home_days=home_days,
    )


def paginate(tag: Tag, config: Config) -> list[TagPage]:
    """A tag's papers in pages of `tag_page_size`; the first at the tag's URL."""
    size = max(1, config.tag_page_size)
    chunks = [tag.papers[i : i + size] for i in range(0, len(tag.papers), size)] or [[]]
    pages = []
    for number, papers in enumerate(chunks, start=1):
        if number == 1:
            url, save_as = tag.url, tag.save_as
        else:
            url = config.tag_page_url.format(slug=tag.slug, number=number)
            save_as = config.tag_page_save_as.format(slug=tag.slug, number=number)
        pages.append(TagPage(tag, number, len(chunks), papers, url, save_as))
    for before, after in pairwise(pages):
        before.next, after.previous = after, before
    return pages
