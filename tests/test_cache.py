"""The build cache on its own: memos saved for the next build, however and
wherever they were computed."""

import datetime as dt
import os
import shutil
import time
from types import SimpleNamespace

import pytest
from conftest import CORPUS_JSON

from pelican.plugins.papershelf.archive.model import Problem
from pelican.plugins.papershelf.builder import cache as cache_module
from pelican.plugins.papershelf.builder.cache import BuildCache
from pelican.plugins.papershelf.builder.load import _known_files
from pelican.plugins.papershelf.read.listing import listing_reader

CODE = b"code digest"


def open_cache(tmp_path) -> BuildCache:
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True}
    settings["LOAD_CONTENT_CACHE"] = True
    return BuildCache.open(settings, str(tmp_path / "output"), CODE)


def never() -> str:
    raise AssertionError("computed again")


def test_a_memo_is_there_for_the_next_build(tmp_path):
    cache = open_cache(tmp_path)
    assert cache.remember("papers", b"listings", lambda: ["a paper"]) == ["a paper"]
    cache.save()
    assert open_cache(tmp_path).remember("papers", b"listings", never) == ["a paper"]


def test_a_memo_saved_beside_the_build_is_saved_as_it_was_then(tmp_path):
    cache = open_cache(tmp_path)
    papers = cache.remember("papers", b"listings", lambda: ["a paper"])
    cache.keep("papers", beside=True)
    papers.append("a tag the archive adds later")
    cache.save()  # waits for the process that saves the memo
    assert open_cache(tmp_path).remember("papers", b"listings", never) == ["a paper"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="saved in this process without fork")
def test_a_memo_that_cannot_be_saved_beside_fails_the_build(tmp_path, capfd):
    cache = open_cache(tmp_path)
    cache.remember("papers", b"listings", lambda: [lambda: "not picklable"])
    cache.keep("papers", beside=True)
    with pytest.raises(OSError, match="could not save the cache of papers"):
        cache.save()
    assert "Can't pickle" in capfd.readouterr().err  # the traceback, from the process that failed


def shards(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "cache" / "papershelf").glob("items.*"))


def in_a_forked_process(work) -> None:
    pid = os.fork()
    if pid == 0:
        work()
        os._exit(0)
    assert os.waitpid(pid, 0)[1] == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="only forked processes save shards")
def test_entries_saved_by_a_forked_process_serve_the_next_build(tmp_path):
    cache = open_cache(tmp_path)
    assert cache.remember_as("items", "ours", b"v1", lambda: "<li>ours</li>") == "<li>ours</li>"
    theirs = {"theirs": (b"v1", "<li>theirs</li>")}  # as `remember_as` keeps them
    in_a_forked_process(lambda: cache.shard("items", theirs))
    cache.save()
    cache = open_cache(tmp_path)
    assert cache.remember_as("items", "ours", b"v1", never) == "<li>ours</li>"
    assert cache.remember_as("items", "theirs", b"v1", never) == "<li>theirs</li>"
    assert cache.remember_as("items", "theirs", b"v2", lambda: "<li>new</li>") == "<li>new</li>"


def test_shards_are_read_even_when_the_memo_was_never_saved(tmp_path):
    open_cache(tmp_path).shard("items", {"theirs": (b"v1", "<li>theirs</li>")})
    assert open_cache(tmp_path).remember_as("items", "theirs", b"v1", never) == "<li>theirs</li>"


def test_a_shard_is_written_a_part_at_a_time_and_let_go_of(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "SHARD_ENTRIES", 2)
    cache = open_cache(tmp_path)
    cache.remember_as("items", "mine", b"v1", lambda: "<li>mine</li>")
    fresh = {name: (b"v1", name.upper()) for name in "abcde"}
    cache.shard("items", fresh)
    assert fresh == {}  # each entry goes once written
    assert "items" not in cache.using  # and so does the memo: this process is done with it
    assert len(shards(tmp_path)) == 3
    later = open_cache(tmp_path)
    assert [later.remember_as("items", name, b"v1", never) for name in "abcde"] == list("ABCDE")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="only forked processes save shards")
