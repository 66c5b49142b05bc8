"""Pages rendered on every core: the same site, whatever the number of processes."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest
from conftest import CORPUS_JSON, EXAMPLE, ROOT, SEED, build_site, make_content

from pelican import signals
from pelican.plugins.papershelf.builder import workers
from pelican.plugins.papershelf.builder.generator import PapershelfGenerator
from pelican.plugins.papershelf.config import Config, SettingsError

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="no fork on this system")


def slowly(value):
    """A task that takes long enough for every process to get some."""
    time.sleep(0.002)
    return value


def test_tasks_are_shared_between_processes_and_results_keep_task_order():
    tasks = [lambda n=n: slowly((n * n, os.getpid())) for n in range(200)]
    results, side, reports = workers.run(tasks, jobs=3, report=os.getpid)
    assert [square for square, _ in results] == [n * n for n in range(200)]
    assert len(reports) == 2  # each other process's report()
    assert {pid for _, pid in results} == {os.getpid(), *reports}
    assert side is None


def test_this_process_takes_tasks_from_the_start_and_the_others_from_the_end():
    """So that neighbouring tasks, which share work, mostly run in one process."""
    here = os.getpid()
    pids, _, _ = workers.run([lambda: slowly(os.getpid())] * 200, jobs=2)
    ran_here = [pid == here for pid in pids]
    switch = ran_here.index(False)
    assert switch > 0
    assert ran_here == [True] * switch + [False] * (len(pids) - switch)


def test_remembered_runs_only_what_is_not_remembered_and_remembers_it():
    memo = {b"a": "kept"}

    def remember(key, compute):
        if key not in memo or memo[key] is None:
            memo[key] = compute()
        return memo[key]

    keys = [b"a", None, *[bytes([n]) for n in range(40)]]
    tasks = [lambda n=n: slowly((n, os.getpid())) for n in range(len(keys))]
    found = workers.remembered(keys, tasks, remember, jobs=2)
    assert found[0] == "kept"  # its task never ran
    assert [n for n, _ in found[1:]] == list(range(1, len(keys)))
    assert len({pid for _, pid in found[1:]}) == 2  # the rest ran on both cores
    assert memo[bytes([7])] == found[9]  # remembered, by key
    assert None not in memo  # a task without a key is not
    assert workers.remembered(keys, tasks, remember, jobs=2)[2:] == found[2:]  # from the memo


def test_the_side_job_runs_once_in_another_process_and_its_result_comes_back():
    parent = os.getpid()
    results, side, _ = workers.run([lambda: 1] * 40, jobs=2, side=os.getpid)
    assert results == [1] * 40
    assert side != parent


@pytest.mark.parametrize("jobs", [1, 2])
def test_done_runs_here_once_after_this_process_has_run_its_last_task(jobs):
    ran_here, done = [], []

    def task(n):
        ran_here.append(n)  # seen only here when the task runs here
        return slowly(n)

    tasks = [lambda n=n: task(n) for n in range(100)]
    results, _, _ = workers.run(tasks, jobs, done=lambda: done.append(len(ran_here)))
    assert results == list(range(100))
    assert done == [len(ran_here)]  # once, with every task this process was to run


def test_a_run_leaves_the_garbage_collector_as_it_found_it():
    assert gc.get_freeze_count() == 0
    workers.run([lambda: slowly(1)] * 100, jobs=2)
    assert gc.get_freeze_count() == 0


def test_one_job_or_few_tasks_run_here():
    here = os.getpid()
    assert workers.run([os.getpid] * 100, jobs=1) == ([here] * 100, None, [])
    assert workers.run([os.getpid] * 3, jobs=4) == ([here] * 3, None, [])


def test_a_task_failing_in_another_process_fails_the_run_with_its_traceback():
    parent = os.getpid()

    def task(n: int) -> int:
        if os.getpid() != parent:
            raise ValueError(f"paper {n} is broken")
        return slowly(n)

    with pytest.raises(workers.WorkerError, match=r"ValueError: paper \d+ is broken"):
        workers.run([lambda n=n: task(n) for n in range(200)], jobs=2)


def test_a_task_failing_here_stops_the_other_processes_and_raises():
    """Run in a process of its own: if the others were left waiting to send
    their results (more than a pipe holds), it would never end."""
    script = """
