"""The papershelf command line."""

import json
import subprocess
import sys
from importlib.metadata import version

import pytest
from conftest import CORPUS_JSON, EXAMPLE, ROOT, SEED

from pelican.plugins.papershelf.builder import workers
from pelican.plugins.papershelf.cli import main


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "pelican.plugins.papershelf.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_parse_json_prints_every_entry_with_the_documented_fields():
    result = run("parse", str(SEED), "--json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert len(entries) == 46
    assert set(entries[0]) >= {
        "title",
        "abstract",
        "authors",
        "authors_count",
        "date",
        "dated",
        "upvotes",
        "arxiv_id",
        "links",
        "source",
    }
    tulu = next(e for e in entries if e["title"].startswith("TÜLU"))
    assert (tulu["date"], tulu["upvotes"], tulu["authors_count"], tulu["dated"]) == (
        "2024-11-22",
        3,
        23,
        True,
    )
    assert "TÜLU 3" in tulu["abstract"]
    undated = [e for e in entries if not e["dated"]]
    assert [e["date"] for e in undated] == ["2025-12-15"] * 3
    assert entries[0]["source"] == f"{SEED}:13"


def test_parse_reads_api_json_too():
    result = run("parse", str(CORPUS_JSON / "2026-03-02.json"), "--json")
    first = json.loads(result.stdout)[0]
    assert (first["arxiv_id"], first["upvotes"], first["authors_count"]) == ("2602.22661", 38, 4)


def test_parse_reports_a_bad_file_on_stderr_and_exits_1(tmp_path):
    bad = tmp_path / "2025-01-05.txt"
    bad.write_text("A title\n\nAn abstract.\n\n  • 2 authors\n·\nFeb 30, 2024\n", encoding="utf-8")
    result = run("parse", str(bad), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == []
    assert result.stderr.strip() == f"{bad}:7: impossible date: 'Feb 30, 2024'"


def test_parse_takes_the_date_when_the_name_has_none(tmp_path, capsys):
    listing = tmp_path / "copied.txt"
    listing.write_text("A title\n\nAn abstract.\n\n  • 2 authors\n·\nDec 20\n", encoding="utf-8")
    assert main(["parse", str(listing), "--json", "--date", "2026-01-05"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["date"] == "2025-12-20"


def test_check_validates_content_without_building(tmp_path, capsys):
    assert main(["check", str(EXAMPLE)]) == 0
    assert (
        "papershelf: 8 listings read, 116 entries, 98 papers, 18 duplicates merged, 4 notes attached, 0 errors"
        in capsys.readouterr().out
    )
    (tmp_path / "listings").mkdir()
    (tmp_path / "listings" / "2025-01-05.txt").write_text("  • 2 authors\n·\nMar 1\n")
    (tmp_path / "listings" / "notes.md").write_text("hello")
    assert main(["check", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "listings/2025-01-05.txt:1: authors/date trailer without a title",
        "listings/notes.md:1: not a listing: expected a .txt or .json file",
        "papershelf: 2 listings read, 0 entries, 2 errors: nothing written",
    ]
    assert not (tmp_path / "output").exists()


def test_check_says_in_one_line_that_a_process_reading_listings_was_killed(monkeypatch, capsys):
    def killed(*args, **kwargs):
        raise workers.WorkerKilled(workers.KILLED)

    monkeypatch.setattr(workers, "run", killed)
    assert main(["check", str(EXAMPLE)]) == 1
    assert capsys.readouterr().err == "papershelf: a worker process was killed\n"


def test_check_names_a_missing_content_folder(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err == f"papershelf: {tmp_path}/nowhere: no such content folder\n"


def test_export_md_writes_one_markdown_document_per_paper(tmp_path):
    assert main(["export-md", str(tmp_path), "--content", str(EXAMPLE)]) == 0
    documents = sorted(tmp_path.glob("*.md"))
    assert len(documents) == 98  # the topic page's 46 and a week's 52
    df40 = (tmp_path / "df40-toward-next-generation-deepfake-detection.md").read_text()
    assert df40.startswith(
        "Title: DF40: Toward Next-Generation Deepfake Detection\nDate: 2024-06-19\n"
    )
    assert "<https://github.com/YZY-stack/DF40>." in df40


def test_version_names_the_distribution(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.strip() == f"papershelf {version('pelican-papershelf')}"


def test_the_settings_say_in_one_line_when_papershelf_is_not_installed():
    """No site-packages: the settings file cannot import the plugin (or Pelican)."""
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "pelicanconf.py")], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "pelicanconf.py: papershelf is not installed: run `make html` (or pip install -e .)"
    ]
