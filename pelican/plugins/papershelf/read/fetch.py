"""Keeping the archive fed: import copied pages, fetch the daily_papers API.

Both write to the listings folder only what validates, never overwrite a
listing unless asked to, and report what a listing brings: new papers, papers
the archive has already, problems.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .. import files, latex
from ..archive.dates import snapshot_from_name
from ..archive.identity import entry_keys, normalise_title
from ..archive.model import Entry, Problem
from .copied_text import header_date
from .listing import READERS, decode, listing_files, read_listing

USER_AGENT = "papershelf (+https://getpelican.com)"


class FeedError(Exception):
    """A listing that cannot be imported or fetched; the message says why."""


@dataclass
class Report:
    """What one listing brings to the archive."""

    target: Path
    entries: list[Entry] = field(default_factory=list)
    new: list[Entry] = field(default_factory=list)
    known: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # when it replaces a listing
    written: bool = False
    note: str = ""

    def lines(self) -> list[str]:
        name = self.target.name
        if self.note:
            return [f"{name}: {self.note}"]
        head = (
            f"{name}: {len(self.entries)} papers ({len(self.new)} new, "
            f"{len(self.known)} already in the archive)"
        )
        head += "" if self.written else ", not written"
        return [
            head,
            *(f"  + {latex.plain(e.title)}" for e in self.new),
            *self.changes,
            *map(str, self.problems),
        ]


class Known:
    """The papers an archive has (by arXiv id and by title), and in which listings."""

    def __init__(self, listings: Path):
        self._where: dict[str, set[str]] = {}
        for path in listing_files(listings):
            self.add(read_listing(path)[0], path.name)

    def add(self, entries: list[Entry], listing: str) -> None:
        for entry in entries:
            for key in entry_keys(entry):
                self._where.setdefault(key, set()).add(listing)

    def has(self, entry: Entry) -> bool:
        """Whether a listing has the paper."""
        return any(key in self._where for key in entry_keys(entry))


def _changes(old: list[Entry], new: list[Entry]) -> list[str]:
    """What replacing a listing changes, paper by paper."""
    before = {normalise_title(e.title): e for e in old}
    after = {normalise_title(e.title): e for e in new}
    lines = [f"  - {latex.plain(before[k].title)} (removed)" for k in before if k not in after]
    lines += [f"  + {latex.plain(after[k].title)} (added)" for k in after if k not in before]
    for key in before.keys() & after.keys():
        a, b = before[key], after[key]
        if (a.upvotes, a.date, a.abstract) != (b.upvotes, b.date, b.abstract):
            what = [f"upvotes {a.upvotes} → {b.upvotes}"] if a.upvotes != b.upvotes else []
            what += [f"date {a.date} → {b.date}"] if a.date != b.date else []
            what += ["abstract"] if a.abstract != b.abstract else []
            lines.append(f"  ~ {latex.plain(b.title)}: {', '.join(what)}")
    return sorted(lines) or ["  (no change)"]


def _same_text(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _accept(
    text: str,
    suffix: str,
    snapshot: dt.date,
    listings: Path,
    known: Known,
    force: bool,
    source: str,
) -> Report:
    """Validate a listing's text and write it as listings/YYYY-MM-DD<suffix>."""
    target = listings / f"{snapshot.isoformat()}{suffix}"
    report = Report(target)
    if _same_text(target, text):
        report.note = f"the same as {target} already: nothing to do"
        return report
    report.entries, report.problems = READERS[suffix](text, source, snapshot)
    for entry in report.entries:  # new to the archive, the listing it replaces included
        (report.known if known.has(entry) else report.new).append(entry)
    if report.problems:
        return report
    if target.exists():
        if not force:
            report.problems.append(
                Problem(
                    str(target),
                    1,
                    "exists already: give --force to replace it (the report shows what changes)",
                )
            )
            return report
        report.changes = _changes(read_listing(target)[0], report.entries)
    # Whole or not at all, and on the disk: a listing cannot be rebuilt.
    files.write_text(target, text, durable=True)
    known.add(report.entries, target.name)
    report.written = True
    return report


