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

from .. import latex


def fold(text: str) -> str:
    """Case-folded text without accents, for matching."""
    text = latex.plain(text)
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_WORD = re.compile(r"[^\W_]+")
# Words, and runs of whatever else is neither a word nor a gap (spaces and
# hyphens): two words are next to each other in a phrase only when they are
# next to each other in this list.
_TOKEN = re.compile(r"[^\W_]+|(?:[^\w\s\-]|_)+")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+|[^a-z0-9\s\-]+")  # the same on folded ASCII, faster
_START = 3  # a prefix pattern is found by this many first letters
_GAP = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    prefix: bool  # the last word matches any word it begins
    rule: int

    def matches(self, tokens: list[str], start: int) -> bool:
        *first, last = self.words
        end = start + len(first)
        if end >= len(tokens) or tokens[start:end] != first:
            return False
        text = tokens[end]
        return text.startswith(last) if self.prefix else text in (last, last + "s", last + "es")


@dataclass(frozen=True)
class Rule:
    tag: str
    min_mentions: int | None = None  # None: the setting's default


def _forms(word: str) -> tuple[str, str, str]:
    return word, word + "s", word + "es"


class Rules:
    """Compiled topic rules: one pass over a text counts every topic's mentions.

    Most patterns are found by one or two words looked up where they stand:
    what those words match for sure is counted at once, and only phrases of
    three words or more, and prefixes, are checked against the text."""

    def __init__(self, rules: list[Rule], patterns: list[_Pattern]):
        self.rules = rules
        sure: dict[str | tuple[str, str], list[int]] = {}  # a word, or two: their rules
        check: dict[str | tuple[str, str], list[_Pattern]] = {}  # where to check patterns
        for pattern in patterns:
            first, *rest = pattern.words
            if not rest and pattern.prefix:  # by its first letters (most words have none)
                check.setdefault(first[:_START], []).append(pattern)
            elif not rest:
                for form in _forms(first):
                    sure.setdefault(form, []).append(pattern.rule)
            elif len(rest) == 1 and not pattern.prefix:
                for form in _forms(rest[0]):
                    sure.setdefault((first, form), []).append(pattern.rule)
            elif pattern.prefix:  # the second word is a prefix: by the first word
                check.setdefault(first, []).append(pattern)
            else:
                check.setdefault((first, rest[0]), []).append(pattern)
        # Tuples, so that lookups concatenate without copying lists of lists.
        self._sure = {k: tuple(dict.fromkeys(v)) for k, v in sure.items()}
        self._check = {k: tuple(v) for k, v in check.items()}
        # The words that may start a match, or whose first letters may.
        self._first = {k if isinstance(k, str) else k[0] for k in (*sure, *check)}

    def __iter__(self):
        return iter(self.rules)

    def __len__(self):
        return len(self.rules)

    def mentions(self, folded: str) -> list[int]:
        """For each rule, how many places of the (folded) text mention it."""
        counts = [0] * len(self.rules)
        tokens = (_ASCII_TOKEN if folded.isascii() else _TOKEN).findall(folded)
        sure, check, first = self._sure, self._check, self._first
        # Most words start no pattern: find the few that do, then where they are.
        starts = {word for word in set(tokens) if word in first or word[:_START] in first}
        hits = [i for i, word in enumerate(tokens) if word in starts] if starts else ()
        last = len(tokens) - 1
        for position in hits:
            word = tokens[position]
            pair = (word, tokens[position + 1] if position < last else "")
            rules = sure.get(word, ()) + sure.get(pair, ())
            patterns = check.get(pair, ()) + check.get(word, ()) + check.get(word[:_START], ())
            if patterns or len(rules) > 1:  # a rule counts once a place
                matched = set(rules)
                matched.update(p.rule for p in patterns if p.matches(tokens, position))
                rules = matched
            for rule in rules:
                counts[rule] += 1
        return counts


def _pattern_words(pattern: str) -> tuple[tuple[str, ...], bool]:
    prefix = pattern.endswith("*")
    text = fold(pattern.rstrip("*")).strip()
    words = tuple(w for w in _GAP.split(text) if w)
    if not words or not all(_WORD.fullmatch(w) for w in words):
        raise ValueError(f"pattern {pattern!r}: use words of letters and digits")
    if prefix and len(words) == 1 and len(words[0]) < _START:
        raise ValueError(f"pattern {pattern!r}: a prefix needs at least {_START} letters")
    return words, prefix


def compile_rules(topics: Mapping) -> Rules:
    """Rules from the PAPERSHELF_TOPICS setting; ValueError names a bad one.

    A topic maps to a list of patterns, or to a dict with `patterns` and
    `min_mentions` for a topic that needs more than the default to be sure.
    """
    rules, patterns = [], []
    for tag, value in topics.items():
        min_mentions = None
        if isinstance(value, Mapping):
            unknown = set(value) - {"patterns", "min_mentions"}
            if unknown:
                raise ValueError(f"topic {tag!r}: unknown keys {sorted(unknown)}")
            min_mentions = value.get("min_mentions")
            value = value.get("patterns", [])
        texts = [value] if isinstance(value, str) else list(value)
        if not texts:
            raise ValueError(f"topic {tag!r} has no patterns")
        for text in texts:
            words, prefix = _pattern_words(text)
            patterns.append(_Pattern(words, prefix, len(rules)))
        rules.append(Rule(tag, min_mentions))
    return Rules(rules, patterns)


def topics_of(title: str, abstract: str, rules: Rules, min_mentions: int = 2) -> list[str]:
    """The tags whose rules match a paper, in the order the rules are given."""
    in_title = rules.mentions(fold(title))
    in_abstract = rules.mentions(fold(abstract))
    return [
        rule.tag
        for rule, title_count, count in zip(rules, in_title, in_abstract, strict=True)
        if title_count or count >= (rule.min_mentions or min_mentions)
    ]
