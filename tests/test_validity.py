"""Standards: every page valid HTML (the Nu checker), no serious accessibility
violation (axe-core in Chromium), and every page usable with the keyboard."""

import pytest
from conftest import nu_problems

NOTE_PAGE = "papers/mgno-efficient-parameterization-of-linear-operators-via-multigrid/"
PAGES = {
    "home": "",
    "paper with a note": NOTE_PAGE,
    "paper": "papers/dgno-a-novel-physics-aware-neural-operator-for-solving-forward-and-inverse-pde/",
    "date": "dates/2025/05/26/",
    "month": "dates/2024/06/",
    "dates": "dates/",
    "tags": "tags/",
    "tag": "tags/self-training/",
    "curated": "curated/",
    "curator": "curators/papershelf-team/",
    "stats": "stats/",
    "top week": "top/2025-W51/",
    "top month": "top/2024-06/",
    "search": "search/?q=self-training",
    "about": "about/",
}


def test_every_page_is_valid_html(seed_site):
    pages = sorted(seed_site.rglob("*.html"))
    assert len(pages) > 100
    assert nu_problems(pages) == []


def test_the_checker_finds_invalid_html(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!doctype html><title>x</title><p><div>block in p</p></span>")
    assert nu_problems([page]) != []


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(browser, seed_url, name, scheme):
    page = browser.new_page(color_scheme=scheme)
    page.goto(seed_url + PAGES[name])
    if name == "search":
        page.wait_for_selector("#search-results li")
    assert axe_violations(page) == []
    page.close()


def focus_path(page, presses: int) -> list[str]:
    """What Tab reaches, in order: the text or label of each focused element."""
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => {
                  const e = document.activeElement;
                  const style = getComputedStyle(e);
                  const visible = style.outlineStyle !== 'none' && style.outlineWidth !== '0px';
                  return (visible ? '' : 'INVISIBLE ') +
                    (e.getAttribute('aria-label') || e.placeholder || e.textContent.trim());
                }"""
            )
        )
    return reached


def test_the_keyboard_reaches_everything_in_reading_order_with_visible_focus(browser, seed_url):
    page = browser.new_page()
    page.goto(seed_url + NOTE_PAGE)
    reached = focus_path(page, 9)
    assert reached[:8] == [
        "Skip to content",
        "papershelf",
        "Search papers (press /)",
        "Dates",
        "Tags",
        "Curated",
        "Stats",
        "Feed",
    ]
    assert not [r for r in reached if r.startswith("INVISIBLE")]
    page.close()


def tab_to(page, text: str, presses: int = 60) -> bool:
    """Press Tab until the focused element's text is `text`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return True
    return False


def test_search_works_from_the_keyboard_alone(browser, seed_url):
    page = browser.new_page()
    page.goto(seed_url)
    page.keyboard.press("/")
    page.keyboard.type("multigrid")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert tab_to(page, "MgNO: Efficient Parameterization of Linear Operators via Multigrid")
    page.keyboard.press("Enter")
    page.wait_for_url("**/papers/mgno-*/")
    assert page.locator("h1").inner_text().startswith("MgNO")
    page.close()


def test_the_tags_page_sorts_from_the_keyboard(browser, seed_url):
    page = browser.new_page()
    page.goto(seed_url + "tags/")
    assert tab_to(page, "sort by name")
    page.keyboard.press("Enter")
    assert page.locator("#by-name").is_visible()
    assert not page.locator("#by-count").is_visible()
    page.close()


def test_the_citation_is_copied_from_the_keyboard(browser, seed_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(seed_url + NOTE_PAGE)
    assert tab_to(page, "Copy BibTeX", presses=200)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('bibtex-status').textContent !== ''")
    assert page.locator("#bibtex-status").text_content() == "Copied."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#bibtex").text_content()
    assert copied.startswith("@misc{")
    context.close()


def test_headings_never_skip_a_level(seed_site):
    """What Lighthouse's heading-order audit asks: h1, then h2, then h3."""
    import itertools

    from bs4 import BeautifulSoup

    for path in sorted(seed_site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{path.relative_to(seed_site)}: h{before} then h{after}"
