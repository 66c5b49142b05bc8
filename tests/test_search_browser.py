"""Search in a real browser: the worker normalises and stems text as the
index does, and the search page works as readers use it, fetching only what
a query needs."""

import json
import shutil
import subprocess
import sys

import pytest
from conftest import CORPUS_JSON, DATA, EXAMPLE, ROOT, SEED, build_site, make_content, serve

from pelican.plugins.papershelf import latex, search
from pelican.plugins.papershelf.read.listing import read_listing
from pelican.plugins.papershelf.search.text import stem

PARITY_TEXTS = [
    "Café Échec: Résumé",
    "ﬁne-tuning ﬂow",
    "𝐁𝐨𝐥𝐝 𝑥 𝔉 ＡＢＣ",
    "Zero\u200bwidth \u202ebidi\u202c in\ufeffvisible",
    "注意力 model",
    "🚀 Rocket (LLM), 2411.15124v2!",
    "tab\tand\u3000ideographic\u00a0spaces\u2028line\x85next",
    "ǅemal İstanbul ΣΊΣΥΦΟΣ straße",
    "<img src=x onerror=alert(1)>",
]
HOSTILE_NOTE = """Paper: 2602.22661
Curator: A. Reader
Summary: Wombatformers <img src=x onerror=alert(3)> explained

A note.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Seed, corpus (API JSON: authors and arXiv ids) and hostile titles, served
    under /archive/."""
    base = tmp_path_factory.mktemp("search")
    content = make_content(
        base / "content", SEED, *sorted(CORPUS_JSON.iterdir()), DATA / "hostile" / "2026-05-08.txt"
    )
    shutil.copytree(EXAMPLE / "notes", content / "notes")
    (content / "notes" / "hostile.md").write_text(HOSTILE_NOTE, encoding="utf-8")
    output = build_site(content, base / "root" / "archive")
    with serve(base / "root") as url:
        yield url + "/archive/", output


@pytest.fixture
def page(browser, site):
    page = browser.new_page()
    page.errors = []
    page.dialogs = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    assert page.errors == []
    assert page.dialogs == []
    page.close()


def with_search_functions(page, site_url):
    """The worker's functions as globals of a page of the site."""
    page.goto(site_url + "search/")
    page.add_script_tag(url=site_url + "theme/js/lunr.min.js")
    page.add_script_tag(url=site_url + "theme/js/search-worker.js")


def test_lunr_js_normalises_text_as_lunr_py_does(page, site):
    url, _ = site
    with_search_functions(page, url)
    got = page.evaluate("texts => texts.map(words)", PARITY_TEXTS)
    assert got == [search.words(text) for text in PARITY_TEXTS]


def test_lunr_js_stems_every_word_of_the_archive_as_the_index_does(page, site):
    url, _ = site
    with_search_functions(page, url)
    vocabulary = sorted(
        {
            w
            for path in [SEED, *sorted(CORPUS_JSON.iterdir())]
            for entry in read_listing(path)[0]
            for w in search.words(entry.title + " " + entry.abstract)
        }
    )
    assert len(vocabulary) > 8_000
    stems = page.evaluate("words => words.map(stem)", vocabulary)
    assert [(w, s) for w, s in zip(vocabulary, stems, strict=True) if s != stem(w)] == []


def results(page):
    page.wait_for_function("document.querySelector('#search-status').textContent.length > 0")
    return page.locator("#search-results .paper-item-title").all_inner_texts()


def type_query(page, text):
    page.fill("#search-input", "")
    page.type("#search-input", text, delay=5)
    # The status names the query it answers: earlier answers, to the
    # letters typed so far, do not count.
    page.wait_for_function(
        "q => document.querySelector('#search-status').textContent.includes('“' + q + '”')",
        arg=text,
    )
    return page.locator("#search-results .paper-item-title").all_inner_texts()


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("multigrid", "MgNO: Efficient Parameterization of Linear Operators via Multigrid"),
        ("CSRBFs", "DGNO: A Novel Physics-aware Neural Operator"),
        ("neural operators", "MgNO: Efficient Parameterization of Linear Operators via Multigrid"),
        ("Dawn Song", "dLLM: Simple Diffusion Language Modeling"),
        ("2602.22661", "dLLM: Simple Diffusion Language Modeling"),
        ("tulu", "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training"),
        ("cafe", "Café Échec: Résumé of Naïve Models"),
    ],
)
def test_the_search_page_finds_papers_as_you_type(page, site, query, title):
    url, _ = site
    page.goto(url + "search/")
    found = type_query(page, query)
    assert any(t.startswith(title) for t in found), found
    assert page.url.endswith("search/?q=" + query.replace(" ", "+"))
    first = page.locator("#search-results a").first
    assert first.get_attribute("href").startswith(url + "papers/")


