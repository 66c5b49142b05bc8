"""Markdown to safe HTML, for abstracts and for curators' notes.

Notes are Markdown as people write it on GitHub: fenced code (highlighted by
Pygments), tables, footnotes, strikethrough, task lists, bare links, and
`$...$` / `$$...$$` math. Math becomes MathML at build time, so pages need no
script and no other host. Notes come from strangers' pull requests, so the
HTML is sanitised to an allowlist; MathML is checked element by element.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import latex2mathml.converter
import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from pygments.formatters import HtmlFormatter

from .. import latex
from ..latex import MATH_PATTERN

EXTENSIONS = [
    "tables",
    "footnotes",
    "fenced_code",
    "sane_lists",
    "codehilite",
    "pymdownx.magiclink",
    "pymdownx.tilde",
    "pymdownx.tasklist",
]
EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "highlight", "guess_lang": False},
    "pymdownx.tilde": {"subscript": False},
}

ALLOWED_TAGS = (nh3.ALLOWED_TAGS - {"img", "map", "area"}) | {"input"}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href"},
    "abbr": {"title"},
    "li": {"id"},
    "sup": {"id"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "input": {"checked", "disabled"},
    "time": {"datetime"},
}

MATHML_TAGS = {
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
    "mstyle", "merror", "mpadded", "mphantom", "menclose", "msub", "msup", "msubsup",
    "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable",
    "mtr", "mtd", "mlabeledtr", "semantics", "annotation",
}  # fmt: skip
MATHML_ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder",
    "lspace", "rspace", "minsize", "maxsize", "movablelimits", "symmetric", "largeop",
    "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
    "frame", "displaystyle", "scriptlevel", "width", "height", "depth", "linethickness",
    "notation", "form", "align", "voffset", "columnspan", "rowspan", "encoding",
}  # fmt: skip

# Where a formula goes until the HTML around it has been sanitised.
_SLOT = "\ue000{}\ue001"
_SLOT_RE = re.compile("\ue000(\\d+)\ue001")
# Every id of a note (its footnotes', and any it writes) and every link to
# one, as the sanitiser writes them: prefixed, they cannot take an id of the
# theme's (`search-page`) or of another note on the page.
_ID_RE = re.compile(r'(\sid="|\shref="#)')


def tex_to_mathml(tex: str, display: bool) -> str | None:
    """MathML for a TeX formula, or None if it cannot be rendered safely."""
    try:
        xml = latex2mathml.converter.convert(tex, display="block" if display else "inline")
        root = ET.fromstring(xml)
    except Exception:  # a third-party parser given any text: every failure means "no"
        return None
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
        if element.tag not in MATHML_TAGS or not set(element.attrib) <= MATHML_ATTRIBUTES:
            return None
    return ET.tostring(root, encoding="unicode")


def math_html(source: str) -> str:
    """A formula (with its dollars) as MathML, or as its source text."""
    display = source.startswith("$$")
    tex = source[2:-2] if display else source[1:-1]
    mathml = tex_to_mathml(tex.strip(), display)
    if mathml is None:
        return f'<code class="math">{html.escape(source)}</code>'
    if display:  # a wide formula scrolls, so the keyboard must reach it too
        return f'<span class="formula" tabindex="0">{mathml}</span>'
    return mathml


class _MathPattern(InlineProcessor):
    def __init__(self, pattern: str, formulas: list[str], md):
        super().__init__(pattern, md)
        self.formulas = formulas

    def handleMatch(self, match, data):
        self.formulas.append(match.group(0))
        slot = _SLOT.format(len(self.formulas) - 1)
        return self.md.htmlStash.store(slot), match.start(0), match.end(0)


class MathExtension(Extension):
    """`$...$` and `$$...$$` kept whole, for `Renderer` to turn into MathML."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.formulas: list[str] = []

    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.ESCAPED_CHARS.append("$")
        # Above backslash escapes (180), below code spans (190): `$x$` in code stays code.
        md.inlinePatterns.register(_MathPattern(MATH_PATTERN, self.formulas, md), "math", 185)

    def reset(self):
        self.formulas.clear()


# A link whose URL the sanitiser removed (javascript:, data:) stays as its text.
# The sanitiser's output is well-formed and links cannot nest, so the first
# `</a>` closes it; `<a` must be the whole name (not `<abbr`, `<aside>`).
_LINK_WITHOUT_URL_RE = re.compile(r"<a(?![^>]*\shref=)(?:\s[^>]*)?>(.*?)</a>", re.DOTALL)


def sanitise(fragment: str) -> str:
    clean = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        tag_attribute_values={"input": {"type": {"checkbox"}}},
        filter_style_properties={"text-align"},
    )
    return _LINK_WITHOUT_URL_RE.sub(r"\1", clean)


def abstract_html(abstract: str) -> str:
    """An abstract's HTML straight from its spans: what Python-Markdown makes of
    its Markdown (`latex.markdown`), tested to be the same, at a fraction of the
    cost (an archive renders every abstract)."""
    return "\n".join(
        f"<p>{latex.html(p, links=True, math=math_html)}</p>" for p in abstract.split("\n\n") if p
    )


class Renderer:
    """Markdown to sanitised HTML with one reusable Python-Markdown instance."""

    def __init__(self) -> None:
        self._math = MathExtension()
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, self._math],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )

    def __call__(self, text: str, ids: str = "note-") -> str:
        """HTML for `text`, closed within itself; `ids` prefixes every id in
        it and every link to one, so that several rendered texts can share a
        page with the theme's own ids."""
        text = text.replace("\ue000", "").replace("\ue001", "")
        fragment = sanitise(self._md.reset().convert(text))
        fragment = _ID_RE.sub(rf"\g<1>{ids}", fragment)
        formulas = [math_html(source) for source in self._math.formulas]
        return _SLOT_RE.sub(lambda m: formulas[int(m[1])], fragment)


def pygments_css(light: str, dark: str) -> str:
    """Highlighting for code in notes, in the page's light and dark schemes."""
    light_css = HtmlFormatter(style=light).get_style_defs(".highlight")
    dark_css = HtmlFormatter(style=dark).get_style_defs(".highlight")
    dark_css = "\n".join("  " + line for line in dark_css.splitlines())
    return f"{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
