"""`papershelf resolve`: arXiv ids by exact title, from an arXiv API on localhost."""

import contextlib
import http.server
import shutil
import threading
from html import escape
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import EXAMPLE, SEED, build_site

from pelican.plugins.papershelf.archive.identity import normalise_title
from pelican.plugins.papershelf.cli import main
from pelican.plugins.papershelf.read import resolve
from pelican.plugins.papershelf.read.arxiv_ids import read_ids
from pelican.plugins.papershelf.read.resolve import ArxivTitles, ResolveError

TULU = "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training"
SELF_TRAINING = "Self-Training: A Survey"


def atom(*entries: tuple[str, str]) -> bytes:
    """An answer as arXiv's API gives it: Atom, one entry per (id, title)."""
    items = "".join(
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v2</id>"
        f"<title>{escape(title)}</title><summary>...</summary></entry>"
        for arxiv_id, title in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title>{items}</feed>'
    ).encode()


# What the server knows, by the normalised title asked for.
ANSWERS = {
    # Found: the exact title (as arXiv writes it, LaTeX and all), beside a near miss.
    normalise_title(TULU): atom(
        ("2411.15124", 'T\\"ULU 3: Pushing Frontiers in Open Language Model\n  Post-Training'),
        ("2501.00001", "TULU 3 Pushing Frontiers in Open Language Model Post-Training Revisited"),
    ),
    # Ambiguous: two papers with the same title.
    normalise_title(SELF_TRAINING): atom(
        ("2202.12040", "Self-Training: A Survey"), ("1905.00001", "Self-training: a survey")
    ),
}


class ArxivHandler(http.server.BaseHTTPRequestHandler):
    busy = 0  # answer this many requests with 503 first
    asked: ClassVar[list[str]] = []  # the titles asked for, in order

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)["search_query"][0]
        asked = query.removeprefix('ti:"').removesuffix('"')
        type(self).asked.append(asked)
        if type(self).busy:
            type(self).busy -= 1
            self.send_response(503)
            self.send_header("Retry-After", "7")
            self.end_headers()
            return
        body = ANSWERS.get(asked, atom())  # None: no paper with the title
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def arxiv():
    ArxivHandler.busy, ArxivHandler.asked = 0, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ArxivHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/query"
    server.shutdown()
    server.server_close()


class Clock:
    """Time that passes only when slept."""

    def __init__(self):
        self.now, self.slept = 100.0, []

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.now += seconds


def titles(api_url, clock=None):
    clock = clock or Clock()
    client = httpx.Client(timeout=5)
    return ArxivTitles(client, api_url, clock=lambda: clock.now, sleep=clock.sleep), clock


def test_an_exact_title_is_found_and_a_near_miss_is_not(arxiv):
    lookup = titles(arxiv)[0].lookup(TULU)
    assert lookup.ids == ("2411.15124",)
    assert lookup.found == "2411.15124"


def test_two_papers_with_the_title_are_ambiguous_and_none_is_none(arxiv):
    arxiv_titles = titles(arxiv)[0]
    ambiguous = arxiv_titles.lookup(SELF_TRAINING)
    assert ambiguous.found is None
    assert ambiguous.ids == ("2202.12040", "1905.00001")
    assert arxiv_titles.lookup("A Paper Nobody Wrote").ids == ()


def test_requests_are_three_seconds_apart(arxiv):
    arxiv_titles, clock = titles(arxiv)
    for title in (TULU, SELF_TRAINING, "Another"):
        arxiv_titles.lookup(title)
    assert clock.slept == [3.0, 3.0]  # none before the first


def test_a_busy_answer_waits_for_its_retry_after(arxiv):
    ArxivHandler.busy = 1
    arxiv_titles, clock = titles(arxiv)
    assert arxiv_titles.lookup(TULU).found == "2411.15124"
    assert clock.slept == [7.0]
    assert len(ArxivHandler.asked) == 2


def test_always_busy_gives_up_with_a_clear_error(arxiv):
    ArxivHandler.busy = 10
    with pytest.raises(ResolveError, match="HTTP 503 after 4 tries"):
        titles(arxiv)[0].lookup(TULU)


def test_offline_is_one_clear_error():
    with socket_closed() as url, pytest.raises(ResolveError, match="are you offline"):
        titles(url)[0].lookup(TULU)


@contextlib.contextmanager
def socket_closed():
    server = http.server.HTTPServer(("127.0.0.1", 0), ArxivHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    yield f"http://127.0.0.1:{port}/api/query"


@pytest.fixture
def content(tmp_path, monkeypatch):
    """The example archive, whose copied listing gives no arXiv ids."""
    monkeypatch.setattr(resolve, "INTERVAL", 0.01)
    folder = tmp_path / "content"
    (folder / "listings").mkdir(parents=True)
    shutil.copy(SEED, folder / "listings" / SEED.name)
    shutil.copytree(EXAMPLE / "notes", folder / "notes")
    return folder


def test_resolve_writes_what_it_found_and_reports_the_rest(arxiv, content, capsys):
    assert main(["resolve", "--content", str(content), "--api-url", arxiv]) == 0
    out = capsys.readouterr().out
    ids, problems = read_ids(content / "arxiv-ids.txt", "arxiv-ids.txt")
    assert problems == []
    assert ids == {normalise_title(TULU): "2411.15124"}
    assert "1 found" in out
    assert "no exact match (several papers: 2202.12040, 1905.00001): Self-Training: A Survey" in out
    assert "no exact match (none)" in out
    # What is in the file is not asked again.
    first_run = len(ArxivHandler.asked)
    assert main(["resolve", "--content", str(content), "--api-url", arxiv]) == 0
    assert len(ArxivHandler.asked) - first_run == first_run - 1
    assert (content / "arxiv-ids.txt").read_text().count("2411.15124") == 1


def test_the_build_gives_a_resolved_paper_its_arxiv_links(arxiv, content, tmp_path):
    main(["resolve", "--content", str(content), "--api-url", arxiv])
    site = build_site(content, tmp_path / "output")
    page = site / "papers" / "tulu-3-pushing-frontiers-in-open-language-model-post-training"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert 'href="https://arxiv.org/abs/2411.15124"' in html
    assert "eprint = {2411.15124}" in html


def test_offline_resolve_says_so_and_writes_nothing(content, capsys):
    with socket_closed() as url:
        assert main(["resolve", "--content", str(content), "--api-url", url]) == 1
    assert "are you offline?" in capsys.readouterr().err
    assert not (content / "arxiv-ids.txt").exists()


def test_a_bad_line_in_the_reviewed_file_names_its_line(content, capsys):
    (content / "arxiv-ids.txt").write_text("# ids\n2411.15124\tA title\nnot-an-id\tB title\n")
    assert main(["check", str(content)]) == 1
    assert "arxiv-ids.txt:3: not an arXiv id: 'not-an-id'" in capsys.readouterr().err
