"""Tag pages, Atom feeds and papers.json, from real builds."""

import datetime as dt
import json
import shutil

import feedparser
from bs4 import BeautifulSoup
from conftest import EXAMPLE, build_site
from crawl import broken_local_links


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def exported(site):
    return json.loads((site / "papers.json").read_text(encoding="utf-8"))


def test_the_tags_page_lists_every_tag_with_its_count(seed_site):
    records = exported(seed_site)["papers"]
    counts = {}
    for record in records:
        for name in record["tags"]:
            counts[name] = counts.get(name, 0) + 1
    page = soup(seed_site / "tags" / "index.html")
    by_name = {
        li.a.get_text(): int(li.find(class_="count").get_text())
        for li in page.select("#by-name li")
    }
    assert by_name == counts
    by_count = [int(li.find(class_="count").get_text()) for li in page.select("#by-count li")]
    assert by_count == sorted(by_count, reverse=True)
    assert [li.a.get_text() for li in page.select("#by-name li")] == sorted(
        counts, key=str.casefold
    )


def test_a_tag_page_lists_its_papers_newest_first_with_its_feed(seed_site):
    page = soup(seed_site / "tags" / "self-training" / "index.html")
    dates = [t["datetime"] for t in page.select(".paper-item time")]
    assert len(dates) == 6
    assert dates == sorted(dates, reverse=True)
    feed = page.find("link", rel="alternate", href=lambda h: "tags/self-training" in h)
    assert feed["href"] == "../../feeds/tags/self-training.atom.xml"


def test_tags_are_links_on_paper_date_and_home_pages(seed_site):
    paper = soup(seed_site / "papers" / "self-training-a-survey" / "index.html")
    assert [a["href"] for a in paper.select(".paper .tags a")] == ["../../tags/self-training/"]
    day = soup(seed_site / "dates" / "2022" / "02" / "24" / "index.html")
    assert day.select_one(".tags a").get_text() == "self-training"
    assert soup(seed_site / "index.html").select(".paper-item .tags a")


def test_tag_pages_paginate_without_colliding_with_tag_names(tmp_path):
    content = tmp_path / "content" / "listings"
    content.mkdir(parents=True)
    cards = "".join(
        f"{title} {n}\n\nAbout {title}.\n\n  • 1 author\n·\nJan {n}\n\n"
        for n in range(1, 6)
        for title in ("GPT", "GPT 4")
    )
    (content / "2026-01-10.txt").write_text(cards, encoding="utf-8")
    site = build_site(
        tmp_path / "content",
        tmp_path / "output",
        PAPERSHELF_TOPICS={"GPT": ["GPT"], "GPT 4": ["GPT 4"]},
        PAPERSHELF_TAG_PAGE_SIZE=4,
    )
    gpt = [soup(site / "tags" / "gpt" / "index.html")] + [
        soup(site / "tags" / "gpt" / "page" / str(n) / "index.html") for n in (2, 3)
    ]
    assert [len(p.select(".paper-item")) for p in gpt] == [4, 4, 2]
    assert not (site / "tags" / "gpt" / "page" / "4").exists()
    assert len(soup(site / "tags" / "gpt-4" / "index.html").select(".paper-item")) == 4
    assert gpt[1].find("a", rel="next")["href"] == "../../../../tags/gpt/page/3/"
    assert gpt[1].find("a", rel="prev")["href"] == "../../../../tags/gpt/"
    assert broken_local_links(site)[1] == []


def test_every_feed_parses_and_links_to_existing_pages(seed_site):
    feeds = [
        seed_site / "feeds" / "papers.atom.xml",
        *sorted((seed_site / "feeds" / "tags").glob("*.xml")),
    ]
    tags = list((seed_site / "tags").glob("*/index.html"))
    assert len(feeds) == len(tags) + 1
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.bozo_exception)
        assert feed.entries
        for entry in feed.entries:
            assert (seed_site / entry.link / "index.html").is_file(), entry.link
            assert entry.title
            assert entry.published_parsed
            assert entry.content[0].value
    main = feedparser.parse((seed_site / "feeds" / "papers.atom.xml").read_bytes())
    first = main.entries[0]
    assert first.title == (
        "Stream-R1: Reliability-Perplexity Aware Reward Distillation for Streaming Video Generation"
    )
    assert dt.date(*first.published_parsed[:3]) == dt.date(2026, 5, 7)
    assert {t.term for t in first.tags} == {"video", "distillation"}
    assert "Distillation-based acceleration has become foundational" in first.content[0].value


def test_published_feeds_and_links_are_absolute_under_siteurl(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")
    site = build_site(
        tmp_path / "content",
        tmp_path / "output",
        "publishconf.py",
        SITEURL="https://me.github.io/archive",
    )
    feed = feedparser.parse((site / "feeds" / "tags" / "deepfake-detection.atom.xml").read_bytes())
    assert feed.feed.link == "https://me.github.io/archive/"
    assert {e.link for e in feed.entries} == {
        "https://me.github.io/archive/papers/df40-toward-next-generation-deepfake-detection/",
        "https://me.github.io/archive/papers/fakelocator-robust-localization-of-gan-based-face-manipulations/",
    }
    home = soup(site / "index.html")
    assert (
        home.find("link", rel="alternate")["href"]
        == "https://me.github.io/archive/feeds/papers.atom.xml"
    )
    records = exported(site)["papers"]
    assert records[0]["url"].startswith("https://me.github.io/archive/papers/")


def test_papers_json_lists_every_paper_once_in_a_stable_shape(seed_site):
    document = exported(seed_site)
    assert (document["format"], document["version"]) == ("papershelf-papers", 1)
    records = document["papers"]
    assert len(records) == 98
    assert len({r["id"] for r in records}) == 98
    keys = [
        "id",
        "arxiv_id",
        "title",
        "date",
        "dated",
        "authors",
        "authors_count",
        "upvotes",
        "tags",
        "keywords",
        "links",
        "url",
        "sightings",
        "notes",
    ]
    assert all(list(r) == keys for r in records)
    df40 = next(r for r in records if r["title"].startswith("DF40"))
    assert df40 == {
        "id": "df40-toward-next-generation-deepfake-detection",
        "arxiv_id": None,
        "title": "DF40: Toward Next-Generation Deepfake Detection",
        "date": "2024-06-19",
        "dated": True,
        "authors": [],
        "authors_count": 11,
        "upvotes": None,
        "tags": ["benchmarks and datasets", "deepfake detection"],
        "keywords": [],
        "links": [{"kind": "code", "url": "https://github.com/YZY-stack/DF40"}],
        "url": "papers/df40-toward-next-generation-deepfake-detection/",
        "sightings": [
            {"listing": "listings/2025-12-15.txt", "date": "2025-12-15", "upvotes": None}
        ],
        "notes": [
            {
                "curator": "papershelf team",
                "date": "2025-12-17",
                "summary": "Train on FF++, test on FF++-like data: DF40 shows why that protocol overstates detectors.",
                "source": "notes/df40-toward-next-generation-deepfake-detection.md",
            }
        ],
    }
    for record in records:
        assert (seed_site / record["url"] / "index.html").is_file()


def test_the_corpus_export_has_515_papers_with_arxiv_links(corpus_site):
    site = corpus_site
    records = exported(site)["papers"]
    assert len(records) == len({r["arxiv_id"] for r in records}) == 515
    assert all(r["links"][0]["kind"] == "arxiv" for r in records)
    assert len(list((site / "feeds" / "tags").glob("*.xml"))) == len(
        list((site / "tags").glob("*/index.html"))
    )
