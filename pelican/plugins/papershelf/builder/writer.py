"""Pelican's own pages (About, posts, feeds it writes) written whole or not at
all, as papershelf's are: Pelican's writer, through the `get_writer` signal,
with each file it opens going to a temporary file renamed into place."""

from __future__ import annotations

import io
import os
import sys

import pelican.writers
from pelican.writers import Writer

from .. import files
from . import guard


class WholeFile(io.StringIO):
    """A text file that reaches its path when closed without an error (the
    `with` block that Pelican writes in ends), and not otherwise."""

    def __init__(self, path: str, encoding: str) -> None:
        super().__init__()
        self.path, self.encoding_name = path, encoding

    def __exit__(self, kind, error, trace) -> None:
        if kind is None and self.path != os.devnull:  # Pelican's "skip this file"
            try:
                files.write_bytes(self.path, [self.getvalue().encode(self.encoding_name)])
            except OSError as failed:
                print(guard.cannot_write(failed), file=sys.stderr)
                raise SystemExit(1) from None
        self.close()


def _open(path, mode="r", *args, encoding=None, **kwargs):
    if mode == "w":
        return WholeFile(os.fspath(path), encoding or "utf-8")
    return open(path, mode, *args, encoding=encoding, **kwargs)


class WholeFileWriter(Writer):
    """Pelican's writer; `_open_w` keeps Pelican's bookkeeping (which file
    was written, which may be overwritten) and opens a `WholeFile`."""

    def _open_w(self, filename, encoding, override=False):
        pelican.writers.open = _open  # the one `open` of Pelican's `_open_w`
        try:
            return super()._open_w(filename, encoding, override)
        finally:
            del pelican.writers.open
