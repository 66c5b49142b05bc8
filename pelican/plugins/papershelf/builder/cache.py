"""Incremental builds: what the last build read and wrote, by content hash.

Kept in Pelican's cache folder (`CACHE_PATH/papershelf/`) and used as Pelican
uses its own content cache: saved when `CACHE_CONTENT` is on, loaded when
`LOAD_CONTENT_CACHE` is on (`pelican --ignore-cache` turns that off, giving a
build from scratch). Two kinds of things are kept:

- memos of work done: listings parsed and merged (by a hash of every
  listing file), each paper's topics (by a hash of the rules, its title and
  abstract), its list items and export record, and the search index. A
  memo can be saved beside the build by a forked process (`keep`), and what
  the build's other processes computed is saved by them, as shards of the
  memo (`shard`);
- for every file the plugin writes, a fingerprint of everything it shows and
  the size and time the file had when written. A file whose fingerprint is
  unchanged and that is still as it was written is neither rendered nor
  written again; a file the build no longer makes is deleted.

Every cache is keyed on a fingerprint of papershelf's own code, so a new
version starts from scratch; templates are part of each file's fingerprint
(see `fingerprints.py`).

Nothing in the cache is trusted blindly: each file ends with a checksum of
what precedes it, written last, and a file that is missing, short or
damaged counts as absent (with one warning line). Before a file of the
output is written its name goes to a journal; a build that was stopped
before it saved its record leaves the journal, and the next build treats
every file named there as unknown: rewritten if it still makes it, deleted
if not.
"""

from __future__ import annotations

import errno
import functools
import glob
import gzip
import hashlib
import json
import logging
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .. import files
from ..digest import digest
from . import workers

logger = logging.getLogger(__name__)

FORMAT = 2
_CHECKSUM = 32  # bytes of blake2b at the end of every file of the cache
_SUFFIX = ".pickle"
_SHARD = ".shard"
SHARD_ENTRIES = 10_000  # a shard file's entries at most (see `shard`)
T = TypeVar("T")


# Settings that steer the run, not what it writes: switching between
# `make html`, `pelican --debug` and `make devserver` keeps the cache.
RUN_SETTINGS = frozenset(
    {
        "DEBUG", "PORT", "BIND", "PATH", "OUTPUT_PATH", "CACHE_PATH", "CACHE_CONTENT",
        "LOAD_CONTENT_CACHE", "CHECK_MODIFIED_METHOD", "GZIP_CACHE", "CONTENT_CACHING_LAYER",
        "DELETE_OUTPUT_DIRECTORY", "OUTPUT_RETENTION", "WRITE_SELECTED", "LOG_FILTER",
        "PAPERSHELF_JOBS",
    }
)  # fmt: skip


