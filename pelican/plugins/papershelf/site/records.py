"""What templates see: plain, immutable data, and the digest that stands for it.

A page is rendered from its values alone (see `kinds.py`), and its
fingerprint is the digest of those values: the cache can then never keep a
page whose template shows something that changed, whatever the template
shows. Values are records (frozen dataclasses of strings, numbers, dates,
tuples and other records), never live archive objects, which reach the
whole archive through their links.

A record's digest is computed once and stands for it inside the digests of
the records and pages that hold it (a Merkle tree): a day page's values
digest its papers' 16-byte digests, not their abstracts again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import pickle
from dataclasses import dataclass

from ..archive.dates import next_month
from ..archive.model import LISTED_FIELDS, Sighting
from .links import Link as PaperLink


class Record:
    """A frozen dataclass of plain data, with a digest of all its fields.

    Pickled, a record is its digest (see `values_digest`): records are for
    templates and fingerprints, and never leave the process that made them.
    """

    @functools.cached_property
    def digest(self) -> bytes:
        return values_digest(*(getattr(self, name) for name in _field_names(type(self))))

    def __reduce_ex__(self, protocol):
        return _by_digest, (self.digest,)


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def _by_digest(digest: bytes) -> bytes:
    return digest


def values_digest(*values) -> bytes:
    """A fingerprint of plain values, records among them by their digest."""
    return hashlib.blake2b(pickle.dumps(values, protocol=5), digest_size=16).digest()


record = dataclass(frozen=True, eq=False)


@record
class Named(Record):
    """A tag, an author or a curator, as a link."""

    name: str
    url: str  # "" when it has no page


@record
class Titled(Record):
    """A paper as a link: its title (listing text) and URL."""

    title: str
    url: str


@record
class Paper(Record):
    """Everything pages and lists show of a paper, but its notes' text."""

    # As the archive's paper has them (see LISTED_SHOWN):
    key: str
    slug: str
    url: str
    title: str  # listing text: through the listing_html or listing_plain filters
    abstract: str
    date: dt.date
    dated: bool
    authors: tuple[str, ...]  # names, as the listings give them
    authors_count: int | None
    upvotes: int | None
    arxiv_id: str | None
    keywords: tuple[str, ...]
    cite_key: str
    sightings: tuple[Sighting, ...]
    # Made from them:
    links: tuple[PaperLink, ...]  # arXiv, code and project pages
    source: bytes  # a digest of what the listings say (see `archive.source_digest`)
    # The rest:
    author_urls: tuple[str, ...]  # each author's page, or ""
    tags: tuple[Named, ...]
    note_count: int

    @functools.cached_property
    def digest(self) -> bytes:
        """`source` stands for the fields the listings decide, which `lay_out`
        copies from the archive's paper (and `links`, made from them); the
        others are digested as they are."""
        return values_digest(self.source, *(getattr(self, name) for name in _ADDED))


# A paper record's first fields, up to `sightings`: listed fields of the
# archive's paper, as it has them (`lay_out` copies them in this order).
LISTED_SHOWN = _field_names(Paper)[: _field_names(Paper).index("sightings") + 1]
# Fields of a paper's record that its listings do not decide.
_ADDED = tuple(
    f.name for f in dataclasses.fields(Paper) if f.name not in (*LISTED_FIELDS, "links", "source")
)


@record
class Note(Record):
    """A curator's note, on its paper's page and on lists of notes."""

    number: int  # its place among its paper's notes, from 1: the page's #note-N
    paper: Titled
    curator: Named
    date: dt.date | None
    summary: str
    body: str  # Markdown
    source: str  # the note's file, relative to the content folder
    source_url: str  # the file in the repository, or ""


@record
class Day(Record):
    date: dt.date
    url: str
    month_url: str
    papers: tuple[Paper, ...]  # by upvotes
    top_week_url: str  # the top list of its week
    top_month_url: str  # and of its month


@record
class Dated(Record):
    """A day, month or year as a link."""

    date: dt.date
    url: str


@record
class Month(Record):
    date: dt.date  # the first of the month
    url: str
    year_url: str
    days: tuple[Day, ...]  # newest first
    top_url: str

    @property
    def count(self) -> int:
        return sum(len(day.papers) for day in self.days)


@record
class Year(Record):
    date: dt.date  # January 1
    url: str
    months: tuple[Month, ...]  # newest first

    @property
    def count(self) -> int:
        return sum(month.count for month in self.months)


@record
class Top(Record):
    """The most upvoted papers of a week or a month."""

    period: str  # "week" or "month"
    date: dt.date  # its first day: a Monday, or the first of the month
    url: str
    papers: tuple[Paper, ...]  # by upvotes, at most `top_size`
    count: int  # papers in the period

    @property
    def last(self) -> dt.date:
        """Its last day."""
        if self.period == "week":
            return self.date + dt.timedelta(days=6)
        return next_month(self.date) - dt.timedelta(days=1)


@record
class Tag(Record):
    """A tag with its count: what the tags index and a tag page's header show."""

    name: str
    url: str
    feed_url: str
    bib_url: str
    count: int


@record
class Counted(Record):
    """A curator (say) as a link, with a count (of notes)."""

    name: str
    url: str
    count: int


@record
class Numbered(Record):
    """A page of a paginated list, as a link."""

    number: int
    url: str


@record
class Curated(Record):
    """A paper on the curated page: its newest note, and how many it has."""

    paper: Titled
    note_count: int
    latest: Note


@record
class Post(Record):
    """One of the curators' own posts (a Pelican article), on the home page."""

    title: str  # HTML, as Pelican gives it
    url: str
    date: dt.date
    locale_date: str


@record
class SiteLinks(Record):
    """Where the site's shared pages are: the header, menu and search of every
    page (`papershelf` in templates, Pelican's own pages included)."""

    root: str  # the archive's folder in the site ("" for the whole site)
    home_url: str
    static_url: str  # the theme's CSS and scripts
    dates_url: str
    tags_url: str
    curated_url: str
    curators_url: str
    stats_url: str
    feed_url: str
    bib_url: str
    search_url: str
    search_index_url: str
    preview_chars: int  # the start of an abstract that lists show
