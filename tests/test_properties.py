"""Properties of the readers, for any input: entries or `path:line` problems,
never a traceback; and listings written out read back to the same entries."""

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pelican.plugins.papershelf import latex
from pelican.plugins.papershelf.archive import dates
from pelican.plugins.papershelf.archive.model import Entry
from pelican.plugins.papershelf.read import characters
from pelican.plugins.papershelf.read.api_json import read_json
from pelican.plugins.papershelf.read.copied_text import HEADER_LINES, read_text
from pelican.plugins.papershelf.read.listing import read_listing
from pelican.plugins.papershelf.read.notes import parse_note
from pelican.plugins.papershelf.read.write_listing import json_listing, text_listing

SNAPSHOT = dt.date(2025, 12, 15)
EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real listings and notes, so that random text often looks like one.
FRAGMENTS = [
    "\n", "\n\n", "\r\n", " ", "  • 3 authors", "• 1 author", "·", "Jun 19, 2024 7",
    "Dec 15", "Feb 29", "Subscribe", "Daily Papers", "$x^2$", "\\textbf{", "}", "{{ x }}",
    "{% if %}", "<script>", "[", "]", "{", "}", '"paper":', '"title":', '"summary":',
    '"authors":', '"upvotes":', '"publishedAt":', '"2024-06-19T08:30:00.000Z"', ",", ":",
    "null", "true", "-1", "1e9", '"id": "2406.13495"', "Paper: ", "Curator: ", "Date: ",
    "Tags: ", "Summary: ", "2025-13-40", "\ufeff", "\u200b", "\u202e", "\x00", "📄", "𝔸",
]  # fmt: skip
noisy_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40).map("".join)


def last_line(text: str) -> int:
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def assert_well_formed(result, text: str, path: str):
    entries, problems = result
    assert all(isinstance(entry, Entry) for entry in entries)
    for problem in problems:
        assert problem.path == path
        assert 1 <= problem.line <= last_line(text), problem
        assert problem.message


@EXAMPLES
@given(noisy_text)
def test_the_text_reader_returns_entries_or_problems_for_any_text(text):
    assert_well_formed(read_text(text, "listings/x.txt", SNAPSHOT), text, "listings/x.txt")


@EXAMPLES
@given(noisy_text)
def test_the_json_reader_returns_entries_or_problems_for_any_text(text):
    assert_well_formed(read_json(text, "listings/x.json", SNAPSHOT), text, "listings/x.json")


@EXAMPLES
@given(noisy_text | st.from_regex(r"\A\[(\{.{0,60}\},?\s*){0,4}\]\Z"))
def test_the_json_reader_survives_near_json(text):
    assert_well_formed(read_json(text, "listings/x.json", SNAPSHOT), text, "listings/x.json")


# Characters on both sides of every edge of the forbidden set, in and past the BMP.
EDGES = st.sampled_from(
    "\t\n\r\x00\x08\x0b\x1f \x7e\x7f\x9f\xa0\ud7ff\ud800\udfff\ue000\ufdcf\ufdd0\ufdef"
    "\ufdf0\ufffd\ufffe\uffff\U00010000\U0001fffd\U0001fffe\U0001ffff\U0010fffe\U0010ffff📄"
)
edgy_text = st.lists(EDGES | st.characters(), max_size=20).map("".join)


@EXAMPLES
@given(edgy_text)
def test_forbidden_characters_are_found_in_any_text(text):
    first = characters.FORBIDDEN_RE.search(text)
    lines = {text.count("\n", 0, m.start()) + 1 for m in characters.FORBIDDEN_RE.finditer(text)}
    assert characters.forbidden(text) == (first and characters.describe(first.group()))
    assert [line for line, _ in characters.forbidden_lines(text)] == sorted(lines)


@EXAMPLES
@given(edgy_text, st.booleans())
def test_the_json_reader_refuses_a_forbidden_character_however_it_is_spelled(summary, ascii):
    item = {"paper": {"title": "A title", "summary": summary}, "publishedAt": "2025-12-15"}
    text = json.dumps([item], ensure_ascii=ascii)
    _, problems = read_json(text, "listings/x.json", SNAPSHOT)
    assert bool(problems) == bool(characters.FORBIDDEN_RE.search(summary)), problems


@EXAMPLES
@given(st.lists(EDGES | st.sampled_from([" ", "  ", "\n", "\n\n", "\u2003", "a"]), max_size=20))
def test_a_text_collapsed_is_its_words_joined_by_single_spaces(pieces):
    text = "".join(pieces)
    assert latex.collapsed(text) == " ".join(latex.plain(text).split())


@EXAMPLES
@given(noisy_text)
def test_the_note_reader_returns_a_note_or_problems_for_any_text(text):
    note, problems = parse_note(text, "notes/x.md", "x")
    assert note is not None or problems, "a note that cannot be read says why"
    for problem in problems:
        assert problem.path == "notes/x.md"
        assert 1 <= problem.line <= last_line(text), problem


