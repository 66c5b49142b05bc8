"""Incremental builds: after any kind of change, a build that reuses the cache
writes exactly the site a build from scratch writes, byte for byte."""

import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CORPUS_JSON, CORPUS_TXT, EXAMPLE, ROOT, THEME, build_site, pelican_command

from pelican.plugins.papershelf.builder import load
from pelican.plugins.papershelf.read import listing as listing_module


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
    shutil.copytree(EXAMPLE, content)
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
    shutil.rmtree(content.parent / "scratch", ignore_errors=True)  # its cache too: from scratch
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
        "Paper: self-training-a-survey\nCurator: Ada Lovelace\nDate: 2026-03-05\n\nA new note.\n",
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


@pytest.fixture
def settled(archive, monkeypatch):
    """The archive, its listings known by their status to the next build
    (as files changed more than a few seconds before a build are)."""
    monkeypatch.setattr(load, "SETTLED_NS", 0)
    build_site(archive, archive.parent / "site" / "output")
    return archive


def listings_read(monkeypatch) -> list[str]:
    """The names of the listing files read from now on."""
    read, original = [], listing_module.read_content_file

    def counted(path, root=None):
        read.append(path.name)
        return original(path, root)

    monkeypatch.setattr(listing_module, "read_content_file", counted)
    return read


def test_listings_known_by_their_status_are_not_read_again(settled, capsys, monkeypatch):
    read = listings_read(monkeypatch)
    edit_a_note(settled)
    build_site(settled, settled.parent / "site" / "output")
    assert read == []
    rebuild_and_compare(settled, capsys)


def test_a_listing_changed_with_its_size_and_time_kept_is_read_again(settled, capsys, monkeypatch):
    """Its change time tells: no one can set it back."""
    path = settled / "listings" / sorted(CORPUS_JSON.iterdir())[1].name
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    digit = re.search(r'"upvotes": ?\d*(\d)', text)  # the count's last digit, changed
    other = "2" if digit[1] == "1" else "1"
    path.write_text(text[: digit.start(1)] + other + text[digit.end(1) :], encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    read = listings_read(monkeypatch)
    rebuild_and_compare(settled, capsys)
    assert path.name in read


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
    base = (THEME / "templates" / "base.html").read_text(encoding="utf-8")
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


def add_a_paper_to_a_day(content):
    """A new listing with one more paper, dated to the newest day the archive has."""
    days = sorted((content.parent / "site" / "output" / "dates").glob("*/*/*/"))
    date = "-".join(days[-1].parts[-3:])
    listing = json.loads((content / "listings" / sorted(CORPUS_JSON.iterdir())[2].name).read_text())
    extra = json.loads(json.dumps(listing[0]))
    extra["paper"]["id"] = "2699.00001"
    extra["paper"]["title"] = extra["title"] = "Quokkas as a Benchmark for Everything"
    extra["paper"]["publishedAt"] = extra["publishedAt"] = date + "T08:00:00.000Z"
    (content / "listings" / "2026-04-30.json").write_text(json.dumps([extra]), encoding="utf-8")
    return date


def override(folder: Path, template: str, old: str, new: str) -> None:
    """Edit a copy of one of the theme's templates, in the overrides folder."""
    path = folder / template
    if not path.exists():
        shutil.copy(THEME / "templates" / template, path)
    edit(path, old, new)


def test_a_template_edit_that_shows_more_of_its_values_leaves_no_page_stale(archive, capsys):
    overrides = archive.parent / "overrides"
    overrides.mkdir()
    settings = {"THEME_TEMPLATES_OVERRIDES": [str(overrides)]}
    rebuild_and_compare(archive, capsys, **settings)
    override(
        overrides, "paper.html", "</time></a>", "</time></a> ({{ day.papers|length }} that day)"
    )
    rebuild_and_compare(archive, capsys, **settings)
    date = add_a_paper_to_a_day(archive)
    rebuild_and_compare(archive, capsys, **settings)
    output = archive.parent / "site" / "output"
    day = (output / "dates" / date.replace("-", "/") / "index.html").read_text()
    count = day.count('class="paper-item"')
    assert count > 2
    for url in re.findall(r'<h3 class="paper-item-title"><a href="../../../../([^"]+)"', day):
        assert f"({count} that day)" in (output / url / "index.html").read_text()


def test_a_template_edit_rewrites_the_pages_that_use_it_and_no_other(archive, capsys):
    overrides = archive.parent / "overrides"
    overrides.mkdir()
    settings = {"THEME_TEMPLATES_OVERRIDES": [str(overrides)]}
    rebuild_and_compare(archive, capsys, **settings)
    override(overrides, "tag.html", "newest first", "most recent first")
    printed = rebuild_and_compare(archive, capsys, **settings)
    tag_pages = list((archive.parent / "site" / "output" / "tags").glob("**/index.html"))
    written = int(re.search(r"papershelf: ([\d,]+) files written", printed)[1])
    assert written == len(tag_pages) - 1  # all but the tags index, which is tags.html
    override(overrides, "_macros.html", '<ol class="paper-list">', '<ol class="paper-list papers">')
    printed = rebuild_and_compare(archive, capsys, **settings)
    assert "papers/" not in printed  # paper pages use no list
    assert 'class="paper-list papers"' in (archive.parent / "site/output/index.html").read_text()


# Content changes and template edits, applied in random orders below.
TEMPLATE_EDITS = [
    ("paper.html", "</time></a>", "</time></a> {{ day.papers|length }}"),
    (
        "_paper_item.html",
        '<li class="paper-item">',
        '<li class="paper-item" data-seen="{{ paper.sightings|length }}">',
    ),
    ("base.html", "Skip to content", "Skip ahead"),
    ("tag.html", "<h1>{{ tag.name }}</h1>", "<h1>{{ tag.name }} ({{ tag.count }})</h1>"),
    ("month.html", "<h1>", '<h1 data-days="{{ month.days|length }}">'),
    (
        "date.html",
        "</h1>",
        "</h1><p>{{ day.papers|map(attribute='upvotes')|select|sum }} upvotes</p>",
    ),
]
RANDOM_CHANGES = [
    edit_a_note,
    add_a_note,
    add_a_day,
    change_upvotes,
    remove_a_day,
    add_a_paper_to_a_day,
    retag_a_note,
    delete_an_output_file,
]


@pytest.mark.parametrize("seed", range(1, 7))
def test_random_changes_and_template_edits_give_the_site_of_a_build_from_scratch(
    archive, capsys, seed
):
    choose = random.Random(seed)
    overrides = archive.parent / "overrides"
    overrides.mkdir()
    settings = {"THEME_TEMPLATES_OVERRIDES": [str(overrides)], "PAPERSHELF_HOME_PAPERS": 30}
    changes = choose.sample(RANDOM_CHANGES, 6) + choose.sample(TEMPLATE_EDITS, 4)
    choose.shuffle(changes)
    done = []
    for change in changes:
        if isinstance(change, tuple):
            override(overrides, *change)
        else:
            change(archive)
        done.append(change[0] if isinstance(change, tuple) else change.__name__)
        if choose.random() < 0.3:  # a setting too, now and then
            settings["PAPERSHELF_HOME_PAPERS"] = choose.choice([5, 30, 100])
        rebuild_and_compare(archive, capsys, **settings)
    assert len(done) == 10, done
