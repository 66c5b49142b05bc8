"""Writing entries back out as listings: the inverse of the two readers.

`text_listing` writes the copied-page format and `json_listing` the API's,
each holding what its format can hold: a copied page has no arXiv id, author
names or links (links stay in the abstract's text); the API listing has no
author count without the names. Both keep the title, the abstract with its
paragraphs, the date (or its absence) and the upvotes.
"""

from __future__ import annotations

import datetime as dt
import json

from ..archive.model import Entry

PAGE_HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
)


def card_date(date: dt.date, snapshot: dt.date) -> str:
    """A card's date as the page shows it: the year only when it is not the
    snapshot's, or when the date is after the snapshot (the reader reads a
    year-less date as the latest one on or before the snapshot)."""
    text = f"{date:%b} {date.day}"
    if date.year != snapshot.year or date > snapshot:
        text += f", {date.year}"
    return text


def _card(entry: Entry, snapshot: dt.date) -> str:
    # Paragraphs after the first start with a space, as arXiv abstracts copy.
    abstract = "\n ".join(entry.abstract.split("\n\n"))
    card = f"{entry.title}\n\n{abstract}"
    if not entry.dated:
        return card
    trailer = card_date(entry.date, snapshot)
    if entry.upvotes is not None:
        trailer += f" {entry.upvotes}"
    if entry.authors_count is not None:
        count = entry.authors_count
        trailer = f"  • {count} author{'s' if count != 1 else ''}\n·\n{trailer}"
    return f"{card}\n\n{trailer}"


def text_listing(entries: list[Entry], snapshot: dt.date) -> str:
    """A copied daily-papers page for `snapshot` (header, then one card each)."""
    head = [*PAGE_HEADER, f"{snapshot:%b} {snapshot.day}"]
    return "\n\n".join(head + [_card(entry, snapshot) for entry in entries]) + "\n"


def _published(entry: Entry) -> str:
    return dt.datetime.combine(entry.date, dt.time(8, 30), dt.timezone.utc).isoformat()


def json_item(entry: Entry) -> dict:
    """One item of the daily_papers API for an entry."""
    paper: dict = {"title": entry.title, "summary": entry.abstract}
    if entry.arxiv_id:
        paper = {"id": entry.arxiv_id, **paper}
    paper["authors"] = [{"name": name} for name in entry.authors]
    if entry.upvotes is not None:
        paper["upvotes"] = entry.upvotes
    if entry.keywords:
        paper["ai_keywords"] = list(entry.keywords)
    item: dict = {"paper": paper, "title": entry.title}
    if entry.dated:
        paper["publishedAt"] = item["publishedAt"] = _published(entry)
    return item


def json_listing(entries: list[Entry]) -> str:
    """A daily_papers API response holding the entries."""
    return json.dumps([json_item(entry) for entry in entries], ensure_ascii=False, indent=1) + "\n"
