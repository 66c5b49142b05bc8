"""What each page shows, as a fingerprint: equal fingerprints, equal pages.

An incremental build (see `cache.py`) renders a page again only when its
fingerprint changes, so each one here must cover everything its template
shows: the papers it lists (each by `paper_digest`, which covers everything a
page can show of a paper, or by `item_digest` for a list of paper items), its
neighbours and counts. Settings, the menu and the templates are covered once
for all pages (`common`, and the cache's key).
The tests build incrementally after every kind of change and compare the
output with a build from scratch, byte for byte.
"""

from __future__ import annotations

from ..archive.model import Paper
from ..site.layout import Day, Site, TagPage
from .cache import digest


def _link(paper: Paper | None):
    return (paper.title, paper.url) if paper else None


def tagged_digest(paper: Paper) -> bytes:
    """A paper as its listings and its tags make it: all the search index
    holds of it, and most of what a list shows."""
    return digest(paper.source, tuple((t.name, t.url) for t in paper.tags))


def item_digest(paper: Paper, tagged: bytes) -> bytes:
    """What a paper's item in a list shows (`_paper_item.html`): its listings,
    its tags and how many notes it has. A note's text is not part of it, so
    editing one leaves the lists as they are."""
    return tagged + len(paper.notes).to_bytes(4, "big")


def paper_digest(paper: Paper, item: bytes) -> bytes:
    """Everything a page can show about a paper (`item` is its item_digest),
    its neighbours by title and URL."""
    notes = tuple(
        (
            n.source,
            n.line,
            n.curator,
            n.date.toordinal() if n.date else 0,
            n.tags,
            n.summary,
            n.body,
            n.curator_page.url if n.curator_page else "",
        )
        for n in paper.notes
    )
    return digest(
        item, notes, tuple(t.slug for t in paper.tags), _link(paper.previous), _link(paper.next)
    )


class Fingerprints:
    """Fingerprints of the pages and files of one site."""

    def __init__(self, site: Site, common: bytes, articles: list) -> None:
        self.site = site
        self.common = common  # settings and menu: every page shows them
        papers = site.archive.papers
        self.tagged = [tagged_digest(paper) for paper in papers]  # in archive order
        self.items = {p.key: item_digest(p, t) for p, t in zip(papers, self.tagged, strict=True)}
        self.papers = {p.key: paper_digest(p, self.items[p.key]) for p in papers}
        self.articles = [(a.title, a.url, a.date.isoformat(), a.locale_date) for a in articles[:5]]
        archive = site.archive
        self.calendar = digest(
            len(archive.papers),
            len(archive.listings),
            [
                (
                    y.url,
                    y.count,
                    [(m.url, m.count, [(d.url, len(d.papers)) for d in m.days]) for m in y.months],
                )
                for y in site.years
            ],
        )

    def of(self, kind: str, *parts) -> bytes:
        return self.common + digest(kind, *parts)

    def shown(self, papers: list[Paper]) -> bytes:
        return b"".join(self.papers[paper.key] for paper in papers)

    def listed(self, papers: list[Paper]) -> bytes:
        """Papers as a list shows them: by their items."""
        return b"".join(self.items[paper.key] for paper in papers)

    def item(self, paper: Paper) -> bytes:
        return self.common + self.items[paper.key]

    def paper(self, paper: Paper) -> bytes:
        return self.common + self.papers[paper.key]

    def day(self, day: Day) -> bytes:
        neighbours = [d.url for d in (day.previous, day.next) if d]
        return self.of("day", day.url, self.listed(day.papers), neighbours)

    def month(self, month) -> bytes:
        return self.of("month", month.url, [(d.url, self.listed(d.papers)) for d in month.days])

    def tag_page(self, page: TagPage) -> bytes:
        tag = page.tag
        counts = (tag.name, tag.url, len(tag.papers), page.number, page.count)
        return self.of("tag", page.url, counts, self.listed(page.papers))

    def curator(self, curator) -> bytes:
        notes = [self.papers[note.paper.key] for note in curator.notes]
        return self.of("curator", curator.name, curator.url, notes)

    def tags(self) -> bytes:
        tags = [(t.name, t.url, t.feed_url, len(t.papers)) for t in self.site.tags]
        return self.of("tags", tags, self.calendar)

    def search_page(self) -> bytes:
        return self.of("search page", self.calendar)

    def curated(self) -> bytes:
        archive = self.site.archive
        return self.of("curated", self.shown(archive.curated), len(archive.curators))

    def curators(self) -> bytes:
        curators = [
            (c.name, c.url, self.shown([n.paper for n in c.notes]))
            for c in self.site.archive.curators
        ]
        return self.of("curators", curators)

    def dates(self) -> bytes:
        return self.of("dates", self.calendar)

    def home(self) -> bytes:
        days = [(day.url, self.listed(day.papers)) for day in self.site.home_days]
        return self.of("home", self.calendar, days, self.articles)

    def feed(self, url: str, title: str | None, papers: list[Paper]) -> bytes:
        return self.of("feed", url, title, self.shown(papers))

    def search(self) -> bytes:
        """What the search files are made of: papers as their listings and
        tags make them, and the summaries of their notes (indexed too)."""
        papers = enumerate(self.site.archive.papers)
        summaries = [(n, [note.summary for note in p.notes]) for n, p in papers if p.notes]
        return self.of("search", b"".join(self.tagged), summaries)
