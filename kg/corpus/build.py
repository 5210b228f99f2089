"""Build a knowledge graph from page files: read, extract, link, make the graph's parts, export.

Pages stream through the build one at a time: each is read, extracted (in
this process, in a pool of forked processes, or as Dask tasks) or found in
the page cache, and its entities are merged by the ``Linker`` in a fixed
order; nothing else of a page is kept, so memory stays flat but for the
merged entities, and the result is the same whichever engine ran. A page
that cannot be read or extracted is reported (file, reason) and skipped;
the others still build. Then the graph is made as parts (``kg.corpus.parts``): the
parts whose inputs did not change since the last build are kept, the others
are made (by forked workers when there are many), and every output file is
the parts joined in a fixed order.

Outputs go to a staging folder inside ``out_dir`` and are moved into place
file by file with atomic renames, under a lock, so a killed build leaves each
output either complete and new or as the previous build left it, and two
builds never write one folder at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import filelock
from spacy.language import Language
from tqdm import tqdm

import kg
from kg.atomic import atomic_write_bytes, atomic_write_text
from kg.corpus.cache import PageCache, graph_version, page_key
from kg.corpus.parts import (
    STORE_NAME,
    PageLinks,
    Part,
    PartStore,
    bucket_digest,
    bucket_part,
    entity_buckets,
    newspapers_digest,
    newspapers_part,
    page_digest,
    page_part,
    sync_store,
)
from kg.errors import InputError, KgError
from kg.extract import MANIFEST, extract_page, page_meta, read_manifest, to_gold_json
from kg.graph.rdf import Key, paused_gc
from kg.link.registry import Linker, Links, page_keys
from kg.model import PageMeta, PageResult
from kg.text.read import MAX_BYTES, decode_page, read_page_bytes

logger = logging.getLogger(__name__)

LOCK_NAME = ".kg-build.lock"
STAGING_NAME = ".kg-staging"
CACHE_NAME = ".kg-cache"
TMP_PREFIX = ".kg-tmp-"  # a --no-cache build's page results and parts, removed at its end
PAGES_DIR = "pages"
REPORT_NAME = "report.json"
HTML_NAME = "graph.html"
STORE_DIR = "store"  # the Oxigraph store a build keeps when asked (--store)
# Below this many pages a process pool costs more than it saves: 40 pages
# built no faster with 2 workers than with 1 (benchmarks/README.md). The pool
# starts when a page first needs extracting, so a rebuild that finds every
# page cached starts none.
POOL_MIN_PAGES = 100
PAGES_PER_WORKER = 20
MAX_CHARS = 200_000
# Above this many facts the default formats leave GraphML and GEXF out: networkx
# holds the whole graph for them, with every evidence sentence (~1 GB at 190k
# facts, 10k articles), which would take a 100k-article build far past 4 GB.
NETWORK_MAX_FACTS = 200_000


@dataclass
class BuildReport:
    """What a build did: pages built and skipped, encodings, timings, outputs.

    ``timings`` (seconds per stage) are only here and in the log, never in the
    output files, which are byte-identical for the same input.
    """

    pages_ok: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    left_out: dict[str, str] = field(default_factory=dict)  # default format not written -> why
    encodings: dict[str, str] = field(default_factory=dict)  # page name -> encoding
    pages: dict[str, dict[str, int]] = field(default_factory=dict)  # name -> counts
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    cached: int = 0  # pages whose extraction came from the cache
    extracted: int = 0
    parts: int = 0  # parts of the graph (kg.corpus.parts): newspapers, entity buckets, pages
    parts_made: int = 0  # parts serialised in this build (the rest were kept from the last)
    quads: int = 0
    store_sync: tuple[int, int] | None = None  # parts removed from and added to the store
    entities: int = 0
    facts: int = 0
    chars: int = 0

    @property
    def ok(self) -> bool:
        """True when no page or manifest was skipped."""
        return not self.skipped

    def summary(self) -> str:
        """A few lines for people: counts, skipped files with reasons, time."""
        total = self.timings.get("total", 0.0)
        rate = self.chars / total if total else 0.0
        lines = [
            f"built {self.pages_ok} page(s) ({self.cached} from cache), "
            f"{self.entities} entities, {self.facts} facts in {total:.1f} s "
            f"({rate:,.0f} chars/s)",
            *(f"  {p.name}" for p in self.outputs if p.parent.name != "pages"),
        ]
        lines.extend(f"  not written: {fmt} ({why})" for fmt, why in self.left_out.items())
        if self.store_sync is not None:
            gone, new = self.store_sync
            lines.append(f"  {STORE_DIR}/ (Oxigraph store: {new} part(s) loaded, {gone} removed)")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines.extend(f"  {f}: {r}" for f, r in self.skipped)
        return "\n".join(lines)

    def to_json(self, out_dir: Path) -> dict[str, Any]:
        """The deterministic part of the report (no timings, no cache counts)."""
        left_out = {"left_out": dict(self.left_out)} if self.left_out else {}
        return {
            **left_out,
            "kg_version": kg.__version__,
            "pages_ok": self.pages_ok,
            "encodings": dict(sorted(self.encodings.items())),
            "pages": dict(sorted(self.pages.items())),
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "entities": self.entities,
            "facts": self.facts,
            "outputs": sorted(p.relative_to(out_dir).as_posix() for p in self.outputs),
        }


@dataclass
class _Page:
    """One page on its way through the build."""

    index: int
    path: Path
    meta: PageMeta
    text: str | None = None
    key: str | None = None
    result: PageResult | None = None
    links: PageLinks | None = None
    error: str | None = None
    needs_extract: bool = False
    batch: _Batch | None = None
    slot: int = 0


class _Future(Protocol):
    def result(self) -> list[PageResult | str]: ...


@dataclass
class _Batch:
    future: _Future
    outcome: list[PageResult | str] | None = None

    def get(self, slot: int) -> PageResult | str:
        if self.outcome is None:
            self.outcome = self.future.result()
        return self.outcome[slot]


class _Done:
    """An already computed result, shaped like a future."""

    def __init__(self, value: list[PageResult | str]) -> None:
        self._value = value

    def result(self) -> list[PageResult | str]:
        return self._value


def build(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    strict: bool = False,
    progress: bool | None = None,
    formats: Sequence[str] | None = None,
    nlp: Language | None = None,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    partition_size: int = 8,
    sparql_store: bool = False,
    html_max_nodes: int = 5000,
) -> BuildReport:
    """Build the graph and page files of ``paths`` (page files or folders) in ``out_dir``.

    Args:
        paths: page files and folders of ``*.txt`` pages (with ``manifest.csv``).
        out_dir: output folder; created if missing.
        workers: extraction processes; None picks 1 for small inputs, more
            (up to the cores) for large ones. With ``engine="dask"``, the
            number of local workers when no ``scheduler`` is given.
        engine: ``"local"`` (this machine) or ``"dask"`` (dask.distributed).
        scheduler: address of a running Dask scheduler; None starts a
            LocalCluster. Remote workers need kg and its pkuseg model
            installed; page texts are sent to them, so they need no shared disk.
        cache_dir: folder of the per-page cache (default ``out_dir/.kg-cache``).
        use_cache: False extracts every page again and stores nothing.
        strict: stop at the first bad page or manifest instead of skipping it.
        progress: show a progress bar; None shows it when stderr is a terminal.
        formats: RDF formats to write (None: the exporter's default set).
        nlp: a loaded pipeline to use in this process (skips loading one).
        max_bytes: largest page file accepted.
        max_chars: most characters a page may hold after decoding; a newspaper
            page holds under 20,000, and extraction time grows with length.
        partition_size: pages per Dask task.
        sparql_store: also keep ``out_dir/store``, an Oxigraph store of the
            graph for ``kg query`` and ``kg serve``, updated part by part.
        html_max_nodes: most entities ``graph.html`` draws (the best-connected).

    Raises:
        InputError: another build holds ``out_dir``, no page could be built
            (the previous output is left in place), or (``strict``) a page or
            manifest is bad.
    """
    if engine not in ("local", "dask"):
        raise InputError(f"engine {engine!r} is not known; expected 'local' or 'dask'")
    if workers is not None and workers < 1:
        raise InputError(f"workers={workers}; expected 1 or more")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(out_dir / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout as e:
        raise InputError(
            f"{out_dir}: another build is writing this folder (lock {out_dir / LOCK_NAME}); "
            "wait for it to finish or choose another output folder"
        ) from e
    try:
        return _build_locked(
            [Path(p) for p in paths], out_dir,
            workers=workers, engine=engine, scheduler=scheduler,
            cache=PageCache(cache_dir or out_dir / CACHE_NAME) if use_cache else None,
            strict=strict, progress=progress, formats=formats, nlp=nlp,
            max_bytes=max_bytes, max_chars=max_chars, partition_size=partition_size,
            sparql_store=sparql_store, html_max_nodes=html_max_nodes,
        )  # fmt: skip
    finally:
        lock.release()


def _build_locked(
    paths: list[Path],
    out_dir: Path,
    *,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    cache: PageCache | None,
    strict: bool,
    progress: bool | None,
    formats: Sequence[str] | None,
    nlp: Language | None,
    max_bytes: int,
    max_chars: int,
    partition_size: int,
    sparql_store: bool,
    html_max_nodes: int,
) -> BuildReport:
    from kg.export.rdf import ALL_FORMATS, DEFAULT_FORMATS, RDF_FORMATS

    report = BuildReport()
    t_start = time.perf_counter()
    defaulted = formats is None
    formats = tuple(DEFAULT_FORMATS if formats is None else formats)
    for fmt in formats:
        if fmt not in ALL_FORMATS:
            raise InputError(f"export format {fmt!r} is not one of {list(ALL_FORMATS)}")
    staging = out_dir / STAGING_NAME
    for left in sorted([staging, *out_dir.glob(f"{TMP_PREFIX}*")]):
        if left.exists():
            logger.info("removing %s left by an interrupted build", left)
            shutil.rmtree(left)
    (staging / PAGES_DIR).mkdir(parents=True)
    with ExitStack() as stack:
        fresh = cache is None  # extract every page, keep nothing once built
        if cache is None:
            cache = PageCache(
                Path(
                    stack.enter_context(tempfile.TemporaryDirectory(prefix=TMP_PREFIX, dir=out_dir))
                )
            )
        store = stack.enter_context(PartStore(cache.folder / STORE_NAME))
        report = _build_in(
            paths, out_dir, staging, report, cache=cache, store=store, fresh=fresh,
            formats=formats, defaulted=defaulted,
            rdf_formats=tuple(f for f in formats if f in RDF_FORMATS),
            sparql_store=sparql_store, html_max_nodes=html_max_nodes,
            workers=workers, engine=engine, scheduler=scheduler, strict=strict,
            progress=progress, nlp=nlp, max_bytes=max_bytes, max_chars=max_chars,
            partition_size=partition_size,
        )  # fmt: skip
    report.timings["total"] = time.perf_counter() - t_start
    logger.info(
        "built %d page(s) (%d from cache), skipped %d, %d entities, %d facts in %.1f s",
        report.pages_ok, report.cached, len(report.skipped), report.entities, report.facts,
        report.timings["total"],
    )  # fmt: skip
    return report


@dataclass
class _Built:
    """A page that built: what the link and graph stages need of it."""

    meta: PageMeta
    path: Path
    key: str
    keys: array[int]  # the entity keys its facts and mentions name, as _KeyIds numbers


class _KeyIds:
    """Entity keys as small numbers: a page's keys are held until linking ends."""

    def __init__(self) -> None:
        self._ids: dict[Key, int] = {}
        self.keys: list[Key] = []

    def encode(self, keys: Iterable[Key]) -> array[int]:
        out = array("i")
        for key in keys:
            n = self._ids.get(key)
            if n is None:
                n = self._ids[key] = len(self.keys)
                self.keys.append(key)
            out.append(n)
        return out


def _build_in(
    paths: list[Path],
    out_dir: Path,
    staging: Path,
    report: BuildReport,
    *,
    cache: PageCache,
    store: PartStore,
    fresh: bool,
    formats: tuple[str, ...],
    defaulted: bool,
    rdf_formats: tuple[str, ...],
    sparql_store: bool,
    html_max_nodes: int,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    strict: bool,
    progress: bool | None,
    nlp: Language | None,
    max_bytes: int,
    max_chars: int,
    partition_size: int,
) -> BuildReport:
    """Extract (or find) every page, link them, make the graph's missing parts, write the outputs."""

    def skip(file: str, reason: str) -> None:
        if strict:
            raise InputError(f"{file}: {reason}" if not reason.startswith(file) else reason)
        logger.warning("skipping %s: %s", file, reason)
        report.skipped.append((file, reason))

    pages = collect_pages(paths, on_problem=skip)
    timings = report.timings
    timings.update({"read": 0.0, "extract": 0.0, "link": 0.0, "write_pages": 0.0})

    def prepared() -> Iterator[_Page]:
        for page in pages:
            t0 = time.perf_counter()
            try:
                data = read_page_bytes(page.path, max_bytes=max_bytes)
                page.text, encoding = decode_page(data, page.path)
                if len(page.text) > max_chars:
                    raise InputError(
                        f"{page.path}: {len(page.text):,} characters is more than one page holds "
                        f"(limit {max_chars:,}); split it into one file per page"
                    )
            except InputError as e:
                page.error = str(e)
                page.text = None
            else:
                report.encodings[page.meta.source] = encoding
                report.chars += len(page.text)
                page.key = page_key(data, page.meta)
                if not fresh and cache.has(page.key):
                    page.links = store.get_links(page.key)
                    if page.links is None:
                        page.result = cache.get(page.key)
            timings["read"] += time.perf_counter() - t0
            yield page

    runner = _make_runner(
        engine, workers=workers, scheduler=scheduler, nlp=nlp, n_pages=len(pages),
        partition_size=partition_size,
    )  # fmt: skip
    show = progress if progress is not None else sys.stderr.isatty()
    built: list[_Built] = []
    linker = Linker()
    key_ids = _KeyIds()
    t_extract = time.perf_counter()
    with runner, tqdm(total=len(pages), unit="page", disable=not show, desc="extract") as bar:
        for page in runner.ordered(prepared()):
            bar.update(1)
            if page.error is not None:
                skip(str(page.path), _strip_path(page.error, page.path))
                continue
            assert page.key is not None
            found = page.links
            if found is None:
                assert page.result is not None
                if page.needs_extract:
                    report.extracted += 1
                    cache.put(page.key, page.result)
                else:
                    report.cached += 1
                found = _page_links(page.result)
                store.put_links(page.key, found)
            else:
                report.cached += 1
            t0 = time.perf_counter()
            _stage_page_file(out_dir, staging, page.path.stem, found.page_json)
            timings["write_pages"] += time.perf_counter() - t0
            built.append(_Built(page.meta, page.path, page.key, key_ids.encode(found.keys)))
            report.pages_ok += 1
            report.pages[page.meta.source] = {"chars": len(page.text or ""), **found.counts}
            linker.add(page.meta.source, found.entities)
            # memory stays flat: only the merged entities grow
            page.text = page.result = page.links = page.batch = None
    timings["extract"] = time.perf_counter() - t_extract - timings["read"] - timings["write_pages"]

    if report.pages_ok == 0:
        shutil.rmtree(staging, ignore_errors=True)
        reasons = "; ".join(f"{f}: {r}" for f, r in report.skipped[:3])
        raise InputError(
            f"no page could be built from {', '.join(map(str, paths))} "
            f"({len(report.skipped)} problem(s){': ' + reasons if reasons else ''}); "
            f"{out_dir} is left as it was"
        )
    t0 = time.perf_counter()
    links = linker.links()
    report.entities = len(links.entities)
    timings["link"] = time.perf_counter() - t0
    if defaulted:
        formats = _without_network_files(formats, report)

    t0 = time.perf_counter()
    if sparql_store and "nquads" not in formats:  # the store is loaded from N-Quads chunks
        formats = (*formats, "nquads")
    plans = _plan_parts(built, key_ids.keys, links, formats)
    missing = [(d, make) for d, make in plans if not store.has_part(d)]
    with tqdm(total=len(missing), unit="part", disable=not show, desc="graph") as bar:
        for done in _make_parts(
            missing, cache, links, formats, store, workers if engine == "local" else None
        ):
            bar.update(done)
    report.parts_made = len(missing)
    timings["graph"] = time.perf_counter() - t0

    report.parts = len(plans)

    def parts() -> Iterator[Part]:
        for dig, make in plans:
            part = store.get_part(dig)
            if part is None:  # damaged since it was checked: make it again
                part = make(cache, links, formats)
                store.put_part(dig, part)
            yield part

    def views() -> Iterator[list[tuple[str, str, str]]]:
        for dig, _ in plans:
            yield store.get_view(dig) or []

    written = _export(
        parts(), views, staging, formats, rdf_formats, report, html_max_nodes=html_max_nodes
    )
    if sparql_store:
        t0 = time.perf_counter()
        report.store_sync = sync_store(out_dir / STORE_DIR, store, [d for d, _ in plans])
        timings["store"] = time.perf_counter() - t0
    if not fresh:
        store.prune({d for d, _ in plans}, {b.key for b in built})
    page_files = [out_dir / PAGES_DIR / f"{b.path.stem}.json" for b in built]
    report.outputs = sorted(
        [out_dir / p.relative_to(staging) for p in written] + page_files + [out_dir / REPORT_NAME]
    )
    doc = json.dumps(report.to_json(out_dir), ensure_ascii=False, indent=2, sort_keys=True)
    atomic_write_text(staging / REPORT_NAME, doc + "\n")
    _publish(staging, out_dir, keep_pages={p.name for p in page_files})
    return report


def _without_network_files(formats: tuple[str, ...], report: BuildReport) -> tuple[str, ...]:
    """The default formats, less GraphML and GEXF when the graph is too large for them."""
    from kg.export.rdf import NETWORK_FORMATS

    facts = sum(counts.get("facts", 0) for counts in report.pages.values())
    if facts <= NETWORK_MAX_FACTS:
        return formats
    for fmt in formats:
        if fmt in NETWORK_FORMATS:
            why = (
                f"{facts:,} facts; networkx holds the whole graph to write it (~1 GB per 200,000 "
                f"facts), so the default leaves it out above {NETWORK_MAX_FACTS:,}: "
                f"kg build --format {fmt} … writes it anyway"
            )
            report.left_out[fmt] = why
            logger.warning("not writing %s: %s", NETWORK_FORMATS[fmt], why)
    return tuple(f for f in formats if f not in NETWORK_FORMATS)


def _page_links(result: PageResult) -> PageLinks:
    """What later builds need of one extracted page."""
    doc = json.dumps(to_gold_json(result), ensure_ascii=False, indent=2) + "\n"
    counts = {
        "articles": len(result.articles),
        "entities": len(result.entities),
        "facts": len(result.facts),
    }
    return PageLinks(result.entities, frozenset(page_keys(result)), doc, counts)


def _stage_page_file(out_dir: Path, staging: Path, stem: str, text: str) -> None:
    """Stage ``pages/<stem>.json`` unless the output folder already holds exactly ``text``."""
    data = text.encode("utf-8")
    current = out_dir / PAGES_DIR / f"{stem}.json"
    try:
        if current.read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write_bytes(staging / PAGES_DIR / f"{stem}.json", data)


_Maker = Callable[[PageCache, Links, tuple[str, ...]], Part]


def _plan_parts(
    built: list[_Built], keys: list[Key], links: Links, formats: tuple[str, ...]
) -> list[tuple[str, _Maker]]:
    """Every part of the graph in file order (newspapers, entity buckets, pages), as (digest, maker)."""
    version = graph_version()
    names = sorted({b.meta.newspaper for b in built if b.meta.newspaper})
    plans: list[tuple[str, _Maker]] = [
        (newspapers_digest(version, formats, names), lambda c, lk, f: newspapers_part(names, f))
    ]
    for name, ents in entity_buckets(links).items():
        plans.append(
            (
                bucket_digest(version, formats, name, ents, links),
                lambda c, lk, f, ents=ents: bucket_part(ents, lk, f),  # type: ignore[misc]
            )
        )
    for b in sorted(built, key=lambda b: b.meta.source):
        plans.append(
            (
                page_digest(version, formats, b.key, b.meta, [keys[i] for i in b.keys], links),
                lambda c, lk, f, b=b: page_part(_cached_result(c, b), lk, f),  # type: ignore[misc]
            )
        )
    return plans


# Many parts are made in worker processes forked after linking, which inherit the
# jobs, the cache and the links from here: only index ranges go to them, and each
# stores its parts in the part store itself (SQLite serialises the writes).
_PART_JOBS: tuple[list[tuple[str, _Maker]], PageCache, Links, tuple[str, ...], Path] | None = None
PARTS_PER_TASK = 16
POOL_MIN_PARTS = 64


def _make_part_range(start: int, stop: int) -> int:
    """Worker: make and store the parts of jobs[start:stop]; how many."""
    assert _PART_JOBS is not None
    jobs, cache, links, formats, path = _PART_JOBS
    with PartStore(path) as store:
        for dig, make in jobs[start:stop]:
            store.put_part(dig, make(cache, links, formats))
    return stop - start


def _make_parts(
    jobs: list[tuple[str, _Maker]],
    cache: PageCache,
    links: Links,
    formats: tuple[str, ...],
    store: PartStore,
    workers: int | None,
) -> Iterator[int]:
    """Make and store each job's part; yields how many were done as they finish.

    Many parts are made by forked workers (``workers``, None: one per core),
    a few in this process.
    """
    global _PART_JOBS
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= POOL_MIN_PARTS else 1
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for dig, make in jobs:
            store.put_part(dig, make(cache, links, formats))
            yield 1
        return
    _PART_JOBS = (jobs, cache, links, formats, store.path)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [
                pool.submit(_make_part_range, start, min(start + PARTS_PER_TASK, len(jobs)))
                for start in range(0, len(jobs), PARTS_PER_TASK)
            ]
            for future in futures:
                yield future.result()
    except BrokenProcessPool:  # a worker died (killed for memory?): what it left is made here
        logger.warning("a worker making the graph's parts died; making the rest in this process")
        for dig, make in jobs:
            if not store.has_part(dig):
                store.put_part(dig, make(cache, links, formats))
                yield 1
    finally:
        _PART_JOBS = None


def _cached_result(cache: PageCache, built: _Built) -> PageResult:
    """The extraction result of a built page, from the cache (extracted again if the entry is gone)."""
    result = cache.get(built.key)
    if result is None:
        logger.warning("%s: cached result missing; extracting the page again", built.path)
        text, _ = decode_page(read_page_bytes(built.path), built.path)
        result = extract_page(text, built.meta, _worker_nlp())
        cache.put(built.key, result)
    return result


def collect_pages(paths: Iterable[Path], *, on_problem: Callable[[str, str], None]) -> list[_Page]:
    """The pages of ``paths`` with their manifest metadata, in a fixed order.

    Folders are searched for ``*.txt`` entries (every entry, so a folder or a
    broken link named ``x.txt`` is reported rather than silently dropped);
    a page named by path takes its metadata from its folder's manifest.
    Problems (bad manifest, manifest rows naming missing files, missing
    paths, two pages with one name) go to ``on_problem(file, reason)``.
    """
    manifests: dict[Path, dict[str, PageMeta]] = {}

    def manifest_of(folder: Path) -> dict[str, PageMeta]:
        if folder not in manifests:
            try:
                manifests[folder] = read_manifest(folder)
            except InputError as e:
                on_problem(str(folder / MANIFEST), _strip_path(str(e), folder / MANIFEST))
                manifests[folder] = {}
        return manifests[folder]

    found: list[tuple[Path, PageMeta]] = []
    for p in paths:
        if p.is_dir():
            manifest = manifest_of(p)
            entries = sorted(p.glob("*.txt"))
            names = {q.name for q in entries}
            for name in sorted(set(manifest) - names):
                on_problem(str(p / MANIFEST), f"lists {name!r}, which is not in {p}")
            found.extend((q, page_meta(q, manifest)) for q in entries)
        elif os.path.lexists(p) and not p.is_dir():
            found.append((p, page_meta(p, manifest_of(p.parent))))
        else:
            on_problem(str(p), "no such file or folder")
    found.sort(key=lambda item: (item[0].name, str(item[0])))
    pages: list[_Page] = []
    stems: dict[str, Path] = {}
    for path, meta in found:
        stem = path.stem
        if stem in stems:
            if stems[stem] != path:
                on_problem(
                    str(path),
                    f"another page named {stem!r} is already in the build ({stems[stem]})",
                )
            continue
        if not stem or stem in (".", "..") or Path(stem).name != stem:
            on_problem(str(path), "name cannot be used for an output file")
            continue
        stems[stem] = path
        pages.append(_Page(index=len(pages), path=path, meta=meta))
    return pages


def _strip_path(message: str, path: Path) -> str:
    """``message`` without a leading ``"<path>: "`` (the report names the file)."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


# -- engines -------------------------------------------------------------------

_WORKER_NLP: Language | None = None


def _worker_nlp() -> Language:
    """The pipeline of this worker process, loaded on first use."""
    global _WORKER_NLP
    if _WORKER_NLP is None:
        from kg.recognise.pipeline import build_nlp

        _WORKER_NLP = build_nlp()
    return _WORKER_NLP


def _init_worker() -> None:
    """Process-pool initializer: load the pipeline once per worker."""
    logging.getLogger().setLevel(logging.WARNING)
    _worker_nlp()


def extract_batch(
    pages: list[tuple[str, PageMeta]], nlp: Language | None = None
) -> list[PageResult | str]:
    """Extract each ``(text, meta)``; a page that fails gives its reason instead.

    Any exception from one page's extraction is caught here on purpose: a
    page that breaks a stage must not stop the pages after it. The traceback
    is logged and the reason goes into the build report.
    """
    nlp = nlp or _worker_nlp()
    out: list[PageResult | str] = []
    for text, meta in pages:
        try:
            out.append(extract_page(text, meta, nlp))
        except Exception as e:  # noqa: BLE001  (fault isolation, reported)
            logger.debug("%s: extraction failed", meta.source, exc_info=True)
            out.append(f"extraction failed: {type(e).__name__}: {e}")
    return out


class _Runner:
    """Runs extraction batches and yields pages back in input order."""

    batch_size = 1

    def __init__(self, *, window: int) -> None:
        self.window = window

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release workers."""

    def submit(self, batch: list[tuple[str, PageMeta]]) -> _Future:
        raise NotImplementedError

    def alone(self, text: str, meta: PageMeta) -> PageResult | str:
        """Extract again, by itself, a page whose worker process died; the reason if it fails."""
        return "the worker process extracting this page died"

    def ordered(self, pages: Iterable[_Page]) -> Iterator[_Page]:
        """Extract the pages that need it; yield every page in input order.

        At most ``window`` pages are in flight, so memory does not grow with
        the corpus.
        """
        pending: deque[_Page] = deque()
        batch: list[_Page] = []

        def flush() -> None:
            if batch:
                b = _Batch(self.submit([(p.text or "", p.meta) for p in batch]))
                for slot, p in enumerate(batch):
                    p.batch, p.slot = b, slot
                batch.clear()

        def finish(p: _Page) -> _Page:
            if p.needs_extract:
                if p.batch is None:  # still in the open batch
                    flush()
                assert p.batch is not None
                try:
                    outcome = p.batch.get(p.slot)
                except BrokenProcessPool:
                    outcome = self.alone(p.text or "", p.meta)
                if isinstance(outcome, str):
                    p.error = outcome
                else:
                    p.result = outcome
            return p

        for page in pages:
            pending.append(page)
            if page.error is None and page.result is None and page.links is None:
                page.needs_extract = True
                batch.append(page)
                if len(batch) >= self.batch_size:
                    flush()
            while len(pending) > self.window:
                yield finish(pending.popleft())
        flush()
        while pending:
            yield finish(pending.popleft())


class _LocalRunner(_Runner):
    """Extraction in this process."""

    def __init__(self, nlp: Language | None) -> None:
        super().__init__(window=1)
        self._nlp = nlp

    def submit(self, batch: list[tuple[str, PageMeta]]) -> _Future:
        if self._nlp is None:
            from kg.recognise.pipeline import build_nlp

            self._nlp = build_nlp()
        return _Done(extract_batch(batch, self._nlp))


class _PoolRunner(_Runner):
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

    def __init__(self, workers: int, nlp: Language | None) -> None:
        super().__init__(window=4 * workers)
        self.workers = workers
        self._nlp = nlp
        self._pool: ProcessPoolExecutor | None = None
        self._lone: ProcessPoolExecutor | None = None

    def _start(
        self, workers: int, batch: list[tuple[str, PageMeta]]
    ) -> tuple[ProcessPoolExecutor, _Future]:
        """A new pool of ``workers`` processes, and the future of ``batch``, its first task."""
        global _WORKER_NLP
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        if method == "fork" and _WORKER_NLP is None:
            _WORKER_NLP = self._nlp or _worker_nlp()
        pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context(method), initializer=_init_worker
        )
        future: Future[list[PageResult | str]] = pool.submit(extract_batch, batch)
        if method == "fork":  # every worker is forked by now: this process needs no pipeline
            _WORKER_NLP = None
        return pool, future

    def submit(self, batch: list[tuple[str, PageMeta]]) -> _Future:
        if self._pool is not None:  # started on first need: a cached rebuild starts none
            try:
                return self._pool.submit(extract_batch, batch)
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool, future = self._start(self.workers, batch)
        return future

    def alone(self, text: str, meta: PageMeta) -> PageResult | str:
        logger.warning("a worker process died: extracting %s again on its own", meta.source)
        if self._lone is None:
            self._lone, future = self._start(1, [(text, meta)])
        else:
            future = self._lone.submit(extract_batch, [(text, meta)])
        try:
            return future.result()[0]
        except BrokenProcessPool:
            self._lone.shutdown(wait=False, cancel_futures=True)
            self._lone = None
            return (
                "the worker process extracting this page died, twice (killed for lack of "
                "memory, or a crash in native code); the other pages were built"
            )

    def close(self) -> None:
        for pool in (self._pool, self._lone):
            if pool is not None:
                pool.shutdown(cancel_futures=True)