import os, time
from pelican.plugins.papershelf.builder import workers
parent = os.getpid()
def task(n):
    time.sleep(0.002)
    if os.getpid() == parent and n > 50:
        raise KeyError("broken here")
    return str(n) * 1000  # more than a pipe holds, all told
try:
    workers.run([lambda n=n: task(n) for n in range(400)], jobs=3)
except KeyError as error:
    print("raised", error)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "raised 'broken here'"


def test_a_failing_side_job_fails_the_run():
    def side():
        raise RuntimeError("no index")

    with pytest.raises(workers.WorkerError, match="RuntimeError: no index"):
        workers.run([lambda: 1] * 40, jobs=2, side=side)


# A run whose tasks give more than a pipe holds; each process running one
# notes its id in the folder given.
KILLED_RUN = """
import os, sys, time
from pathlib import Path
from pelican.plugins.papershelf.builder import workers

def task():
    Path(sys.argv[1], str(os.getpid())).touch()
    time.sleep(0.01)
    return "x" * 10_000

workers.run([task] * 400, jobs=2)
"""


def test_a_worker_whose_build_is_killed_stops_instead_of_waiting_forever(tmp_path):
    ran = tmp_path / "ran"
    ran.mkdir()
    build = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(ran)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    others = set()
    try:
        while not others:  # a worker has started
            assert build.poll() is None
            others = {int(p.name) for p in ran.iterdir()} - {build.pid}
            time.sleep(0.01)
        build.kill()
        # Its output ends when every process that holds it has exited.
        _, errors = build.communicate(timeout=30)
        assert b"Traceback" not in errors
    finally:
        for pid in others:  # a worker that would wait forever
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


