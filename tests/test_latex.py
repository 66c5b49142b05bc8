"""LaTeX remnants and URLs in listing text: one reading, three presentations."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pelican.plugins.papershelf import latex
from pelican.plugins.papershelf.site.markup import Renderer


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ('T\\"ULU 3', "TÜLU 3"),
        ('Schr\\"{o}dinger', "Schrödinger"),
        ("caf\\'e", "café"),
        ("{\\`a} la", "à la"),
        ("h\\^otel", "hôtel"),
        ("se\\~nor", "señor"),
        ("gar\\c{c}on and \\c cedilla", "garçon and çedilla"),
        ('na\\"{\\i}ve', "naïve"),
        ("9.0\\% better, \\$5 and R\\&D", "9.0% better, $5 and R&D"),
        ("{\\em labeled} and \\textbf{bold}", "labeled and bold"),
        ("the ``complexity wall,'' as typed", "the \u201ccomplexity wall,\u201d as typed"),
        ("``reinvent the wheel''", "\u201creinvent the wheel\u201d"),
        ("it's the authors' own", "it's the authors' own"),
        ("{{ ''.join(x) }}", "{{ ''.join(x) }}"),
    ],
)
def test_latex_remnants_become_text(source, text):
    assert latex.plain(source) == text


def test_tex_quotes_are_curly_in_text_but_not_in_math_or_code():
    source = "``cold-start'' with $f''(x)$ and \\texttt{a''}"
    assert latex.plain(source) == "\u201ccold-start\u201d with $f''(x)$ and a''"
    assert latex.html(source).startswith("\u201ccold-start\u201d with")


def test_emphasis_math_and_links_are_spans():
    assert latex.spans("uses {\\em labeled} data, $3\\times$ faster: https://github.com/a/b.") == [
        latex.Span("text", "uses "),
        latex.Span("em", "labeled"),
        latex.Span("text", " data, "),
        latex.Span("math", "$3\\times$"),
        latex.Span("text", " faster: "),
        latex.Span("url", "https://github.com/a/b"),
        latex.Span("text", "."),
    ]


def test_an_escaped_dollar_never_starts_math():
    assert [s.kind for s in latex.spans("\\$OneMillion-Bench costs $x$")] == ["text", "math"]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("see https://github.com/YZY-stack/DF40.", "https://github.com/YZY-stack/DF40"),
        ("(code: https://x.org/a_(b))", "https://x.org/a_(b)"),
        ("(https://x.org/page),", "https://x.org/page"),
        ("at https://x.org/q?a=1&b=2;", "https://x.org/q?a=1&b=2"),
    ],
)
def test_trailing_punctuation_is_not_part_of_a_url(text, url):
    assert latex.urls(text) == [url]


def test_only_http_urls_become_links():
    assert latex.urls("javascript:alert(1) ftp://x.org data:text/html,hi") == []


def test_markup_in_listing_text_is_shown_as_text():
    hostile = "<img src=x onerror=alert(1)> *not em* [link](javascript:alert(1)) `code` | a ~~b~~"
    html = Renderer()(latex.markdown(hostile))
    assert "<img" not in html
    assert "<a " not in html
    assert "<em>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "*not em*" in html
    assert "[link](javascript:alert(1))" in html


def test_line_starts_do_not_become_headings_or_lists():
    for text in ["# not a heading", "1. not a list", "- not a list", "+ neither", "> not a quote"]:
        html = Renderer()(latex.markdown(text))
        assert html.startswith("<p>"), html


def test_markdown_and_html_show_emphasis_math_and_links():
    text = "{\\em labeled} $x_i$ https://a.org/x_y"
    assert Renderer()(latex.markdown(text)) == (
        '<p><em>labeled</em> <math display="inline"><mrow><msub><mi>x</mi><mi>i</mi></msub></mrow></math> '
        '<a href="https://a.org/x_y" rel="noopener noreferrer">https://a.org/x_y</a></p>'
    )
    assert latex.html("<b>{\\bf x}</b> https://a.org", links=True) == (
        '&lt;b&gt;<strong>x</strong>&lt;/b&gt; <a href="https://a.org" rel="noopener noreferrer">https://a.org</a>'
    )


def test_abstract_html_is_what_python_markdown_makes_of_the_abstract():
    from bs4 import BeautifulSoup
    from conftest import CORPUS_JSON, DATA, SEED

    from pelican.plugins.papershelf.read.listing import read_listing
    from pelican.plugins.papershelf.site.markup import abstract_html

    def canonical(html):  # one serialisation for both: entities, quoting
        return BeautifulSoup(html, "html.parser").decode()

    render = Renderer()
    paths = [SEED, DATA / "hostile" / "2026-05-08.txt", *sorted(CORPUS_JSON.iterdir())]
    texts = [e.abstract for p in paths for e in read_listing(p)[0]] + [
        "{\\em a} $x_i$ https://x.org/a_b?c=1&d=2. *b* <i>c</i> | d ~~e~~ \\$5 & 'q' \"r\"",
        '1. not a list\n\n# not a heading\n\n> quote? T\\"ULU $$\\frac{a}{b}$$',
    ]
    assert len(texts) > 700
    for text in texts:
        source = "\n\n".join(latex.markdown(p) for p in text.split("\n\n"))
        rendered = render(source)
        assert canonical(abstract_html(text)) == canonical(rendered), text


def test_preview_cuts_the_text_as_a_reader_sees_it_at_a_word():
    assert latex.preview("Short {\\em text}.") == "Short text."
    assert latex.preview("We  study\n\nscaling laws, and more.", limit=20) == "We study scaling…"
    assert latex.preview("one two three", limit=0) == "…"
    spaced = "a" + " " * 700 + "b c d e f g h"  # the limit's worth of text lies far in
    assert latex.preview(spaced, limit=6) == "a b c…"


@given(
    st.lists(st.sampled_from(["word", "x", "$x$", ",", ".", " ", "  ", "\n", "\t\t", "{\\bf b}"])),
    st.integers(min_value=0, max_value=40),
)
def test_preview_is_the_start_of_the_whole_text_with_its_spaces_collapsed(pieces, limit):
    text = "".join(pieces)
    whole = " ".join(latex.plain(text).split())
    expected = (
        whole if len(whole) <= limit else whole[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    )
    assert latex.preview(text, limit) == expected
    start = latex.collapsed(text, limit)
    assert whole.startswith(start)
    assert start == whole or len(start) > limit
