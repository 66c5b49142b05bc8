"""Top lists: a week's and a month's most upvoted papers, linked from the dates."""

import datetime as dt
import json

from bs4 import BeautifulSoup
from conftest import CORPUS_JSON, build_site, make_content


def page(site, path):
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def listed(soup) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup.select(".paper-item-title a")]


def archive_papers(site) -> list[dict]:
    return json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]


def test_a_week_lists_its_most_upvoted_papers_first(corpus_site):
    papers = archive_papers(corpus_site)
    newest = max(dt.date.fromisoformat(p["date"]) for p in papers)
    monday = newest - dt.timedelta(days=newest.weekday())
    week = [p for p in papers if 0 <= (dt.date.fromisoformat(p["date"]) - monday).days < 7]
    soup = page(corpus_site, f"top/{monday:%G-W%V}")
    shown = listed(soup)
    assert len(shown) == min(20, len(week))
    by_id = {p["id"]: p for p in week}
    upvotes = [by_id[slug]["upvotes"] or 0 for slug in shown]
    assert upvotes == sorted(upvotes, reverse=True)
    assert upvotes[0] == max(p["upvotes"] or 0 for p in week)
    assert f"of {len(week)} papers" in soup.find(class_="count").get_text()


def test_a_month_lists_its_most_upvoted_papers_first(corpus_site):
    papers = archive_papers(corpus_site)
    month = [p for p in papers if p["date"].startswith("2026-03")]
    shown = listed(page(corpus_site, "top/2026-03"))
    expected = sorted(month, key=lambda p: -(p["upvotes"] or 0))[:20]
    assert [p["upvotes"] for p in expected] == [
        next(p for p in month if p["id"] == slug)["upvotes"] for slug in shown
    ]


def test_days_months_and_home_link_their_top_lists(corpus_site):
    day = page(corpus_site, "dates/2026/03/06")
    links = [a["href"] for a in day.select(".top-links a")]
    assert links == ["../../../../top/2026-W10/", "../../../../top/2026-03/"]
    month = page(corpus_site, "dates/2026/03")
    assert month.find("a", string="Top papers of the month")["href"] == "../../../top/2026-03/"
    home = page(corpus_site, "")
    for link in home.select(".top-links a"):
        assert (corpus_site / link["href"] / "index.html").is_file()


def test_weeks_lead_to_their_neighbours(corpus_site):
    soup = page(corpus_site, "top/2026-W10")
    newer, older = soup.find("a", rel="next"), soup.find("a", rel="prev")
    assert newer["href"] == "../../top/2026-W11/"
    assert older["href"] == "../../top/2026-W09/"
    assert "week of March 9, 2026" in newer.get_text()


def test_top_list_urls_are_settings(tmp_path):
    content = make_content(tmp_path / "content", *sorted(CORPUS_JSON.iterdir())[:3])
    site = build_site(
        content,
        tmp_path / "output",
        PAPERSHELF_TOP_WEEK_URL="weekly/{date:%G}/{date:%V}/",
        PAPERSHELF_TOP_WEEK_SAVE_AS="weekly/{date:%G}/{date:%V}/index.html",
        PAPERSHELF_TOP_SIZE=3,
    )
    weeks = sorted((site / "weekly").glob("*/*/index.html"))
    assert weeks
    assert len(listed(BeautifulSoup(weeks[0].read_text(), "html.parser"))) <= 3
    assert not list((site / "top").glob("*-W*"))
    day = next((site / "dates").glob("*/*/*/index.html"))
    week_link = BeautifulSoup(day.read_text(), "html.parser").select(".top-links a")[0]
    assert "/weekly/" in week_link["href"]
