"""LaTeX remnants and URLs in listing text, turned into text, Markdown or HTML.

Listings are copied from arXiv-derived pages, so titles and abstracts carry
LaTeX: accent commands (``T\\"ULU``), escaped symbols (``\\%``), emphasis
(``{\\em labeled}``, ``\\textbf{...}``), TeX quotes (````like this''``) and
``$...$`` math. `spans()` is the one place that reads them; `plain()`,
`markdown()` and `html()` only present the spans, so every output agrees on
what the text says.
"""

from __future__ import annotations

import functools
import html as _html
import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote

# Accent commands and the combining marks they stand for.
_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
}
_LETTER = r"(?:\\i|[A-Za-z])"
_ACCENT_RE = re.compile(
    r"\{?\\(?:"
    rf"(?P<sym>[\"'`^~=.])\s*(?:\{{(?P<a>{_LETTER})\}}|(?P<b>{_LETTER}))"
    rf"|(?P<word>[cuvHkr])(?:\{{(?P<c>{_LETTER})\}}|\s+(?P<d>{_LETTER})))\}}?"
)
# A literal dollar stands in for this character until math has been found.
_DOLLAR = "\ue000"
_ESCAPED = {"%": "%", "&": "&", "_": "_", "#": "#", "{": "{", "}": "}", "$": _DOLLAR}
_ESCAPED_RE = re.compile(r"\\([%&_#{}$])")

_STYLES = {
    "em": "em",
    "it": "em",
    "emph": "em",
    "textit": "em",
    "textsl": "em",
    "bf": "strong",
    "textbf": "strong",
    "tt": "code",
    "texttt": "code",
}
# Math as GitHub writes it: no space just inside single dollars, no digit right
# after the closing one ("$5 and $10" is not math). Notes use the same rule.
MATH_PATTERN = (
    r"(?<![\\$])\$\$[^$]+?\$\$"
    r"|(?<![\\$])\$[^\s$](?:[^$\n]*?[^\s$\\])?\$(?!\d)"
)
_TOKEN_RE = re.compile(
    # Each kind starts with one of these: testing that first, at every place in
    # the text, makes the search four times faster than trying each kind.
    r"(?=[$\\{h])"
    rf"(?:(?P<math>{MATH_PATTERN})"
    r"|\{\\(?P<decl>em|it|bf|tt)\s+(?P<decl_text>[^{}]*)\}"
    r"|\\(?P<cmd>emph|textit|textsl|textbf|texttt)\{(?P<cmd_text>[^{}]*)\}"
    r"|(?P<url>\bhttps?://[^\s<>\"'`{}|\\^]+))",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?*'\""
_CLOSERS = {")": "(", "]": "["}


class Span(NamedTuple):
    kind: str  # "text", "em", "strong", "code", "math" or "url"
    text: str


def _accent(match: re.Match) -> str:
    mark = _ACCENTS[match["sym"] or match["word"]]
    letter = match["a"] or match["b"] or match["c"] or match["d"]
    letter = "i" if letter == "\\i" else letter
    return unicodedata.normalize("NFC", letter + mark)


def _trim_url(url: str) -> str:
    """Drop the punctuation that ends a sentence rather than the URL."""
    while url:
        last = url[-1]
        if last in _URL_TRAILING or (
            last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last])
        ):
            url = url[:-1]
        else:
            break
    return url


def spans(text: str) -> list[Span]:
    """Split listing text into spans of plain text, emphasis, math and URLs."""
    return list(_spans(text))


def _is_plain(text: str) -> bool:
    """Whether the text holds nothing to read: most text."""
    return "\\" not in text and "$" not in text and "://" not in text and "``" not in text


def _spans(text: str) -> tuple[Span, ...]:
    if _is_plain(text):
        return (Span("text", text),) if text else ()
    return _read(text)


# A paper's title and abstract are read for its page, lists, feeds, search,
# topics and export, each a pass over the archive: an LRU cache smaller than
# the archive would miss every time. Only texts with something to read are
# kept (one in ten): a tenth of a millisecond each.
@functools.lru_cache(maxsize=1 << 17)
def _read(text: str) -> tuple[Span, ...]:
    text = _ACCENT_RE.sub(_accent, text)
    text = _ESCAPED_RE.sub(lambda m: _ESCAPED[m[1]], text)
    out: list[Span] = []
    pos = 0

    def add(kind: str, value: str) -> None:
        value = value.replace(_DOLLAR, "$")
        if kind not in ("math", "url", "code"):
            value = _curly_quotes(value)
        if kind == "text" and out and out[-1].kind == "text":
            out[-1] = Span("text", out[-1].text + value)
        elif value:
            out.append(Span(kind, value))

    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        if match["url"]:
            url = _trim_url(match["url"])
            end = start + len(url)
            if "://" not in url or url.endswith("://"):
                continue
        add("text", text[pos:start])
        if match["math"]:
            add("math", match["math"])
        elif match["url"]:
            add("url", url)
        else:
            style = _STYLES[(match["decl"] or match["cmd"]).lower()]
            add(style, match["decl_text"] if match["decl"] else match["cmd_text"])
        pos = end
    add("text", text[pos:])
    return tuple(out)


