"""Importing copied pages and fetching the API, against a local server."""

import contextlib
import datetime as dt
import functools
import http.server
import shutil
import threading
import time
import tracemalloc
import zlib
from typing import ClassVar

import pytest
from conftest import CORPUS_JSON, CORPUS_TXT, SEED

from pelican.plugins.papershelf.cli import main
from pelican.plugins.papershelf.read.fetch import FeedError, Known, fetch, missing_days


@pytest.fixture
def content(tmp_path):
    (tmp_path / "content" / "listings").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "content" / "listings")
    shutil.copy(CORPUS_JSON / "2026-03-06.json", tmp_path / "content" / "listings")
    return tmp_path / "content"


def run(*args):
    return main(list(map(str, args)))


def test_import_takes_the_date_from_the_page_and_reports_new_and_known_papers(
    tmp_path, content, capsys
):
    copied = tmp_path / "copied from the browser.txt"
    copied.write_bytes(
        b"\xef\xbb\xbf" + (CORPUS_TXT / "2026-03-07.txt").read_bytes().replace(b"\n", b"\r\n")
    )
    assert run("import", copied, "--content", content) == 0
    out = capsys.readouterr().out.splitlines()
    written = content / "listings" / "2026-03-07.txt"
    assert written.read_text(encoding="utf-8") == (CORPUS_TXT / "2026-03-07.txt").read_text(
        encoding="utf-8"
    )
    # Seven of its papers were on the Mar 6 listing already (fetched from the API, with ids).
    assert out[0] == "2026-03-07.txt: 10 papers (3 new, 7 already in the archive)"
    assert len([line for line in out if line.startswith("  + ")]) == 3


def test_import_never_overwrites_unless_forced_and_then_shows_the_changes(
    tmp_path, content, capsys
):
    page = (CORPUS_TXT / "2026-03-02.txt").read_text(encoding="utf-8")
    first = tmp_path / "2026-03-02.txt"
    first.write_text(page, encoding="utf-8")
    assert run("import", first, "--content", content) == 0
    changed = tmp_path / "again.txt"
    changed.write_text(page.replace("Mar 2 38", "Mar 2 45"), encoding="utf-8")
    capsys.readouterr()
    assert run("import", changed, "--content", content, "--date", "2026-03-02") == 1
    captured = capsys.readouterr()
    assert "exists already: give --force" in captured.err
    assert run("import", changed, "--content", content, "--date", "2026-03-02", "--force") == 0
    out = capsys.readouterr().out
    assert "  ~ dLLM: Simple Diffusion Language Modeling: upvotes 38 → 45" in out
    assert "Mar 2 45" in (content / "listings" / "2026-03-02.txt").read_text()


def test_importing_the_same_page_again_says_there_is_nothing_to_do(tmp_path, content, capsys):
    page = tmp_path / "2026-03-02.txt"
    shutil.copy(CORPUS_TXT / "2026-03-02.txt", page)
    assert run("import", page, "--content", content) == 0
    capsys.readouterr()
    assert run("import", page, "--content", content) == 0
    assert run("import", page, "--content", content, "--force") == 0
    listing = content / "listings" / "2026-03-02.txt"
    assert (
        capsys.readouterr().out.splitlines()
        == [f"2026-03-02.txt: the same as {listing} already: nothing to do"] * 2
    )


def test_import_reads_a_saved_api_day_as_json(tmp_path, content, capsys):
    saved = tmp_path / "daily_papers (3).json"
    shutil.copy(CORPUS_JSON / "2026-03-02.json", saved)
    assert run("import", saved, "--content", content, "--date", "2026-03-02") == 0
    assert capsys.readouterr().out.startswith("2026-03-02.json: 10 papers (")
    assert (content / "listings" / "2026-03-02.json").read_bytes() == saved.read_bytes()
    # Named by its day, it needs no --date; a JSON body is JSON whatever the file's name.
    named = tmp_path / "2026-03-03.txt"
    shutil.copy(CORPUS_JSON / "2026-03-03.json", named)
    assert run("import", named, "--content", content) == 0
    assert (content / "listings" / "2026-03-03.json").exists()
    undated = tmp_path / "api.json"
    shutil.copy(CORPUS_JSON / "2026-03-04.json", undated)
    assert run("import", undated, "--content", content) == 1
    assert "no date in the file name: give --date" in capsys.readouterr().err


