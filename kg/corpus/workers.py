"""Processes a build starts: they die with it, stop with it, and a page gets a time limit.

* Worker processes (the extraction pool and the parts pool) ask the kernel
  to kill them when the build's process dies (``PR_SET_PDEATHSIG`` on Linux;
  elsewhere a thread that watches the parent), so a build killed with
  SIGKILL leaves no worker behind. They ignore SIGINT: Ctrl-C reaches the
  whole process group, and the build stops them itself.
* SIGTERM and SIGHUP stop a build as Ctrl-C does (``stop_on_signals``):
  the build's process raises ``Stopped``, a ``KeyboardInterrupt``, kills its
  workers (``kill_pool``) and leaves the output folder as it was.
* ``page_deadline`` interrupts a page's extraction that runs past its time
  limit, so that one page cannot stall a build. The limit counts the
  processor time of the process (a SIGPROF timer, in the thread that runs
  the page: the main thread of the build or of a worker), so a machine busy
  with other work stops no page that would finish on an idle one.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(KeyboardInterrupt):
    """The build was asked to stop by SIGTERM or SIGHUP (handled as Ctrl-C is)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


class PageTimeout(BaseException):
    """A page's extraction ran past its time limit.

    A ``BaseException``, as ``KeyboardInterrupt`` is, so that no ``except
    Exception`` inside a stage can swallow it and carry on with the page.
    """


def die_with_parent(parent: int) -> None:
    """Make this (forked or spawned) process end when process ``parent`` does."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def init_worker(parent: int) -> None:
    """Pool initializer: die with the build, leave signals to it, log warnings only."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    logging.getLogger().setLevel(logging.WARNING)


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool`` now: its pending tasks cancelled, its workers killed and reaped."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=10)


def can_fork() -> bool:
    """Whether processes can be forked here (they then inherit this process's memory)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def forked_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes forked from this one, which die with it.

    They inherit what this process holds when the first task is submitted
    (set a module global before, and only index ranges or names need go to
    them). The pool is shut down when the block ends, and killed, its tasks
    cancelled, when the block is left by an exception (Ctrl-C, SIGTERM, a
    failure): a stopped build does not wait for its workers.
    """
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=init_worker,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        kill_pool(pool)
        raise
    pool.shutdown()


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise ``Stopped`` in the main thread.

    Only signals left at their default action are taken over (an application
    that handles them keeps its handler), and only in the main thread (where
    Python runs signal handlers).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    taken = [s for s, handler in previous.items() if handler == signal.SIG_DFL]
    for signum in taken:
        signal.signal(signum, _raise_stopped)
    try:
        yield
    finally:
        for signum in taken:
            signal.signal(signum, previous[signum])


class _Deadline:
    """The SIGPROF handler of one ``page_deadline``: raises only while the page runs."""

    def __init__(self) -> None:
        self.armed = True

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.armed:
            self.armed = False
            raise PageTimeout


@contextmanager
def page_deadline(seconds: float) -> Iterator[None]:
    """Raise ``PageTimeout`` in the block once it has used ``seconds`` of processor time (0: no limit).

    Needs the main thread of a process (a build, or a pool worker); in any
    other thread (a Dask worker's) the block runs without a limit. Leaves no
    timer or handler behind.
    """
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")  # Windows
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    deadline = _Deadline()
    previous = signal.signal(signal.SIGPROF, deadline)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        deadline.armed = False
        try:
            signal.setitimer(signal.ITIMER_PROF, 0)
        finally:
            signal.signal(signal.SIGPROF, previous)
