"""Where pages are extracted: in this process, in a pool of processes, or as Dask tasks.

Every engine is a runner that takes batches of ``(text, meta)`` and gives
the pages back in input order (``Runner.ordered``), with at most a window of
them in flight, so memory does not grow with the corpus. A page that fails,
or runs past the page time limit, gives its reason instead of a result; the
build reports it and goes on. Pool workers die with the build
(``kg.corpus.workers``), and a runner left by an exception (Ctrl-C, SIGTERM)
kills its workers rather than waiting for them.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from spacy.language import Language
from spacy.tokens import Doc

from kg.corpus.inputs import PageJob
from kg.corpus.options import BuildOptions
from kg.corpus.workers import PageTimeout, init_worker, kill_pool, page_deadline
from kg.extract import PageText, extract_text, page_text, tokenize
from kg.model import PageMeta, PageResult

logger = logging.getLogger(__name__)

# Below this many pages a process pool costs more than it saves: 40 pages
# built no faster with 2 workers than with 1 (benchmarks/README.md). The pool
# starts when a page first needs extracting, so a rebuild that finds every
# page cached starts none.
POOL_MIN_PAGES = 100
PAGES_PER_WORKER = 20
# Pages of up to JOINT_MAX characters are tokenised together (extract_batch);
# a longer page is tokenised by itself, within its own time limit.
JOINT_MAX = 100_000
# Pages sent to extraction together, so their tokenising is shared: on the
# dev articles, 16 at a time read 1.3x faster than one at a time.
PAGES_PER_BATCH = 16

Batch = list[tuple[str, PageMeta]]
Outcome = PageResult | str  # a page's result, or why it failed

# The pipeline of a worker process. A pool forked from the build inherits it
# from the build's process (set just before the fork), so workers share the
# model's memory; a spawned worker, or a Dask worker, loads its own.
_WORKER_NLP: Language | None = None


def load_nlp() -> Language:
    """kg's pipeline, loaded for a run of kg's own, with the collector told to leave it be.

    The loaded pipeline is about 100k long-lived objects (tables, automata,
    the vocabulary), and every sweep of the collector's oldest generation
    walks them all again while pages are read. ``gc.freeze`` moves them out
    of its sight: extraction takes 4-8 % less processor time on the seeds
    and dev pages, and a forked worker does not write to the pages it shares
    with the build to mark them. Only where kg loads the pipeline itself: a
    caller who hands in a pipeline keeps its process as it was.
    """
    from kg.recognise.pipeline import build_nlp

    nlp = build_nlp()
    gc.collect()  # the garbage of loading goes first, or it would be kept for good
    gc.freeze()
    return nlp


def worker_nlp() -> Language:
    """The pipeline of this worker process, loaded on first use."""
    global _WORKER_NLP
    if _WORKER_NLP is None:
        _WORKER_NLP = load_nlp()
    return _WORKER_NLP


def _init_worker(parent: int) -> None:
    """Process-pool initializer: die with the build, load the pipeline once per worker."""
    init_worker(parent)
    worker_nlp()


def extract_batch(
    pages: Batch, nlp: Language | None = None, *, page_timeout: float = 0
) -> list[Outcome]:
    """Extract each ``(text, meta)``; a page that fails gives its reason instead.

    The pages are cleaned and split one by one, tokenised together (LAC reads
    many texts' chunks in one pass, ``kg.extract.tokenize``), then recognised,
    linked and related one by one. Any exception from one page's extraction is
    caught here on purpose: a page that breaks a stage must not stop the pages
    after it. The traceback is logged and the reason goes into the build
    report. A page that takes more than ``page_timeout`` seconds of processor
    time (0: no limit) is stopped and gives that as its reason.
    """
    nlp = nlp or worker_nlp()
    out: list[Outcome] = []
    read: dict[int, tuple[PageText, float]] = {}  # page index: its text, seconds used so far
    for i, (raw, meta) in enumerate(pages):
        outcome, used = _guarded(meta, page_timeout, page_timeout, page_text, raw, meta)
        if isinstance(outcome, PageText):
            read[i] = (outcome, used)
        out.append(outcome if isinstance(outcome, str) else "")
    docs = _tokenized_together({i: text for i, (text, _) in read.items()}, nlp, page_timeout)
    for i, (text, used) in read.items():
        meta = pages[i][1]
        left = max(page_timeout - used, 1e-3) if page_timeout > 0 else 0
        result, _ = _guarded(meta, page_timeout, left, _finish, text, docs.get(i), nlp)
        out[i] = result if isinstance(result, str | PageResult) else "extraction gave no result"
    return out


def _finish(text: PageText, docs: list[Doc] | None, nlp: Language) -> PageResult:
    return extract_text(text, docs if docs is not None else tokenize(nlp, text.texts()), nlp)


def _tokenized_together(
    texts: dict[int, PageText], nlp: Language, page_timeout: float
) -> dict[int, list[Doc]]:
    """The docs of the pages of at most ``JOINT_MAX`` characters, tokenised in one pass.

    A page left out (too long, or the pass failed or ran past the time limit)
    is tokenised by itself, within its own time limit, where a fault is its own.
    """
    joint = {i: t.texts() for i, t in texts.items() if len(t.page.text) <= JOINT_MAX}
    if len(joint) < 2:
        return {}
    try:
        with page_deadline(page_timeout):
            flat = tokenize(nlp, [x for parts in joint.values() for x in parts])
    except Exception:  # noqa: BLE001  (each page then tokenises alone and reports its own fault)
        logger.debug("tokenising %d pages together failed", len(joint), exc_info=True)
        return {}
    out: dict[int, list[Doc]] = {}
    at = 0
    for i, parts in joint.items():
        out[i], at = flat[at : at + len(parts)], at + len(parts)
    return out


def _guarded(
    meta: PageMeta, limit: float, seconds: float, fn: Callable[..., object], *args: object
) -> tuple[object, float]:
    """``fn(*args)``, or why it failed or ran past ``seconds`` (what is left of the page's
    ``limit``); and the processor seconds it used."""
    start = time.process_time()
    try:
        with page_deadline(seconds):
            outcome = fn(*args)
    except PageTimeout:
        logger.warning("%s: stopped at the page time limit (%g s)", meta.source, limit)
        outcome = (
            f"took more than the page time limit ({limit:g} s of processor time) "
            "and was stopped; --page-timeout SECONDS raises the limit"
        )
    except Exception as e:  # noqa: BLE001  (fault isolation, reported)
        logger.debug("%s: extraction failed", meta.source, exc_info=True)
        outcome = f"extraction failed: {type(e).__name__}: {e}"
    return outcome, time.process_time() - start


class _Future(Protocol):
    def result(self) -> list[Outcome]: ...


class _Done:
    """An already computed result, shaped like a future."""

    def __init__(self, value: list[Outcome]) -> None:
        self._value = value

    def result(self) -> list[Outcome]:
        return self._value


class _Batch:
    """A submitted batch: its outcomes, fetched once when the first page needs them."""

    def __init__(self, future: _Future) -> None:
        self.future = future
        self.outcome: list[Outcome] | None = None

    def get(self, slot: int) -> Outcome:
        if self.outcome is None:
            self.outcome = self.future.result()
        return self.outcome[slot]


@dataclass
class _InFlight:
    """A page waiting for its turn, and where its outcome will be once its batch is sent."""

    page: PageJob
    batch: _Batch | None = None
    slot: int = 0


class Runner:
    """Runs extraction batches and yields pages back in input order."""

    batch_size = 1
    page_timeout: float = 0  # seconds a page may take (0: no limit)

    def __init__(self, *, window: int) -> None:
        self.window = window

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close(abort=exc_type is not None)

    def close(self, *, abort: bool = False) -> None:
        """Release workers; ``abort``: kill them now (the build is stopping)."""

    def submit(self, batch: Batch) -> _Future:
        raise NotImplementedError

    def alone(self, text: str, meta: PageMeta) -> Outcome:
        """Extract again, by itself, a page whose worker process died; the reason if it fails."""
        return "the worker process extracting this page died"

    def ordered(self, pages: Iterable[PageJob]) -> Iterator[PageJob]:
        """Extract the pages that need it; yield every page in input order.

        At most ``window`` pages are in flight, so memory does not grow with
        the corpus.
        """
        pending: deque[_InFlight] = deque()
        batch: list[_InFlight] = []

        def flush() -> None:
            if batch:
                sent = _Batch(self.submit([(f.page.text or "", f.page.meta) for f in batch]))
                for slot, f in enumerate(batch):
                    f.batch, f.slot = sent, slot
                batch.clear()

        def finish(f: _InFlight) -> PageJob:
            if f.page.needs_extract:
                if f.batch is None:  # still in the open batch
                    flush()
                self._settle(f)
            return f.page

        for page in pages:
            pending.append(_InFlight(page))
            if not page.ready:
                page.needs_extract = True
                batch.append(pending[-1])
                if len(batch) >= self.batch_size:
                    flush()
            while len(pending) > self.window:
                yield finish(pending.popleft())
        flush()
        while pending:
            yield finish(pending.popleft())

    def _settle(self, f: _InFlight) -> None:
        """Put a sent page's outcome on it: its result, or why it failed."""
        assert f.batch is not None
        page = f.page
        try:
            outcome = f.batch.get(f.slot)
        except BrokenProcessPool:
            outcome = self.alone(page.text or "", page.meta)
        if isinstance(outcome, str):
            page.error = outcome
        else:
            page.result = outcome


class LocalRunner(Runner):
    """Extraction in this process."""

    batch_size = PAGES_PER_BATCH

    def __init__(self, nlp: Language | None) -> None:
        super().__init__(window=PAGES_PER_BATCH)
        self._nlp = nlp

    def submit(self, batch: Batch) -> _Future:
        if self._nlp is None:
            self._nlp = load_nlp()
        return _Done(extract_batch(batch, self._nlp, page_timeout=self.page_timeout))


class PoolRunner(Runner):
    """Extraction in a pool of processes.

    Where the platform can fork, the pipeline is loaded once, here, and the
    workers are forked from this process: they start at once and share the
    model's memory. Elsewhere each worker is spawned and loads its own.

    A worker that dies (killed for memory, a crash in native code) breaks
    the pool and fails every page in flight with it, though at most one of
    them killed it. Those pages are extracted again one by one in a process
    of their own (``alone``), so only a page that kills its worker again is
    skipped; later pages go to a new pool.
    """

    batch_size = PAGES_PER_BATCH // 2

    def __init__(self, workers: int, nlp: Language | None) -> None:
        super().__init__(window=4 * workers * self.batch_size)
        self.workers = workers
        self._nlp = nlp
        self._pool: ProcessPoolExecutor | None = None
        self._lone: ProcessPoolExecutor | None = None

    def _start(self, workers: int, batch: Batch) -> tuple[ProcessPoolExecutor, _Future]:
        """A new pool of ``workers`` processes, and the future of ``batch``, its first task."""
        global _WORKER_NLP
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        if method == "fork" and _WORKER_NLP is None:
            _WORKER_NLP = self._nlp or worker_nlp()
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )
        future: Future[list[Outcome]] = pool.submit(self._task, batch)
        if method == "fork":  # every worker is forked by now: this process needs no pipeline
            _WORKER_NLP = None
        return pool, future

    @property
    def _task(self) -> partial[list[Outcome]]:
        return partial(extract_batch, page_timeout=self.page_timeout)

    def submit(self, batch: Batch) -> _Future:
        if self._pool is not None:  # started on first need: a cached rebuild starts none
            try:
                return self._pool.submit(self._task, batch)
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool, future = self._start(self.workers, batch)
        return future

    def alone(self, text: str, meta: PageMeta) -> Outcome:
        logger.warning("a worker process died: extracting %s again on its own", meta.source)
        if self._lone is None:
            self._lone, future = self._start(1, [(text, meta)])
        else:
            future = self._lone.submit(self._task, [(text, meta)])
        try:
            return future.result()[0]
        except BrokenProcessPool:
            self._lone.shutdown(wait=False, cancel_futures=True)
            self._lone = None
            return (
                "the worker process extracting this page died, twice (killed for lack of "
                "memory, or a crash in native code); the other pages were built"
            )

    def close(self, *, abort: bool = False) -> None:
        for pool in (self._pool, self._lone):
            if pool is not None:
                if abort:
                    kill_pool(pool)
                else:
                    pool.shutdown(cancel_futures=True)


