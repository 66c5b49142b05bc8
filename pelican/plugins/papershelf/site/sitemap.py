"""The sitemap (sitemaps.org protocol 0.9) and robots.txt that points to it.

A sitemap holds at most 50,000 URLs; a larger site gets a sitemap index at
the same address, naming one sitemap per 50,000 pages. URLs are absolute, so
there is a sitemap only when the site has an address (`SITEURL` with
absolute links, as `make publish` builds it).
"""

from __future__ import annotations

import datetime as dt
import posixpath
from xml.sax.saxutils import escape

MAX_URLS = 50_000  # per sitemap, as the protocol allows
_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_files(
    pages: list[tuple[str, dt.date | None]], root: str, save_as: str, limit: int = MAX_URLS
) -> dict[str, str]:
    """{save_as: XML}: the sitemap of the pages (URL below `root`, and when
    each last changed), or an index and its parts beside it."""
    urls = [(f"{root}/{url}", lastmod) for url, lastmod in pages]
    if len(urls) <= limit:
        return {save_as: _urlset(urls)}
    stem, extension = posixpath.splitext(save_as)
    files, entries = {}, []
    for number, start in enumerate(range(0, len(urls), limit), start=1):
        part = urls[start : start + limit]
        name = f"{stem}-{number}{extension}"
        files[name] = _urlset(part)
        newest = max((lastmod for _, lastmod in part if lastmod), default=None)
        entries.append((f"{root}/{name}", newest))
    files[save_as] = _document("sitemapindex", "sitemap", entries)
    return files


def robots_txt(sitemap_url: str) -> str:
    """Every page may be crawled; where the sitemap is, if there is one."""
    lines = ["User-agent: *", "Allow: /"]
    if sitemap_url:
        lines += ["", f"Sitemap: {sitemap_url}"]
    return "\n".join(lines) + "\n"


def _urlset(urls: list[tuple[str, dt.date | None]]) -> str:
    return _document("urlset", "url", urls)


def _document(root: str, element: str, entries: list[tuple[str, dt.date | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{_NAMESPACE}">']
    for loc, lastmod in entries:
        modified = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"<{element}><loc>{escape(loc)}</loc>{modified}</{element}>")
    lines.append(f"</{root}>")
    return "\n".join(lines) + "\n"
