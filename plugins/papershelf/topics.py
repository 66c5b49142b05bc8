"""Topic rules: tags from words in a paper's title and abstract.

A rule maps a tag to patterns. A pattern is a word or a phrase matched whole,
case-insensitively and with accents folded; hyphens and spaces are the same
("self training" matches "Self-Training"), a plural "s"/"es" is allowed, and a
trailing `*` matches any ending ("quantiz*"). A paper gets the tag when its
title matches, or when its abstract mentions the topic at least
`min_mentions` times: a passing mention is not what a paper is about.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from . import latex


def fold(text: str) -> str:
    """Case-folded text without accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", latex.plain(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _pattern_regex(pattern: str) -> str:
    prefix = pattern.endswith("*")
    words = [re.escape(w) for w in re.split(r"[\s\-]+", fold(pattern.rstrip("*")).strip()) if w]
    if not words:
        raise ValueError(f"empty pattern {pattern!r}")
    body = r"[\s\-]+".join(words)
    return rf"(?<!\w){body}\w*" if prefix else rf"(?<!\w){body}(?:e?s)?(?!\w)"


@dataclass(frozen=True)
class Rule:
    tag: str
    regex: re.Pattern
    min_mentions: int | None = None  # None: the setting's default

    def mentions(self, text: str) -> int:
        return sum(1 for _ in self.regex.finditer(text))


def compile_rules(topics: Mapping) -> list[Rule]:
    """Rules from the PAPERSHELF_TOPICS setting; ValueError names a bad one.

    A topic maps to a list of patterns, or to a dict with `patterns` and
    `min_mentions` for a topic that needs more than the default to be sure.
    """
    rules = []
    for tag, value in topics.items():
        min_mentions = None
        if isinstance(value, Mapping):
            unknown = set(value) - {"patterns", "min_mentions"}
            if unknown:
                raise ValueError(f"topic {tag!r}: unknown keys {sorted(unknown)}")
            min_mentions = value.get("min_mentions")
            value = value.get("patterns", [])
        patterns = [value] if isinstance(value, str) else list(value)
        if not patterns:
            raise ValueError(f"topic {tag!r} has no patterns")
        regex = "|".join(_pattern_regex(p) for p in patterns)
        rules.append(Rule(tag, re.compile(regex), min_mentions))
    return rules


def topics_of(title: str, abstract: str, rules: list[Rule], min_mentions: int = 2) -> list[str]:
    """The tags whose rules match a paper, in the order the rules are given."""
    title, abstract = fold(title), fold(abstract)
    return [
        rule.tag
        for rule in rules
        if rule.regex.search(title)
        or rule.mentions(abstract) >= (rule.min_mentions or min_mentions)
    ]
