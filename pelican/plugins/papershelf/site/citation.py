"""How a paper is cited: its BibTeX entry, and the JSON-LD that describes it
to search engines.

Listing text is read by `latex.spans` (accents, escapes, emphasis, math) and
written back as LaTeX that BibTeX and biber both read: characters special to
TeX escaped and others spelled as TeX commands by pylatexenc (`T{\\"U}LU`),
math as written, and words with capitals inside them kept in braces so that
no bibliography style lowercases them (`{TÜLU}`, `{LLMs}`).
"""

from __future__ import annotations

import functools
import json
import re

from .. import latex
from .records import Paper

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_TEX_SPECIAL = re.compile(r"[^ -~]|[\\{}$&%#_^~]")  # not printable ASCII, or special
_STYLES = {"em": "\\emph{{{}}}", "strong": "\\textbf{{{}}}", "code": "\\texttt{{{}}}"}


def bibtex(paper: Paper, page_url: str) -> str:
    """The paper's `@misc` entry. `page_url`, its page on this site (or ""),
    is its URL when it has no arXiv id and no link of its own."""
    fields = [("title", "{" + tex(paper.title, protect_case=True) + "}")]
    if paper.authors:
        names = [_name(name) for name in paper.authors]
        if paper.authors_count and paper.authors_count > len(paper.authors):
            names.append("others")
        fields.append(("author", "{" + " and ".join(names) + "}"))
    fields += [("year", f"{{{paper.date.year}}}"), ("month", _MONTHS[paper.date.month - 1])]
    if paper.arxiv_id:
        fields += [("eprint", f"{{{paper.arxiv_id}}}"), ("archivePrefix", "{arXiv}")]
    url = paper.links[0].url if paper.links else page_url
    if url:
        fields.append(("url", "{" + _url(url) + "}"))
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@misc{{{paper.cite_key},\n{body}}}\n"


def json_ld(paper: Paper, page_url: str) -> str:
    """The paper as a schema.org `ScholarlyArticle`, as JSON safe to place in
    a <script> element: no listing text can end it."""
    article = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": latex.plain(paper.title),
        "headline": latex.preview(paper.title, 110),
        "datePublished": paper.date.isoformat(),
        "author": [{"@type": "Person", "name": latex.plain(name)} for name in paper.authors],
        "abstract": latex.plain(paper.abstract),
        "keywords": [tag.name for tag in paper.tags],
    }
    if page_url:
        article["url"] = page_url
    if paper.links:
        article["sameAs"] = [link.url for link in paper.links if link.kind in ("arxiv", "hf-paper")]
    if paper.arxiv_id:
        article["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "arXiv",
            "value": paper.arxiv_id,
        }
    text = json.dumps({k: v for k, v in article.items() if v}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def tex(text: str, protect_case: bool = False) -> str:
    """Listing text as LaTeX for a BibTeX field."""
    parts = []
    for kind, value in latex.spans(text):
        if kind == "math" and _balanced(value):
            parts.append(value)
        elif kind == "url":
            parts.append("\\url{" + _url(value) + "}")
        elif kind in _STYLES:
            parts.append(_STYLES[kind].format(_words(value, protect_case)))
        else:
            parts.append(_words(value, protect_case))
    return "".join(parts)


_SPACES = re.compile(r"(\s+)")


def _words(text: str, protect_case: bool) -> str:
    if not protect_case:
        return _encode(text)
    # A capital after a word's first letter (what lower() changes) is kept braced.
    return "".join(
        "{" + _encode(word) + "}" if word[1:] != word[1:].lower() else _encode(word)
        for word in _SPACES.split(text)
    )


# Typographic punctuation as TeX types it, which reads better than its commands.
_TEX_TYPING = str.maketrans(
    {"\u201c": "``", "\u201d": "''", "\u2018": "`", "\u2019": "'", "\u2014": "---", "\u2013": "--"}
)


@functools.lru_cache(maxsize=1 << 16)  # author names recur
def _encode(text: str) -> str:
    if not _TEX_SPECIAL.search(text):
        return text  # most text: plain ASCII, nothing to escape
    return _encoder().unicode_to_latex(text.translate(_TEX_TYPING))


@functools.cache  # when first needed: most archives are ASCII
def _encoder():
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=False,  # & % # _ { } too
        replacement_latex_protection="braces-all",  # T{\"U}LU: one letter to BibTeX
        unknown_char_policy="keep",  # CJK and the like: UTF-8, for biber and XeLaTeX
        unknown_char_warning=False,
    )


_AND = re.compile(r"\sand\s", re.IGNORECASE)


def _name(name: str) -> str:
    """An author's name as BibTeX reads one name: braced whole when it holds
    what BibTeX would split it at (" and ", a comma)."""
    encoded = _encode(latex.plain(name))
    if "," in name or _AND.search(name):
        return "{" + encoded + "}"
    return encoded


def _balanced(math: str) -> bool:
    """Whether BibTeX can hold the formula as it is: braces balanced."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", math):
        token = match[0]
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0


def _url(url: str) -> str:
    """A URL in a BibTeX field: braces and a backslash (never left in by
    `latex.href`) would end or escape the field."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
