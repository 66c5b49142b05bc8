"""Faults: builds killed or interrupted anywhere, damaged caches, a full disk,
two builds at once. Whatever happens to a build, the next one equals a build
from scratch, and the user reads one line, never a traceback."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from pelican.plugins.papershelf import files
from pelican.plugins.papershelf.builder.guard import OutputLock

TEMPORARY = re.compile(r"\..+\.papershelf-\d+-\d+\.tmp")


def pelican(content: Path, output: Path, cache: Path, *extra: str, **kwargs) -> subprocess.Popen:
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(ROOT / "pelicanconf.py"), "--cache-path", str(cache), *extra]
    wide = {**os.environ, "COLUMNS": "1000"}  # Pelican's log, a line a message
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=wide, **kwargs
    )


def build(content: Path, output: Path, cache: Path) -> subprocess.CompletedProcess:
    process = pelican(content, output, cache)
    out, err = process.communicate(timeout=300)
    result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    assert result.returncode == 0, err
    return result


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_as_from_scratch(output: Path, content: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    build(content, scratch / "output", scratch / "cache")
    built, expected = tree(output), tree(scratch / "output")
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


def temporaries(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if TEMPORARY.fullmatch(p.name)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """1,500 papers: a build of some seconds, so that a kill lands in its middle."""
    content = tmp_path_factory.mktemp("synthetic") / "content"
    command = [sys.executable, "-m", "pelican.plugins.papershelf.cli", "synth"]
    subprocess.run([*command, "--papers", "1500", "--out", str(content)], check=True)
    return content


# Files


def test_a_write_that_fails_leaves_the_old_file_and_nothing_else(tmp_path):
    page = tmp_path / "index.html"
    files.write_text(page, "the old page")

    def pieces():
        yield "the new "
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left") as raised:
        files.write_text(page, pieces())
    assert raised.value.filename == str(page)
    assert page.read_text() == "the old page"
    assert list(tmp_path.iterdir()) == [page]


def test_a_sweep_removes_what_dead_processes_left_and_nothing_else(tmp_path):
    dead = subprocess.run(["true"], check=True)  # noqa: F841 - its pid is free now
    gone = tmp_path / f".index.html.papershelf-{2**22 + 17}-0.tmp"
    alive = tmp_path / f".index.html.papershelf-{os.getppid()}-0.tmp"
    page = tmp_path / "index.html"
    for path in (gone, alive, page):
        path.write_text("x")
    assert files.sweep([tmp_path]) == [gone]
    assert sorted(tmp_path.iterdir()) == sorted([alive, page])


# Builds stopped anywhere


def test_a_build_killed_anywhere_is_finished_by_the_next(synthetic, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    output, cache = tmp_path / "output", tmp_path / "cache"
    started = time.monotonic()
    build(content, output, cache)
    seconds = time.monotonic() - started
    rng = random.Random(23)
    listings = sorted((content / "listings").iterdir())
    added = content / "listings" / "2099-01-01.json"
    for _ in range(4):
        # A new day, a build killed while it writes, the day taken back.
        shutil.copy(rng.choice(listings), added)
        process = pelican(content, output, cache)
        time.sleep(rng.uniform(0.3, seconds))
        process.kill()
        process.communicate()
        added.unlink()
        if rng.random() < 0.5:  # and sometimes killed again, with the day gone
            process = pelican(content, output, cache)
            time.sleep(rng.uniform(0.3, seconds))
            process.kill()
            process.communicate()
    build(content, output, cache)
    assert temporaries(output, cache) == []
    assert_as_from_scratch(output, content, tmp_path)


def test_ctrl_c_stops_a_build_with_one_line_and_status_130(synthetic, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(synthetic, content)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache)
    (content / "notes" / "new.md").write_text(
        "Paper: " + sorted((output / "papers").iterdir())[0].name + "\nCurator: Ada\n\nNew.\n"
    )
    for delay in (1.5, 1.0, 2.5):  # within a build from scratch of some seconds
        # As a terminal sends it: to the whole group, the build's processes too.
        process = pelican(content, output, cache, "--ignore-cache", start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=120)
        if process.returncode != 0:
            break
    assert process.returncode == 130, err
    assert "Traceback" not in out + err
    assert [line for line in err.splitlines() if line.strip()] == [
        "papershelf: interrupted; the next build finishes the job"
    ]
    build(content, output, cache)
    assert_as_from_scratch(output, content, tmp_path)


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:  # the process has ended
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="no /proc")
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_worker_process_killed_stops_the_build_with_one_line(synthetic, tmp_path, kill):
    """As the system kills a process when memory runs out: the build says so
    and stops, instead of waiting for the process's pages."""
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(synthetic, content)
    for _ in range(5):
        process = pelican(content, output, cache, "--ignore-cache")
        while process.poll() is None and len(list(output.glob("papers/*/index.html"))) < 20:
            time.sleep(0.01)
        renderers = children(process.pid)  # made last, so the highest ids
        if renderers:
            os.kill(max(renderers), kill)
        out, err = process.communicate(timeout=120)
        if process.returncode != 0:
            break
    assert process.returncode == 1, err
    assert "Traceback" not in out + err
    assert [line for line in err.splitlines() if line.strip()] == [
        "papershelf: a worker process was killed; the next build finishes the job"
    ]
    build(content, output, cache)
    assert_as_from_scratch(output, content, tmp_path)