def import_listing(
    path: Path,
    listings: Path,
    known: Known,
    date: dt.date | None = None,
    force: bool = False,
    today: dt.date | None = None,
) -> Report:
    """Import a page copied as text, or a day of the daily_papers API saved
    as JSON (by its `.json` name or by its first character)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FeedError(f"{path}: cannot read it: {error.strerror}") from None
    text, problems = decode(data, str(path))
    if problems:
        return Report(path, problems=problems)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    named = snapshot_from_name(path.name)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        snapshot = date or named
        if snapshot is None:
            raise FeedError(f"{path}: no date in the file name: give --date")
        return _accept(text, ".json", snapshot, listings, known, force, str(path))
    shown = header_date(text, date or named or today or dt.date.today())
    snapshot = date or named or shown
    if snapshot is None:
        raise FeedError(f"{path}: no date in the file name or the page's header: give --date")
    if date is None and named and shown and named != shown:
        raise FeedError(
            f"{path}: the file name says {named} but the page's header says "
            f"{shown:%b} {shown.day}: give --date"
        )
    return _accept(text, ".txt", snapshot, listings, known, force, str(path))


MAX_BYTES = 16 << 20  # a day's listing is some 40 kB; a body past this is refused
MAX_REDIRECTS = 5


def fetch_day(
    day: dt.date,
    api_url: str,
    client: httpx.Client,
    retries: int = 4,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = 20.0,
    max_bytes: int = MAX_BYTES,
) -> bytes:
    """The API's answer for one day, as bytes; retries 429 and 5xx answers
    with backoff. Each try has `timeout` seconds in all (a server that
    trickles bytes does not keep it going) and at most `max_bytes`, decoded."""
    url = f"{api_url}?date={day.isoformat()}"
    for attempt in range(retries + 1):
        last = attempt == retries
        try:
            status, headers, body = _get(client, url, timeout, max_bytes)
        except _Slow:
            if last:
                raise FeedError(
                    f"{url}: no answer within {timeout:g} s, {retries + 1} tries"
                ) from None
            sleep(backoff * 2**attempt)
            continue
        except httpx.TooManyRedirects:
            raise FeedError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
        except httpx.HTTPError as error:
            raise FeedError(
                f"cannot reach {api_url}: {error or type(error).__name__} (are you offline?)"
            ) from None
        if status == 429 or status >= 500:
            if last:
                raise FeedError(f"{url}: HTTP {status} after {retries + 1} tries")
            sleep(_retry_after(headers) or backoff * 2**attempt)
            continue
        if status != 200:
            raise FeedError(f"{url}: HTTP {status}")
        return body
    raise AssertionError("unreachable")


class _Slow(Exception):
    """No whole answer within the time a try has."""


def _get(client: httpx.Client, url: str, timeout: float, max_bytes: int) -> tuple:
    """(status, headers, body) of one GET, within `timeout` seconds overall
    and `max_bytes` once inflated. The body is inflated here, a bounded
    piece at a time: httpx inflates a chunk whole, and 64 kB of gzip can
    hold 64 MB."""
    deadline = time.monotonic() + timeout
    try:
        with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("gzip", "identity"):
                raise FeedError(f"{url}: the answer is compressed as {encoding!r}, not gzip")
            inflate = zlib.decompressobj(31) if encoding == "gzip" else None
            body = bytearray()
            for raw in response.iter_raw():
                data = raw
                while data:
                    room = max_bytes + 1 - len(body)
                    if inflate is None:
                        body += data[:room]
                        data = b""
                    else:
                        body += inflate.decompress(data, room)
                        data = inflate.unconsumed_tail
                    if len(body) > max_bytes:
                        raise FeedError(f"{url}: the answer is over {max_bytes >> 20} MB: refused")
                if time.monotonic() > deadline:
                    raise _Slow
            if time.monotonic() > deadline:
                raise _Slow
            return response.status_code, response.headers, bytes(body)
    except httpx.TimeoutException:
        raise _Slow from None
    except zlib.error:
        raise FeedError(f"{url}: the answer's compression is broken") from None


def _retry_after(headers: httpx.Headers) -> float | None:
    try:
        return min(60.0, float(headers.get("retry-after", "")))
    except ValueError:
        return None


def fetch(
    days: list[dt.date],
    listings: Path,
    known: Known,
    api_url: str,
    force: bool = False,
    timeout: float = 20.0,
    retries: int = 4,
    backoff: float = 1.0,
    max_bytes: int = MAX_BYTES,
) -> list[Report]:
    """Fetch each day into listings/YYYY-MM-DD.json; a day without papers is
    reported and not written."""
    reports = []
    with httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    ) as client:
        for day in days:
            target = listings / f"{day.isoformat()}.json"
            if target.exists() and not force:
                reports.append(Report(target, note="present already, skipped"))
                continue
            source = f"{api_url}?date={day.isoformat()}"
            body = fetch_day(
                day, api_url, client, retries, backoff, timeout=timeout, max_bytes=max_bytes
            )
            text, problems = decode(body, source)
            if problems:
                reports.append(Report(target, problems=problems))
                continue
            if re.fullmatch(r"\s*\[\s*\]\s*", text):
                reports.append(Report(target, note="no papers that day, nothing written"))
                continue
            reports.append(_accept(text, ".json", day, listings, known, force, source))
    return reports


def missing_days(listings: Path, today: dt.date, since: dt.date | None = None) -> list[dt.date]:
    """Days from `since` (or the day after the newest listing, or a week ago)
    to today that have no listing yet."""
    present = {snapshot_from_name(p.name) for p in listing_files(listings)} - {None}
    start = since or (
        max(present) + dt.timedelta(days=1) if present else today - dt.timedelta(days=7)
    )
    days = [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]
    return [day for day in days if day not in present]