def test_a_forced_fetch_of_an_unchanged_day_changes_nothing(content, api):
    (report,) = fetch_days(content, api, "2026-03-06", force=True)
    assert not report.written
    assert report.lines() == [
        f"2026-03-06.json: the same as {content / 'listings' / '2026-03-06.json'} already: "
        "nothing to do"
    ]


def test_import_refuses_a_page_it_cannot_read_or_date(tmp_path, content, capsys):
    broken = tmp_path / "2026-03-09.txt"
    broken.write_text("A title\n\nAn abstract.\n\n  • 2 authors\n·\nFeb 30, 2026\n")
    assert run("import", broken, "--content", content) == 1
    assert "impossible date: 'Feb 30, 2026'" in capsys.readouterr().err
    assert not (content / "listings" / "2026-03-09.txt").exists()
    undated = tmp_path / "page.txt"
    undated.write_text("A title\n\nAn abstract.\n")
    assert run("import", undated, "--content", content) == 1
    assert capsys.readouterr().err.strip() == (
        f"papershelf: {undated}: no date in the file name or the page's header: give --date"
    )
    wrong = tmp_path / "2026-03-03.txt"
    wrong.write_text((CORPUS_TXT / "2026-03-02.txt").read_text())
    assert run("import", wrong, "--content", content) == 1
    assert (
        "the file name says 2026-03-03 but the page's header says Mar 2" in capsys.readouterr().err
    )


