"""Hostile and broken input: listings and notes written to break the site.

The hostile corpus (`data/hostile/`) holds markup, script, `javascript:` and
`data:` URLs, Markdown and Jinja syntax, entities, a 2,000-character title and
a stranger's note; the tests add a 20,000-word abstract and a listing of 5,000
papers. The site must build, show all of it as text and run none of it. The
broken corpus (`data/broken/`: empty, binary, every entry malformed) must stop
the build with each problem at its line.
"""

import datetime as dt
import os
import random
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import (
    DATA,
    ROOT,
    SEED,
    build_site,
    make_content,
    nu_problems,
    pelican_command,
    serve,
)

from pelican.plugins.papershelf.archive.model import Entry
from pelican.plugins.papershelf.builder.load import load_archive
from pelican.plugins.papershelf.config import Config
from pelican.plugins.papershelf.read.write_listing import json_listing, text_listing

HOSTILE = DATA / "hostile"
BROKEN = DATA / "broken"
WORDS = [
    "model",
    "data",
    "training",
    "attention",
    "graph",
    "token",
    "agent",
    "reward",
    "policy",
    "vision",
]


def big_entries(count: int, words: int, day: dt.date, seed: int) -> list[Entry]:
    r = random.Random(seed)
    return [
        Entry(
            title=f"Bulk paper {i} on {' '.join(r.sample(WORDS, 3))}",
            abstract=" ".join(r.choice(WORDS) for _ in range(words)) + ".",
            date=day,
            dated=True,
            authors_count=r.randint(1, 9),
            upvotes=r.randint(0, 50),
        )
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def hostile_content(tmp_path_factory):
    content = make_content(
        tmp_path_factory.mktemp("hostile") / "content",
        SEED,
        HOSTILE / "2026-05-08.txt",
        HOSTILE / "2026-05-09.json",
    )
    shutil.copytree(HOSTILE / "notes", content / "notes")
    long = big_entries(1, 20_000, dt.date(2026, 5, 13), seed=1)
    long = [Entry(**{**vars(long[0]), "title": "A 20,000-word abstract", "arxiv_id": "2605.09999"})]
    (content / "listings" / "2026-05-13.json").write_text(json_listing(long), encoding="utf-8")
    bulk = big_entries(5000, 40, dt.date(2026, 4, 20), seed=2)
    (content / "listings" / "2026-04-20.txt").write_text(
        text_listing(bulk, dt.date(2026, 4, 20)), encoding="utf-8"
    )
    return content


@pytest.fixture(scope="module")
def hostile_site(hostile_content):
    return build_site(hostile_content, hostile_content.parent / "root" / "archive")


def test_every_entry_read_is_accounted_for(hostile_content):
    archive = load_archive(str(hostile_content), Config.from_settings({}))
    assert archive.summary() == (
        "papershelf: 5 listings read, 5,059 entries, 5,059 papers, 0 duplicates merged, "
        "1 note attached, 0 errors"
    )


class _Elements(HTMLParser):
    """Every element and attribute of a page, as a browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


OUR_SCRIPTS = ("/theme/js/search.js", "/theme/js/copy.js")


def test_no_page_has_markup_from_the_listings(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 5059
    for page in pages:
        for tag, attrs in elements(page.read_text(encoding="utf-8")):
            where = f"{page.relative_to(hostile_site)}: <{tag} {attrs}>"
            assert tag not in {"iframe", "object", "embed", "style", "img"}, where
            # The theme's charts (_charts.html) are the only SVG.
            chart = attrs.get("role") == "img" and attrs.get("focusable") == "false"
            assert tag != "svg" or chart, where
            assert tag != "form" or attrs.get("action", "search/").endswith("search/"), where
            script = attrs.get("src", "").endswith(OUR_SCRIPTS) or (
                attrs.get("type") == "application/ld+json"  # the paper's JSON-LD: data only
            )
            assert tag != "script" or script, where
            assert not any(name.startswith("on") for name in attrs), where
            assert "style" not in attrs, where
            for name in ("href", "src", "action"):
                value = attrs.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), where


def paper_page(site: Path, title_start: str) -> Path:
    """The paper page whose title starts so (as HTML: escaped)."""
    for page in (site / "papers").glob("*/index.html"):
        if f"<h1>{title_start}" in page.read_text(encoding="utf-8"):
            return page
    raise AssertionError(f"no paper page titled {title_start!r}")


def paper_html(site: Path, title_start: str) -> str:
    return paper_page(site, title_start).read_text(encoding="utf-8")


def test_jinja_in_listings_and_notes_is_shown_as_written(hostile_site):
    html = paper_html(hostile_site, "Templates {{ 7*7 }} and {% for x in range(3) %}")
    assert "{{ config.SITEURL }}, {{ &#39;&#39;.__class__ }}" in html
    assert "49" not in html
    note = paper_html(hostile_site, "[Click me](javascript:alert(4))")
    assert "Jinja stays text: {{ 7*7 }}, {% for x in y %}{% endfor %}, {# comment #}." in note


def test_links_are_made_only_of_http_urls(hostile_site):
    html = paper_html(hostile_site, "[Click me](javascript:alert(4))")
    hrefs = [attrs["href"] for tag, attrs in elements(html) if tag == "a" and "href" in attrs]
    assert "https://example.org/safe" in hrefs
    assert "https://example.org/fine" in hrefs
    assert [h for h in hrefs if urlsplit(h).scheme not in ("", "http", "https")] == []
    assert [h for h in hrefs if urlsplit(h).scheme and "alert" in h] == []
    assert "&lt;img src=x onerror=alert(11)&gt;" in html  # an author's name, as text


def test_a_long_title_and_a_huge_abstract_build(hostile_site):
    long = paper_html(hostile_site, "A Very Long Title that keeps going")
    assert "to two thousand characters</h1>" in long
    huge = paper_html(hostile_site, "A 20,000-word abstract")
    assert huge.count(" ") > 20_000


def test_hostile_pages_are_valid_html(hostile_site):
    pages = [paper_page(hostile_site, title) for title in HOSTILE_PAGES.values()]
    pages += [hostile_site / path / "index.html" for path in ("", "tags", "curated", "search")]
    pages += sorted((hostile_site / "curators").glob("*/index.html"))
    pages += sorted((hostile_site / "dates" / "2026" / "05").rglob("index.html"))
    assert nu_problems(pages) == []


def test_every_feed_parses(hostile_site):
    feeds = sorted((hostile_site / "feeds").rglob("*.xml"))
    assert len(feeds) > 10
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.bozo_exception)
    main = feedparser.parse((hostile_site / "feeds" / "papers.atom.xml").read_bytes())
    titles = [entry.title for entry in main.entries]
    assert "</title><script>alert(14)</script><style>body{display:none}</style> Closing Tags" in (
        titles
    )


HOSTILE_PAGES = {
    "templates": "Templates {{ 7*7 }}",
    "links": "[Click me](javascript:alert(4))",
    "closing tags": "&lt;/title&gt;&lt;script&gt;alert(14)",
    "entities": "Entity &amp;amp; references",
    "long title": "A Very Long Title",
}


@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    with serve(hostile_site.parent) as url:
        yield url + "/archive/"


def open_quietly(browser, url, width=1280):
    """A page, and what it tried: dialogs, console errors, requests elsewhere."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    trouble = []
    page.on("dialog", lambda dialog: (trouble.append(f"dialog {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda m: m.type == "error" and trouble.append(f"console {m.text}"))
    page.on("pageerror", lambda error: trouble.append(f"error {error}"))
    page.on(
        "request",
        lambda r: r.url.startswith(url.split("/archive/")[0]) or trouble.append(r.url),
    )
    page.goto(url)
    return page, trouble


@pytest.mark.parametrize("which", HOSTILE_PAGES)
def test_hostile_papers_run_nothing_in_the_browser(browser, hostile_url, hostile_site, which):
    path = paper_page(hostile_site, HOSTILE_PAGES[which]).parent.relative_to(hostile_site)
    page, trouble = open_quietly(browser, f"{hostile_url}{path.as_posix()}/", 360)
    page.wait_for_timeout(200)
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert trouble == []
    page.close()


@pytest.mark.parametrize("query", ["click", "closing tags", "jinjafrog", "onerror", "entity"])
def test_searching_hostile_words_runs_nothing(browser, hostile_url, query):
    page, trouble = open_quietly(browser, f"{hostile_url}search/?q={query}")
    page.wait_for_selector("#search-results li")
    page.wait_for_timeout(200)
    assert page.locator("#search-results img, #search-results script").count() == 0
    assert trouble == []
    page.close()


# Broken input and broken set-up: one line per problem, exit 1, no traceback.


def pelican(content: Path, output: Path) -> subprocess.CompletedProcess:
    command = pelican_command(content, output)
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def assert_stopped(result: subprocess.CompletedProcess, lines: list[str], output: Path):
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == lines
    assert not list(output.rglob("*.html"))


def test_broken_listings_stop_the_build_with_each_problem_at_its_line(tmp_path):
    content = make_content(tmp_path / "content", SEED, *sorted(BROKEN.iterdir()))
    assert_stopped(
        pelican(content, tmp_path / "output"),
        [
            "listings/2026-05-10.txt:1: empty file: expected a copied daily-papers page",
            "listings/2026-05-11.json:3: binary data: a listing is UTF-8 text",
            "listings/2026-05-12.txt:1: one paragraph before the trailer: a title and an abstract are expected",
            "listings/2026-05-12.txt:13: unreadable date: 'Smarch 40 7'",
            "listings/2026-05-12.txt:21: impossible date: 'Feb 30 2'",
            "listings/2026-05-12.txt:23: title spans 2 lines",
            "papershelf: 4 listings read, 46 entries, 6 errors: nothing written",
        ],
        tmp_path / "output",
    )


def test_a_dangling_link_is_reported_not_skipped(tmp_path):
    content = make_content(tmp_path / "content", SEED)
    (content / "listings" / "2026-01-01.txt").symlink_to(tmp_path / "gone.txt")
    assert_stopped(
        pelican(content, tmp_path / "output"),
        [
            "listings/2026-01-01.txt:1: cannot read the file: No such file or directory",
            "papershelf: 2 listings read, 46 entries, 1 error: nothing written",
        ],
        tmp_path / "output",
    )


def test_listings_in_sub_folders_are_read(tmp_path):
    content = tmp_path / "content"
    (content / "listings" / "2025").mkdir(parents=True)
    shutil.copy(SEED, content / "listings" / "2025" / SEED.name)
    archive = load_archive(str(content), Config.from_settings({}))
    assert archive.summary().startswith("papershelf: 1 listing read, 46 entries, 46 papers")


def test_a_content_folder_without_listings_says_where_they_go(tmp_path):
    (tmp_path / "content").mkdir()
    assert_stopped(
        pelican(tmp_path / "content", tmp_path / "output"),
        [
            'listings: no such folder: daily listings go there (see the README, "Adding a listing")',
            "papershelf: 0 listings read, 0 entries, 1 error: nothing written",
        ],
        tmp_path / "output",
    )


def test_make_html_names_a_missing_content_folder(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "html", f"INPUTDIR={tmp_path}/none"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path}/none: no such content folder (make html INPUTDIR=...)"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["make", "--no-print-directory", "publish", "SITEURL="],
        [str(ROOT / ".venv" / "bin" / "pelican"), "content", "-s", "publishconf.py"],
    ],
    ids=["make publish", "pelican -s publishconf.py"],
)
def test_publishing_without_siteurl_says_how_to_set_it(tmp_path, command):
    """Without SITEURL every link would start at the server's root."""
    # As typed in a shell: not inside `make test`, whose make would say "make[1]".
    outer = {"SITEURL", "MAKELEVEL", "MAKEFLAGS", "MFLAGS"}
    environment = {k: v for k, v in os.environ.items() if k not in outer}
    result = subprocess.run(
        [*command, f"OUTPUTDIR={tmp_path}"]
        if command[0] == "make"
        else [*command, "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert "SITEURL=https://you.github.io/archive" in first
    assert all(
        re.fullmatch(r"make: \*\*\* \[Makefile:\d+: publish\] Error 1", line) for line in rest
    )
    assert not any(tmp_path.iterdir())
