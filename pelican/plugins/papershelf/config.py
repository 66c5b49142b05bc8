"""papershelf's settings: read once from Pelican's settings into a frozen value."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import THEME

PREFIX = "PAPERSHELF_"

_PELICAN = {"pelican": True}  # from Pelican's own settings, not a setting of papershelf
_REMOTE = {"remote": True}  # a URL on another host: never below the root
_SITE_WIDE = {"site_wide": True}  # one file for the whole site: only at its top


class SettingsError(Exception):
    exitcode = 1


@dataclass(frozen=True)
class Config:
    """Every setting is `PAPERSHELF_` + the field name in capitals."""

    # Where the archive lives in the site: "" for the whole site, or a folder
    # ("papers/") of a site whose own home page and theme stay. Every page's
    # URL and path below is relative to it.
    root: str = ""
    listings_path: str = "listings"  # below Pelican's PATH
    notes_path: str = "notes"  # below Pelican's PATH
    # arXiv ids that `papershelf resolve` found, reviewed (below Pelican's PATH).
    arxiv_ids_path: str = "arxiv-ids.txt"
    arxiv_api_url: str = field(default="https://export.arxiv.org/api/query", metadata=_REMOTE)
    # The repository notes link to ("https://github.com/you/archive"), and its branch.
    repo_url: str = field(default="", metadata=_REMOTE)
    repo_branch: str = "main"
    repo_notes_path: str = "content/notes"  # the notes folder, from the repository's root
    pygments_style: str = "default"  # code in notes, light colour scheme
    pygments_dark_style: str = "github-dark"
    paper_url: str = "papers/{slug}/"
    paper_save_as: str = "papers/{slug}/index.html"
    date_url: str = "dates/{date:%Y}/{date:%m}/{date:%d}/"
    date_save_as: str = "dates/{date:%Y}/{date:%m}/{date:%d}/index.html"
    month_url: str = "dates/{date:%Y}/{date:%m}/"
    month_save_as: str = "dates/{date:%Y}/{date:%m}/index.html"
    year_url: str = "dates/{date:%Y}/"
    year_save_as: str = "dates/{date:%Y}/index.html"
    # The papers of a week (ISO, from Monday) and of a month, by upvotes.
    top_week_url: str = "top/{date:%G-W%V}/"
    top_week_save_as: str = "top/{date:%G-W%V}/index.html"
    top_month_url: str = "top/{date:%Y-%m}/"
    top_month_save_as: str = "top/{date:%Y-%m}/index.html"
    top_size: int = 20  # papers on a top list
    # Related papers on a paper's page; 0: none, and none computed (at 50,000
    # papers they are the longest step of a build without a cache).
    related_papers: int = 5
    dates_url: str = "dates/"
    dates_save_as: str = "dates/index.html"
    home_url: str = ""
    home_save_as: str = "index.html"
    # A site has one of each, at its top: written when the archive is the whole site.
    not_found_save_as: str = field(default="404.html", metadata=_SITE_WIDE)
    robots_save_as: str = field(default="robots.txt", metadata=_SITE_WIDE)
    sitemap_save_as: str = "sitemap.xml"  # with SITEURL only: a sitemap's URLs are absolute
    home_papers: int = 30  # the home page shows whole days until it has this many
    home_posts: int = 5  # the curators' newest posts (Pelican articles) on the home page
    preview_chars: int = 280  # the start of an abstract shown in lists
    tags_url: str = "tags/"
    tags_save_as: str = "tags/index.html"
    tag_url: str = "tags/{slug}/"
    tag_save_as: str = "tags/{slug}/index.html"
    # Later pages of a tag: a path below the tag's own, so no tag name can collide.
    tag_page_url: str = "tags/{slug}/page/{number}/"
    tag_page_save_as: str = "tags/{slug}/page/{number}/index.html"
    tag_page_size: int = 40
    feed_url: str = "feeds/papers.atom.xml"
    feed_save_as: str = "feeds/papers.atom.xml"
    tag_feed_url: str = "feeds/tags/{slug}.atom.xml"
    tag_feed_save_as: str = "feeds/tags/{slug}.atom.xml"
    feed_size: int = 50  # papers per feed, newest first
    export_save_as: str = "papers.json"
    # Every paper's BibTeX entry, for the archive and for each tag.
    bib_url: str = "papers.bib"
    bib_save_as: str = "papers.bib"
    tag_bib_url: str = "tags/{slug}/papers.bib"
    tag_bib_save_as: str = "tags/{slug}/papers.bib"
    search_url: str = "search/"
    search_save_as: str = "search/index.html"
    # The search index's manifest; its shards and result blocks go in folders beside it.
    search_index_url: str = "search/index.json"
    search_index_save_as: str = "search/index.json"
    # The daily_papers API that `papershelf fetch` asks (?date=YYYY-MM-DD).
    api_url: str = field(default="https://huggingface.co/api/daily_papers", metadata=_REMOTE)
    # A page per author named on at least author_min_papers papers, linked from
    # their names; an empty author_save_as turns author pages off.
    author_url: str = "authors/{slug}/"
    author_save_as: str = "authors/{slug}/index.html"
    author_min_papers: int = 2
    curated_url: str = "curated/"
    curated_save_as: str = "curated/index.html"
    stats_url: str = "stats/"  # charts of the archive by month, tag and weekday
    stats_save_as: str = "stats/index.html"
    curators_url: str = "curators/"
    curators_save_as: str = "curators/index.html"
    curator_url: str = "curators/{slug}/"
    curator_save_as: str = "curators/{slug}/index.html"
    # {tag: [pattern, ...]}: see topics.py for how patterns match.
    topics: Mapping = field(default_factory=dict)
    topic_min_mentions: int = 2  # abstract mentions that tag a paper
    broad_topic_share: float = 0.5  # warn about a topic that tags more of the archive
    keyword_tags: Mapping = field(default_factory=dict)  # {API ai_keyword: tag}
    jobs: int = 0  # processes that render pages; 0: one per core
    # Not a setting of its own: Pelican's SITEURL when links are absolute, else
    # "" (a citation or papers.json then has no site to point to).
    site_root: str = field(default="", metadata=_PELICAN)
    # Where the theme's CSS and scripts are (below the root, in Pelican's
    # THEME_STATIC_DIR), and whether papershelf copies them there: not when
    # Pelican does, as the theme of a whole-site archive.
    static_url: str = field(default="theme/", metadata=_PELICAN)
    copy_static: bool = field(default=True, metadata=_PELICAN)

    @classmethod
    def from_settings(cls, settings: Mapping) -> Config:
        fields = {
            f.name.upper(): f for f in dataclasses.fields(cls) if not f.metadata.get("pelican")
        }
        values = {"site_root": "" if settings.get("RELATIVE_URLS") else settings.get("SITEURL", "")}
        for key, value in settings.items():
            if not key.startswith(PREFIX):
                continue
            name = key[len(PREFIX) :]
            if name not in fields:
                close = difflib.get_close_matches(name, fields, n=1)
                hint = f" (did you mean {PREFIX}{close[0]}?)" if close else ""
                raise SettingsError(f"unknown setting {key}{hint}")
            values[fields[name].name] = value
        values.update(_rooted(values, settings))
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """Fail early, naming the setting, when a URL pattern cannot be filled."""
        if not isinstance(self.root, str) or self.root.startswith("/") or ".." in self.root:
            raise SettingsError(
                f"{PREFIX}ROOT = {self.root!r}: give a folder of the site, like 'papers/', or ''"
            )
        sample = {"slug": "a-paper", "date": dt.date(2024, 1, 31), "number": 2}
        for setting in dataclasses.fields(self):
            value = getattr(self, setting.name)
            if not setting.name.endswith(("_url", "_save_as")):
                continue
            try:
                value.format(**sample)
            except (KeyError, IndexError, ValueError, AttributeError) as error:
                raise SettingsError(
                    f"{PREFIX}{setting.name.upper()} = {value!r} is not a valid pattern: {error}"
                ) from None
        for name, what in (("jobs", "processes"), ("related_papers", "papers")):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SettingsError(
                    f"{PREFIX}{name.upper()} = {value!r}: give a number of {what}, or 0"
                )
        from .archive.topics import compile_rules  # the archive reads its settings from here

        try:
            compile_rules(self.topics)
        except (ValueError, TypeError, AttributeError) as error:
            raise SettingsError(f"{PREFIX}TOPICS: {error}") from None


def _rooted(values: dict, settings: Mapping) -> dict:
    """The page patterns below the root, and what depends on the root."""
    root = values.get("root", "")
    if root and isinstance(root, str) and not root.endswith("/"):
        root += "/"
    rooted = {"root": root}
    for setting in dataclasses.fields(Config):
        name = setting.name
        if setting.metadata or not name.endswith(("_url", "_save_as")):
            continue
        value = values.get(name, setting.default)
        rooted[name] = root + value if isinstance(value, str) else value
    for setting in dataclasses.fields(Config):
        if setting.metadata.get("site_wide") and root and setting.name not in values:
            rooted[setting.name] = ""
    static_dir = settings.get("THEME_STATIC_DIR", "theme").strip("/")
    rooted["static_url"] = f"{root}{static_dir}/"
    theme = settings.get("THEME")
    pelican_copies = not root and theme and _same_folder(theme, THEME)
    rooted["copy_static"] = not pelican_copies
    return rooted


def _same_folder(a: str, b: str) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return False
