"""A small crawler for built sites: every internal link and asset must resolve."""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def _file_for(output: Path, path: str) -> Path:
    target = output / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def broken_local_links(output: Path) -> tuple[int, list[str]]:
    """Follow every relative link of every page in a site built with relative URLs."""
    broken, pages = [], sorted(output.rglob("*.html"))
    for page in pages:
        url = "/" + page.relative_to(output).as_posix()
        for link in links_of(page.read_text(encoding="utf-8")):
            if urlsplit(link).scheme or link.startswith(("//", "#", "mailto:")):
                continue
            target = urlsplit(urljoin(url, urldefrag(link)[0])).path
            if not _file_for(output, target).is_file():
                broken.append(f"{url} -> {link}")
    return len(pages), broken


def crawl_http(start: str) -> tuple[set[str], list[str]]:
    """Fetch every page and asset reachable from `start` below its folder."""
    prefix = start.rsplit("/", 1)[0] + "/"
    seen, queue, broken = {start}, [start], []
    while queue:
        url = queue.pop()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            broken.append(f"{url}: {error.code}")
            continue
        if kind != "text/html":
            continue
        for link in links_of(body.decode("utf-8")):
            target = urldefrag(urljoin(url, link))[0]
            if target.startswith(prefix) and target not in seen:
                seen.add(target)
                queue.append(target)
            elif urlsplit(target).netloc == urlsplit(start).netloc and not target.startswith(
                prefix
            ):
                broken.append(f"{url} -> {link}: outside the site's sub-path")
    return seen, broken
