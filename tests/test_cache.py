"""The build cache on its own: memos saved for the next build, however and
wherever they were computed."""

import os
import pickle

import pytest
from papershelf.cache import BuildCache

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


def test_entries_adopted_from_another_process_serve_the_next_build(tmp_path):
    cache = open_cache(tmp_path)
    assert cache.remember_as("items", "ours", b"v1", lambda: "<li>ours</li>") == "<li>ours</li>"
    theirs = {"theirs": (b"v1", "<li>theirs</li>")}  # as `remember_as` keeps them
    cache.adopt("items", pickle.dumps(theirs))
    cache.save()
    cache = open_cache(tmp_path)
    assert cache.remember_as("items", "ours", b"v1", never) == "<li>ours</li>"
    assert cache.remember_as("items", "theirs", b"v1", never) == "<li>theirs</li>"
    assert cache.remember_as("items", "theirs", b"v2", lambda: "<li>new</li>") == "<li>new</li>"


def test_adopted_entries_are_kept_even_when_this_process_computed_none(tmp_path):
    cache = open_cache(tmp_path)
    cache.remember_as("items", "old", b"v1", lambda: "<li>old</li>")
    cache.save()
    cache = open_cache(tmp_path)
    cache.adopt("items", pickle.dumps({"theirs": (b"v1", "<li>theirs</li>")}))
    cache.save()
    cache = open_cache(tmp_path)
    assert cache.remember_as("items", "old", b"v1", never) == "<li>old</li>"
    assert cache.remember_as("items", "theirs", b"v1", never) == "<li>theirs</li>"
