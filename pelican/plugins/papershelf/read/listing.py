"""Reading listing files: one entry point for every format, and the folder."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable
from pathlib import Path

from ..archive.dates import snapshot_from_name
from ..archive.model import Entry, Problem
from ..digest import Remember, data_digest
from . import characters
from .api_json import read_json
from .copied_text import read_text

READERS = {".txt": read_text, ".json": read_json}


def read_listing(
    path: str | os.PathLike,
    snapshot: dt.date | None = None,
    display: str | None = None,
    remember: Remember | None = None,
) -> tuple[list[Entry], list[Problem]]:
    """Entries of one listing file and the problems found in it.

    The snapshot date comes from the file name unless it is given. `display`
    is how problems name the file (a path relative to the content folder).
    `remember(key, compute)` can give a result computed before for the same
    name, date and bytes (see `builder/cache.py`).
    """
    key, parse = listing_reader(path, snapshot, display)
    return remember(key, parse) if remember and key else parse()


# `known(what, status, read_key)`: the key of a file read before with the same
# status, or `read_key()` (see `listing_reader`).
Known = Callable[[tuple[str, dt.date], os.stat_result, Callable[[], bytes]], bytes]


def listing_reader(
    path: str | os.PathLike,
    snapshot: dt.date | None = None,
    display: str | None = None,
    root: str | os.PathLike | None = None,
    known: Known | None = None,
) -> tuple[bytes | None, Callable[[], tuple[list[Entry], list[Problem]]]]:
    """How to read one listing file (see `read_listing`): the key its result
    can be remembered by, and the function that parses it. The file is read
    now for its key (see `read_content_file`; `root` is the content folder),
    unless `known` gives the key by its name, date and status (size, times,
    inode). It is read again if it is parsed, in the process that parses it:
    nothing holds the bytes of every listing (160 MB at 50,000 papers), and
    a file that changed in between is a problem, not a wrong result. A file
    that is no listing (no date in its name, say) or that cannot be read has
    no key, and its function gives the problem."""
    path = Path(path)
    name = display or str(path)

    def failed(message: str) -> tuple[None, Callable]:
        return None, lambda: ([], [Problem(name, 1, message)])

    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return failed("not a listing: expected a .txt or .json file")
    snapshot = snapshot or snapshot_from_name(path.name)
    if snapshot is None:
        return failed("no date in the file name: name it YYYY-MM-DD" + path.suffix.lower())

    def key_of(data: bytes) -> bytes:
        return data_digest(data, name, snapshot)

    def read_key() -> bytes:
        return key_of(read_content_file(path, root))

    try:
        status = file_status(path, root) if known else None
        key = known((name, snapshot), status, read_key) if known and status else read_key()
    except UnreadableFile as error:
        return failed(str(error))

    def parse() -> tuple[list[Entry], list[Problem]]:
        try:
            data = read_content_file(path, root)
        except UnreadableFile as error:
            return [], [Problem(name, 1, str(error))]
        if key_of(data) != key:
            return [], [Problem(name, 1, "the file changed while it was read: build again")]
        text, problems = decode(data, name)
        return ([], problems) if problems else reader(text, name, snapshot)

    return key, parse


class UnreadableFile(Exception):
    """A file of the content that is not read; the message says why."""


def read_content_file(path: Path, root: str | os.PathLike | None = None) -> bytes:
    """The bytes of a listing or a note. Refused: a name with a control
    character, a link to a file outside `root` (a pull request could publish
    a file of the machine that builds it), and anything but a regular file (a
    FIFO would hang the build)."""
    _check_name_and_link(path, root)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise UnreadableFile("not a regular file: not read")
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            return file.read()
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror}") from None
    finally:
        os.close(descriptor)


def file_status(path: Path, root: str | os.PathLike | None = None) -> os.stat_result | None:
    """The status of a file that `read_content_file` would read (None: let it
    say why not)."""
    _check_name_and_link(path, root)
    try:
        status = path.stat()
    except OSError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None


def _check_name_and_link(path: Path, root: str | os.PathLike | None) -> None:
    wrong = characters.forbidden_in_name(path.name)
    if wrong:
        raise UnreadableFile(f"the file's name holds a {wrong}")
    if root is not None and path.is_symlink() and path.exists():  # dangling: reported below
        target, inside = path.resolve(), Path(root).resolve()
        if target != inside and inside not in target.parents:
            raise UnreadableFile("a link to a file outside the content folder: not read")


def decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """UTF-8 text (a BOM is allowed), or the problems, each naming its line:
    bytes that are not UTF-8, or characters no listing or note may hold
    (see `characters.py`)."""
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return "", [Problem(name, line, "binary data: a listing is UTF-8 text")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return "", [Problem(name, line, "not UTF-8 text")]
    problems = [
        Problem(name, line, f"{what}: text cannot hold it (remove it)")
        for line, what in characters.forbidden_lines(text)
    ]
    return ("", problems) if problems else (text, [])


def content_files(folder: str | os.PathLike, suffix: str = "") -> list[Path]:
    """Files below a folder, in any sub-folder, by path; hidden ones skipped.

    A dangling link is kept, so that reading it reports the file instead of
    the build losing it without a word.
    """
    folder = Path(folder)
    found = []
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        found += [
            Path(directory, name)
            for name in names
            if not name.startswith(".") and name.lower().endswith(suffix)
        ]
    return sorted(found)


def listing_files(folder: str | os.PathLike) -> list[Path]:
    """Listing files below a folder, oldest snapshot first (then by path)."""
    return sorted(
        content_files(folder),
        key=lambda p: (snapshot_from_name(p.name) or dt.date.min, p),
    )