LONG_JOBS = """
import os, sys, time
from pathlib import Path
from pelican.plugins.papershelf import files
from pelican.plugins.papershelf.builder import workers

def long_job():
    with files.replacing(Path(sys.argv[2], "index.json")) as file:
        file.write(b"half of it")
        Path(sys.argv[1], str(os.getpid())).touch()
        time.sleep(60)

def job_apart(head, parts):
    list(parts)
    long_job()
    yield

if sys.argv[3] == "side":  # the search index, say
    workers.run([lambda: None] * 400, jobs=2, side=long_job)
elif sys.argv[3] == "apart":  # the search index, in a process of its own
    list(workers.Apart().call(job_apart, None, []))
else:  # a memo saved beside the build
    workers.beside(long_job)
    time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ends with its parent on Linux")
@pytest.mark.parametrize("job", ["side", "apart", "beside"])
def test_a_long_job_whose_build_is_killed_ends_with_it(tmp_path, job):
    """Not at the end of its job: it would hold the output folder's lock
    until then, and the next build would find the folder taken. The file it
    was writing is not left behind."""
    started, written = tmp_path / "started", tmp_path / "written"
    started.mkdir()
    written.mkdir()
    build = subprocess.Popen([sys.executable, "-c", LONG_JOBS, str(started), str(written), job])
    others: set[int] = set()
    try:
        while not others:
            assert build.poll() is None
            others = {int(p.name) for p in started.iterdir()}
            time.sleep(0.01)
        assert len(list(written.iterdir())) == 1  # its temporary file
        build.kill()
        build.wait()
        deadline = time.monotonic() + 5
        while any(_running(pid) for pid in others) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not any(_running(pid) for pid in others)
        assert list(written.iterdir()) == []
    finally:
        for pid in others:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


def _running(pid: int) -> bool:
    """Whether a process is alive (a zombie, reaped by init soon, is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


LATER: list[str] = []


def summed(head, parts):
    """A job apart: each part's sum plus `head`, where it ran, and what it
    sees of LATER."""
    totals = [head + sum(part) for part in parts]
    for total in totals:
        yield total, os.getpid(), list(LATER)


def test_a_job_apart_runs_in_a_process_forked_before_and_streams_what_it_yields():
    apart = workers.Apart()
    LATER.append("made once the process was forked")
    try:
        found = list(apart.call(summed, 100, [[1, 2], [3], []]))
    finally:
        LATER.clear()
        apart.close()
    assert [total for total, _, _ in found] == [103, 103, 100]
    assert os.getpid() not in {pid for _, pid, _ in found}
    assert [seen for _, _, seen in found] == [[], [], []]  # its memory is not this one's


def test_without_fork_a_job_apart_runs_here(monkeypatch):
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    apart = workers.Apart()
    assert [pid for _, pid, _ in apart.call(summed, 0, [[1]])] == [os.getpid()]
    apart.close()


def failing(error, parts):
    list(parts)
    raise error
    yield  # a generator, as every job


@pytest.mark.parametrize(
    ("error", "raised", "message"),
    [
        # Reported in one line, as a full disk is.
        (OSError(28, "No space left on device"), OSError, "No space left"),
        # With its traceback.
        (ValueError("not a number"), workers.WorkerError, "ValueError: not a number"),
    ],
)
def test_a_job_apart_that_fails_fails_its_caller(error, raised, message):
    apart = workers.Apart()
    try:
        with pytest.raises(raised, match=message):
            list(apart.call(failing, error, [[1]]))
    finally:
        apart.close()


def sleeping(head, parts):
    list(parts)
    time.sleep(60)
    yield


def test_a_job_apart_that_is_killed_fails_its_caller():
    before = set(multiprocessing.active_children())
    apart = workers.Apart()
    (process,) = set(multiprocessing.active_children()) - before
    killer = threading.Timer(0.3, os.kill, (process.pid, signal.SIGKILL))
    killer.start()
    try:
        with pytest.raises(workers.WorkerKilled):
            list(apart.call(sleeping, None, []))
    finally:
        killer.join()
        apart.close()


def test_a_process_apart_without_a_job_ends_when_let_go():
    before = set(multiprocessing.active_children())
    apart = workers.Apart()
    assert len(set(multiprocessing.active_children()) - before) == 1
    apart.close()
    assert set(multiprocessing.active_children()) - before == set()


def test_jobs_must_be_a_count():
    with pytest.raises(SettingsError, match="PAPERSHELF_JOBS"):
        Config.from_settings({"PAPERSHELF_JOBS": -1})
    with pytest.raises(SettingsError, match="PAPERSHELF_JOBS"):
        Config.from_settings({"PAPERSHELF_JOBS": "2"})


def test_one_process_and_three_build_the_same_site(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "content")  # with its notes
    content = make_content(tmp_path / "content", *sorted(CORPUS_JSON.iterdir())[:20])
    one = build_site(content, tmp_path / "one" / "output", PAPERSHELF_JOBS=1)
    three = build_site(content, tmp_path / "three" / "output", PAPERSHELF_JOBS=3)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert len(files) > 200
    assert files == sorted(p.relative_to(three) for p in three.rglob("*") if p.is_file())
    assert [f for f in files if (one / f).read_bytes() != (three / f).read_bytes()] == []


def test_an_archive_is_freed_once_the_next_build_in_the_process_replaces_it(tmp_path):
    """As under `pelican --autoreload`: nothing a build freezes outlives it."""
    shutil.copytree(EXAMPLE, tmp_path / "content")
    papers = []

    def keep_a_reference(generators):
        ours = next(g for g in generators if isinstance(g, PapershelfGenerator))
        papers.append(weakref.ref(ours.archive.papers[0]))

    signals.all_generators_finalized.connect(keep_a_reference)
    try:
        build_site(tmp_path / "content", tmp_path / "output")
        build_site(tmp_path / "content", tmp_path / "output")
    finally:
        signals.all_generators_finalized.disconnect(keep_a_reference)
    gc.collect()
    first, _ = papers
    assert first() is None  # papers point at each other: only the cycle collector frees them


def test_once_the_archive_is_loaded_the_collector_never_walks_it_again(tmp_path):
    """The archive is kept to the end of the build: out of the collector's
    sight before it is on again, or its next pass walks every object (as in a
    rebuild, whose papers all come from the cache at once)."""
    content = make_content(tmp_path / "content", *sorted(CORPUS_JSON.iterdir()))
    build_site(content, tmp_path / "output", PAPERSHELF_JOBS=1)
    walked = []

    def count(phase, info):
        if phase == "start" and info["generation"] == 0:
            walked.append(len(gc.get_objects(generation=0)))

    gc.callbacks.append(count)
    try:
        build_site(content, tmp_path / "output", PAPERSHELF_JOBS=1)
    finally:
        gc.callbacks.remove(count)
    assert walked  # the collector ran during the build
    # The young objects of a moment: about 4,600 when it walked the archive.
    assert max(walked) < 2_500


def test_a_process_that_built_the_site_exits_without_collecting_its_garbage(tmp_path):
    """The interpreter's last collection would walk the whole archive, only
    for the system to take the memory back: after a build, it finds nothing."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from pathlib import Path
from conftest import SEED, build_site, make_content

class Cycle:
    def __init__(self):
        self.me = self
    def __del__(self):
        print("collected at exit")

content = make_content(Path({str(tmp_path)!r}) / "content", SEED)
build_site(content, Path({str(tmp_path)!r}) / "output")
Cycle()
print("built")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.splitlines()[-1] == "built"


def test_a_plugin_that_follows_the_pages_written_sees_every_page(tmp_path):
    """Pelican's `content_written` signal, as a sitemap plugin uses it: sent in
    this process for each page, with the page's own context."""
    content = make_content(tmp_path / "content", SEED)
    written = {}

    def follow(path, context):
        written[Path(path).relative_to(tmp_path / "output").as_posix()] = context

    signals.content_written.connect(follow)
    try:
        output = build_site(content, tmp_path / "output", PAPERSHELF_JOBS=2)
    finally:
        signals.content_written.disconnect(follow)
    pages = {p.relative_to(output).as_posix() for p in output.rglob("*.html")}
    assert len(pages) > 50
    assert pages <= set(written)
    paper = next(name for name in written if name.startswith("papers/"))
    assert written[paper]["output_file"] == paper
    assert written[paper]["SITEURL"] == "../.."
    assert written[paper]["paper"].url + "index.html" == paper


def test_what_other_processes_compute_is_kept_for_the_next_build(tmp_path, monkeypatch):
    """List items and export records made in other processes reach the cache:
    rewriting the lists and papers.json afterwards computes none again."""
    import jinja2

    from pelican.plugins.papershelf.builder import generator

    parent, run = os.getpid(), workers.run

    def others_first(tasks, jobs, *args):
        """The parent first sleeps through tasks of its own, so that the other
        processes take the build's tasks."""
        idle = [lambda: time.sleep(0.1 if os.getpid() == parent else 0)] * workers.CHUNK
        results, *rest = run(idle + list(tasks), jobs, *args)
        return (results[len(idle) :], *rest)

    content = make_content(tmp_path / "content", *sorted(CORPUS_JSON.iterdir())[:6])
    monkeypatch.setattr(workers, "run", others_first)
    output = build_site(content, tmp_path / "output", PAPERSHELF_JOBS=3)
    monkeypatch.undo()
    shutil.rmtree(output / "dates")
    (output / "papers.json").unlink()

    records, items = [], []
    record_json, render = generator.record_json, jinja2.Template.render
    monkeypatch.setattr(generator, "record_json", lambda *a: records.append(a) or record_json(*a))

    def counted(template, *args, **kwargs):
        if template.name == "_paper_item.html":
            items.append(kwargs["paper"])
        return render(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted)
    build_site(content, output, PAPERSHELF_JOBS=1)
    assert (output / "papers.json").exists()
    assert (output / "dates" / "index.html").exists()
    assert records == []
    assert items == []
