"""Search in a real browser: lunr.js 2.3.9 rebuilds the index that lunr.py
would build, agrees with it, and the search page works as readers use it."""

import json

import pytest
from conftest import CORPUS_JSON, DATA, ROOT, SEED, build_site, make_content, serve
from papershelf import search
from papershelf.listing import read_listing

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
PARITY_QUERIES = [
    "diffusion",
    "diffusion language",
    "agent",
    "reinforcement learning",
    "video gen",
    "tulu",
    "cafe",
    "2602.22661",
    "dawn song",
    "self-train",
    "注意",
    "quokkaformer",
    "benchmark ",
    "model",
    "retrieval augmented",
    "3d",
    "zzzz",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Seed, corpus (API JSON: authors and arXiv ids) and hostile titles, served
    under /archive/."""
    base = tmp_path_factory.mktemp("search")
    content = make_content(
        base / "content", SEED, *sorted(CORPUS_JSON.iterdir()), DATA / "hostile" / "2026-05-08.txt"
    )
    shutil_copy_notes(content)
    output = build_site(content, base / "root" / "archive")
    with serve(base / "root") as url:
        yield url + "/archive/", output


def shutil_copy_notes(content):
    import shutil

    shutil.copytree(ROOT / "content" / "notes", content / "notes")


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


def test_lunr_js_loads_the_index_and_finds_what_lunr_py_finds_in_the_same_order(page, site):
    url, output = site
    with_search_functions(page, url)
    refs = page.evaluate(
        """async queries => {
            const data = await (await fetch("../search/index.json")).json();
            const index = lunr.Index.load(expand(data));
            return queries.map(q => search(index, q).map(r => r.ref));
        }""",
        PARITY_QUERIES,
    )
    index = search.load((output / "search" / "index.json").read_text())
    expected = [search.search(index, q) for q in PARITY_QUERIES]
    assert refs == expected
    assert sum(map(len, refs)) > 100


def test_the_worker_expands_the_compact_index_into_the_one_search_py_expands(page, site):
    url, output = site
    with_search_functions(page, url)
    theirs = page.evaluate(
        """async () => expand(await (await fetch("../search/index.json")).json())"""
    )
    ours = search.expand(json.loads((output / "search" / "index.json").read_text()))
    assert theirs["invertedIndex"] == json.loads(json.dumps(ours["invertedIndex"]))
    assert [ref for ref, _ in theirs["fieldVectors"]] == [ref for ref, _ in ours["fieldVectors"]]
    differences = [
        abs(a - b)
        for (_, mine), (_, js) in zip(ours["fieldVectors"], theirs["fieldVectors"], strict=True)
        for a, b in zip(mine, js, strict=True)
    ]
    assert len(differences) > 10_000
    assert max(differences) <= 0.001  # lunr.js and lunr.py round scores each their own way
    assert (theirs["fields"], theirs["pipeline"]) == (ours["fields"], ours["pipeline"])


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
    assert [(w, s) for w, s in zip(vocabulary, stems, strict=True) if s != search.stem(w)] == []


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


def test_snippets_follow_from_the_files_the_results_shown_are_in(page, site):
    url, output = site
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(url + "search/?q=neural+operators")
    page.wait_for_selector("#search-results .paper-item-preview")
    first = page.locator("#search-results .paper-item").first.locator(".paper-item-preview")
    assert {m.lower() for m in first.locator("mark").all_inner_texts()} & {"neural", "operator"}
    refs = search.search(
        search.load((output / "search" / "index.json").read_text()), "neural operators"
    )
    files = {url + f"search/snippets/{int(ref) // search.SNIPPETS_PER_FILE}.json" for ref in refs}
    assert 0 < len(refs) < search.SNIPPETS_PER_FILE
    assert {u for u in fetched if "/snippets/" in u} == files
    previews = page.locator("#search-results .paper-item-preview")
    assert previews.count() == page.locator("#search-results .paper-item").count() == len(refs)


def test_filters_by_tag_and_year_and_the_back_button(page, site):
    url, _ = site
    page.goto(url + "search/?q=diffusion")
    everything = results(page)
    assert len(everything) > 10
    page.select_option("#search-tag", "video")
    page.wait_for_function("location.search.includes('tag=video')")
    page.wait_for_function(
        "n => document.querySelectorAll('#search-results .paper-item').length < n",
        arg=len(everything),
    )
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
    assert not any(u.endswith("search/index.json") for u in fetched)
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
