"""Merging entries into papers: identity, sightings, slugs, dates."""

import datetime as dt

from conftest import CORPUS_JSON, CORPUS_TXT, SEED

from pelican.plugins.papershelf import archive
from pelican.plugins.papershelf.archive.model import Entry
from pelican.plugins.papershelf.read.listing import read_listing


def read_all(*folders):
    entries = []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            entries += read_listing(path)[0]
    return entries


def entry(title, snapshot, arxiv_id=None, upvotes=None, listing=None):
    day = dt.date.fromisoformat(snapshot)
    return Entry(
        title=title,
        abstract="",
        date=day,
        dated=True,
        upvotes=upvotes,
        arxiv_id=arxiv_id,
        listing=listing or f"listings/{snapshot}.txt",
        snapshot=day,
        line=1,
    )


def test_the_corpus_is_675_entries_of_515_papers_in_either_format():
    for folder in (CORPUS_TXT, CORPUS_JSON):
        result = archive.build(read_all(folder))
        assert (result.entries, len(result.papers), result.duplicates) == (675, 515, 160)


def test_a_paper_copied_as_text_and_fetched_from_the_api_is_one_paper():
    result = archive.build(read_all(CORPUS_TXT, CORPUS_JSON))
    assert (result.entries, len(result.papers)) == (1350, 515)
    assert all(paper.arxiv_id for paper in result.papers)
    dllm = result.by_key["2602.22661"]
    assert {s.listing for s in dllm.sightings} >= {
        f"{CORPUS_TXT}/2026-03-02.txt",
        f"{CORPUS_JSON}/2026-03-02.json",
    }
    assert dllm.authors[0] == "Zhanhui Zhou"  # names come from the API


def test_every_sighting_is_kept_and_the_newest_upvotes_shown():
    result = archive.build(
        [
            entry("Paper", "2026-03-01", upvotes=3),
            entry("Paper", "2026-03-02", upvotes=10),
            entry("PAPER!", "2026-03-03", upvotes=12),
        ]
    )
    (paper,) = result.papers
    assert [(s.snapshot.day, s.upvotes) for s in paper.sightings] == [(1, 3), (2, 10), (3, 12)]
    assert paper.upvotes == 12
    assert paper.date == dt.date(2026, 3, 1)
    assert result.summary() == (
        "papershelf: 3 listings read, 3 entries, 1 paper, 2 duplicates merged, 0 notes attached, 0 errors"
    )


def test_the_url_does_not_change_when_a_later_listing_adds_the_arxiv_id():
    before = archive.build([entry("Self-Training: A Survey", "2025-12-15")])
    after = archive.build(
        [
            entry("Self-Training: A Survey", "2025-12-15"),
            entry("Self-training: a survey", "2026-01-02", arxiv_id="2202.12040"),
        ]
    )
    assert len(after.papers) == 1
    assert after.papers[0].arxiv_id == "2202.12040"
    assert after.papers[0].url == before.papers[0].url == "papers/self-training-a-survey/"


def test_two_titles_with_one_slug_get_distinct_stable_urls():
    first = entry("Café: Models", "2026-01-01")
    second = entry("Cafe Models", "2026-01-02", arxiv_id="2601.00002")
    alone = archive.build([first])
    both = archive.build([first, second])
    urls = [p.url for p in sorted(both.papers, key=lambda p: p.sightings[0].snapshot)]
    assert urls[0] == alone.papers[0].url == "papers/cafe-models/"
    assert urls[1].startswith("papers/cafe-models-")
    assert urls[1] != urls[0]
    assert archive.build([second, first]).by_key["2601.00002"].url == urls[1]


def test_slugs_are_ascii_and_never_empty():
    result = archive.build(
        [
            entry("TÜLU 3: Post-Training", "2026-01-01"),
            entry("注意力机制", "2026-01-01"),
            entry("🚀✨", "2026-01-01"),
        ]
    )
    slugs = [p.slug for p in result.papers]
    assert "tulu-3-post-training" in slugs
    assert all(s and s.isascii() for s in slugs)


def test_dates_index_days_by_upvotes_and_link_papers_of_a_day():
    result = archive.build(read_listing(SEED)[0])
    assert result.dates == sorted(result.dates, reverse=True)
    assert sum(len(result.by_date[d]) for d in result.dates) == 46
    day = result.by_date[dt.date(2025, 5, 26)]
    assert [p.title[:11] for p in day] == ["MaskSearch:", "Training LL"]
    assert (day[0].next, day[1].previous, day[0].previous) == (day[1], day[0], None)
