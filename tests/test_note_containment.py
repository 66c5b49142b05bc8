"""A note stays inside itself: whatever HTML a pull request puts in a note, the
page's element tree, as Chromium parses it, has every note end where it began,
and a note's ids cannot take the theme's."""

import random
import shutil

import pytest
from conftest import EXAMPLE, build_site

# What strangers' notes hold: inline and block HTML, unclosed and stray tags,
# links made harmless, ids of the theme's, and Markdown around them.
FRAGMENTS = [
    "<abbr title='x'>LLM</abbr> then [a link](https://example.org)",
    "<aside>aside</aside> [link](https://example.org/a)",
    "<abbr>A</abbr><a href='javascript:alert(1)'>js</a> [b](https://example.org/b)",
    "<aside><a href='data:text/html,x'>data</a>",
    "<div><div><span>unclosed",
    "</div></article></section></main>",
    "<table><tr><td>cell",
    "<ul><li>one<li>two",
    "<p><div>block in p</p>",
    "<form><input type=text>",
    "<template><p>inert</p>",
    "<svg><circle r=1></svg>",
    "<select><option>a",
    "<textarea>text",
    "<noscript><p>x</noscript>",
    "<xmp><b>x</xmp>",
    "<plaintext>the rest",
    "<title>title</title><style>body{}</style>",
    "<sup id='search-page'>1</sup> <li id='notes-heading'>x</li>",
    "<a name='top' id='main'>anchor</a>",
    "<details><summary>more</summary>hidden",
    "<blockquote>quote\n\n> markdown quote",
    "<h1>heading</h1><h2 id='x'>h2",
    "```html\n</div><script>x</script>\n```",
    "a footnote[^1]\n\n[^1]: its text <b>bold",
    "$x^2$ and $$\\frac{1}{2}$$ <math><mi>y",
    "<a href='https://example.org'><a href='https://example.com'>nested</a></a>",
    "* list\n  <div>in a list",
    "<![CDATA[ x ]]> <!-- comment --> <!--unclosed comment",
    "<img src=x onerror=alert(1)><iframe src=//x>",
]
PAPERS = [
    "self-training-a-survey",
    "df40-toward-next-generation-deepfake-detection",
    "mgno-efficient-parameterization-of-linear-operators-via-multigrid",
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-notes")
    content = base / "content"
    shutil.copytree(EXAMPLE, content)
    rng = random.Random(7)
    notes = dict.fromkeys(PAPERS, 0)
    for number in range(36):
        paper = PAPERS[number % len(PAPERS)]
        # Each fragment alone, then mixes of three.
        mixed = "\n\n".join(rng.sample(FRAGMENTS, 3))
        body = FRAGMENTS[number] if number < len(FRAGMENTS) else mixed
        (content / "notes" / f"hostile-{number:02d}.md").write_text(
            f"Paper: {paper}\nCurator: Eve {number}\nDate: 2025-12-{1 + number % 28:02d}\n\n"
            f"Before. {body}\n\nAfter.\n",
            encoding="utf-8",
        )
        notes[paper] += 1
    return build_site(content, base / "output"), notes


CHECK = r"""html => {
  const page = new DOMParser().parseFromString(html, "text/html");
  const notes = [...page.querySelectorAll("article.note")];
  return {
    notes: notes.length,
    nested: notes.filter(n => n.parentElement.closest("article.note")).length,
    headers: notes.map(n => n.querySelectorAll(".note-meta").length),
    bodies: notes.map(n => n.querySelectorAll(".note-body").length),
    outside: notes.map(n => n.parentElement.matches("section.notes")),
    citeAfterNotes: !!page.querySelector("section.notes ~ *, section.notes + *")
      && !page.querySelector("article.note section, article.note footer"),
    ids: [...page.querySelectorAll(".note-body [id]")].map(e => e.id),
    theme: ["search-page", "notes-heading", "main"].map(
      id => page.querySelectorAll("#" + id).length),
    scripts: page.querySelectorAll(".note-body script, .note-body iframe, .note-body img").length,
    links: page.querySelectorAll(".note-body a[href^='https://example.org']").length,
    // A tag left open in a note (a link, say) would be carried on by the parser
    // into the page after it: into the next note's header, around headings.
    wrapped: [...page.querySelectorAll("h1, h2, h3, header, footer, section, article, nav")]
      .filter(e => e.parentElement.closest("a, abbr, b, i, em, strong, code, s, u, sup")).length,
    strays: [...page.querySelectorAll("a[href*='example.'], abbr, aside, blockquote")]
      .filter(e => !e.closest(".note-body")).length,
    // Each note's words stay in its own body: none in the page around the notes.
    leaked: [...page.body.querySelectorAll("*")].filter(e => !e.closest(".note-body")
      && [...e.childNodes].some(t => t.nodeType === 3 && /Before\.|After\./.test(t.data))).length,
  };
}"""


def test_every_note_ends_where_it_began(hostile_site, browser):
    site, notes = hostile_site
    page = browser.new_page()
    try:
        for slug in PAPERS:
            html = (site / "papers" / slug / "index.html").read_text(encoding="utf-8")
            found = page.evaluate(CHECK, html)
            assert found["notes"] == notes[slug] + 1, slug  # and the example's own note
            assert found["nested"] == 0, slug
            assert set(found["headers"]) == {1}, slug
            assert set(found["bodies"]) == {1}, slug
            assert all(found["outside"]), slug
            assert found["citeAfterNotes"], slug
            assert found["scripts"] == 0, slug
            assert found["links"] > 0, slug  # links with a web address stay links
            assert found["wrapped"] == 0, slug
            assert found["strays"] == 0, slug
            assert found["leaked"] == 0, slug
            assert all(i.startswith("note-") for i in found["ids"]), (slug, found["ids"])
            assert found["theme"][1] == 1, slug  # the notes' heading is the theme's alone
            assert found["theme"][0] <= 1, slug
            assert found["theme"][2] <= 1, slug
    finally:
        page.close()
