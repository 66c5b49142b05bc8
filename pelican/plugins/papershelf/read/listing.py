"""Reading listing files: one entry point for every format, and the folder."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from ..archive.dates import snapshot_from_name
from ..archive.model import Entry, Problem
from ..digest import Remember, data_digest
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


def listing_reader(
    path: str | os.PathLike, snapshot: dt.date | None = None, display: str | None = None
) -> tuple[bytes | None, Callable[[], tuple[list[Entry], list[Problem]]]]:
    """How to read one listing file (see `read_listing`): the key its result
    can be remembered by, and the function that parses it. The file is read
    now. A file that is no listing (no date in its name, say) or that cannot
    be read has no key, and its function gives the problem."""
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
    try:
        data = path.read_bytes()
    except OSError as error:
        return failed(f"cannot read the file: {error.strerror}")

    def parse() -> tuple[list[Entry], list[Problem]]:
        text, problem = decode(data, name)
        return ([], [problem]) if problem else reader(text, name, snapshot)

    return data_digest(data, name, snapshot), parse


def decode(data: bytes, name: str) -> tuple[str, Problem | None]:
    """UTF-8 text (a BOM is allowed), or a problem naming the line."""
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return "", Problem(name, line, "binary data: a listing is UTF-8 text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return "", Problem(name, line, "not UTF-8 text")


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