class DailyPapers(http.server.BaseHTTPRequestHandler):
    """The daily_papers API over the corpus, with days that misbehave."""

    asked: ClassVar[dict] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        day = self.path.split("date=")[-1]
        self.asked[day] = self.asked.get(day, 0) + 1
        if day == "2026-03-07" and self.asked[day] == 1:
            return self.answer(429, b"slow down", {"Retry-After": "0"})
        if day == "2026-04-01":
            return self.answer(500, b"oops")
        if day == "2026-04-02":
            return self.answer(200, b'[{"paper": {"title": "Cut off"')
        if day == "2026-04-03":
            time.sleep(0.5)
        if day == "2026-04-04":
            return self.answer(200, b"[]")
        if day in HOSTILE:
            return HOSTILE[day](self)
        path = CORPUS_JSON / f"{day}.json"
        self.answer(200, path.read_bytes()) if path.exists() else self.answer(404, b"no")

    def answer(self, status, body, headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(ConnectionError):  # a client that gave up before the end
            self.wfile.write(body)


def trickle(handler):
    """A byte every 50 ms: each read is quick, the answer never ends in time."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    with contextlib.suppress(OSError):
        for _ in range(100):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.05)


@functools.cache
def bomb_body() -> bytes:
    """200 MB of zeros in a 200 kB gzip body."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join(compressor.compress(zeros) for _ in range(200)) + compressor.flush()


def bomb(handler):
    handler.answer(200, bomb_body(), {"Content-Encoding": "gzip"})


HOSTILE = {
    "2026-04-05": trickle,
    "2026-04-06": lambda h: h.answer(200, b'[{"paper": {"title": "caf\xe9"}}]'),
    "2026-04-07": bomb,
    "2026-04-08": lambda h: h.answer(302, b"", {"Location": h.path}),
    "2026-04-09": lambda h: h.answer(200, b"[" * 100_000 + b"]" * 100_000),
}


@pytest.fixture
def api():
    DailyPapers.asked = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DailyPapers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/daily_papers"
    server.shutdown()
    server.server_close()


def fetch_days(content, api, *days, **options):
    options = {"timeout": 0.2, "retries": 2, "backoff": 0.01, **options}
    listings = content / "listings"
    return fetch(
        [dt.date.fromisoformat(d) for d in days], listings, Known(listings), api, **options
    )


def test_fetch_writes_a_validated_day_and_reports_it(content, api):
    (report,) = fetch_days(content, api, "2026-03-02")
    assert report.written
    assert report.lines()[0].startswith("2026-03-02.json: 10 papers (")
    assert (content / "listings" / "2026-03-02.json").read_bytes() == (
        CORPUS_JSON / "2026-03-02.json"
    ).read_bytes()


def test_fetch_retries_a_429_and_skips_days_already_present(content, api):
    reports = fetch_days(content, api, "2026-03-06", "2026-03-07")
    assert [r.lines()[0] for r in reports] == [
        "2026-03-06.json: present already, skipped",
        "2026-03-07.json: 10 papers (3 new, 7 already in the archive)",
    ]
    assert DailyPapers.asked == {"2026-03-07": 2}


def test_fetch_gives_up_on_a_failing_server_with_one_clear_line(content, api):
    with pytest.raises(FeedError, match=r"date=2026-04-01: HTTP 500 after 3 tries$"):
        fetch_days(content, api, "2026-04-01")
    with pytest.raises(FeedError, match=r"no answer within 0.2 s, 3 tries$"):
        fetch_days(content, api, "2026-04-03")
    assert not list((content / "listings").glob("2026-04-*.json"))


def test_a_malformed_body_is_reported_and_not_written(content, api):
    (report,) = fetch_days(content, api, "2026-04-02")
    assert not report.written
    assert [str(p) for p in report.problems] == [
        f"{api}?date=2026-04-02:1: invalid JSON: Expecting ',' delimiter"
    ]
    assert not (content / "listings" / "2026-04-02.json").exists()


def test_a_day_without_papers_writes_nothing(content, api):
    (report,) = fetch_days(content, api, "2026-04-04")
    assert report.lines() == ["2026-04-04.json: no papers that day, nothing written"]


def test_offline_is_one_line_and_exit_1(content, capsys):
    settings = content.parent / "offline.py"
    settings.write_text('PAPERSHELF_API_URL = "http://127.0.0.1:9/api/daily_papers"\n')
    assert (
        run("fetch", "--date", "2026-03-07", "--content", content, "-s", settings, "--retries", "0")
        == 1
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("papershelf: cannot reach http://127.0.0.1:9/api/daily_papers: ")
    assert err[0].endswith("(are you offline?)")


def test_missing_days_run_from_the_newest_listing_to_today(content):
    days = missing_days(content / "listings", dt.date(2026, 3, 9))
    assert days == [dt.date(2026, 3, 7), dt.date(2026, 3, 8), dt.date(2026, 3, 9)]
    since = missing_days(content / "listings", dt.date(2026, 3, 7), dt.date(2026, 3, 5))
    assert since == [dt.date(2026, 3, 5), dt.date(2026, 3, 7)]


def test_a_server_that_trickles_bytes_is_given_up_on_in_time(content, api):
    started = time.monotonic()
    with pytest.raises(FeedError, match=r"no answer within 0.2 s, 3 tries$"):
        fetch_days(content, api, "2026-04-05")
    assert time.monotonic() - started < 3  # three tries of 0.2 s, and the backoff


def test_a_body_that_is_not_utf8_is_a_problem_at_its_line(content, api):
    (report,) = fetch_days(content, api, "2026-04-06")
    assert [str(p) for p in report.problems] == [f"{api}?date=2026-04-06:1: not UTF-8 text"]
    assert not report.written
    assert not (content / "listings" / "2026-04-06.json").exists()


def test_a_compressed_body_that_inflates_past_the_cap_is_refused(content, api):
    bomb_body()  # made before the clock starts
    tracemalloc.start()
    try:
        with pytest.raises(FeedError, match=r"date=2026-04-07: the answer is over 16 MB: refused"):
            fetch_days(content, api, "2026-04-07")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20  # what the cap allows, not the 200 MB it inflates to


def test_a_redirect_loop_is_one_line(content, api):
    with pytest.raises(FeedError, match=r"date=2026-04-08: more than 5 redirects$"):
        fetch_days(content, api, "2026-04-08")


def test_json_nested_too_deep_is_a_problem_and_not_written(content, api):
    (report,) = fetch_days(content, api, "2026-04-09")
    assert [str(p) for p in report.problems] == [
        f"{api}?date=2026-04-09:1: invalid JSON: arrays or objects too deep"
    ]
    assert not (content / "listings" / "2026-04-09.json").exists()
