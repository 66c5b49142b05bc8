"""Tags: where they come from, and one Tag per name however it is spelt.

Sources, merged: topic rules over title and abstract (`topics.py`), API
keywords that the settings map to tags, and the tags curators give a paper.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

from ..config import Config
from ..digest import Compute, compute_here, digest
from .identity import short_hash, slugify
from .model import Paper, Tag
from .topics import compile_rules, fold, topics_of

# Below this many papers every topic is "broad"; warning there says nothing.
BROAD_MIN_PAPERS = 20


def assign_tags(
    papers: list[Paper],
    config: Config,
    extra: dict[str, Iterable[str]] | None = None,
    compute: Compute = compute_here,
) -> tuple[list[Tag], list[str]]:
    """Tag every paper; returns the tags (by name) and warnings about rules.

    `extra` maps a paper key to tag names from elsewhere (curators' notes).
    Papers must be in archive order (newest first): tag lists keep it.
    `compute` finds the papers' topics (see `digest.Compute`): the build's
    remembers them by title, abstract and rules, and uses every core.
    """
    rules = compile_rules(config.topics)
    found = _topics(papers, rules, config, compute)
    keyword_tags = {fold(k): v for k, v in config.keyword_tags.items()}
    extra = extra or {}
    tags: dict[str, Tag] = {}  # by folded name
    named: dict[str, Tag] = {}  # by name as written: the same few names, many times
    rule_counts: dict[str, int] = {rule.tag: 0 for rule in rules}

    def tag_named(name: str) -> Tag:
        if name not in named:
            key = fold(" ".join(name.split()))
            if key not in tags:
                tags[key] = Tag(name=" ".join(name.split()), slug="")
            named[name] = tags[key]
        return named[name]

    order = _FoldedNames()
    for paper, matched in zip(papers, found, strict=True):
        for name in matched:
            rule_counts[name] += 1
        names = [
            *matched,
            *(keyword_tags[fold(k)] for k in paper.keywords if fold(k) in keyword_tags),
            *extra.get(paper.key, ()),
        ]
        paper_tags = list(dict.fromkeys(tag_named(name) for name in names if name.strip()))
        paper.tags = tuple(sorted(paper_tags, key=order.__getitem__))
        for tag in paper.tags:
            tag.papers.append(paper)

    ordered = sorted(tags.values(), key=order.__getitem__)
    _assign_slugs(ordered, config)
    warnings = [
        f"topic {name!r} tags {count} of {len(papers)} papers: its patterns are too broad"
        for name, count in rule_counts.items()
        if len(papers) >= BROAD_MIN_PAPERS and count > config.broad_topic_share * len(papers)
    ]
    return ordered, warnings


def _topics(papers: list[Paper], rules, config: Config, compute: Compute) -> list:
    """Each paper's topics, keyed by the rules, its title and its abstract."""
    rules_key = digest(dict(config.topics), config.topic_min_mentions)
    hashed = functools.partial(hashlib.blake2b, digest_size=16, key=rules_key)
    keys = [hashed(f"{p.title}\0{p.abstract}".encode()).digest() for p in papers]
    tasks = [
        functools.partial(topics_of, p.title, p.abstract, rules, config.topic_min_mentions)
        for p in papers
    ]
    return compute(keys, tasks)


def _assign_slugs(tags: list[Tag], config: Config) -> None:
    taken: set[str] = set()
    for tag in tags:
        slug = slugify(tag.name)
        if slug in taken:  # "C++" and "C#" both slugify to "c"
            slug = f"{slug}-{short_hash(fold(tag.name))}"
        taken.add(slug)
        tag.slug = slug
        tag.url = config.tag_url.format(slug=slug)
        tag.save_as = config.tag_save_as.format(slug=slug)
        tag.feed_url = config.tag_feed_url.format(slug=slug)
        tag.feed_save_as = config.tag_feed_save_as.format(slug=slug)
        tag.bib_url = config.tag_bib_url.format(slug=slug)
        tag.bib_save_as = config.tag_bib_save_as.format(slug=slug)


class _FoldedNames(dict):
    """Tag -> its folded name, the order of tags everywhere (computed once)."""

    def __missing__(self, tag: Tag) -> str:
        self[tag] = fold(tag.name)
        return self[tag]
