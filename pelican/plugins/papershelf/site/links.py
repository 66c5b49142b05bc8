"""What a link is to a reader: arXiv, code or a project page."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from ..latex import href

_CODE_HOSTS = {"github.com", "gitlab.com", "huggingface.co", "hf.co"}
# huggingface.co/<owner>/<repo> is a model; these prefixes name other repositories.
_HF_REPO_KINDS = {"datasets", "spaces"}
_HF_NOT_REPOS = {"papers", "docs", "blog", "collections", "models", "learn", "posts"}


class Link(NamedTuple):
    kind: str  # "arxiv", "pdf", "hf-paper", "code" or "project"
    label: str
    url: str


def is_repository(url: str) -> bool:
    """A GitHub, GitLab or Hugging Face repository (not a user or a docs page)."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    if host not in _CODE_HOSTS or len(path) < 2:
        return False
    if host in ("huggingface.co", "hf.co"):
        if path[0] in _HF_REPO_KINDS:
            return len(path) >= 3
        return path[0] not in _HF_NOT_REPOS
    return True


def paper_links(arxiv_id: str | None, urls: tuple[str, ...]) -> list[Link]:
    """Links for a paper page: arXiv ones first, then code, then project pages."""
    links = []
    if arxiv_id:
        links += [
            Link("arxiv", "arXiv", f"https://arxiv.org/abs/{arxiv_id}"),
            Link("pdf", "PDF", f"https://arxiv.org/pdf/{arxiv_id}"),
            Link("hf-paper", "Hugging Face", f"https://huggingface.co/papers/{arxiv_id}"),
        ]
    if not urls:  # most papers: every build makes the links of every paper
        return links
    urls = tuple(href(u) for u in urls)
    code = [u for u in urls if is_repository(u)]
    links += [Link("code", "Code", u) for u in code]
    links += [
        Link("project", "Project page", u)
        for u in urls
        if u not in code and not re.match(r"https?://(www\.)?arxiv\.org/", u)
    ]
    return links
