"""Atom feeds of the newest papers, overall and per tag, through Pelican's writer."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .. import latex
from .records import Paper


@dataclass
class FeedItem:
    """A paper in the shape Pelican's `Writer.write_feed` reads."""

    title: str  # HTML-escaped: the writer strips tags from it
    url: str
    date: dt.datetime
    summary: str
    tags: list[str]
    author: str
    content: str

    def get_content(self, siteurl: str) -> str:
        return self.content


def feed_item(paper: Paper, content: str) -> FeedItem:
    authors = list(paper.authors[:3]) + (["et al."] if len(paper.authors) > 3 else [])
    return FeedItem(
        title=html.escape(latex.plain(paper.title)),
        url=paper.url,
        date=dt.datetime.combine(paper.date, dt.time(), tzinfo=dt.timezone.utc),
        summary=html.escape(" ".join(latex.plain(paper.abstract).split()[:60])),
        tags=[tag.name for tag in paper.tags],
        author=", ".join(authors),
        content=content,
    )


def feed_items(papers: Iterable[Paper], render: Callable[[Paper], str]) -> list[FeedItem]:
    """Papers as feed items, their content as `render` makes it."""
    return [feed_item(paper, render(paper)) for paper in papers]
