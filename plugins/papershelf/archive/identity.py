"""What makes two entries the same paper, and the URL slug a paper keeps."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from unidecode import unidecode

from ..read import latex

_NOT_WORD = re.compile(r"[\W_]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 80


def normalise_title(title: str) -> str:
    """NFKC, case-folded, LaTeX resolved, punctuation and spacing collapsed."""
    text = unicodedata.normalize("NFKC", latex.plain(title)).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]


def slugify(title: str) -> str:
    """An ASCII slug of at most SLUG_MAX characters, cut at a word boundary."""
    text = unidecode(unicodedata.normalize("NFKC", latex.plain(title))).lower()
    slug = _NOT_SLUG.sub("-", text).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[: SLUG_MAX + 1].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug.strip("-") or "paper-" + short_hash(normalise_title(title) or title)
