"""What the charts show: the archive counted by month, tag and weekday, and a
paper's upvotes over the listings that showed it (see `charts.py`)."""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections import Counter

from ..archive import Archive
from ..archive.dates import next_month
from . import charts, records
from .charts import Chart
from .layout import Layout

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TREND_MONTHS = 12  # a tag's trend: its papers in the archive's last months
MOVERS = 4  # tags shown growing, and shrinking
MOVER_MIN_PAPERS = 10  # a tag with fewer tells no trend


@records.record
class Mover(records.Record):
    """A tag whose share of the papers grew or shrank."""

    tag: records.Named
    change: float  # percentage points, second half of the window against the first
    chart: Chart  # its share month by month


def _month(date: dt.date) -> str:
    return f"{date:%b %Y}"


def _every(count: int, room: int = 12) -> int:
    """Show every n-th label so that at most `room` fit under the axis."""
    return max(1, math.ceil(count / room))


def papers_per_month(layout: Layout) -> Chart:
    counted = {m.date: m.count for m in layout.months}
    months = _month_range(min(counted, default=None), max(counted, default=None))
    labels = [_month(month) for month in months]
    counts = [counted.get(month, 0) for month in months]
    busiest = max(range(len(counts)), key=counts.__getitem__, default=None)
    description = f"{sum(counts):,} papers over {len(counts)} months" + (
        f"; the most in {labels[busiest]} ({counts[busiest]:,})." if busiest is not None else "."
    )
    text = ("Papers per month", description)
    return charts.bars(text, ("Month", "Papers"), labels, counts, _every(len(labels)))


def notes_per_month(archive: Archive) -> Chart:
    counted = Counter(n.date.replace(day=1) for n in archive.notes if n.date)
    months = _month_range(min(counted, default=None), max(counted, default=None))
    counts = [counted.get(month, 0) for month in months]
    labels = [_month(month) for month in months]
    description = f"{sum(counts):,} dated notes by curators over {len(months)} months."
    text = ("Curated notes per month", description)
    return charts.bars(text, ("Month", "Notes"), labels, counts, _every(len(labels)))


def upvotes_by_weekday(archive: Archive) -> Chart:
    """The mean upvotes of the papers of each day of the week (dated ones)."""
    upvotes: dict[int, list[int]] = {day: [] for day in range(7)}
    for paper in archive.papers:
        if paper.dated and paper.upvotes is not None:
            upvotes[paper.date.weekday()].append(paper.upvotes)
    means = [sum(v) / len(v) if v else 0.0 for v in upvotes.values()]
    best = max(range(7), key=means.__getitem__)
    counted = sum(len(v) for v in upvotes.values())
    description = (
        f"Mean upvotes of {counted:,} papers by the day of the week they were listed; "
        f"the highest on {WEEKDAYS[best]}s ({means[best]:.1f})."
    )
    text = ("Upvotes by day of the week", description)
    return charts.bars(text, ("Day of the week", "Mean upvotes"), WEEKDAYS, means)


def movers(archive: Archive, layout: Layout) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """The tags whose share of each month's papers grew most, and shrank
    most, over the archive's last TREND_MONTHS months: the second half of the
    window against the first."""
    months = _window(layout)
    if len(months) < 2:
        return (), ()
    counted = {m.date: m.count for m in layout.months}
    totals = [counted.get(month, 0) for month in months]
    index = {month: number for number, month in enumerate(months)}
    found = []
    for tag in archive.tags:
        if len(tag.papers) < MOVER_MIN_PAPERS:
            continue
        counts = [0] * len(months)
        for month, count in _per_month(tag.papers).items():
            number = index.get(month)
            if number is not None:
                counts[number] += count
        shares = [100 * c / t if t else 0.0 for c, t in zip(counts, totals, strict=True)]
        half = len(shares) // 2
        change = sum(shares[half:]) / (len(shares) - half) - sum(shares[:half]) / half
        labels = [_month(month) for month in months]
        description = f"{tag.name}: {change:+.1f} points of the papers' share, month by month."
        chart = charts.spark(
            (f"{tag.name}, share of papers", description), ("Month", "%"), labels, shares
        )
        found.append(Mover(records.Named(tag.name, tag.url), round(change, 1), chart))
    found.sort(key=lambda mover: (-mover.change, mover.tag.name))
    growing = tuple(m for m in found[:MOVERS] if m.change > 0)
    shrinking = tuple(m for m in reversed(found[-MOVERS:]) if m.change < 0)
    return growing, shrinking


def tag_trend(tag_papers, layout: Layout, name: str) -> Chart:
    """A tag's papers per month over the archive's last TREND_MONTHS months."""
    months = _window(layout)
    counted = _per_month(tag_papers)
    counts = [counted.get(month, 0) for month in months]
    labels = [_month(month) for month in months]
    description = f"{sum(counts):,} papers tagged {name} in the last {len(months)} months."
    return charts.spark(
        (f"{name}: papers per month", description), ("Month", "Papers"), labels, counts
    )


def upvote_history(paper: records.Paper) -> Chart | None:
    """The paper's upvotes in each listing that gave them, oldest first: a
    chart once there are two."""
    by_day: dict[dt.date, int] = {}
    for sighting in paper.sightings:  # two listings of one day: the higher count
        if sighting.upvotes is not None:
            day = sighting.snapshot
            by_day[day] = max(by_day.get(day, 0), sighting.upvotes)
    if len(by_day) < 2:
        return None
    seen = sorted(by_day.items())
    labels = [f"{date:%b} {date.day}" for date, _ in seen]
    counts = [upvotes for _, upvotes in seen]
    description = (
        f"From {counts[0]:,} upvotes on {labels[0]} to {counts[-1]:,} on {labels[-1]}, "
        f"over {len(counts)} days."
    )
    text = ("Upvotes in each listing", description)
    every = _every(len(labels), 6)
    return charts.line(text, ("Listing", "Upvotes"), labels, counts, every, small=True)


def _per_month(papers) -> Counter:
    """How many of the papers each month has, by its first day. Counted by
    date first: a tag can hold most of 100,000 papers, on a few hundred days."""
    months: Counter = Counter()
    for date, count in Counter(map(_date_of, papers)).items():
        months[date.replace(day=1)] += count
    return months


_date_of = operator.attrgetter("date")


def _window(layout: Layout) -> list[dt.date]:
    """The archive's last TREND_MONTHS months, every one, oldest first."""
    if not layout.months:
        return []
    newest = layout.months[0].date
    first = newest
    for _ in range(TREND_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return _month_range(max(first, layout.months[-1].date), newest)


def _month_range(first: dt.date | None, last: dt.date | None) -> list[dt.date]:
    months = []
    month = first
    while month is not None and last is not None and month <= last:
        months.append(month)
        month = next_month(month)
    return months
