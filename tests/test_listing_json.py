"""The reader for the daily_papers API JSON."""

import datetime as dt
import json

from conftest import CORPUS_JSON

from pelican.plugins.papershelf.read.api_json import read_json
from pelican.plugins.papershelf.read.listing import read_listing

SNAPSHOT = dt.date(2026, 3, 2)


def read(items_or_text):
    text = items_or_text if isinstance(items_or_text, str) else json.dumps(items_or_text, indent=1)
    return read_json(text, "listings/2026-03-02.json", SNAPSHOT)


def item(**paper):
    return {"paper": {"id": "2602.22661", "title": "A title", "summary": "Text.", **paper}}


def test_a_corpus_day_reads_every_field():
    entries, problems = read_listing(CORPUS_JSON / "2026-03-02.json")
    assert problems == []
    first = entries[0]
    assert first.title == "dLLM: Simple Diffusion Language Modeling"
    assert first.arxiv_id == "2602.22661"
    assert first.authors == ("Zhanhui Zhou", "Lingjie Chen", "Hanghang Tong", "Dawn Song")
    assert first.authors_count == 4
    assert first.upvotes == 38
    assert (first.date, first.dated) == (SNAPSHOT, True)
    assert first.abstract.count("\n\n") == 1  # arXiv's paragraph break is kept
    assert first.source.endswith("2026-03-02.json:2")


def test_the_whole_corpus_reads_without_problems():
    total = 0
    for path in sorted(CORPUS_JSON.iterdir()):
        entries, problems = read_listing(path)
        assert problems == []
        total += len(entries)
    assert total == 675


def test_repository_project_page_and_keywords_are_kept():
    entries, _ = read(
        [
            item(
                githubRepo="https://github.com/a/b",
                projectPage="https://a.github.io/b",
                ai_keywords=["diffusion", "LLM"],
                summary="See https://b.org/c.",
            )
        ]
    )
    assert entries[0].links == (
        "https://github.com/a/b",
        "https://a.github.io/b",
        "https://b.org/c",
    )
    assert entries[0].keywords == ("diffusion", "LLM")


def test_an_arxiv_version_is_dropped_from_the_id():
    entries, _ = read([item(id="2401.01234v3")])
    assert entries[0].arxiv_id == "2401.01234"


def test_items_missing_a_title_are_errors_at_their_line_and_others_are_kept():
    entries, problems = read(
        [item(title="First"), {"paper": {"id": "2601.00001"}}, item(title="Third")]
    )
    assert [e.title for e in entries] == ["First", "Third"]
    assert [str(p) for p in problems] == ["listings/2026-03-02.json:9: paper without a title"]


def test_malformed_json_names_its_line_and_keeps_earlier_items():
    text = '[\n {"paper": {"title": "Kept"}},\n {"paper": {"title": "Broken",}}\n]'
    entries, problems = read(text)
    assert [e.title for e in entries] == ["Kept"]
    assert [str(p) for p in problems] == [
        "listings/2026-03-02.json:3: invalid JSON: Expecting property name enclosed in double quotes"
    ]


def test_wrong_shapes_and_values_are_reported():
    assert [str(p) for p in read('{"papers": []}')[1]] == [
        "listings/2026-03-02.json:1: expected a JSON array of daily papers"
    ]
    assert [str(p) for p in read("")[1]] == [
        "listings/2026-03-02.json:1: empty file: expected a JSON array of papers"
    ]
    _, problems = read([item(upvotes="many", id="nope", githubRepo="javascript:alert(1)")])
    assert [p.message for p in problems] == [
        "upvotes is not a count: 'many'",
        "not an arXiv id: 'nope'",
        "githubRepo is not an http(s) URL: 'javascript:alert(1)'",
    ]


def test_without_published_at_the_paper_is_undated():
    entries, _ = read([item()])
    assert (entries[0].date, entries[0].dated) == (SNAPSHOT, False)