# The cache


def flip_a_bit(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    if data:
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


DAMAGE = {
    "emptied": lambda path, rng: path.write_bytes(b""),
    "truncated": lambda path, rng: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "bit-flipped": flip_a_bit,
    "random": lambda path, rng: path.write_bytes(rng.randbytes(path.stat().st_size or 64)),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_is_rebuilt_with_a_warning(tmp_path, damage):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (content / "pages" / "colophon.md").write_text("Title: Colophon\n\nMade with Pelican.\n")
    output, cache = tmp_path / "output", tmp_path / "cache"
    build(content, output, cache)
    damaged = sorted(p for p in cache.rglob("*") if p.is_file())
    assert any(p.parent.name == "templates" for p in damaged)  # compiled templates
    assert any(p.parent == cache for p in damaged)  # Pelican's own
    rng = random.Random(damage)
    for path in damaged:
        DAMAGE[damage](path, rng)
    result = build(content, output, cache)
    assert "Traceback" not in result.stdout + result.stderr
    printed = result.stdout + result.stderr
    assert re.search(r"papershelf: \S+/cache/papershelf/\S+ is (damaged|unreadable)", printed)
    assert re.search(r"papershelf: \S+/templates/\S+ is damaged", printed)
    assert_as_from_scratch(output, content, tmp_path)
    build(content, output, cache)  # and the cache is whole again
    assert_as_from_scratch(output, content, tmp_path)


def test_one_cache_for_two_output_folders_keeps_each_exact(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    first, other, cache = tmp_path / "first", tmp_path / "other", tmp_path / "cache"
    build(content, first, cache)
    next((content / "listings").glob("*.json")).unlink()  # a day's pages go
    build(content, other, cache)
    build(content, first, cache)
    assert_as_from_scratch(first, content, tmp_path)


# Two builds, one folder


def test_a_second_build_into_a_busy_folder_stops_and_says_so(tmp_path):
    output, cache = tmp_path / "output", tmp_path / "cache"
    lock = OutputLock.take(output)  # a build in progress
    try:
        process = pelican(EXAMPLE, output, cache)
        out, err = process.communicate(timeout=120)
    finally:
        lock.release()
    assert process.returncode == 1
    assert "Traceback" not in out + err
    assert f"papershelf: another build is writing {output.resolve()}" in err
    assert not (output / "index.html").exists()
    build(EXAMPLE, output, cache)
    assert not (output / ".papershelf.lock").exists()


def test_builds_of_different_content_at_once_never_mix(synthetic, tmp_path):
    # Both with the same About page: Pelican's own pages are Pelican's to keep.
    content, other = tmp_path / "content", tmp_path / "other"
    shutil.copytree(synthetic, content)
    shutil.copytree(EXAMPLE / "pages", content / "pages")
    shutil.copytree(EXAMPLE, other)
    output, cache = tmp_path / "output", tmp_path / "cache"
    processes = [pelican(content, output, cache), pelican(other, output, cache)]
    codes = sorted(process.wait(timeout=300) for process in processes)
    assert codes in ([0, 0], [0, 1])  # one after the other, or the second stopped
    build(content, output, cache)
    assert_as_from_scratch(output, content, tmp_path)


# A full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 600 kB file system, where the machine lets the tests mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root: " + mounted.stderr.decode().strip())
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def stopped(process: subprocess.Popen) -> list[str]:
    """What a build that stopped with status 1 printed on stderr, without a traceback."""
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in out + err
    return [line for line in err.splitlines() if line.strip()]


def test_a_full_disk_stops_the_build_with_one_line(tmp_path, small_disk):
    output = small_disk / "output"
    lines = stopped(pelican(EXAMPLE, output, tmp_path / "cache"))
    assert len(lines) == 1, lines
    assert re.fullmatch(
        rf"papershelf: cannot write in {re.escape(str(output))}\S*: No space left on device",
        lines[0],
    )
    assert temporaries(small_disk) == []


def test_a_full_disk_under_pelican_s_own_pages_is_one_line_too(tmp_path, small_disk):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    words = " ".join(f"word{n}" for n in range(120_000))  # 1 MB: more than the disk
    (content / "pages" / "long.md").write_text(f"Title: Long\n\n{words}\n")
    output = small_disk / "output"
    lines = stopped(pelican(content, output, tmp_path / "cache"))
    assert lines == [f"papershelf: cannot write in {output}/long: No space left on device"]
    assert not (output / "long" / "index.html").exists()
    assert temporaries(small_disk) == []


def test_pelican_s_own_pages_are_written_whole_or_not_at_all(tmp_path):
    from pelican.plugins.papershelf.builder.writer import WholeFileWriter

    writer = WholeFileWriter(str(tmp_path), settings={})
    page = tmp_path / "about" / "index.html"
    page.parent.mkdir()
    page.write_text("the old page")

    def write_half_and_fail():
        with writer._open_w(str(page), "utf-8", override=True) as file:
            file.write("the new ")
            assert page.read_text() == "the old page"  # nothing of it shows yet
            raise RuntimeError("rendering failed half-way")

    with pytest.raises(RuntimeError):
        write_half_and_fail()
    assert page.read_text() == "the old page"
    assert list(page.parent.iterdir()) == [page]
    with writer._open_w(str(tmp_path / "other.html"), "utf-8") as file:
        file.write("whole")
    assert (tmp_path / "other.html").read_text() == "whole"


# import and fetch


@pytest.fixture(scope="module")
def big_page(tmp_path_factory) -> Path:
    """A copied page of 20,000 papers: an import of some seconds."""
    import datetime as dt

    from test_hostile import big_entries

    from pelican.plugins.papershelf.read.write_listing import text_listing

    day = dt.date(2026, 5, 8)
    path = tmp_path_factory.mktemp("big") / f"{day}.txt"
    path.write_text(text_listing(big_entries(20_000, 60, day, seed=5), day), encoding="utf-8")
    return path


def papershelf(*args: str, **kwargs) -> subprocess.Popen:
    command = [sys.executable, "-m", "pelican.plugins.papershelf.cli", *args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


def test_an_import_killed_anywhere_leaves_the_listing_whole_or_absent(big_page, tmp_path):
    listings = tmp_path / "content" / "listings"
    listings.mkdir(parents=True)
    target = listings / big_page.name
    rng = random.Random(11)
    for _ in range(5):
        process = papershelf("import", str(big_page), "--content", str(tmp_path / "content"))
        time.sleep(rng.uniform(0.05, 2.0))
        process.kill()
        process.communicate()
        assert not target.exists() or target.read_bytes() == big_page.read_bytes()
        target.unlink(missing_ok=True)
        files.sweep([listings])
        assert list(listings.iterdir()) == []
    process = papershelf("import", str(big_page), "--content", str(tmp_path / "content"))
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert target.read_bytes() == big_page.read_bytes()


def test_ctrl_c_stops_an_import_with_one_line(big_page, tmp_path):
    listings = tmp_path / "content" / "listings"
    listings.mkdir(parents=True)
    process = papershelf(
        "import", str(big_page), "--content", str(tmp_path / "content"), start_new_session=True
    )
    time.sleep(0.8)  # past Python's start, within the 1.5 s the import takes
    os.killpg(process.pid, signal.SIGINT)
    _out, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the import finished before the interruption")
    assert process.returncode == 130
    assert err.strip() == "papershelf: interrupted"
    assert list(listings.iterdir()) == []


def test_an_import_onto_a_full_disk_is_one_line_and_leaves_nothing(big_page, small_disk):
    listings = small_disk / "content" / "listings"
    listings.mkdir(parents=True)
    process = papershelf("import", str(big_page), "--content", str(small_disk / "content"))
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 1
    assert "Traceback" not in err
    assert err.strip() == f"papershelf: {listings / big_page.name}: No space left on device"
    assert list(listings.iterdir()) == []
