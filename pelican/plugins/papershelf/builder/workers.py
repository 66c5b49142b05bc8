"""The build's speed, in one place: processes, memos they fill, the collector.

Rendering on every core: the build forks, and the processes share the tasks.

Pages are independent of each other once the archive is built, so forked
processes can render them straight from the parent's memory, without sending
the archive anywhere. Each process takes a few tasks at a time until none
are left: the parent from the start of the list, the others from its end, so
that neighbouring tasks (the pages of one kind of list, which share their
list items) mostly run in the same process. What a task returns travels
back to the parent.
Where `fork` is missing (Windows), or with one job, everything runs here.

What a forked process computes for a memo of the cache (list items, export
records) it saves itself, as a shard of the memo (`Memos`). The archive is a
million objects kept to the end: the cycle collector is kept off them
(`keeping`, `release`). Readers, the archive and the site know none of this:
the build hands them a `Compute` (see `remembered`) where they have work to share.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from ..digest import Remember

T = TypeVar("T")
CHUNK = 16  # tasks taken at a time: small enough to even out, big enough to be cheap
MIN_TASKS = 2 * CHUNK  # fewer than this, and no side job: not worth a process
KILLED = "a worker process was killed"
_PR_SET_PDEATHSIG = 1  # prctl(2)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


def jobs(setting: int) -> int:
    """Processes for PAPERSHELF_JOBS: the setting, or 0 for one per core."""
    return setting or cores()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _end_with(parent: int) -> None:
    """In a forked process: stop when `parent` ends, where the system allows
    it (Linux). A process whose build was killed would otherwise run its job
    to the end (the search index, a memo being saved) while holding the
    output folder's lock, and the next build would find it taken. It stops
    as on `terminate()`: the file it was writing is deleted on the way out."""
    signal.signal(signal.SIGTERM, _stop)
    with contextlib.suppress(OSError, AttributeError):  # no prctl: `gone()` still stops it
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before that
        os._exit(1)


class _Stopped(SystemExit):
    """SIGTERM, in a forked process."""


def _stop(signum, frame) -> None:
    raise _Stopped(1)  # through every `finally`: files.py deletes its temporary


class WorkerError(RuntimeError):
    """A task failed in another process; the message carries its traceback."""


class WorkerKilled(WorkerError):
    """A process of the run was killed (by the system when memory ran out,
    say): the tasks it had taken are lost."""


def remembered(
    keys: Sequence[bytes | None],
    tasks: Sequence[Callable[[], Any]],
    remember: Remember | None,
    jobs: int,
) -> list:
    """Each task's result: what `remember` kept for its key, or else the task
    run now (the missing ones in `jobs` processes) and remembered. A task
    without a key is always run; so is one whose kept result is None."""
    kept = remember if remember else lambda key, compute: compute()
    found = [kept(key, lambda: None) if key is not None else None for key in keys]
    missing = [i for i, value in enumerate(found) if value is None]
    results, _, _ = run([tasks[i] for i in missing], jobs)
    for i, value in zip(missing, results, strict=True):
        found[i] = kept(keys[i], lambda value=value: value) if keys[i] is not None else value
    return found


def run(
    tasks: Sequence[Callable[[], Any]],
    jobs: int,
    side: Callable[[], Any] | None = None,
    report: Callable[[], Any] = lambda: None,
    done: Callable[[], None] = lambda: None,
) -> tuple[list, Any, list]:
    """Run every task once, in `jobs` processes, and `side()` (a long job of its
    own) in one of them before it takes tasks.

    Gives each task's result in task order, side's result, and what
    `report()` gave in each other process once it was done (its caches, say).
    `done()` runs in this process once it has no task left, while the others
    finish theirs.
    """
    if jobs <= 1 or not can_fork() or (len(tasks) < MIN_TASKS and side is None):
        side_result = side() if side else None
        results = [task() for task in tasks]
        done()
        return results, side_result, []
    context = multiprocessing.get_context("fork")
    bounds = context.Array("q", [0, len(tasks)])  # the tasks not yet taken

    parent = os.getpid()
    children: list = []

    def gone() -> bool:
        """Whether a process of the run was killed: this one's parent, in a
        child; a child, in the parent (by a signal: the others exit 0, or
        send their failure)."""
        if os.getpid() != parent:
            return os.getppid() != parent
        return any((child.exitcode or 0) < 0 for child, _ in children)

    def take(from_end: bool) -> range:
        """The next tasks; none once a process was killed while it held the
        lock (it is never released then)."""
        lock = bounds.get_lock()
        while not lock.acquire(timeout=1):
            if gone():
                return range(0)
        try:
            start, end = bounds
            if from_end:
                bounds[1] = start = max(start, end - CHUNK)
            else:
                bounds[0] = end = min(end, start + CHUNK)
        finally:
            lock.release()
        return range(start, end)

    def work(connection, inherited: list, with_side: bool) -> None:
        _end_with(parent)
        # The read ends of the pipes, this one's among them, are the parent's
        # alone: held here too, a send to a parent that was killed would wait
        # forever on a full pipe (holding the output folder's lock) instead
        # of failing.
        for end in inherited:
            end.close()
        try:
            side_result = side() if with_side else None
            results = {}
            while not gone() and (indices := take(from_end=True)):
                results.update((i, tasks[i]()) for i in indices)
            answer = (None, results, side_result, report())
        except OSError as error:  # a full disk, say: the parent reports it in one line
            answer = (error, None, None, None)
        except _Stopped:  # by SIGTERM: as if killed
            answer = (WorkerKilled(KILLED), None, None, None)
        except BaseException:  # the parent raises it, with this traceback
            answer = (traceback.format_exc(), None, None, None)
        try:
            if not gone():  # the parent was not killed meanwhile: nobody would read it
                connection.send(answer)
        except BrokenPipeError:  # killed while this was sent
            pass
        finally:
            connection.close()

    # The children's garbage collectors leave the objects made so far alone
    # (they are freed as usual when no longer used), so that the children's
    # memory stays shared with the parent's instead of being copied.
    was_frozen = gc.get_freeze_count() > 0  # by the generator, for the whole build
    gc.freeze()
    try:
        for number in range(jobs - 1):
            receive, send = context.Pipe(duplex=False)
            with_side = side is not None and number == 0
            inherited = [*(end for _, end in children), receive]
            child = context.Process(target=work, args=(send, inherited, with_side), daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
    finally:
        if not was_frozen:
            gc.unfreeze()  # the parent's collector as it was
    results: dict[int, Any] = {}
    try:
        while indices := take(from_end=False):
            results.update((i, tasks[i]()) for i in indices)
        if gone():  # what it had taken is lost, and the others may wait for its lock
            raise WorkerKilled(KILLED)
        done()
    except BaseException:
        # Nobody will read what the others send: stop them rather than wait.
        for child, _ in children:
            child.terminate()
            child.join()
        raise
    side_result, reports, failures = None, [], []
    for child, receive in children:
        try:
            failure, theirs, their_side, their_report = receive.recv()
        except EOFError:  # killed, say
            failure, theirs, their_side, their_report = WorkerKilled(KILLED), {}, None, None
        child.join()
        if failure:
            failures.append(failure)
        results.update(theirs or {})
        side_result = their_side if their_side is not None else side_result
        reports.append(their_report)
    for failure in failures:
        if isinstance(failure, (OSError, WorkerKilled)):
            raise failure
    if failures:
        raise WorkerError(failures[0])
    return [results[i] for i in range(len(tasks))], side_result, reports


class Memos:
    """The cache's `remember_as`, for memos filled by every process of `run`:
    each process saves what it computed as shards of the memo (see
    `BuildCache.shard`), so that nothing travels back to this one."""

    def __init__(self, cache) -> None:  # a BuildCache
        self.cache = cache
        self._fresh: dict[str, dict] = {}  # memo -> name -> (fingerprint, value), this process's

    def remember_as(self, memo: str, name, fingerprint: bytes, compute: Callable[[], T]) -> T:
        def fresh() -> T:
            value = compute()
            self._fresh.setdefault(memo, {})[name] = (fingerprint, value)
            return value

        return self.cache.remember_as(memo, name, fingerprint, fresh)

    def run(self, tasks: list, jobs: int, side: Callable | None, done: Callable[[], None]):
        """`run` the tasks, and `side()` beside them; their results. `done()`
        runs here once this process has no task left."""
        self._fresh = {}
        results, side_result, _ = run(tasks, jobs, side, self._save_fresh, done)
        self._fresh = {}
        return results, side_result

    def _save_fresh(self) -> None:
        """In another process: save what it computed, letting go as it goes."""
        for memo, fresh in self._fresh.items():
            self.cache.shard(memo, fresh)


@contextlib.contextmanager
def without_collection():
    """Make many objects that hold no cycles with the cycle collector off: it
    would walk them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def keeping():
    """`without_collection`, for objects kept to the end of the build: once
    made they are out of the collector's sight (frozen) until `release`."""
    with without_collection():
        yield
        gc.freeze()  # not when the build failed: what it made is garbage


