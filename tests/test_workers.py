"""Processes a build starts: a page's time limit, workers that die with the build, stop signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kg.corpus.workers import PageTimeout, Stopped, page_deadline, stop_on_signals

ROOT = Path(__file__).resolve().parent.parent


def _spin() -> None:
    while True:  # a runaway loop, as a stage quadratic in the page's length
        pass


def test_workers_page_deadline_stops_a_runaway_page_and_leaves_nothing_behind() -> None:
    before = signal.getsignal(signal.SIGPROF)
    with pytest.raises(PageTimeout):
        with page_deadline(0.2):
            _spin()
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) is before


def test_workers_page_deadline_is_not_swallowed_by_except_exception() -> None:
    """A stage's own ``except Exception`` cannot catch the time limit and go on with the page."""
    with pytest.raises(PageTimeout):
        with page_deadline(0.2):
            try:
                _spin()
            except Exception:  # noqa: BLE001
                pass


def test_workers_page_deadline_zero_or_another_thread_runs_without_limit() -> None:
    with page_deadline(0):
        assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    seen: list[tuple[float, float]] = []

    def body() -> None:
        with page_deadline(5):
            seen.append(signal.getitimer(signal.ITIMER_PROF))

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == [(0.0, 0.0)]


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_workers_stop_signals_raise_stopped_as_ctrl_c(name: str) -> None:
    signum = getattr(signal, name)
    old = signal.signal(signum, signal.SIG_DFL)
    try:
        with pytest.raises(Stopped) as stopped:
            with stop_on_signals():
                os.kill(os.getpid(), signum)
                time.sleep(5)  # the handler raises first
        assert isinstance(stopped.value, KeyboardInterrupt) and stopped.value.signum == signum
        assert signal.getsignal(signum) == signal.SIG_DFL
    finally:
        signal.signal(signum, old)


def test_workers_stop_signals_leave_an_applications_own_handler() -> None:
    seen: list[int] = []
    old = signal.signal(signal.SIGHUP, lambda s, f: seen.append(s))
    try:
        with stop_on_signals():
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.01)
        assert seen == [signal.SIGHUP]
    finally:
        signal.signal(signal.SIGHUP, old)


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie no one reaped has ended too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_a_worker_dies_with_its_parent() -> None:
    """A parent killed outright (no clean-up of its own) takes its pool worker with it."""
    parent = textwrap.dedent(
        """
        import multiprocessing, os, sys, time
        from kg.corpus.workers import init_worker

        def work(parent, ready):
            init_worker(parent)
            ready.set()
            time.sleep(600)

        if __name__ == "__main__":
            ctx = multiprocessing.get_context("fork")
            ready = ctx.Event()
            child = ctx.Process(target=work, args=(os.getpid(), ready))
            child.start()
            ready.wait(60)
            print(child.pid, flush=True)
            time.sleep(600)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    child = int(proc.stdout.readline())  # once it asked for its parent-death signal
    try:
        assert not _gone(child)
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(child)
    finally:
        if not _gone(child):
            os.kill(child, signal.SIGKILL)
