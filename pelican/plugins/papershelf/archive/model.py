"""The records that flow from the readers into the archive."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, order=True)
class Problem:
    """Something in an input file that papershelf cannot interpret."""

    path: str
    line: int  # 0: the file or folder as a whole
    message: str

    def __str__(self) -> str:
        # A file's name is shown as text: a newline or an escape in it cannot
        # make a line of its own or move the terminal's cursor.
        path = _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", self.path)
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content has problems: every one of them, and what was read."""

    def __init__(self, problems: list[Problem], summary: str = ""):
        self.problems = sorted(problems)
        self.summary = summary
        super().__init__("\n".join([*map(str, self.problems), summary]).strip())


@dataclass(frozen=True)
class Entry:
    """One paper as one listing shows it.

    `title` and `abstract` are the listing's text with its whitespace
    normalised; LaTeX remnants stay as written (see `latex.py`), so the
    reader never decides how they look.
    """

    title: str
    abstract: str
    date: dt.date
    dated: bool  # False when the listing gave no date for this paper
    authors: tuple[str, ...] = ()
    authors_count: int | None = None
    upvotes: int | None = None
    arxiv_id: str | None = None
    links: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    listing: str = ""  # the listing file the entry comes from
    snapshot: dt.date | None = None  # the listing's own date
    line: int = 0

    @property
    def source(self) -> str:
        return f"{self.listing}:{self.line}"


@dataclass(frozen=True)
class Sighting:
    """A listing in which a paper appeared, and its upvotes there."""

    listing: str
    snapshot: dt.date
    upvotes: int | None
    source: str


@dataclass
class Paper:
    """A paper of the archive: every entry about it merged into one."""

    key: str  # arXiv id, or "title:" + normalised title
    slug: str
    title: str
    abstract: str
    date: dt.date
    dated: bool
    authors: tuple[str, ...]
    authors_count: int | None
    upvotes: int | None
    arxiv_id: str | None
    links: tuple[str, ...]
    keywords: tuple[str, ...]
    sightings: list[Sighting] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # oldest first
    # Filled in by the archive once every paper is known.
    tags: tuple[Tag, ...] = ()
    url: str = ""
    save_as: str = ""
    cite_key: str = ""  # its BibTeX key, unique in the archive
    source: bytes = b""  # a digest of all the above that comes from the listings
    previous: Paper | None = field(default=None, repr=False)
    next: Paper | None = field(default=None, repr=False)


# The fields of a Paper that its listings decide (`archive.merge` fills them
# in); the archive adds the others once every paper is known.
LISTED_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(Paper)
    if f.name not in ("notes", "tags", "source", "previous", "next")
)


@dataclass(eq=False)
class Note:
    """A curator's note about one paper."""

    source: str  # the file, relative to the content folder
    line: int  # the line of its Paper: header
    paper_ref: str  # arXiv id, slug or title, as written
    curator: str
    date: dt.date | None
    tags: tuple[str, ...]
    summary: str
    body: str  # Markdown
    slug: str = ""  # the file's name without .md
    # Filled in by the archive.
    paper: Paper | None = field(default=None, repr=False)
    curator_page: Curator | None = field(default=None, repr=False)


@dataclass(eq=False)
class Tag:
    """A tag and its papers, newest first. Compared by identity: one per name."""

    name: str
    slug: str
    papers: list[Paper] = field(default_factory=list, repr=False)
    url: str = ""
    save_as: str = ""
    feed_url: str = ""
    feed_save_as: str = ""
    bib_url: str = ""
    bib_save_as: str = ""


@dataclass(eq=False)
class Curator:
    """Someone who writes notes, and their notes, newest first."""

    name: str
    slug: str
    notes: list[Note] = field(default_factory=list, repr=False)
    url: str = ""
    save_as: str = ""


@dataclass(eq=False)
class Author:
    """Someone named among a paper's authors, with a page of their papers."""

    name: str  # as the newest paper spells it
    slug: str
    papers: list[Paper] = field(default_factory=list, repr=False)  # newest first
    url: str = ""
    save_as: str = ""
