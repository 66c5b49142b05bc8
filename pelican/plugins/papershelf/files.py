"""Files written whole or not at all.

Every file papershelf writes (listings, notes, pages, feeds, search files,
the cache) goes to a temporary file in its own folder, which is renamed into
place once complete: a reader never sees part of a file, and a process
killed while writing leaves the old file and at most a temporary one, which
`sweep` removes. Temporary names start with a dot, so no reader of content
takes one for a listing or a note.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

_TEMPORARY_RE = re.compile(r"\..+\.papershelf-(?P<pid>\d+)-\d+\.tmp")
_counter = itertools.count()

# Bytes as given, with no newline translation on Windows either.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def temporary_for(path: Path) -> Path:
    """A name beside `path` that no other write uses, now or by another process."""
    return path.with_name(_temporary_name(path.name))


def _temporary_name(name: str) -> str:
    return f".{name}.papershelf-{os.getpid()}-{next(_counter)}.tmp"


def write_bytes(path: str | os.PathLike, chunks: Iterable[bytes], durable: bool = False):
    """Write the chunks as the whole of `path`; the file's stat. `durable`:
    on the disk before it is renamed (for what cannot be rebuilt, such as a
    listing), not only in the page cache. An OSError names the file."""
    folder, name = os.path.split(os.fspath(path))
    temporary = os.path.join(folder, _temporary_name(name))
    try:
        try:
            descriptor = os.open(temporary, _CREATE, 0o666)
        except FileNotFoundError:  # its folder is new: made only then, one call less a file
            os.makedirs(folder, exist_ok=True)
            descriptor = os.open(temporary, _CREATE, 0o666)
        try:
            for chunk in chunks:
                data = memoryview(chunk)
                while data:  # a write may take less than it is given
                    data = data[os.write(descriptor, data) :]
            if durable:
                os.fsync(descriptor)
            stat = os.fstat(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException as error:  # a full disk, a signal: nothing partial is left
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError) and error.filename in (None, temporary):  # name the file
            raise OSError(error.errno, error.strerror, os.fspath(path)) from None
        raise
    return stat


@contextlib.contextmanager
def replacing(path: str | os.PathLike, durable: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write `path` through, streaming (a pickle, say): it
    replaces `path` when the block ends, and is deleted if the block fails."""
    path = Path(path)
    temporary = temporary_for(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "xb") as file:
            yield file
            file.flush()
            if durable:
                os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_text(path: str | os.PathLike, text: str | Iterable[str], durable: bool = False):
    """Write the text (a string, or its pieces) as UTF-8; the file's stat."""
    pieces = [text] if isinstance(text, str) else _batched(text)
    return write_bytes(path, (piece.encode("utf-8") for piece in pieces), durable)


def sweep(folders: Iterable[str | os.PathLike]) -> list[Path]:
    """Delete the temporary files that processes no longer running left in
    these folders (killed, or on a machine that lost power)."""
    removed = []
    for folder in set(map(Path, folders)):
        try:
            paths = list(folder.iterdir())
        except OSError:
            continue
        for path in paths:
            match = _TEMPORARY_RE.fullmatch(path.name)
            if match and not _running(int(match["pid"])):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process writes nothing while it sweeps
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _batched(pieces: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """Pieces joined into strings of about `size` characters: few writes, and
    never the whole text (papers.json) in memory at once."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)