class _DaskRunner(_Runner):
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

    def submit(self, batch: list[tuple[str, PageMeta]]) -> _Future:
        client = self._client or self._connect()
        return client.submit(extract_batch, batch, pure=False)  # type: ignore[no-any-return]

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _make_runner(
    engine: str,
    *,
    workers: int | None,
    scheduler: str | None,
    nlp: Language | None,
    n_pages: int,
    partition_size: int,
) -> _Runner:
    if engine == "dask":
        return _DaskRunner(workers, scheduler, partition_size)
    if workers is None:
        cores = os.cpu_count() or 1
        workers = 1 if n_pages < POOL_MIN_PAGES else min(cores, n_pages // PAGES_PER_WORKER)
    if workers <= 1:
        return _LocalRunner(nlp)
    return _PoolRunner(workers, nlp)


# -- outputs -------------------------------------------------------------------


def _export(
    parts: Iterable[Part],
    views: Callable[[], Iterable[list[tuple[str, str, str]]]],
    staging: Path,
    formats: tuple[str, ...],
    rdf_formats: tuple[str, ...],
    report: BuildReport,
    html_max_nodes: int,
) -> list[Path]:
    """Write the RDF files by joining the parts, then the network files and the HTML page.

    GraphML and GEXF need the whole networkx view. Without them only the
    page's nodes are drawn: entities are counted while the RDF files are
    written (``DegreeCount``), then the best-connected ones' nodes and edges,
    with the few sentences the page shows, are read again from the parts
    (``views()``, ``DrawnView``), so the memory this takes does not grow with
    the corpus's facts.
    """
    from kg.export.html import MAX_EDGE_EVIDENCE, MAX_EVIDENCE, write_html
    from kg.export.rdf import NETWORK_FORMATS, plain_network, serialize_network, write_chunks
    from kg.graph.rdf import DegreeCount, DrawnView, ViewIndex, to_networkx

    t0 = time.perf_counter()
    wanted = [fmt for fmt in formats if fmt in NETWORK_FORMATS]
    view = ViewIndex()
    counts = DegreeCount()

    def chunks() -> Iterator[dict[str, bytes]]:
        for part in parts:
            if wanted:
                view.extend(part.view)
            else:
                counts.add(part.view)
            report.facts += part.facts
            report.quads += part.quads
            yield part.chunks

    written = write_chunks(chunks(), staging, rdf_formats)
    timings = report.timings
    timings["export_rdf"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    whole = None
    with paused_gc():
        if wanted:
            network = to_networkx(view)
        else:
            drawn = DrawnView(
                counts.best(html_max_nodes),
                node_evidence=MAX_EVIDENCE,
                edge_evidence=MAX_EDGE_EVIDENCE,
            )
            for triples in views():
                drawn.add(triples)
            network = drawn.to_networkx()
            whole = (len(counts.entities), counts.degree)
        plain = plain_network(network) if wanted else None
        for fmt in wanted:
            path = staging / NETWORK_FORMATS[fmt]
            atomic_write_bytes(path, serialize_network(plain, fmt, plain=True))
            written.append(path)
        del plain
    timings["export_network"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_html(network, staging / HTML_NAME, max_nodes=html_max_nodes, whole=whole)
    timings["export_html"] = time.perf_counter() - t0
    return sorted([*written, staging / HTML_NAME])


def _output_names() -> frozenset[str]:
    from kg.export.rdf import NETWORK_FORMATS, RDF_FORMATS

    return frozenset([*(name for _, name in RDF_FORMATS.values()), *NETWORK_FORMATS.values()])


def _publish(staging: Path, out_dir: Path, *, keep_pages: set[str]) -> None:
    """Move every staged file into ``out_dir`` (atomic renames), the report last."""
    staged = sorted(p for p in staging.rglob("*") if p.is_file() and not p.name.startswith("."))
    staged.sort(key=lambda p: p.name == REPORT_NAME)
    for src in staged:
        dest = out_dir / src.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
    for old in sorted((out_dir / PAGES_DIR).glob("*.json")):
        if old.name not in keep_pages:
            old.unlink()
    written = {p.name for p in staged}
    for name in _output_names() - written:  # a format the last build wrote and this one did not
        (out_dir / name).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.corpus.build OUT PATH…``: a bare entry point for scripts and tests."""
    parser = argparse.ArgumentParser(prog="python -m kg.corpus.build", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("paths", type=Path, nargs="+")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--engine", default="local", choices=("local", "dask"))
    parser.add_argument("--scheduler")
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--formats", help="comma-separated export formats (default: the usual set)")
    parser.add_argument("--timings", action="store_true", help="print seconds per stage as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        report = build(
            args.paths, args.out_dir, workers=args.workers, engine=args.engine,
            scheduler=args.scheduler, cache_dir=args.cache_dir, use_cache=not args.no_cache,
            strict=args.strict, formats=args.formats.split(",") if args.formats else None,
        )  # fmt: skip
    except KgError as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
    for file, reason in report.skipped:
        sys.stderr.write(f"skipped {file}: {reason}\n")
    if args.timings:
        counts = {"extracted": report.extracted, "parts": report.parts, "made": report.parts_made}
        sys.stdout.write(json.dumps({"timings": report.timings, **counts}) + "\n")
    return 1 if report.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