def test_matched_words_are_highlighted(page, site):
    url, _ = site
    page.goto(url + "search/?q=neural+operators")
    results(page)
    marks = page.locator("#search-results li").first.locator("mark").all_inner_texts()
    assert {m.lower() for m in marks} >= {"neural", "operator"}


def test_results_come_with_the_blocks_they_are_in_and_the_passage_that_matched(page, site):
    url, output = site
    fetched = []
    page.on("request", lambda r: fetched.append(r.url.removeprefix(url + "search/")))
    page.goto(url + "search/?q=multigrid")
    results(page)
    items = page.locator("#search-results .paper-item")
    assert 0 < items.count() <= 10
    first = items.first
    preview = first.locator(".paper-item-preview")
    assert preview.locator("mark").all_inner_texts()[0].lower().startswith("multigrid")
    # The passage around the match, cut with an ellipsis where it was cut.
    assert preview.inner_text().endswith("…") or preview.inner_text().startswith("…")
    assert len(preview.inner_text().split()) < 40
    # Dates as on the other pages, tags as links.
    assert first.locator("time").inner_text()[-4:].isdigit()
    assert first.locator("time").get_attribute("datetime")[4] == "-"
    assert first.locator(".tags a").first.get_attribute("href").startswith(url + "tags/")
    blocks = {name for name in fetched if name.startswith("papers/")}
    manifest = json.loads((output / "search" / "index.json").read_text())
    size = manifest["papersPerBlock"]
    shown = [
        next(
            n
            for n, paper in enumerate(
                paper
                for b in range(-(-manifest["papers"] // size))
                for paper in json.loads((output / "search" / f"papers/{b}.json").read_text())
            )
            if url + paper[0] == href
        )
        for href in items.locator(".paper-item-title a").evaluate_all("as => as.map(a => a.href)")
    ]
    assert blocks == {f"papers/{ref // size}.json" for ref in shown}


def test_more_results_come_a_page_at_a_time(page, site):
    url, _ = site
    page.goto(url + "search/?q=diffusion")
    results(page)
    items = page.locator("#search-results .paper-item")
    assert items.count() == 10
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('#search-results .paper-item').length === 20")
    assert "the first 20 shown" in page.locator("#search-status").inner_text()


def test_a_word_being_typed_is_a_prefix_as_typed(page, site):
    url, _ = site
    page.goto(url + "search/")
    type_query(page, "video generation")
    marks = page.locator("#search-results mark").all_inner_texts()
    assert marks
    assert {m.lower().strip(".,:;()") for m in marks} <= {
        w for w in {m.lower().strip(".,:;()") for m in marks} if stem(w) in {"video", "gener"}
    }
    assert not any(m.lower().startswith("generalist") for m in marks)


def test_a_short_word_being_typed_leaves_out_nothing_until_the_query_is_done(page, site):
    """ "multigrid o" as typed: the "o" may become any word, so it only ranks.
    Submitted, or read from the address, it is a word every result must have."""
    url, _ = site
    page.goto(url + "search/")
    type_query(page, "multigrid ")
    alone = matched(page)
    assert alone >= 1
    type_query(page, "multigrid o")
    assert matched(page) == alone

    page.press("#search-input", "Enter")
    page.wait_for_function("document.querySelectorAll('#search-results .paper-item').length === 0")
    assert "No paper matches" in page.locator("#search-status").inner_text()

    page.goto(url + "search/?q=multigrid+o")
    results(page)
    assert page.locator("#search-results .paper-item").count() == 0

    # Enter right after the last letter: the query typed a moment before does not come after it.
    page.fill("#search-input", "multigrid ")
    page.wait_for_function("document.querySelectorAll('#search-results .paper-item').length > 0")
    page.fill("#search-input", "multigrid o")
    page.press("#search-input", "Enter")
    page.wait_for_function("document.querySelectorAll('#search-results .paper-item').length === 0")
    page.wait_for_timeout(400)  # a keystroke's query would come 60 ms after it
    assert page.locator("#search-results .paper-item").count() == 0


def test_a_newer_query_supersedes_one_in_flight(page, site):
    """The worker drops a query whose shard is slow once a newer one comes:
    it never answers it."""
    url, output = site
    manifest = json.loads((output / "search" / "index.json").read_text())
    from pelican.plugins.papershelf.search.index import shard_of

    slow = f"terms/{shard_of(manifest['terms'], 'multigrid')}.json"
    fast = f"terms/{shard_of(manifest['terms'], 'tulu')}.json"
    assert slow != fast
    held = []
    page.route(f"**/search/{slow}", lambda route: held.append(route))
    page.add_init_script(
        """(() => {
        const Original = window.Worker;
        window.answered = [];
        window.Worker = function (url) {
            const worker = new Original(url);
            worker.addEventListener("message", e => window.answered.push(e.data.text));
            return worker;
        };
    })()"""
    )
    page.goto(url + "search/")
    page.fill("#search-input", "multigrid ")
    for _ in range(100):  # until the first query's shard is asked for
        if held:
            break
        page.wait_for_timeout(50)
    assert held
    page.fill("#search-input", "tulu ")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('tulu')")
    held[0].continue_()
    page.wait_for_timeout(400)
    assert page.evaluate("window.answered") == ["tulu "]
    assert "tulu" in page.locator("#search-status").inner_text()


def test_a_missing_shard_is_an_error_not_a_wait(browser, site, tmp_path):
    _, output = site
    broken = tmp_path / "archive"
    shutil.copytree(output, broken)
    manifest = json.loads((broken / "search" / "index.json").read_text())
    from pelican.plugins.papershelf.search.index import shard_of

    (broken / "search" / f"terms/{shard_of(manifest['terms'], 'multigrid')}.json").unlink()
    with serve(tmp_path) as root:
        page = browser.new_page()
        page.goto(root + "/archive/search/?q=multigrid+")
        page.wait_for_function(
            "document.querySelector('#search-status').textContent.includes('could not be loaded')",
            timeout=5000,
        )
        assert "404" in page.locator("#search-status").inner_text()
        page.close()


def test_results_arrive_without_moving_the_page(page, site):
    url, _ = site
    page.add_init_script(
        """window.shifts = 0;
        new PerformanceObserver(list => list.getEntries().forEach(e => {
            if (!e.hadRecentInput) window.shifts += e.value;
        })).observe({type: "layout-shift", buffered: true});"""
    )
    page.goto(url + "search/?q=diffusion+language")
    results(page)
    page.wait_for_timeout(300)
    assert page.evaluate("window.shifts") < 0.01


def test_filters_by_tag_and_year_and_the_back_button(page, site):
    url, _ = site
    page.goto(url + "search/?q=diffusion")
    results(page)
    everything = matched(page)
    assert everything > 10
    page.select_option("#search-tag", "video")
    page.wait_for_function("location.search.includes('tag=video')")
    page.wait_for_function(
        "n => parseInt(document.querySelector('#search-status').textContent) < n", arg=everything
    )
    assert "video (" in page.locator("#search-tag option:checked").inner_text()
    video = page.locator("#search-results .paper-item")
    assert all("video" in item.locator(".tags").inner_text() for item in video.all())
    page.select_option("#search-year", "2026")
    page.wait_for_function("location.search.includes('year=2026')")
    page.go_back()
    page.wait_for_function("!location.search.includes('year=')")
    assert page.locator("#search-year").input_value() == ""
    assert page.locator("#search-tag").input_value() == "video"
    page.locator("#search-results a").first.click()
    page.wait_for_url("**/papers/**")
    page.go_back()
    page.wait_for_function("document.querySelector('#search-input').value === 'diffusion'")
    assert page.locator("#search-tag").input_value() == "video"
    assert len(results(page)) == video.count()


def matched(page) -> int:
    return int(page.locator("#search-status").inner_text().split()[0])


def test_slash_focuses_search_and_enter_opens_the_search_page(page, site):
    url, _ = site
    page.goto(url + "papers/self-training-a-survey/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("multigrid")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=multigrid")
    assert "MgNO: Efficient Parameterization of Linear Operators via Multigrid" in results(page)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"


def test_a_hostile_title_is_shown_as_text_and_runs_nothing(page, site):
    url, _ = site
    page.goto(url + "search/?q=sinks+onerror")
    titles = results(page)
    assert titles == [
        "<img src=x onerror=alert(1)> Attention Sinks in <script>alert(2)</script> Transformers"
    ]
    assert page.locator("#search-results img, #search-results script").count() == 0


def test_a_hostile_note_summary_finds_its_paper_and_runs_nothing(page, site):
    url, _ = site
    page.goto(url + "search/?q=wombatformers+onerror")
    assert results(page) == ["dLLM: Simple Diffusion Language Modeling"]
    assert page.locator("#search-results img, #search-results script").count() == 0


def test_nothing_found_says_so_and_points_to_tags_and_dates(page, site):
    url, _ = site
    page.goto(url + "search/?q=zzzzqqq")
    results(page)
    status = page.locator("#search-status")
    assert status.inner_text().startswith("No paper matches “zzzzqqq”.")
    assert status.locator("a").evaluate_all("links => links.map(a => a.href)") == [
        url + "tags/",
        url + "dates/",
    ]


def test_the_index_is_fetched_on_first_use_only(page, site):
    url, _ = site
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(url + "search/")
    page.wait_for_timeout(300)
    assert not any("/search/" in u and u.endswith(".json") for u in fetched)
    page.focus("#search-input")
    page.wait_for_function("document.querySelector('#search-status').textContent.length > 0")
    page.wait_for_timeout(300)
    assert any(u.endswith("search/index.json") for u in fetched)
    assert all(u.startswith(url) for u in fetched)


def test_without_javascript_the_page_points_to_tags_and_dates(browser, site):
    url, _ = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "search/?q=anything")
    text = page.locator("noscript").inner_text()
    assert "needs JavaScript" in text
    context.close()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """10,000 synthetic papers (`papershelf synth`), built and served."""
    base = tmp_path_factory.mktemp("synthetic")
    synth = [sys.executable, "-m", "pelican.plugins.papershelf.cli", "synth", "--papers", "10000"]
    subprocess.run([*synth, "--out", str(base / "content")], check=True, capture_output=True)
    output = build_site(base / "content", base / "output")
    with serve(output) as url:
        yield url + "/", base / "content", output


def test_at_ten_thousand_papers_a_word_of_one_abstract_finds_that_paper(page, synthetic):
    from pelican.settings import read_settings

    from pelican.plugins.papershelf.builder.load import load_archive
    from pelican.plugins.papershelf.config import Config
    from pelican.plugins.papershelf.search.index import field_terms
    from pelican.plugins.papershelf.search.text import stems
    from pelican.plugins.papershelf.site.layout import lay_out

    url, content, _ = synthetic
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    config = Config.from_settings(settings)
    papers = list(lay_out(load_archive(str(content), config), config).papers.values())
    assert len(papers) == 10_000
    holders: dict[str, set[int]] = {}
    for n, paper in enumerate(papers):
        for field in search.FIELDS:
            for term in field_terms(field, search.paper_words(paper, field), stems()):
                holders.setdefault(term, set()).add(n)
    n, word = next(
        (n, word)
        for n, paper in enumerate(papers[::-97])
        for word in search.paper_words(paper, "abstract")
        if len(word) >= 5 and word.isalpha() and len(holders.get(stem(word), ())) == 1
    )
    paper = papers[::-97][n]
    page.goto(url + "search/")
    assert type_query(page, word + " ") == [latex.plain(paper.title)]
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    assert latex.plain(paper.title) in type_query(page, word)
    assert all(u.startswith(url) for u in fetched)