def _by_name(value) -> str:
    """A function (a Jinja filter, say) by its name: its address changes each run."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    raise TypeError(type(value).__name__)


def settings_digest(settings: dict) -> bytes:
    """A fingerprint of the settings, less RUN_SETTINGS: plain data as JSON,
    functions by name (so a changed function body needs --ignore-cache), and
    other objects not at all."""
    plain = {}
    for key in sorted(settings.keys() - RUN_SETTINGS):
        try:
            plain[key] = json.dumps(settings[key], sort_keys=True, default=_by_name)
        except (TypeError, ValueError):
            continue
    return digest(plain)


# A file as this plugin wrote it: (fingerprint, size, mtime_ns). A plain
# tuple: a build saves and loads one per file, and pickling 11,000 tuples
# takes a quarter of the time that as many dataclasses take.
_Written = tuple[bytes, int, int]


@dataclass
class BuildCache:
    """The caches of one build; `save` keeps them for the next."""

    path: Path | None  # None: caching is off
    key: bytes  # the code: other code starts from scratch
    output: str
    load: bool = True
    memos: dict[str, dict] = field(default_factory=dict)  # the last build's, once read
    using: dict[str, dict] = field(default_factory=dict)  # this build's
    written: dict[str, _Written] = field(default_factory=dict)
    writing: dict[str, _Written] = field(default_factory=dict)
    skipped: int = 0
    # Names this build's shards (see `shard`); sorts after those of earlier builds.
    build: str = field(default_factory=lambda: f"{time.time_ns():020d}-{os.getpid()}")
    _saving: dict[str, int] = field(default_factory=dict)  # memo -> the process saving it
    _journal: tuple | None = None  # (process id, its journal file)
    _left: list[Path] = field(default_factory=list)  # journals of a build that stopped early

    @classmethod
    def open(cls, settings: dict, output: str, key: bytes) -> BuildCache:
        """The cache of builds into `output` (each output folder has its own
        record of what it holds); the caller holds the output folder's lock."""
        folder = Path(settings.get("CACHE_PATH") or "cache") / "papershelf"
        enabled = bool(settings.get("CACHE_CONTENT"))
        cache = cls(folder if enabled else None, key, str(Path(output).resolve()))
        cache.load = enabled and bool(settings.get("LOAD_CONTENT_CACHE"))
        if cache.path is None:
            return cache
        files.sweep([cache.path])
        saved = cache._read(cache._record)
        if saved and saved["output"] == cache.output:
            cache.written = saved["value"]
        journals = sorted(cache.path.glob(f"{glob.escape(cache._record)}.*.journal"))
        if journals:  # the last build stopped early: what it may have written is unknown
            cache._left = journals
            unknown = {name for journal in journals for name in _journaled(journal)}
            cache.written.update((name, (b"", -1, -1)) for name in unknown)
            files.sweep(Path(cache.output, name).parent for name in unknown)
        return cache

    @property
    def _record(self) -> str:
        """The name of the record of what the output folder holds."""
        return "written-" + digest(self.output).hex()[:16]

    def journal(self, save_as: str) -> None:
        """Note a file of the output about to be written, in this process's
        journal: if the build stops before `save`, the next one knows of it."""
        if self.path is None:
            return
        if self._journal is None or self._journal[0] != os.getpid():
            self.path.mkdir(parents=True, exist_ok=True)
            name = f"{self._record}.{self.build}-{os.getpid()}.journal"
            self._journal = (os.getpid(), open(self.path / name, "ab", buffering=0))  # noqa: SIM115
        self._journal[1].write(save_as.encode("utf-8", "surrogateescape") + b"\n")

    def _read(self, name: str) -> dict | None:
        """A file of the cache, if it was written for this code and templates
        and is whole; a damaged one is reported and counts as absent."""
        if not self.load or self.path is None:
            return None
        path = self.path / f"{name}{_SUFFIX}"
        header = self._header
        try:
            with open(path, "rb") as file:
                if file.read(len(header)) != header:
                    return None  # another version's, or another code's: not ours to judge
                if not _whole(file):
                    logger.warning("papershelf: %s is damaged: building without it", path)
                    return None
                file.seek(len(header))
                saved = pickle.load(file)
        except FileNotFoundError:
            return None  # no cache yet
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
            logger.warning("papershelf: %s is unreadable (%s): building without it", path, error)
            return None
        return saved if isinstance(saved, dict) else None

    @property
    def _header(self) -> bytes:
        """How every file of the cache starts: the format and the code's key."""
        return b"papershelf cache %d " % FORMAT + self.key.hex().encode() + b"\n"

    def _write(self, name: str, value, **extra) -> None:
        with files.replacing(self.path / f"{name}{_SUFFIX}") as file:
            checked = _Checksummed(file)
            checked.write(self._header)
            pickle.dump({"value": value, **extra}, checked, protocol=5)
            file.write(checked.hash.digest())

    def remember(self, memo: str, key: bytes, compute: Callable[[], T]) -> T:
        """`compute()`, or what it gave the last build for the same key."""
        last, now = self._memo(memo), self.using.setdefault(memo, {})
        now[key] = last[key] if key in last else compute()
        return now[key]

    def remember_as(self, memo: str, name, fingerprint: bytes, compute: Callable[[], T]) -> T:
        """Like `remember`, for a memo that a build uses only in part: one
        value per name, good while its fingerprint is the same. Entries are
        kept for the next build whether this one used them or not."""
        now = self._using(memo)
        kept = now.get(name)
        if kept is None or kept[0] != fingerprint:
            now[name] = kept = (fingerprint, compute())
        return kept[1]

    def _using(self, memo: str) -> dict:
        """This build's entries of a `remember_as` memo: at first, the last build's."""
        if memo not in self.using:
            self.using[memo] = dict(self._memo(memo))
        return self.using[memo]

    def shard(self, memo: str, entries: dict) -> None:
        """Save entries of a `remember_as` memo that a process forked by this
        build computed, in files of their own beside the memo's: the process
        that saves the memo need not receive them. The next build reads the
        memo with its shards, and saving it then deletes the shards it holds.

        This process is done with the memo: it lets go of it, and of each
        entry once written (`entries` ends empty). Pickling a text that is
        not all ASCII leaves a UTF-8 copy of it beside it, and a process that
        held on to its list items while writing them would hold both: at
        50,000 papers, 906 MB at its peak instead of 767 MB."""
        self.using.pop(memo, None)
        self.memos.pop(memo, None)
        for part in range(-(-len(entries) // SHARD_ENTRIES)):
            chunk = dict(entries.popitem() for _ in range(min(SHARD_ENTRIES, len(entries))))
            if self.path is not None:
                self._write(f"{memo}.{self.build}.{os.getpid()}-{part}{_SHARD}", chunk)

    def _shards(self, memo: str, builds: Callable[[str], bool]) -> list[Path]:
        """The memo's shards saved by the builds that `builds` names, oldest first."""
        if self.path is None or not self.path.is_dir():
            return []
        names = [p.name for p in self.path.glob(f"{glob.escape(memo)}.*{_SHARD}{_SUFFIX}")]
        return [self.path / name for name in sorted(names) if builds(name.split(".")[-4])]

    def _memo(self, memo: str) -> dict:
        if memo not in self.memos:
            saved = self._read(memo)
            value = saved["value"] if saved else {}
            for shard in self._shards(memo, lambda build: True) if self.load else ():
                part = self._read(shard.name.removesuffix(_SUFFIX))
                value.update(part["value"] if part else {})  # newer than the memo's
            self.memos[memo] = value
        return self.memos[memo]

    def store(self, memo: str, key: bytes, value) -> None:
        """Keep the value for the next build, in place of the last one's."""
        self.using.setdefault(memo, {})[key] = value

    def recall(self, memo: str, key: bytes):
        """What the last build remembered for the key, or None; the memo is
        kept as it is unless this build uses it."""
        return self._memo(memo).get(key)

    def unchanged(self, save_as: str, fingerprint: bytes) -> bool:
        """Whether the file is as the last build wrote it, from the same inputs;
        if so it counts as written by this build too."""
        if not self.current(save_as, fingerprint):
            return False
        self.writing[save_as] = self.written[save_as]
        self.skipped += 1
        return True

    def current(self, save_as: str, fingerprint: bytes) -> bool:
        """Whether the file is as the last build wrote it, from the same inputs."""
        before = self.written.get(save_as)
        if before is None or before[0] != fingerprint:
            return False
        try:
            # os rather than pathlib: this runs for every page of every build.
            stat = os.stat(os.path.join(self.output, save_as))  # noqa: PTH116, PTH118
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == before[1:]

    def wrote(
        self, save_as: str, fingerprint: bytes, stat: os.stat_result | None = None
    ) -> _Written:
        """Note a file this build wrote; `stat` is the file's, if known."""
        if stat is None:
            stat = os.stat(os.path.join(self.output, save_as))  # noqa: PTH116, PTH118
        self.writing[save_as] = (fingerprint, stat.st_size, stat.st_mtime_ns)
        return self.writing[save_as]

    def remove_stale(self) -> list[str]:
        """Delete what the last build wrote and this one did not (a tag that
        has gone, say), with folders left empty."""
        stale = sorted(set(self.written) - set(self.writing))
        root = Path(self.output).resolve()
        for save_as in stale:
            path = root / save_as
            path.unlink(missing_ok=True)
            folder = path.parent
            while folder != root and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
        return stale

    def keep(self, memo: str, beside: bool = False) -> None:
        """Save a memo now and let go of it: a build of 50,000 papers needs
        the memory its listings and papers take for the pages. `beside`: save
        it in a forked process while the build goes on (`save` waits for it);
        the memo is saved as it is now, whatever this process does with it."""
        now = self.using.pop(memo, None)
        last = self.memos.pop(memo, {})
        if self.path is None or now is None or not _changed(now, last):
            return
        # What earlier builds' shards held is in `now`, read with the memo.
        for shard in self._shards(memo, lambda build: build != self.build):
            shard.unlink(missing_ok=True)
        write = functools.partial(self._write, memo, now)
        if beside and hasattr(os, "fork"):
            self._saving[memo] = workers.beside(write)
        else:
            write()

    def save(self) -> None:
        """Keep what this build made; a memo used with the same keys as last
        time is not written again."""
        for memo in list(self.using):
            self.keep(memo)
        if self.path is not None:
            self._write(self._record, self.writing, output=self.output)
        self.wait()
        self.close_journals()
        self._delete_unreadable_shards()

    def _delete_unreadable_shards(self) -> None:
        """Delete the shards that another version of papershelf's code saved:
        no build of this one reads them, and nothing else would ever delete
        them (a build of 50,000 papers saves 150 MB of shards)."""
        if self.path is None:
            return
        header = self._header
        for path in self.path.glob(f"*{_SHARD}{_SUFFIX}"):
            try:
                with open(path, "rb") as file:
                    if file.read(len(header)) != header:
                        path.unlink()
            except OSError:
                pass  # gone already (another build's save), say

    def close_journals(self) -> None:
        """The record is saved (or there is none to save): forget the journals."""
        if self.path is None:
            return
        for journal in self._left + sorted(self.path.glob(f"*.{self.build}-*.journal")):
            journal.unlink(missing_ok=True)
        if self._journal is not None:
            self._journal[1].close()
            self._journal = None

    def wait(self) -> None:
        """Wait for the memos being saved beside the build (`keep`); OSError
        if one could not be saved. A build that fails waits too: under
        `pelican --autoreload` its process lives on."""
        failed = [memo for memo, pid in self._saving.items() if os.waitpid(pid, 0)[1]]
        self._saving.clear()
        if failed:
            reason = f"could not save the cache of {', '.join(failed)}"
            raise OSError(errno.EIO, reason, str(self.path / failed[0]))


def check_pelican_caches(settings: dict) -> list[Path]:
    """Delete Pelican's own cache files that it could not load (emptied by a
    full disk, say: Pelican stops at them, every build) or that fail gzip's
    checksum (Pelican reads no further than the pickle, and would trust
    them), with a warning."""
    folder = Path(settings.get("CACHE_PATH") or "cache")
    if not settings.get("LOAD_CONTENT_CACHE") or not folder.is_dir():
        return []
    opener = gzip.open if settings.get("GZIP_CACHE", True) else open
    removed = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        try:
            with opener(path, "rb") as file:
                pickle.loads(file.read())  # to the end: gzip's checksum is there
        except Exception as error:
            logger.warning("papershelf: %s is unreadable (%s): deleted", path, error)
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class _Checksummed:
    """A binary file that hashes what goes through it."""

    def __init__(self, file) -> None:
        self.file, self.hash = file, hashlib.blake2b(digest_size=_CHECKSUM)

    def write(self, data) -> int:
        self.hash.update(data)
        return self.file.write(data)


def _whole(file) -> bool:
    """Whether a file of the cache ends with the checksum of what precedes it."""
    file.seek(0)
    size = os.fstat(file.fileno()).st_size - _CHECKSUM
    if size <= 0:
        return False
    hashed, left = hashlib.blake2b(digest_size=_CHECKSUM), size
    while left:
        chunk = file.read(min(left, 1 << 20))
        if not chunk:
            return False
        hashed.update(chunk)
        left -= len(chunk)
    return file.read(_CHECKSUM) == hashed.digest()


def _journaled(journal: Path) -> list[str]:
    try:
        lines = journal.read_bytes().split(b"\n")
    except OSError:
        return []
    return [line.decode("utf-8", "surrogateescape") for line in lines if line]


def _changed(now: dict, last: dict) -> bool:
    return now.keys() != last.keys() or any(now[key] is not last[key] for key in now)
