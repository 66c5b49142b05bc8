"""Fingerprints of values, bytes and folders: what caches and pages are keyed by."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
# remember(key, compute): compute(), or what it gave before for the same key.
Remember = Callable[[bytes, Callable[[], T]], T]
# compute(keys, tasks): each task's result, run now or remembered by its key
# (None: always run). The build's runs the missing ones on every core.
Compute = Callable[[Sequence[bytes | None], Sequence[Callable[[], T]]], list[T]]


def compute_here(keys: Sequence[bytes | None], tasks: Sequence[Callable[[], T]]) -> list[T]:
    """A `Compute` that remembers nothing and runs every task in this process."""
    return [task() for task in tasks]


def digest(*parts) -> bytes:
    """A fingerprint of picklable values (strings, numbers, dates, tuples...)."""
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=16).digest()


def data_digest(data: bytes, *parts) -> bytes:
    """A fingerprint of bytes and other values (without copying the bytes,
    as pickling them for `digest` would)."""
    return hashlib.blake2b(data, digest_size=16, key=digest(*parts)).digest()


def tree_digest(*folders: str | os.PathLike, pattern: str = "*") -> bytes:
    """A fingerprint of every file below the folders whose name matches the
    pattern: names and bytes."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in sorted(Path(folder).rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.digest()
