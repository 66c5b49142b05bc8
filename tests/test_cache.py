"""The build cache on its own: memos saved for the next build, however and
wherever they were computed."""

import os

import pytest

from pelican.plugins.papershelf.builder import cache as cache_module
from pelican.plugins.papershelf.builder.cache import BuildCache

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