@EXAMPLES
@given(st.binary(max_size=300), st.sampled_from([".txt", ".json"]))
def test_any_bytes_in_a_listing_file_give_entries_or_problems(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"2025-12-15{suffix}"
        path.write_bytes(data)
        entries, problems = read_listing(path, display="listings/2025-12-15" + suffix)
    assert all(isinstance(entry, Entry) for entry in entries)
    assert all(problem.path == "listings/2025-12-15" + suffix for problem in problems)
    lines = last_line(data.decode("utf-8", errors="replace"))  # a lone \r ends a line too
    assert all(1 <= problem.line <= lines for problem in problems)


# Entries as listings can hold them: words joined by single spaces (the readers
# normalise whitespace), paragraphs separated by blank lines.
word = st.text(
    st.characters(categories=["L", "N", "P", "S", "M"], exclude_characters="•·"),
    min_size=1,
    max_size=12,
)
line = st.lists(word, min_size=1, max_size=12).map(" ".join)
paragraphs = st.lists(line, min_size=1, max_size=3).map("\n\n".join)
when = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
count = st.integers(min_value=0, max_value=100_000)


def is_card_text(text: str) -> bool:
    """Text that a copied page cannot hold as a title or paragraph start."""
    first = text.strip()
    return (
        first.startswith(("•", "·"))
        or first.lower() in HEADER_LINES
        or dates.CARD_DATE_RE.fullmatch(first) is not None
    )


@st.composite
def page_entries(draw):
    title = draw(line.filter(lambda t: not is_card_text(t)))
    abstract = draw(paragraphs.filter(lambda a: not any(map(is_card_text, a.split("\n\n")))))
    dated = draw(st.booleans())
    return Entry(
        title=title,
        abstract=abstract,
        date=draw(when) if dated else SNAPSHOT,
        dated=dated,
        upvotes=draw(st.none() | count) if dated else None,
        authors_count=draw(st.none() | count) if dated else None,
    )


@st.composite
def api_entries(draw):
    authors = tuple(draw(st.lists(line, max_size=5)))
    dated = draw(st.booleans())
    return Entry(
        title=draw(line),
        abstract=draw(st.just("") | paragraphs),
        date=draw(when) if dated else SNAPSHOT,
        dated=dated,
        authors=authors,
        authors_count=len(authors) or None,
        upvotes=draw(st.none() | count),
        arxiv_id=draw(st.none() | st.from_regex(r"\A\d{4}\.\d{4,5}\Z")),
        keywords=tuple(draw(st.lists(line, max_size=4, unique=True))),
    )


def shown(entry: Entry) -> tuple:
    """What a listing says about a paper (not where it says it)."""
    return (
        entry.title,
        entry.abstract,
        entry.date,
        entry.dated,
        entry.authors,
        entry.authors_count,
        entry.upvotes,
        entry.arxiv_id,
        entry.keywords,
    )


@EXAMPLES
@given(st.lists(page_entries(), max_size=8))
def test_a_copied_page_reads_back_to_the_same_entries(entries):
    text = text_listing(entries, SNAPSHOT)
    read, problems = read_text(text, "listings/2025-12-15.txt", SNAPSHOT)
    assert problems == []
    assert [shown(e) for e in read] == [shown(e) for e in entries]


@EXAMPLES
@given(st.lists(api_entries(), max_size=8))
def test_an_api_listing_reads_back_to_the_same_entries(entries):
    text = json_listing(entries)
    read, problems = read_json(text, "listings/2025-12-15.json", SNAPSHOT)
    assert problems == []
    assert [shown(e) for e in read] == [shown(e) for e in entries]


# Any text a listing can hold; now and then a character none may hold.
good_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=40)
any_text = good_text | st.sampled_from(["bell \x07", "esc \x1b[2J", "\ufffe", "nul \x00"])


@st.composite
def api_items(draw):
    paper = {
        "id": draw(st.none() | st.from_regex(r"\A\d{4}\.\d{5}\Z")),
        "title": draw(any_text.filter(str.strip)),
        "summary": draw(any_text),
        "authors": draw(st.lists(st.fixed_dictionaries({"name": good_text}), max_size=3)),
        "upvotes": draw(st.integers(0, 10**6) | st.just(10**10)),
        "ai_keywords": draw(st.lists(good_text, max_size=3)),
    }
    published = draw(st.sampled_from(["2025-12-14T08:00:00Z", "2024-02-29", "0001-01-01"]))
    return {"paper": paper, "publishedAt": published}


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(api_items(), min_size=1, max_size=4))
def test_whatever_the_readers_accept_builds_a_site_with_valid_feeds(items):
    """Input is refused at its line, or it builds: no third way."""
    import json

    from conftest import build_site
    from lxml import etree

    text = json.dumps(items, ensure_ascii=False)
    entries, problems = read_json(text, "listings/2025-12-15.json", SNAPSHOT)
    assert all(1 <= p.line <= last_line(text) for p in problems)
    if problems:
        return
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder, "content")
        (content / "listings").mkdir(parents=True)
        (content / "listings" / "2025-12-15.json").write_text(text, encoding="utf-8")
        site = build_site(content, Path(folder, "output"))
        for feed in (site / "feeds").rglob("*.xml"):
            etree.parse(str(feed))  # anything XML cannot hold raises
        assert 1 <= len(list((site / "papers").glob("*/index.html"))) <= len(entries)
