"""The reader for daily-papers pages copied as text."""

import datetime as dt

import pytest
from conftest import CORPUS_TXT, SEED

from pelican.plugins.papershelf import latex
from pelican.plugins.papershelf.read.copied_text import read_text
from pelican.plugins.papershelf.read.listing import read_listing

SNAPSHOT = dt.date(2025, 12, 15)

# Every card of the seed: title start, date, upvotes (None: the card shows no count).
SEED_CARDS = [
    ("DGNO: A Novel", "2025-02-10", None),
    ("DF40:", "2024-06-19", None),
    ("FakeLocator:", "2020-01-27", None),
    ("MgNO:", "2023-10-16", None),
    ("Masked Thought:", "2024-03-04", None),
    ("Pre-training for Speech Translation", "2023-01-27", None),
    ("Self-Training: A Survey", "2022-02-24", None),
    ("Self-Training for Sample-Efficient", "2024-06-13", None),
    ("TÜLU 3:", "2024-11-22", 3),
    ("Meta-training with Demonstration", "2023-06-30", None),
    ("LiST:", "2021-10-12", None),
    ("Language Models can Self-Lengthen", "2024-10-31", 3),
    ("Towards a Unified View", None, None),
    ("INGENIOUS:", "2023-05-11", None),
    ("Learning from Future:", "2022-09-14", None),
    ("Unified Demonstration Retriever", "2023-05-07", None),
    ("General-Purpose In-Context Learning", "2022-12-08", None),
    ("Enhancing Code Generation for Low-Resource", "2025-01-31", 4),
    ("Pruning Large Language Models", "2024-07-30", None),
    ("Pay-Per-Search Models", None, None),
    ("ReST-MCTS*:", "2024-06-06", None),
    ("MaskSearch:", "2025-05-26", 2),
    ("Long-Context LLMs Meet RAG", "2024-10-08", None),
    ("Unveiling the Secret Recipe", "2024-12-17", None),
    ("Pretraining Language Models with Human", "2023-02-16", None),
    ("Skill-Targeted Adaptive Training", None, None),
    ("OVOR:", "2024-02-06", None),
    ("Leveraging Training Data in Few-Shot", "2023-05-29", None),
    ("Sequential Training of Neural Networks", "2019-09-26", None),
    ("Aligning Teacher with Student", "2024-06-27", 2),
    ("A Novel Plagiarism Detection", "2023-05-03", None),
    ("Seq vs Seq:", "2025-07-15", 7),
    ("Foundation Models for Natural Language", "2023-02-16", None),
    ("Unlock the Power:", "2023-11-14", None),
    ("Transductive Few-Shot Learning", "2021-06-16", None),
    ("Enhancing Ultra-Low-Bit Quantization", "2025-04-14", None),
    ("Can LLMs Learn by Teaching?", "2024-06-20", 2),
    ("Learning Math Reasoning from Self-Sampled", "2022-05-27", None),
    ("Estimating the Effects of Sample Training", "2025-05-28", None),
    ("Small LLMs Are Weak Tool Learners", "2024-01-14", 2),
    ("Training LLM-Based Agents", "2025-05-26", None),
    ("Building a Family of Data Augmentation", "2024-12-06", None),
    ("Efficient In-Context Learning in Vision-Language", "2023-11-28", None),
    ("Sparse Spectral Training", "2024-05-24", None),
    ("B-PROP:", "2021-04-20", None),
    ("HFT: Half Fine-Tuning", "2024-04-29", 1),
]


def read(text, snapshot=SNAPSHOT):
    return read_text(text, "listings/test.txt", snapshot)


def card(title, abstract="An abstract.", trailer="  • 2 authors\n·\nFeb 10"):
    return f"{title}\n\n{abstract}\n\n{trailer}\n\n" if trailer else f"{title}\n\n{abstract}\n\n"


def test_the_seed_has_46_papers_with_every_date_and_upvote_count():
    entries, problems = read_listing(SEED)
    assert problems == []
    assert len(entries) == len(SEED_CARDS) == 46
    for entry, (title, date, upvotes) in zip(entries, SEED_CARDS, strict=True):
        assert entry.title.startswith(title)
        assert entry.date.isoformat() == (date or "2025-12-15")
        assert entry.dated is (date is not None)
        assert entry.upvotes == upvotes


def test_the_header_never_becomes_a_paper():
    entries, _ = read_listing(SEED)
    titles = {e.title for e in entries}
    assert not titles & {"new", "Subscribe", "Daily Papers", "Dec 15"}
    assert entries[0].source == f"{SEED}:13"


def test_papers_without_trailer_are_undated_and_filed_under_the_snapshot():
    entries, _ = read_listing(SEED)
    undated = [e for e in entries if not e.dated]
    assert [e.title for e in undated] == [
        "Towards a Unified View of Large Language Model Post-Training",
        "Pay-Per-Search Models are Abstention Models",
        "Skill-Targeted Adaptive Training",
    ]
    assert {(e.date, e.upvotes, e.authors_count) for e in undated} == {(SNAPSHOT, None, None)}