class DaskRunner(Runner):
    """Extraction as Dask tasks over partitions of the corpus."""

    def __init__(self, workers: int | None, scheduler: str | None, partition_size: int) -> None:
        self.batch_size = partition_size
        self._workers = workers
        self._scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None
        super().__init__(window=partition_size * 4 * (workers or 2))

    def _connect(self) -> Any:
        from dask.distributed import Client, LocalCluster

        if self._scheduler:
            self._client = Client(self._scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=self._workers or min(os.cpu_count() or 1, 4),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        return self._client

    def submit(self, batch: Batch) -> _Future:
        client = self._client or self._connect()
        return client.submit(  # type: ignore[no-any-return]
            extract_batch, batch, page_timeout=self.page_timeout, pure=False
        )

    def close(self, *, abort: bool = False) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_runner(options: BuildOptions, *, nlp: Language | None, n_pages: int) -> Runner:
    """The runner for a build of ``n_pages`` pages: Dask, a pool, or this process."""
    runner: Runner
    if options.engine == "dask":
        runner = DaskRunner(options.workers, options.scheduler, options.partition_size)
    else:
        workers = options.workers
        if workers is None:
            cores = os.cpu_count() or 1
            workers = 1 if n_pages < POOL_MIN_PAGES else min(cores, n_pages // PAGES_PER_WORKER)
        runner = LocalRunner(nlp) if workers <= 1 else PoolRunner(workers, nlp)
    runner.page_timeout = options.page_timeout
    return runner
