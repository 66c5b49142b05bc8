"""Incremental builds: after any kind of change, a build that reuses the cache
writes exactly the site a build from scratch writes, byte for byte."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CORPUS_JSON, CORPUS_TXT, ROOT, build_site, pelican_command


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_same_site(incremental: Path, scratch: Path) -> None:
    built, expected = tree(incremental), tree(scratch)
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


@pytest.fixture
def archive(tmp_path):
    """An archive built once, so that its cache and output are in place."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for listing in [*sorted(CORPUS_JSON.iterdir())[:4], *sorted(CORPUS_TXT.iterdir())[4:6]]:
        shutil.copy(listing, content / "listings" / listing.name)
    build_site(content, tmp_path / "site" / "output")
    return content


def rebuild_and_compare(content: Path, capsys, **settings) -> str:
    """Build incrementally, build from scratch elsewhere, compare; returns
    what the incremental build printed."""
    capsys.readouterr()
    incremental = build_site(content, content.parent / "site" / "output", **settings)
    printed = capsys.readouterr().out
    scratch = build_site(content, content.parent / "scratch" / "output", **settings)
    assert_same_site(incremental, scratch)
    return printed


NOTE = "notes/mgno-efficient-parameterization-of-linear-operators-via-multigrid.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_a_note(content):
    edit(content / NOTE, "The listing lost", "The copied listing lost")


def retag_a_note(content):
    edit(content / NOTE, "Summary:", "Tags: multigrid methods\nSummary:")


def add_a_note(content):
    (content / "notes" / "dlm.md").write_text(
        "Paper: 2602.23152\nCurator: Ada Lovelace\nDate: 2026-03-05\n\nA new note.\n",
        encoding="utf-8",
    )


def remove_a_note(content):
    (content / NOTE).unlink()


def add_a_day(content):
    shutil.copy(sorted(CORPUS_JSON.iterdir())[6], content / "listings")


def change_upvotes(content):
    listing = content / "listings" / sorted(CORPUS_JSON.iterdir())[1].name
    text = listing.read_text(encoding="utf-8")
    listing.write_text(re.sub(r'"upvotes": ?\d+', '"upvotes": 999', text, count=1))


def remove_a_day(content):
    (content / "listings" / sorted(CORPUS_JSON.iterdir())[0].name).unlink()


def add_a_page(content):
    (content / "pages" / "colophon.md").write_text("Title: Colophon\n\nHow it is made.\n")


def delete_an_output_file(content):
    shutil.rmtree(content.parent / "site" / "output" / "dates")


CHANGES = [
    edit_a_note,
    retag_a_note,
    add_a_note,
    remove_a_note,
    add_a_day,
    change_upvotes,
    remove_a_day,
    add_a_page,
    delete_an_output_file,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_an_incremental_build_equals_a_build_from_scratch(archive, capsys, change):
    change(archive)
    rebuild_and_compare(archive, capsys)


def test_nothing_changed_nothing_written(archive, capsys):
    printed = rebuild_and_compare(archive, capsys)
    assert re.search(r"papershelf: 0 files written, [\d,]+ unchanged, 0 removed", printed)


def test_a_note_edit_rewrites_only_the_pages_that_show_it(archive, capsys):
    output = archive.parent / "site" / "output"
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*") if path.is_file()}
    edit_a_note(archive)
    printed = rebuild_and_compare(archive, capsys)
    rewritten = sorted(
        str(path.relative_to(output))
        for path, mtime in before.items()
        if path.stat().st_mtime_ns != mtime
    )
    # Lists show a paper by its item, which a note's text is not part of.
    assert [name for name in rewritten if name.startswith(("dates/", "tags/", "index"))] == []
    assert (
        "papers/mgno-efficient-parameterization-of-linear-operators-via-multigrid/index.html"
        in rewritten
    )
    assert "curated/index.html" in rewritten
    ours = [name for name in rewritten if not name.startswith(("theme/", "about/"))]  # Pelican's
    written = int(re.search(r"papershelf: ([\d,]+) files written", printed)[1])
    assert written == len(ours) < 8, ours


def test_a_deleted_search_file_is_the_only_one_written_again(archive, capsys):
    search = archive.parent / "site" / "output" / "search"
    index = (search / "index.json").stat().st_mtime_ns
    (search / "terms" / "0.json").unlink()
    printed = rebuild_and_compare(archive, capsys)
    assert re.search(r"papershelf: 1 files written, [\d,]+ unchanged, 0 removed", printed)
    assert (search / "index.json").stat().st_mtime_ns == index


@pytest.mark.parametrize(
    "settings",
    [{"SITENAME": "Another name"}, {"PAPERSHELF_TAG_PAGE_SIZE": 3}, {"RELATIVE_URLS": False}],
    ids=["site name", "tag page size", "absolute URLs"],
)
def test_changed_settings_give_the_site_of_those_settings(archive, capsys, settings):
    rebuild_and_compare(archive, capsys, **settings)


def test_a_changed_template_rebuilds_every_page(archive, capsys, tmp_path):
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    base = (ROOT / "theme" / "templates" / "base.html").read_text(encoding="utf-8")
    (overrides / "base.html").write_text(base.replace("Skip to content", "Skip ahead"))
    rebuild_and_compare(archive, capsys, THEME_TEMPLATES_OVERRIDES=[str(overrides)])
    assert "Skip ahead" in (archive.parent / "site" / "output" / "index.html").read_text()


def test_ignore_cache_builds_from_scratch(archive):
    """A file changed behind the cache's back, keeping its size and time, is
    trusted by an incremental build (as make would); --ignore-cache rewrites it."""
    output = archive.parent / "site" / "output"
    page = next((output / "papers").glob("*/index.html"))
    original, stat = page.read_bytes(), page.stat()
    page.write_bytes(b"x" * len(original))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    command = pelican_command(archive, output)
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    assert page.read_bytes() == b"x" * len(original)
    subprocess.run([*command, "--ignore-cache"], check=True, capture_output=True, cwd=ROOT)
    assert page.read_bytes() == original
