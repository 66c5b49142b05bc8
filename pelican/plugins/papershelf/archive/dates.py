"""Dates as listings write them: card dates and snapshot dates in file names."""

from __future__ import annotations

import datetime as dt
import functools
import re

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_MONTH_RE = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "Jun 19, 2024", "Feb 10", "Nov 22, 2024 3", "Jan 31 4": a date, then upvotes.
CARD_DATE_RE = re.compile(
    rf"(?P<month>{_MONTH_RE})\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?"
    r"(?:\s+(?P<upvotes>\d+))?",
    re.IGNORECASE,
)
_ISO_IN_NAME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def snapshot_from_name(name: str) -> dt.date | None:
    """The last YYYY-MM-DD in a file name, if it is a real date."""
    for match in reversed(list(_ISO_IN_NAME_RE.finditer(name))):
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            continue
    return None


def resolve(month: str, day: str, year: str | None, snapshot: dt.date) -> dt.date:
    """The date a card means; a card without a year means the latest such
    date not after the snapshot. Raises ValueError for impossible dates."""
    month_number = _MONTHS[month[:3].lower()]
    day_number = int(day)
    if year is not None:
        return dt.date(int(year), month_number, day_number)
    dt.date(2000, month_number, day_number)  # a leap year: rejects Feb 30, Apr 31
    for candidate_year in range(snapshot.year, snapshot.year - 8, -1):
        try:
            candidate = dt.date(candidate_year, month_number, day_number)
        except ValueError:  # Feb 29 outside a leap year
            continue
        if candidate <= snapshot:
            return candidate
    raise ValueError(f"no {month} {day} on or before {snapshot}")


def next_month(date: dt.date) -> dt.date:
    """The first day of the month after the date's."""
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@functools.lru_cache(maxsize=4096)
def long_date(date: dt.date) -> str:
    """A date as pages show it: "March 7, 2026"."""
    return f"{date:%B} {date.day}, {date.year}"
