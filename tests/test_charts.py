"""Charts drawn at build time: laid out in Python, inline SVG in the page's
colours, each named and described, with its numbers as a table."""

import datetime as dt
import json
import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import CORPUS_JSON, build_site, make_content

from pelican.plugins.papershelf.site import charts


def test_bars_stand_on_the_axis_in_proportion():
    chart = charts.bars(("T", "D"), ("Month", "Papers"), ["a", "b", "c"], [10, 5, 0])
    bottom = chart.marks[0].y + chart.marks[0].height
    assert all(m.y + m.height == pytest.approx(bottom, abs=0.1) for m in chart.marks)
    assert chart.marks[1].height == pytest.approx(chart.marks[0].height / 2, abs=0.1)
    assert chart.marks[2].height == 0
    assert [t.text for t in chart.y_ticks] == ["0", "5", "10"]


def test_axes_end_on_round_numbers_and_counts_on_whole_ones():
    assert charts._nice_ceiling(52) == 60
    assert charts._nice_ceiling(0) == 1
    assert charts._nice_ceiling(1_234) == 1_500
    one = charts.bars(("T", "D"), ("Month", "Notes"), ["a"], [1])
    assert [t.text for t in one.y_ticks] == ["0", "1"]  # no "0.5 notes"
    means = charts.bars(("T", "D"), ("Day", "Mean"), ["a"], [0.8])
    assert [t.text for t in means.y_ticks] == ["0", "0.5", "1"]


def test_a_line_keeps_its_end_labels_inside_the_box():
    chart = charts.line(("T", "D"), ("Listing", "Upvotes"), ["a", "b"], [1, 2], small=True)
    assert chart.marks[0].x > chart.plot[0]
    assert chart.marks[-1].x < chart.plot[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("charts")
    content = make_content(base / "content", *sorted(CORPUS_JSON.iterdir()))
    return build_site(content, base / "output")


def soup(site, path):
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def table_of(figure) -> dict[str, str]:
    return {row.th.get_text(): row.td.get_text() for row in figure.select("tbody tr")}


def test_every_chart_is_named_described_and_tabled(site):
    page = soup(site, "stats")
    figures = page.select("figure.chart")
    assert len(figures) >= 4
    for figure in figures:
        svg = figure.svg
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).get_text()
        assert svg.find("desc", id=desc_id).get_text()
        assert figure.find("table", class_="visually-hidden").select("tbody tr")
        assert not svg.find_all(["script", "image", "foreignObject", "a"])
        assert "fill=" not in str(svg)  # the theme's colours, light or dark


def test_the_stats_page_counts_the_archive(site):
    papers = json.loads((site / "papers.json").read_text())["papers"]
    page = soup(site, "stats")
    per_month = table_of(page.find(id="per-month").find_next("figure"))
    assert sum(int(v.replace(",", "")) for v in per_month.values()) == len(papers)
    weekdays = table_of(page.find(id="by-weekday").find_next("figure"))
    assert list(weekdays) == [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ]  # fmt: skip
    friday = [p["upvotes"] for p in papers
              if dt.date.fromisoformat(p["date"]).weekday() == 4 and p["upvotes"] is not None]  # fmt: skip
    assert float(weekdays["Friday"]) == pytest.approx(sum(friday) / len(friday), abs=0.05)
    assert page.select(".mover-list li")  # tags that grow and shrink


def test_a_paper_seen_on_several_days_charts_its_upvotes(site):
    papers = json.loads((site / "papers.json").read_text())["papers"]
    for paper in papers:
        days = {s["date"] for s in paper["sightings"] if s["upvotes"] is not None}
        page = soup(site, f"papers/{paper['id']}")
        figure = page.select_one(".sightings figure.chart")
        assert (figure is not None) == (len(days) >= 2), paper["id"]
        if figure:
            assert len(table_of(figure)) == len(days)


def test_a_tag_page_shows_its_trend(site):
    page = soup(site, "tags/agents")
    figure = page.select_one("figure.chart-spark")
    assert figure.figcaption.get_text() == "agents: papers per month"
    shown = sum(int(v) for v in table_of(figure).values())
    count = int(page.select_one("p.count").get_text().split()[0])
    assert 0 < shown <= count


def test_charts_are_not_redrawn_when_their_data_is_the_same(tmp_path):
    content = make_content(tmp_path / "content", *sorted(CORPUS_JSON.iterdir())[:10])
    (content / "notes").mkdir()
    note = content / "notes" / "a-note.md"
    papers_file = sorted(CORPUS_JSON.iterdir())[0]
    first = json.loads(papers_file.read_text())[0]["paper"]["id"]
    note.write_text(f"Paper: {first}\nCurator: Ada\nDate: 2026-03-10\n\nFirst thoughts.\n")
    site = build_site(content, tmp_path / "output")
    stats = site / "stats" / "index.html"
    before = stats.stat().st_mtime_ns
    note.write_text(note.read_text() + "\nSecond thoughts.\n")
    build_site(content, tmp_path / "output")
    assert stats.stat().st_mtime_ns == before  # the same counts: not written again
    shutil.copy(sorted(CORPUS_JSON.iterdir())[10], content / "listings")
    build_site(content, tmp_path / "output")
    assert stats.stat().st_mtime_ns != before
