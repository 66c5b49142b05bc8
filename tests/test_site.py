"""Real site builds into temporary folders, checked page by page and crawled."""

import contextlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLE, ROOT, build_site, make_content, pelican_command
from crawl import broken_local_links, crawl_http, links_of


def page(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_one_page_per_paper_and_per_date(seed_site):
    assert len(list((seed_site / "papers").glob("*/index.html"))) == 98
    days = list((seed_site / "dates").glob("*/*/*/index.html"))
    assert len(days) == 49
    assert (seed_site / "dates" / "2024" / "06" / "index.html").is_file()
    assert (seed_site / "dates" / "2019" / "index.html").is_file()
    assert (seed_site / "index.html").is_file()
    assert (seed_site / "about" / "index.html").is_file()


def test_a_paper_page_shows_everything_known_about_the_paper(seed_site):
    soup = page(seed_site, "papers/df40-toward-next-generation-deepfake-detection/index.html")
    assert soup.title.string.startswith("DF40: Toward Next-Generation Deepfake Detection · ")
    assert soup.h1.get_text() == "DF40: Toward Next-Generation Deepfake Detection"
    assert soup.find("time")["datetime"] == "2024-06-19"
    assert "11 authors" in soup.find(class_="authors").get_text()
    assert soup.find("a", class_="link-code")["href"] == "https://github.com/YZY-stack/DF40"
    abstract = soup.find(class_="abstract")
    assert abstract.find("a", href="https://github.com/YZY-stack/DF40")
    seen = soup.find(class_="sightings")
    assert "listings/2025-12-15.txt" in seen.get_text()
    assert seen.find("a")["href"] == "../../dates/2025/12/15/"  # the listing's day
    assert soup.find("meta", attrs={"name": "description"})["content"].startswith("We propose")


def test_latex_and_undated_papers_on_their_pages(seed_site):
    dgno = page(
        seed_site,
        "papers/dgno-a-novel-physics-aware-neural-operator-for-solving-forward-and-inverse-pde/index.html",
    )
    assert dgno.find(class_="abstract").find("em").get_text() == "labeled"
    undated = page(seed_site, "papers/skill-targeted-adaptive-training/index.html")
    assert undated.find(class_="badge").get_text().strip() == "undated"
    assert undated.find("time")["datetime"] == "2025-12-15"


def test_a_date_page_lists_its_papers_by_upvotes_with_neighbouring_dates(seed_site):
    soup = page(seed_site, "dates/2025/05/26/index.html")
    titles = [h.get_text() for h in soup.select(".paper-item-title")]
    assert [t[:11] for t in titles] == ["MaskSearch:", "Training LL"]
    assert soup.find("a", rel="next")["href"] == "../../../../dates/2025/05/28/"
    assert soup.find("a", rel="prev")["href"] == "../../../../dates/2025/04/14/"


def test_previous_and_next_paper_of_the_same_date(seed_site):
    soup = page(
        seed_site,
        "papers/masksearch-a-universal-pre-training-framework-to-enhance-agentic-search/index.html",
    )
    assert soup.find("a", rel="next")["href"].endswith(
        "papers/training-llm-based-agents-with-synthetic-self-reflected-trajectories-and-partial/"
    )
    assert soup.find("a", rel="prev") is None


def test_the_home_page_starts_with_the_newest_days(seed_site):
    soup = page(seed_site, "index.html")
    days = [h.a.get_text() for h in soup.select("section.day h2")]
    assert days[:3] == ["May 7, 2026", "May 6, 2026", "May 5, 2026"]
    assert sum(len(s.select(".paper-item")) for s in soup.select("section.day")) >= 30


def test_no_broken_links_with_relative_urls(seed_site):
    pages, broken = broken_local_links(seed_site)
    assert pages > 98 + 49
    assert broken == []


def test_nothing_is_requested_from_another_host(seed_site):
    for html in seed_site.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["script", "link", "img", "iframe", "style"]):
            assert not re.match(r"(https?:)?//", tag.get("src") or tag.get("href") or ""), (
                html,
                tag,
            )


def test_published_under_a_sub_path_every_link_resolves(tmp_path, served):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    site = build_site(
        tmp_path / "content",
        tmp_path / "root" / "archive",
        "publishconf.py",
        SITEURL=f"{served}/archive",
    )
    assert 'href="http://127.0.0.1' in (site / "index.html").read_text()
    seen, broken = crawl_http(f"{served}/archive/")
    assert broken == []
    assert len([url for url in seen if "/archive/papers/" in url]) == 98


def test_siteurl_is_escaped_in_fragments_shared_between_pages(tmp_path):
    # Tag lists and list items are rendered once and given each page's SITEURL.
    shutil.copytree(EXAMPLE, tmp_path / "content")
    site = build_site(
        tmp_path / "content", tmp_path / "output", "publishconf.py", SITEURL="https://x.org/a&b"
    )
    pages = [
        site / "index.html",
        *site.glob("papers/*/index.html"),
        *site.glob("tags/*/index.html"),
    ]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "https://x.org/a&amp;b/tags/" in html, page
        assert "https://x.org/a&b" not in html, page


