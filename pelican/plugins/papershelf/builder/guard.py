"""A build that ends cleanly whatever happens to it.

- One build at a time writes an output folder: a lock file in it, held for
  the build (`OutputLock`); a second build stops and says so.
- Ctrl-C stops the build with one line and status 130 (Pelican's own handler
  would log it and exit 0, which `make` takes for success). The files
  already written are whole (`files.py`); the next build finishes the job.
- A file that cannot be written (a full disk) stops the build with one line
  naming the folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from pathlib import Path
from typing import ClassVar

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, one build at a time is up to you
    fcntl = None

LOCK = ".papershelf.lock"
INTERRUPTED = 130  # as a shell reports a command stopped by SIGINT


class Busy(Exception):
    """Another build is writing the output folder."""


class OutputLock:
    """The lock of an output folder, held by this process until `release`.

    The file is removed on release; a build that found the lock free checks
    that the file it locked is still the one in the folder (the holder
    before it may have just removed it), and tries again if not."""

    _held: ClassVar[dict[str, OutputLock]] = {}  # a build in this process that ended early keeps it

    def __init__(self, folder: str | os.PathLike) -> None:
        self.path = Path(folder).resolve() / LOCK
        self.descriptor: int | None = None

    @classmethod
    def take(cls, folder: str | os.PathLike) -> OutputLock:
        lock = cls(folder)
        held = cls._held.get(str(lock.path))
        if held is not None:  # `pelican --autoreload`: the last build here failed
            return held
        if fcntl is not None:
            lock._acquire()
        cls._held[str(lock.path)] = lock
        return lock

    def _acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                os.close(descriptor)
                if error.errno in (errno.EAGAIN, errno.EACCES):
                    raise Busy(
                        f"another build is writing {self.path.parent}: wait for it to "
                        "finish, or build into another folder (-o)"
                    ) from None
                raise
            try:
                same = self.path.stat().st_ino == os.fstat(descriptor).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.descriptor = descriptor
                return
            os.close(descriptor)

    def release(self) -> None:
        self._held.pop(str(self.path), None)
        if self.descriptor is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            os.close(self.descriptor)
            self.descriptor = None


_main = None  # the process that reports an interruption; forked ones end quietly
_before = None  # the handler before the build's


def stop_on_interrupt() -> None:
    """Make Ctrl-C end this process with one line and status 130, until
    `interrupt_as_before` (a build inside another program leaves it as it was)."""
    global _main, _before
    if _in_main_thread() and signal.getsignal(signal.SIGINT) is not _interrupted:
        _main = os.getpid()
        _before = signal.signal(signal.SIGINT, _interrupted)


def interrupt_as_before() -> None:
    global _before
    if _before is not None and _in_main_thread():
        signal.signal(signal.SIGINT, _before)
        _before = None


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _interrupted(signum, frame) -> None:
    if os.getpid() != _main:  # a process of the build's: its parent speaks for it
        os._exit(INTERRUPTED)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while files are tidied
    print("papershelf: interrupted; the next build finishes the job", file=sys.stderr)
    raise SystemExit(INTERRUPTED)


def cannot_write(error: OSError) -> str:
    """One line for a file that could not be written."""
    where = Path(error.filename).parent if error.filename else "the output folder"
    reason = error.strerror or str(error)
    return f"papershelf: cannot write in {where}: {reason}"