def release() -> None:
    """The build is done: what it kept may go (under `pelican --autoreload`
    the archive is garbage after the next build). A process that exits next
    skips its last collection, which would walk the archive's million
    objects (a third of a second at 10,000 papers) only to free memory that
    the system takes back anyway."""
    gc.unfreeze()
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def beside(write: Callable[[], None]) -> int:
    """`write()` in a forked process; its process id. The process exits at
    once, without the interpreter's clean-up (it shares the parent's state)."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        _end_with(parent)
        write()
        status = 0
    except (OSError, KeyboardInterrupt, SystemExit):
        pass  # the parent reports that the write failed (`BuildCache.wait`)
    except BaseException:  # stderr directly: its Python object may be locked by a thread
        os.write(2, traceback.format_exc().encode())
    finally:
        os._exit(status)


class Apart:
    """A process forked while this one is still small (before the archive is
    loaded), that runs one job later, on data it is sent: its memory is the
    job's own. A process forked later starts with all of this one's: at
    50,000 papers the search index, built in a process forked with the
    archive, took that process from 520 to 750 MB.

    `call(job, head, parts)` runs `job(head, parts)` there, with `parts`
    sent one at a time, and gives what the job yields as it yields it; the
    job reads every part before it yields. Where fork is missing, the job
    runs here. `close()` once the job is done, or not wanted."""

    def __init__(self) -> None:
        self._process = self._connection = None
        self._owner = os.getpid()  # forked processes share the connection, not the process
        if can_fork():
            context = multiprocessing.get_context("fork")
            self._connection, theirs = context.Pipe()
            args = (theirs, self._connection, self._owner)
            self._process = context.Process(target=_serve, args=args, daemon=True)
            self._process.start()
            theirs.close()

    def call(self, job: Callable[[Any, Iterator], Iterator[T]], head, parts) -> Iterator[T]:
        if self._connection is None:
            yield from job(head, iter(parts))
            return
        connection = self._connection
        try:
            connection.send((job, head))
            for part in parts:
                connection.send(part)
            connection.send(_END)
        except BrokenPipeError:  # killed before it read them
            raise WorkerKilled(KILLED) from None
        while True:
            try:
                kind, value = connection.recv()
            except EOFError:  # killed, say
                raise WorkerKilled(KILLED) from None
            if kind == "item":
                yield value
            elif kind == "done":
                return
            elif kind == "error":  # a full disk, say
                raise value
            else:
                raise WorkerKilled(KILLED) if kind == "killed" else WorkerError(value)

    def close(self) -> None:
        """Let the process go: it ends once its job is done (at once, if
        it has none); a job no longer wanted is stopped."""
        if self._process is None:
            return
        self._connection.close()
        if os.getpid() == self._owner:
            self._process.join(timeout=1)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()
        self._process = self._connection = None


_END = "end of parts"


def _serve(connection, parents_end, parent: int) -> None:
    """The process of an `Apart`: one job, or none."""
    _end_with(parent)
    parents_end.close()
    try:
        job, head = connection.recv()
    except EOFError:  # not wanted
        return

    def parts() -> Iterator:
        while (part := connection.recv()) != _END:
            yield part

    try:
        for item in job(head, parts()):
            connection.send(("item", item))
        answer = ("done", None)
    except OSError as error:  # a full disk, say: the other end reports it in one line
        answer = ("error", error)
    except _Stopped:
        answer = ("killed", None)
    except BaseException:
        answer = ("failed", traceback.format_exc())
    with contextlib.suppress(OSError):  # the other end is gone: nobody to tell
        connection.send(answer)