def test_the_corpus_builds_one_page_per_paper(corpus_site):
    site = corpus_site
    assert len(list((site / "papers").glob("*/index.html"))) == 515
    assert len(list((site / "dates").glob("*/*/*/index.html"))) == 62
    assert broken_local_links(site)[1] == []


def test_listing_text_is_shown_as_text_and_never_runs(tmp_path):
    content = tmp_path / "content" / "listings"
    content.mkdir(parents=True)
    (content / "2026-01-05.txt").write_text(
        "<img src=x onerror=alert(1)> {{ 7*7 }} [x](javascript:alert(1))\n\n"
        "<script>alert(2)</script> see javascript:alert(3) and https://ok.example/x\n\n"
        "  • 1 author\n·\nJan 5 9\n",
        encoding="utf-8",
    )
    site = build_site(tmp_path / "content", tmp_path / "output")
    (paper,) = (site / "papers").glob("*/index.html")
    html = paper.read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    assert "49" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }}" in html
    # The slug may spell the word; no link has the scheme.
    assert [link for link in links_of(html) if "javascript:" in link.lower()] == []
    assert '<a href="https://ok.example/x" rel="noopener noreferrer">' in html
    day = (site / "dates/2026/01/05/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in day
    assert "&lt;img src=x onerror=alert(1)&gt;" in day


def children() -> set[int]:
    """This process's child processes, running or exited and never waited for."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):  # gone meanwhile
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(stat.parent.name))
    return found


def test_bad_content_stops_the_build_and_lists_every_problem(tmp_path, capsys):
    content = make_content(tmp_path / "content")
    (content / "listings" / "2025-01-05.txt").write_text(
        "T1\n\nA1.\n\n  • 2 authors\n·\nFeb 30, 2024\n\nT2\n\nA2.\n\n  • many authors\n·\nMar 1\n"
    )
    before = children()
    with pytest.raises(SystemExit) as stop:
        build_site(content, tmp_path / "output")
    assert stop.value.code == 1
    assert children() == before  # the processes saving the cache were waited for
    assert capsys.readouterr().err.splitlines() == [
        "listings/2025-01-05.txt:7: impossible date: 'Feb 30, 2024'",
        "listings/2025-01-05.txt:13: authors line without a number: '• many authors'",
        "papershelf: 1 listing read, 0 entries, 2 errors: nothing written",
    ]
    assert not list(tmp_path.glob("output/**/*.html"))


def test_a_misspelt_setting_stops_the_build(tmp_path, capsys):
    with pytest.raises(SystemExit):
        build_site(EXAMPLE, tmp_path / "output", PAPERSHELF_PAPER_URLS="x/{slug}/")
    assert capsys.readouterr().err == (
        "papershelf: unknown setting PAPERSHELF_PAPER_URLS (did you mean PAPERSHELF_PAPER_URL?)\n"
    )


def test_a_curators_post_is_an_ordinary_pelican_article_listed_on_the_home_page(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    (tmp_path / "content" / "posts").mkdir()
    (tmp_path / "content" / "posts" / "week-one.md").write_text(
        "Title: Week one\nDate: 2026-01-02\n\nA **digest** of the week.\n", encoding="utf-8"
    )
    site = build_site(tmp_path / "content", tmp_path / "output")
    post = page(site, "posts/week-one/index.html")
    assert post.h1.get_text() == "Week one"
    assert post.find("strong").get_text() == "digest"
    assert page(site, "index.html").find("a", href="./posts/week-one/").get_text() == "Week one"


def test_every_search_result_leads_to_a_page(corpus_site):
    search = corpus_site / "search"
    manifest = json.loads((search / "index.json").read_text())
    blocks = sorted((search / "papers").iterdir(), key=lambda path: int(path.stem))
    assert len(blocks) == -(-515 // manifest["papersPerBlock"])
    shown = [paper for block in blocks for paper in json.loads(block.read_text())]
    assert len(shown) == manifest["papers"] == 515
    assert [p[0] for p in shown if not (corpus_site / p[0] / "index.html").is_file()] == []
    tags = [url for _, url in manifest["tags"]]
    assert [url for url in tags if not (corpus_site / url / "index.html").is_file()] == []


def test_the_same_content_builds_a_byte_identical_site(tmp_path, seed_site):
    """Another process, with another hash seed: no set or dict order leaks out."""
    shutil.copytree(EXAMPLE, tmp_path / "content")
    again = tmp_path / "output"
    command = pelican_command(tmp_path / "content", again)
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=environment)
    files = sorted(p.relative_to(seed_site) for p in seed_site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert [f for f in files if (seed_site / f).read_bytes() != (again / f).read_bytes()] == []
