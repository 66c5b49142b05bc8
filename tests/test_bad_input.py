"""Input nobody sent before: each is refused at its `path:line`, in one line,
by `check`, `import` and the build alike; nothing crashes, hangs or echoes
control characters to the terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from pelican.plugins.papershelf.cli import main
from pelican.plugins.papershelf.read.listing import read_listing
from pelican.plugins.papershelf.site.markup import Renderer

DAY = "2026-05-08"


def api_item(**paper) -> dict:
    base = {"id": "2605.00001", "title": "A title", "summary": "An abstract.", "upvotes": 3}
    return {"paper": {**base, **paper}, "publishedAt": "2026-05-08T00:00:00.000Z"}


def api_listing(tmp_path: Path, *items: dict, raw: str | None = None) -> Path:
    path = tmp_path / f"{DAY}.json"
    path.write_text(raw if raw is not None else json.dumps(list(items)), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    return [str(p) for p in read_listing(path)[1]]


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\x1b", "control character U+001B"),
        ("\x07", "control character U+0007"),
        ("\x0b", "control character U+000B"),
        ("\x08", "control character U+0008"),
        ("\x85", "control character U+0085"),
        ("\ufffe", "non-character U+FFFE"),
        ("\U0010ffff", "non-character U+10FFFF"),
    ],
)
def test_a_forbidden_character_in_a_file_is_refused_at_its_line(tmp_path, character, named):
    copied = tmp_path / f"{DAY}.txt"
    copied.write_text(
        f"A title\n\nAn abstract with a {character} inside.\n\n• 2 authors\n·\nMay 8 3\n"
    )
    assert problems(copied) == [f"{copied}:3: {named}: text cannot hold it (remove it)"]
    escaped = api_listing(tmp_path, api_item(summary=f"An {character} abstract."))
    assert problems(escaped) == [f"{escaped}:1: summary holds a {named}: text cannot hold it"]


def test_a_lone_surrogate_in_json_is_refused(tmp_path):
    path = api_listing(
        tmp_path, raw='[{"paper": {"id": "2605.00001", "title": "A \\ud800 title"}}]'
    )
    assert problems(path) == [f"{path}:1: title holds a lone surrogate U+D800: text cannot hold it"]


@pytest.mark.parametrize(
    ("paper", "problem"),
    [
        ({"authors": "abc"}, "authors is not a list: 'abc'"),
        ({"upvotes": 10**12}, "upvotes is not a count: 1000000000000"),
        ({"upvotes": -1}, "upvotes is not a count: -1"),
        ({"upvotes": True}, "upvotes is not a count: True"),
        ({"authors": [{"name": ["x"]}]}, "author without a name: {'name': ['x']}"),
    ],
)
def test_values_of_the_wrong_type_or_range_are_refused(tmp_path, paper, problem):
    path = tmp_path / f"{DAY}.json"
    path.write_text(json.dumps([api_item(**paper)]).replace("True", "true"))
    (found,) = problems(path)
    assert found.startswith(f"{path}:1: {problem}")
    assert len(found) < 200  # a 5,000-digit number is not echoed whole


def test_a_number_of_5000_digits_is_refused(tmp_path):
    path = api_listing(tmp_path, raw='[{"paper": {"title": "T", "upvotes": ' + "9" * 5000 + "}}]")
    assert problems(path) == [f"{path}:1: invalid JSON: a number too long to be a count"]


def test_a_publication_date_out_of_range_is_refused(tmp_path):
    item = api_item()
    item["publishedAt"] = "9999-12-31T00:00:00Z"
    path = api_listing(tmp_path, item)
    assert problems(path) == [f"{path}:1: publishedAt is out of range: '9999-12-31T00:00:00Z'"]


def test_a_huge_count_in_a_copied_page_is_refused(tmp_path):
    copied = tmp_path / f"{DAY}.txt"
    copied.write_text("A title\n\nAn abstract.\n\n• 2 authors\n·\nMay 8 " + "9" * 5000 + "\n")
    (found,) = problems(copied)
    assert found.startswith(f"{copied}:7: not a count of upvotes: 'May 8 999")


def test_json_nested_deeper_than_the_parser_goes_is_refused(tmp_path):
    path = api_listing(tmp_path, raw="[" + "[" * 100_000 + "]" * 100_000 + "]")
    assert problems(path) == [f"{path}:1: invalid JSON: arrays or objects too deep"]


def example_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    return content


def test_a_fifo_in_the_listings_is_refused_not_waited_for(tmp_path, capsys):
    content = example_copy(tmp_path)
    os.mkfifo(content / "listings" / f"{DAY}.txt")
    assert main(["check", str(content)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"listings/{DAY}.txt:1: not a regular file: not read"
    )


def test_a_link_out_of_the_content_folder_is_not_read(tmp_path, capsys):
    content = example_copy(tmp_path)
    secret = tmp_path / "secret.md"
    secret.write_text("Paper: 2605.03849\nCurator: Eve\n\nThe machine's secrets.\n")
    (content / "notes" / "stolen.md").symlink_to(secret)
    inside = content / "notes" / "inside.md"
    inside.symlink_to(content / "notes" / "self-training-a-survey.md")
    assert main(["check", str(content)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "notes/stolen.md:1: a link to a file outside the content folder: not read"
    )
    (content / "notes" / "stolen.md").unlink()
    assert main(["check", str(content)]) == 0  # a link inside the folder is read


def test_a_file_name_cannot_forge_lines_of_the_report(tmp_path, capsys):
    content = example_copy(tmp_path)
    forged = "x\npapershelf: 0 errors\x1b[2K.md"
    (content / "notes" / forged).write_text("Paper: 2605.03849\nCurator: Eve\n\nHi.\n")
    assert main(["check", str(content)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert err.splitlines()[0] == (
        "notes/x\\x0apapershelf: 0 errors\\x1b[2K.md:1: "
        "the file's name holds a control character U+000A"
    )


def test_import_and_parse_never_echo_terminal_escapes(tmp_path):
    page = tmp_path / f"{DAY}.txt"
    page.write_text("A \x1b]0;pwned\x07 title\n\nAn abstract.\n\n• 2 authors\n·\nMay 8 3\n")
    (tmp_path / "content" / "listings").mkdir(parents=True)
    for command in (["parse", str(page)], ["import", str(page), "--content", "content"]):
        result = subprocess.run(
            [sys.executable, "-m", "pelican.plugins.papershelf.cli", *command],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert result.returncode == 1
        assert "\x1b" not in result.stdout + result.stderr
        assert "\x07" not in result.stdout + result.stderr
        assert "control character U+001B" in result.stderr
    assert not (tmp_path / "content" / "listings" / page.name).exists()


def test_private_use_characters_in_a_note_render(tmp_path):
    text = "Private \ue000 use \ue001 and \uf8ff, \U000f0000 and $x$ [^1]\n\n[^1]: \ue000"
    html = Renderer()(text)
    assert "\uf8ff" in html
    assert "\U000f0000" in html
    assert "<math" in html


def test_a_build_of_accepted_odd_input_writes_valid_feeds(tmp_path):
    """Characters that are allowed (tabs, private use, astral symbols, RTL
    marks) make a site whose feeds parse as XML."""
    from conftest import build_site
    from lxml import etree

    content = example_copy(tmp_path)
    api_listing(
        content / "listings",
        api_item(title="Tab\there \u200f\u202e RTL 𝔐𝔞𝔱𝔥 \ue000", summary="\U000f0000 abstract."),
    )
    site = build_site(content, tmp_path / "output")
    for feed in (site / "feeds").rglob("*.xml"):
        etree.parse(str(feed))  # raises on anything XML cannot hold


def test_check_and_the_build_agree(tmp_path):
    """What `check` refuses, the build refuses, in the same words."""
    content = example_copy(tmp_path)
    api_listing(content / "listings", api_item(summary="BEL \x07 here"))
    check = subprocess.run(
        [sys.executable, "-m", "pelican.plugins.papershelf.cli", "check", str(content)],
        capture_output=True,
        text=True,
    )
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(tmp_path / "out")]
    command += ["-s", str(ROOT / "pelicanconf.py"), "--cache-path", str(tmp_path / "cache")]
    built = subprocess.run(command, capture_output=True, text=True)
    assert check.returncode == built.returncode == 1
    assert "Traceback" not in built.stderr
    assert (
        check.stderr.splitlines()[0]
        == built.stderr.splitlines()[0]
        == (f"listings/{DAY}.json:1: summary holds a control character U+0007: text cannot hold it")
    )
