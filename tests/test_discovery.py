"""What search engines, social cards and printers read: sitemap, robots.txt,
404 page, canonical links, Open Graph, JSON-LD and the print stylesheet."""

import datetime as dt
import json
import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import DATA, EXAMPLE, build_site
from lxml import etree

from pelican.plugins.papershelf.site.sitemap import robots_txt, sitemap_files

SITEURL = "https://you.github.io/archive"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PAPER = "papers/tulu-3-pushing-frontiers-in-open-language-model-post-training/"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The example archive as `make publish` builds it: absolute URLs."""
    base = tmp_path_factory.mktemp("published")
    shutil.copytree(EXAMPLE, base / "content")
    return build_site(
        base / "content", base / "output", "publishconf.py", SITEURL=SITEURL, RELATIVE_URLS=False
    )


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "schemas" / "sitemap.xsd")))


def page(site, path) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_sitemap_is_valid_and_lists_every_page_once(published):
    sitemap = etree.parse(str(published / "sitemap.xml"))
    schema().assertValid(sitemap)
    locs = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert len(locs) == len(set(locs))
    pages = {
        f"{SITEURL}/{path.parent.relative_to(published)}/".replace("/./", "/")
        for path in published.rglob("index.html")
        if "theme" not in path.parts
    }
    assert set(locs) == pages
    assert f"{SITEURL}/404.html" not in locs


def test_lastmod_comes_from_the_data(published):
    sitemap = etree.parse(str(published / "sitemap.xml"))
    lastmod = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in sitemap.iter(f"{SITEMAP}url")
    }
    # The listing's date, or a note's when it is newer.
    assert lastmod[f"{SITEURL}/papers/skill-targeted-adaptive-training/"] == "2025-12-15"
    assert lastmod[f"{SITEURL}/{PAPER}"] == "2025-12-16"  # its note
    assert lastmod[f"{SITEURL}/dates/2024/06/19/"] == "2025-12-17"  # DF40's note
    assert lastmod[f"{SITEURL}/"] == "2026-05-07"  # the newest listing
    assert lastmod[f"{SITEURL}/about/"] is None  # a page without a date


def test_a_large_site_gets_a_sitemap_index(tmp_path):
    pages = [(f"papers/{n}/", dt.date(2026, 1, 1 + n % 28)) for n in range(5)]
    files = sitemap_files(pages, SITEURL, "sitemap.xml", limit=2)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    for text in files.values():
        schema().assertValid(etree.fromstring(text.encode()))
    index = etree.fromstring(files["sitemap.xml"].encode())
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == [f"{SITEURL}/sitemap-{n}.xml" for n in (1, 2, 3)]


def test_robots_txt_points_to_the_sitemap(published, seed_site):
    assert (published / "robots.txt").read_text() == robots_txt(f"{SITEURL}/sitemap.xml")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in (published / "robots.txt").read_text()
    # Relative links (make html): no address for the sitemap, and so no sitemap.
    assert not (seed_site / "sitemap.xml").exists()
    assert "Sitemap" not in (seed_site / "robots.txt").read_text()


def test_the_404_page_offers_search_and_is_not_indexed(published):
    soup = BeautifulSoup((published / "404.html").read_text(), "html.parser")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    form = soup.find("form", class_="search-form")
    assert form["action"] == f"{SITEURL}/search/"
    # Served for any missing path: every link is absolute.
    assert all(a["href"].startswith(SITEURL) for a in soup.select("main a"))


def test_every_page_has_a_canonical_link_and_a_card(published):
    for path in published.rglob("*.html"):
        if path.name == "404.html":
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        where = str(path.relative_to(published))
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == f"{SITEURL}/{path.parent.relative_to(published)}/".replace(
            "/./", "/"
        ), where
        properties = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
        assert properties["og:url"] == canonical, where
        assert properties["og:site_name"] == "papershelf", where
        assert properties["og:title"], where
        assert properties["og:description"], where
        assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary", where


def test_a_paper_is_shared_with_its_title_and_first_sentence(published):
    soup = page(published, PAPER)
    properties = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert properties["og:type"] == "article"
    assert (
        properties["og:title"] == "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training"
    )
    assert properties["og:description"] == (
        "Language model post-training is applied to refine behaviors and unlock new skills "
        "across a wide range of recent language models, but open recipes for applying these "
        "techniques lag behind proprietary ones."
    )


def test_a_paper_page_describes_itself_in_json_ld(published):
    soup = page(published, PAPER)
    [script] = soup.find_all("script", type="application/ld+json")
    article = json.loads(script.string)
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "ScholarlyArticle"
    assert article["name"] == soup.h1.get_text()
    assert article["datePublished"] == "2024-11-22"
    assert article["url"] == f"{SITEURL}/{PAPER}"
    assert article["abstract"].startswith("Language model post-training")
    assert "language models" in article["keywords"]


def test_json_ld_cannot_be_ended_by_listing_text(tmp_path):
    content = tmp_path / "content"
    (content / "listings").mkdir(parents=True)
    shutil.copy(DATA / "hostile" / "2026-05-09.json", content / "listings")
    site = build_site(content, tmp_path / "output")
    for path in (site / "papers").glob("*/index.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        [script] = soup.find_all("script", type="application/ld+json")
        assert json.loads(script.string)["name"] == soup.h1.get_text(), path


def test_a_paper_prints_without_navigation_and_with_its_links_spelt_out(browser, seed_url):
    browser_page = browser.new_page()
    browser_page.goto(seed_url + "papers/df40-toward-next-generation-deepfake-detection/")
    browser_page.emulate_media(media="print")
    hidden = ".site-header, .site-footer, .pager, .related, .copy-row"
    assert not any(e.is_visible() for e in browser_page.locator(hidden).all())
    for shown in ("h1", ".authors", ".abstract", ".notes", "#bibtex"):
        assert browser_page.locator(shown).first.is_visible(), shown
    after = browser_page.evaluate(
        "getComputedStyle(document.querySelector('.paper .links a'), '::after').content"
    )
    assert after == '" <https://github.com/YZY-stack/DF40>"'
    browser_page.close()