_TEX_QUOTED = re.compile(r"``(.*?)''", re.DOTALL)


def _curly_quotes(text: str) -> str:
    """TeX's double quotes as typographic ones: ``like this'' reads “like this”.
    Only in pairs: two apostrophes alone (`{{ ''.join }}`) stay as written."""
    return _TEX_QUOTED.sub("\u201c\\1\u201d", text) if "``" in text else text


def plain(text: str) -> str:
    """The text as a reader sees it, without any markup."""
    return text if _is_plain(text) else _plain(text)


@functools.lru_cache(maxsize=1 << 17)  # as `_read`
def _plain(text: str) -> str:
    return "".join(span.text for span in _read(text))


def collapsed(text: str, limit: int | None = None) -> str:
    """The text as a reader sees it with its spaces collapsed: the whole of
    it, or a start longer than `limit` characters, collapsed alone (lists
    show thousands of previews). The collapsed start of a text is the start of
    the whole text collapsed."""
    whole = plain(text)
    if limit is not None:
        start = _collapse(whole[: 2 * limit])
        if len(start) > limit:
            return start
    return _collapse(whole)


def _collapse(text: str) -> str:
    """`" ".join(text.split())`, without splitting a text with nothing to
    collapse (most are: single spaces, and paragraphs apart by a blank line)."""
    joined = text.replace("\n\n", " ")
    if joined.isprintable() and "  " not in joined:  # no space but " ", none twice
        return joined.strip()
    return " ".join(text.split())


def preview(text: str, limit: int = 280) -> str:
    """The start of the text as a reader sees it, cut at a word."""
    text = collapsed(text, limit)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


# A sentence ends at . ! or ? before a space and a capital, a digit or an
# opening quote, but not after an abbreviation or an initial.
_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bvs)(?<!\bFig)(?<!\bEq)(?<!\b[A-Z])"
    r"[.!?](?=\s+[A-Z0-9\"'\u201c(\[])"
)


@functools.lru_cache(maxsize=256)  # a page shows its description three times (meta, og, twitter)
def first_sentence(text: str, limit: int = 300) -> str:
    """The text's first sentence as a reader sees it (a search result's or a
    shared link's description), cut at a word if longer than `limit`."""
    whole = collapsed(text, 2 * limit)
    end = _SENTENCE_END.search(whole)
    sentence = whole[: end.end()] if end else whole
    return preview(sentence, limit)


_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def href(url: str) -> str:
    """A URL as a valid href: characters a URL may not hold (spaces, quotes,
    angle brackets, non-ASCII, a stray %) percent-encoded, the rest kept."""
    return quote(_STRAY_PERCENT.sub("%25", url), safe=":/?#[]@!$&'()*+,;=%")


def urls(text: str) -> list[str]:
    """The http(s) URLs in the text, in order, each once."""
    return list(dict.fromkeys(s.text for s in spans(text) if s.kind == "url"))


# Markdown: backslash-escape what Python-Markdown and CommonMark both accept,
# and write the rest as character references, which every extension leaves alone.
# With [ and ] escaped, ( ) and ! cannot start a link or an image.
_MD_ESCAPES = str.maketrans(
    {
        **{c: "\\" + c for c in "`*_{}[]"},
        "\\": "&#92;",  # a backslash never escapes what follows, math included
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
        "|": "&#124;",
        "$": "&#36;",
        "~": "&#126;",
        "^": "&#94;",
    }
)
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\-]|\d+(?=\.))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text that Markdown shows exactly as written."""
    escaped = text.translate(_MD_ESCAPES)
    # Only at the start of a line do these characters make headings and lists.
    return _MD_BLOCK_START.sub(lambda m: m[1] + _escape_block_marker(m[2]), escaped)


def _escape_block_marker(marker: str) -> str:
    return marker + "\\" if marker.isdigit() else "\\" + marker


_MD_STYLES = {"em": "*{}*", "strong": "**{}**", "code": "<code>{}</code>"}


def markdown(text: str, links: bool = True) -> str:
    """Listing text as Markdown: escaped text, emphasis, math and links."""
    parts = []
    for kind, value in spans(text):
        if kind == "url" and links:
            parts.append(f"<{value}>")
        elif kind == "math":
            parts.append(value)  # TeX as written: the math extension of markup.py reads it
        elif kind in _MD_STYLES:
            parts.append(_MD_STYLES[kind].format(escape_markdown(value)))
        else:
            parts.append(escape_markdown(value))
    return "".join(parts)


def html(text: str, links: bool = False, math: Callable[[str], str] | None = None) -> str:
    """Listing text as HTML; everything in it is escaped. `math` turns a
    formula (with its dollars) into HTML; without it formulas stay as text."""
    parts = []
    for kind, value in spans(text):
        value_html = _html.escape(value, quote=False)
        if kind == "url" and links:
            target = _html.escape(href(value))
            parts.append(f'<a href="{target}" rel="noopener noreferrer">{value_html}</a>')
        elif kind == "math":
            parts.append(math(value) if math else f'<span class="math">{value_html}</span>')
        elif kind in ("em", "strong", "code"):
            parts.append(f"<{kind}>{value_html}</{kind}>")
        else:
            parts.append(value_html)
    return "".join(parts)