def test_saving_a_memo_again_folds_its_shards_in_and_keeps_this_builds(tmp_path):
    first = open_cache(tmp_path)
    in_a_forked_process(lambda: first.shard("items", {"a": (b"v1", "A"), "b": (b"v1", "old B")}))
    first.save()
    second = open_cache(tmp_path)
    assert second.remember_as("items", "c", b"v1", lambda: "C") == "C"
    in_a_forked_process(lambda: second.shard("items", {"b": (b"v2", "new B")}))  # before
    second.keep("items")
    in_a_forked_process(lambda: second.shard("items", {"d": (b"v1", "D")}))  # a slower one
    second.save()
    assert len(shards(tmp_path)) == 3  # the memo, and the second build's two shards
    third = open_cache(tmp_path)
    found = {
        name: third.remember_as("items", name, fp, never)
        for name, fp in [("a", b"v1"), ("b", b"v2"), ("c", b"v1"), ("d", b"v1")]
    }
    assert found == {"a": "A", "b": "new B", "c": "C", "d": "D"}


def status(changed_ns: int, size: int = 100, inode: int = 7):
    """What `os.stat` says of a listing file, as far as `_known_files` reads it."""
    return SimpleNamespace(
        st_size=size, st_mtime_ns=changed_ns, st_ctime_ns=changed_ns, st_ino=inode, st_dev=1
    )


LISTING = ("listings/2026-05-01.json", dt.date(2026, 5, 1))


def test_a_listing_file_is_known_by_its_status_once_it_has_settled(tmp_path):
    reads = []

    def read_key() -> bytes:
        reads.append(1)
        return b"key of its bytes"

    long_ago = time.time_ns() - 60 * 10**9
    first = open_cache(tmp_path)
    assert _known_files(first)(LISTING, status(long_ago), read_key) == b"key of its bytes"
    first.save()
    known = _known_files(open_cache(tmp_path))
    assert known(LISTING, status(long_ago), read_key) == b"key of its bytes"
    assert len(reads) == 1
    # Another size, another inode (a file put in its place), another time: read.
    for other in (status(long_ago, size=101), status(long_ago, inode=8), status(long_ago + 1)):
        known(LISTING, other, read_key)
    assert len(reads) == 4


def test_a_listing_file_changed_just_now_is_read_whatever_its_status(tmp_path):
    """A second change within the same tick of its time stamps would leave
    its status as it is."""
    reads = []
    just_now = time.time_ns()
    for _ in range(3):  # builds
        cache = open_cache(tmp_path)
        _known_files(cache)(LISTING, status(just_now), lambda: reads.append(1) or b"key")
        cache.save()
    assert len(reads) == 3


def test_a_known_listing_that_changed_before_it_was_parsed_is_a_problem(tmp_path):
    listing = tmp_path / "2026-05-01.json"
    shutil.copy(sorted(CORPUS_JSON.iterdir())[0], listing)
    right_key, parse = listing_reader(listing)
    entries, problems = parse()
    assert entries
    assert problems == []

    key, parse = listing_reader(listing, known=lambda what, status, read_key: right_key)
    assert key == right_key
    assert parse() == (entries, [])  # read only now

    _, parse = listing_reader(listing, known=lambda what, status, read_key: b"older bytes")
    found, problems = parse()
    assert found == []
    assert [str(p) for p in problems] == [
        f"{listing}:1: the file changed while it was read: build again"
    ]


def test_a_listing_that_changed_after_it_was_read_for_its_key_is_a_problem(tmp_path):
    """Its bytes are read again to be parsed: the key must still be theirs."""
    listing = tmp_path / "2026-05-01.json"
    shutil.copy(sorted(CORPUS_JSON.iterdir())[0], listing)
    _, parse = listing_reader(listing)
    listing.write_text("[]", encoding="utf-8")
    assert parse() == (
        [],
        [Problem(str(listing), 1, "the file changed while it was read: build again")],
    )
    assert listing_reader(listing)[1]() == ([], [])


def test_shards_of_another_version_of_the_code_are_deleted_when_the_cache_is_saved(tmp_path):
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True}
    settings["LOAD_CONTENT_CACHE"] = True
    older = BuildCache.open(settings, str(tmp_path / "output"), b"older code")
    older.shard("items", {"a page": (b"fingerprint", "its items")})
    older.save()
    cache = open_cache(tmp_path)
    cache.shard("items", {"another page": (b"fingerprint", "its items")})
    (shard,) = (tmp_path / "cache" / "papershelf").glob(f"items.{cache.build}.*.shard.pickle")
    assert len(list(shard.parent.glob("*.shard.pickle"))) == 2
    cache.save()
    assert list(shard.parent.glob("*.shard.pickle")) == [shard]  # this code's, kept
    assert open_cache(tmp_path)._memo("items") == {"another page": (b"fingerprint", "its items")}
