"""The built pages in a real browser (Debian's Chromium through Playwright)."""

import pytest

PAGES = [
    "",
    "papers/dgno-a-novel-physics-aware-neural-operator-for-solving-forward-and-inverse-pde/",
    "dates/2025/05/26/",
    "dates/",
    "dates/2024/",
    "top/2024-06/",
    "stats/",
    "tags/self-training/",
]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_the_screen_and_log_no_errors(browser, seed_url, path, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    errors, requests = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(seed_url + path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    assert errors == []
    assert all(url.startswith(seed_url) for url in requests), requests
    page.close()


def test_the_keyboard_reaches_a_visible_skip_link_first(browser, seed_url):
    page = browser.new_page()
    page.goto(seed_url + PAGES[1])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    box = page.locator(".skip").bounding_box()
    assert box["x"] >= 0
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    page.wait_for_url("**#main", timeout=5000)  # the jump, however busy the machine
    page.close()


def test_dark_mode_changes_the_colours(browser, seed_url):
    colours = []
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto(seed_url)
        colours.append(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        page.close()
    assert colours[0] != colours[1]


def test_the_tags_page_sorts_by_count_or_by_name(browser, seed_url):
    page = browser.new_page()
    page.goto(seed_url + "tags/")
    assert page.locator("#by-count").is_visible()
    assert not page.locator("#by-name").is_visible()
    page.click("text=sort by name")
    assert page.locator("#by-name").is_visible()
    assert not page.locator("#by-count").is_visible()
    names = page.locator("#by-name li a").all_inner_texts()
    assert names == sorted(names, key=str.casefold)
    page.close()