def test_authors_count_is_read_including_one_author():
    entries, _ = read(card("A", trailer="  • 1 author\n·\nMar 2 38") + card("B"))
    assert [(e.authors_count, e.upvotes) for e in entries] == [(1, 38), (2, None)]
    assert entries[0].authors == ()


def test_tulu_accents_and_the_df40_link():
    entries, _ = read_listing(SEED)
    tulu = next(e for e in entries if e.title.startswith("TÜLU"))
    assert "TÜLU 3" in latex.plain(tulu.abstract)
    assert "\\" not in latex.plain(tulu.abstract)
    df40 = next(e for e in entries if e.title.startswith("DF40"))
    assert df40.links == ("https://github.com/YZY-stack/DF40",)


@pytest.mark.parametrize(
    ("card_date", "snapshot", "expected"),
    [
        ("Feb 10", "2025-12-15", "2025-02-10"),
        ("Dec 20", "2026-01-05", "2025-12-20"),
        ("Jan 5", "2026-01-05", "2026-01-05"),
        ("Feb 29", "2025-03-01", "2024-02-29"),
        ("Jun 19, 2024", "2025-12-15", "2024-06-19"),
    ],
)
def test_a_card_date_without_year_is_the_latest_not_after_the_snapshot(
    card_date, snapshot, expected
):
    entries, problems = read(
        card("T", trailer=f"  • 2 authors\n·\n{card_date}"), dt.date.fromisoformat(snapshot)
    )
    assert problems == []
    assert entries[0].date.isoformat() == expected


def test_crlf_bom_trailing_and_non_breaking_spaces_read_the_same():
    text = SEED.read_text(encoding="utf-8")
    messy = "\ufeff" + text.replace("\n", "  \r\n").replace("  • ", "\u00a0\u00a0• ")
    assert read(messy) == read(text)


def test_indented_lines_are_paragraph_breaks_and_other_breaks_are_wrapping():
    entries, _ = read(card("T", "First line\nwrapped here.\n  Second paragraph."))
    assert entries[0].abstract == "First line wrapped here.\n\nSecond paragraph."


def test_the_corpus_copied_pages_read_without_problems():
    total = 0
    for path in sorted(CORPUS_TXT.iterdir()):
        entries, problems = read_listing(path)
        assert problems == []
        assert all(e.date == e.snapshot and e.dated for e in entries)
        total += len(entries)
    assert total == 675


def test_every_problem_is_reported_with_its_line_and_nothing_else_is_lost():
    text = (
        card("Good one")
        + card("Impossible date", trailer="  • 2 authors\n·\nFeb 30, 2024")
        + card("Authors without number", trailer="  • some authors\n·\nMar 1")
        + "  • 3 authors\n·\nMar 2\n\n"
        + card("Good two", trailer="  • 4 authors\n·\nMar 3 5")
    )
    entries, problems = read(text)
    assert [str(p) for p in problems] == [
        "listings/test.txt:15: impossible date: 'Feb 30, 2024'",
        "listings/test.txt:21: authors line without a number: '• some authors'",
        "listings/test.txt:25: authors/date trailer without a title",
    ]
    assert [e.title for e in entries] == ["Good one", "Good two"]


def test_paragraphs_that_do_not_pair_up_are_an_error_not_a_guess():
    text = card("Title", "Abstract, first half.\n\nAbstract, second half.")
    entries, problems = read(text)
    assert entries == []
    assert [str(p) for p in problems] == [
        "listings/test.txt:1: cannot pair 3 paragraphs (lines 1, 3, 5) into titles and "
        "abstracts: each paper needs a one-line title followed by one abstract paragraph"
    ]


def test_a_title_alone_at_the_end_is_an_error():
    _, problems = read(card("Title") + "Another title\n")
    assert [str(p) for p in problems] == ["listings/test.txt:9: title without an abstract"]


def test_a_title_on_several_lines_is_an_error():
    _, problems = read(card("Title\nand more", "Abstract."))
    assert [str(p) for p in problems] == ["listings/test.txt:1: title spans 2 lines"]


def test_a_file_without_date_in_its_name_or_in_utf8_is_reported(tmp_path):
    (tmp_path / "listing.txt").write_text(card("Title"))
    (tmp_path / "2025-01-01.txt").write_bytes(b"Title\n\n\xff\xfe abstract\n")
    (tmp_path / "2025-01-02.txt").write_bytes(b"Title\n\x00\x01")
    assert [str(p) for p in read_listing(tmp_path / "listing.txt")[1]] == [
        f"{tmp_path}/listing.txt:1: no date in the file name: name it YYYY-MM-DD.txt"
    ]
    assert [str(p) for p in read_listing(tmp_path / "2025-01-01.txt")[1]] == [
        f"{tmp_path}/2025-01-01.txt:3: not UTF-8 text"
    ]
    assert [str(p) for p in read_listing(tmp_path / "2025-01-02.txt")[1]] == [
        f"{tmp_path}/2025-01-02.txt:2: binary data: a listing is UTF-8 text"
    ]
    _entries, problems = read_listing(tmp_path / "listing.txt", snapshot=dt.date(2025, 1, 1))
    assert problems == []
