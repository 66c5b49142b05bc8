"""What makes two entries the same paper, and the names it goes by: the slug
its pages are named by and the key it is cited by."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable

from unidecode import unidecode

from .. import latex
from .model import Entry

_NOT_WORD = re.compile(r"[\W_]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 80
TITLE_KEY = "title:"  # the key of a paper no listing gives an arXiv id
# An arXiv id, new style (2411.15124) or old (hep-th/9901001), perhaps with a version.
ARXIV_ID_RE = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


def normalise_title(title: str) -> str:
    """NFKC, case-folded, LaTeX resolved, punctuation and spacing collapsed."""
    text = unicodedata.normalize("NFKC", latex.plain(title)).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def entry_keys(entry: Entry, normalised: Callable[[str], str] = normalise_title) -> list[str]:
    """The keys an entry can be known by: its arXiv id, and its title."""
    return [key for key in (entry.arxiv_id, TITLE_KEY + normalised(entry.title)) if key]


def paper_keys(entries: Iterable[Entry]) -> list[str]:
    """Each entry's paper: its arXiv id; without one, the arXiv id that
    other listings give the same title (when they agree on one), or else the
    normalised title itself."""
    entries = list(entries)
    normalised = functools.lru_cache(maxsize=None)(normalise_title)  # a title, many entries
    ids: dict[str, str | None] = {}  # title -> its arXiv id (None: listings disagree)
    for entry in entries:
        if entry.arxiv_id:
            title = normalised(entry.title)
            agreed = ids.get(title, entry.arxiv_id) == entry.arxiv_id
            ids[title] = entry.arxiv_id if agreed else None
    keys = []
    for entry in entries:
        if entry.arxiv_id:
            keys.append(entry.arxiv_id)
        else:
            title = normalised(entry.title)
            keys.append(ids.get(title) or TITLE_KEY + title)
    return keys


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]


def slugify(title: str) -> str:
    """An ASCII slug of at most SLUG_MAX characters, cut at a word boundary."""
    text = unidecode(unicodedata.normalize("NFKC", latex.plain(title))).lower()
    slug = _NOT_SLUG.sub("-", text).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[: SLUG_MAX + 1].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug.strip("-") or "paper-" + short_hash(normalise_title(title) or title)


def claim_slug(slug: str, taken: set[str], *distinctions: str) -> str:
    """`slug` if no page of the kind has it yet, or else `slug` with a short
    hash of the first distinction that makes it free (the last one, if none
    does); either way the slug is then taken. Pages that come first keep the
    plain slug, and a later one's slug depends only on its own distinctions
    ("C++" and "C#" both slugify to "c")."""
    candidates = [slug, *(f"{slug}-{short_hash(text)}" for text in distinctions)]
    chosen = next((c for c in candidates if c not in taken), candidates[-1])
    taken.add(chosen)
    return chosen


# Words a citation key skips at the start of a title, as Google Scholar's do.
_KEY_SKIPS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "by", "at", "via",
     "is", "are", "do", "does", "can", "how", "what", "why", "when", "toward", "towards"}
)  # fmt: skip


def citation_key(authors: tuple[str, ...], year: int, title: str) -> str:
    """Google Scholar's pattern: the first author's family name, the year and
    the title's first word, in ASCII (`lambert2024tulu`); without authors,
    the word first (`tulu2024`)."""
    family = _ascii_words(authors[0])[-1:] if authors else []
    word = [w for w in _ascii_words(latex.plain(title)) if w not in _KEY_SKIPS][:1]
    if not family:
        return "".join([*word, str(year)]) if word else f"paper{year}"
    return "".join([*family, str(year), *word])


def _ascii_words(text: str) -> list[str]:
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).lower()
    return [word for word in _NOT_SLUG.split(ascii_text) if word]
