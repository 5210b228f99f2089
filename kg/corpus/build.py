"""Build a knowledge graph from page files: read, extract, link, make the graph's parts, export.

Pages stream through the build one at a time: each is read, extracted (in
this process, in a pool of forked processes, or as Dask tasks:
``kg.corpus.engines``) or found in the page cache, and its entities are
added to the ``Registry`` in a fixed order; nothing else of a page is kept,
so memory stays flat but for the merged entities, and the result is the same
whichever engine ran. A page that cannot be read or extracted is reported
(file, reason) and skipped; the others still build. Then the graph is made as
parts (``kg.corpus.parts``): the parts whose inputs did not change since the
last build are kept, the others are made (by forked workers when there are
many), and every output file is the parts joined in a fixed order.

Outputs go to a staging folder inside ``out_dir`` and are moved into place
file by file with atomic renames, under a lock, so a killed build leaves each
output either complete and new or as the previous build left it, and two
builds never write one folder at once.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filelock
from spacy.language import Language
from tqdm import tqdm

from kg.atomic import atomic_write_text
from kg.corpus.cache import PageCache, page_key
from kg.corpus.engines import make_runner
from kg.corpus.inputs import PageJob, collect_pages, read_text, strip_path
from kg.corpus.options import BuildOptions
from kg.corpus.outputs import (
    PAGES_DIR,
    REPORT_NAME,
    export,
    publish,
    stage_page_file,
    without_network_files,
)
from kg.corpus.parts import STORE_NAME, PageLinks, PartStore
from kg.corpus.plan import BuiltPage, GraphParts, make_parts, plan_parts
from kg.corpus.report import STORE_DIR, BuildReport
from kg.corpus.store_sync import sync_store
from kg.errors import InputError
from kg.export.html import PageKeywords
from kg.export.rdf import DEFAULT_FORMATS
from kg.extract import to_gold_json
from kg.link.registry import Registry, page_keys
from kg.model import PageResult

logger = logging.getLogger(__name__)

LOCK_NAME = ".kg-build.lock"
STAGING_NAME = ".kg-staging"
CACHE_NAME = ".kg-cache"
TMP_PREFIX = ".kg-tmp-"  # a --no-cache build's page results and parts, removed at its end


def build(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    nlp: Language | None = None,
    options: BuildOptions | None = None,
    **settings: Any,
) -> BuildReport:
    """Build the graph and page files of ``paths`` (page files or folders) in ``out_dir``.

    Args:
        paths: page files and folders of ``*.txt`` pages (with ``manifest.csv``).
        out_dir: output folder; created if missing.
        nlp: a loaded pipeline to use in this process (skips loading one).
        options: how to build; or give its fields as keywords (``settings``),
            e.g. ``build(paths, out, workers=2, formats=["turtle"])``.

    Raises:
        InputError: a setting is bad, another build holds ``out_dir``, no page
            could be built (the previous output is left in place), or
            (``strict``) a page or manifest is bad.
    """
    if options is None:
        options = BuildOptions(**settings)
    elif settings:
        raise TypeError(f"build() takes options or settings, not both: {sorted(settings)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir):
        t_start = time.perf_counter()
        with _Workspace.open(out_dir, options) as space:
            report = _Build(space, options, nlp).run([Path(p) for p in paths])
        report.timings["total"] = time.perf_counter() - t_start
    logger.info(
        "built %d page(s) (%d from cache), skipped %d, %d entities, %d facts in %.1f s",
        report.pages_ok, report.cached, len(report.skipped), report.entities, report.facts,
        report.timings["total"],
    )  # fmt: skip
    return report


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the lock of ``out_dir`` while a build writes it.

    Raises:
        InputError: another build holds it.
    """
    lock = filelock.FileLock(str(out_dir / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout as e:
        raise InputError(
            f"{out_dir}: another build is writing this folder (lock {out_dir / LOCK_NAME}); "
            "wait for it to finish or choose another output folder"
        ) from e
    try:
        yield
    finally:
        lock.release()


@dataclass
class _Workspace:
    """Where a build works: the output folder, its staging folder, page cache and part store."""

    out_dir: Path
    staging: Path
    cache: PageCache
    store: PartStore
    fresh: bool  # extract every page, keep nothing once built (no cache)

    @classmethod
    @contextmanager
    def open(cls, out_dir: Path, options: BuildOptions) -> Iterator[_Workspace]:
        """A clean staging folder, and the cache (a temporary one when not caching) with its store."""
        staging = out_dir / STAGING_NAME
        for left in sorted([staging, *out_dir.glob(f"{TMP_PREFIX}*")]):
            if left.exists():
                logger.info("removing %s left by an interrupted build", left)
                shutil.rmtree(left)
        (staging / PAGES_DIR).mkdir(parents=True)
        with ExitStack() as stack:
            if options.use_cache:
                folder = options.cache_dir or out_dir / CACHE_NAME
            else:
                temporary = tempfile.TemporaryDirectory(prefix=TMP_PREFIX, dir=out_dir)
                folder = Path(stack.enter_context(temporary))
            store = stack.enter_context(PartStore(folder / STORE_NAME))
            yield cls(out_dir, staging, PageCache(folder), store, not options.use_cache)


class _Build:
    """One build in a locked output folder: every page extracted or found, linked, written."""

    def __init__(self, space: _Workspace, options: BuildOptions, nlp: Language | None) -> None:
        self.space = space
        self.options = options
        self.nlp = nlp
        self.report = BuildReport()
        self.registry = Registry()  # the only state kept across pages
        self.built: list[BuiltPage] = []

    @property
    def _show_progress(self) -> bool:
        progress = self.options.progress
        return progress if progress is not None else sys.stderr.isatty()

    def run(self, paths: list[Path]) -> BuildReport:
        """Extract (or find) every page, link them, make the graph's missing parts, write the outputs."""
        self._extract(collect_pages(paths, on_problem=self._skip))
        if self.report.pages_ok == 0:
            shutil.rmtree(self.space.staging, ignore_errors=True)
            reasons = "; ".join(f"{f}: {r}" for f, r in self.report.skipped[:3])
            raise InputError(
                f"no page could be built from {', '.join(map(str, paths))} "
                f"({len(self.report.skipped)} problem(s){': ' + reasons if reasons else ''}); "
                f"{self.space.out_dir} is left as it was"
            )
        t0 = time.perf_counter()
        self.report.entities = len(self.registry.entities)  # linking ends here
        self.report.timings["link"] = time.perf_counter() - t0
        formats = tuple(DEFAULT_FORMATS if self.options.formats is None else self.options.formats)
        if self.options.formats is None:
            formats = without_network_files(formats, self.report)
        graph = self._make_graph(formats)
        self._write(graph, formats)
        return self.report

    def _skip(self, file: str, reason: str) -> None:
        if self.options.strict:
            raise InputError(f"{file}: {reason}" if not reason.startswith(file) else reason)
        logger.warning("skipping %s: %s", file, reason)
        self.report.skipped.append((file, reason))

    def _read(self, pages: list[PageJob]) -> Iterator[PageJob]:
        """Each page read, with its cache key, and what the cache holds of it."""
        space, report = self.space, self.report
        for page in pages:
            t0 = time.perf_counter()
            try:
                data, page.text, encoding = read_text(
                    page.path, max_bytes=self.options.max_bytes, max_chars=self.options.max_chars
                )
            except InputError as e:
                page.error = str(e)
            else:
                report.encodings[page.meta.source] = encoding
                report.chars += len(page.text)
                page.key = page_key(data, page.meta)
                if not space.fresh and space.cache.has(page.key):
                    page.links = space.store.get_links(page.key)
                    if page.links is None:
                        page.result = space.cache.get(page.key)
            report.timings["read"] += time.perf_counter() - t0
            yield page

    def _extract(self, pages: list[PageJob]) -> None:
        """Extract the pages the cache lacks and add every page to the registry, in order."""
        timings = self.report.timings
        timings.update({"read": 0.0, "extract": 0.0, "link": 0.0, "write_pages": 0.0})
        runner = make_runner(self.options, nlp=self.nlp, n_pages=len(pages))
        t0 = time.perf_counter()
        bar = tqdm(total=len(pages), unit="page", disable=not self._show_progress, desc="extract")
        with runner, bar:
            for page in runner.ordered(self._read(pages)):
                bar.update(1)
                self._add(page)
        timings["extract"] = time.perf_counter() - t0 - timings["read"] - timings["write_pages"]

    def _add(self, page: PageJob) -> None:
        """Keep what the build needs of a page that was read and extracted (or skip it)."""
        if page.error is not None:
            self._skip(str(page.path), strip_path(page.error, page.path))
            return
        space, report = self.space, self.report
        assert page.key is not None
        found = page.links
        if found is None:
            assert page.result is not None
            if page.needs_extract:
                report.extracted += 1
                space.cache.put(page.key, page.result)
            else:
                report.cached += 1
            found = _page_links(page.result)
            space.store.put_links(page.key, found)
        else:
            report.cached += 1
        t0 = time.perf_counter()
        stage_page_file(space.out_dir, space.staging, page.path.stem, found.page_json)
        report.timings["write_pages"] += time.perf_counter() - t0
        self.built.append(BuiltPage(page.meta, page.path, page.key))
        report.pages_ok += 1
        report.pages[page.meta.source] = {"chars": len(page.text or ""), **found.counts}
        self.registry.add(page.meta.source, found.entities, names=found.keys)
        page.text = page.result = page.links = None  # memory stays flat: only the registry grows

    def _make_graph(self, formats: tuple[str, ...]) -> GraphParts:
        """Every part of the graph, the ones the part store lacks made now."""
        t0 = time.perf_counter()
        if self.options.sparql_store and "nquads" not in formats:  # the store loads N-Quads
            formats = (*formats, "nquads")
        space = self.space
        plans = plan_parts(self.built, self.registry, formats)
        graph = GraphParts(plans, space.cache, self.registry, formats, space.store)
        missing = graph.missing()
        workers = self.options.workers if self.options.engine == "local" else None
        bar = tqdm(total=len(missing), unit="part", disable=not self._show_progress, desc="graph")
        with bar:
            for done in make_parts(graph, missing, workers):
                bar.update(done)
        self.report.parts_made = len(missing)
        self.report.timings["graph"] = time.perf_counter() - t0
        self.report.parts = len(plans)
        return graph

    def _write(self, graph: GraphParts, formats: tuple[str, ...]) -> None:
        """Write every output into the staging folder, keep the store in step, publish."""
        space, report = self.space, self.report
        page: PageKeywords = {"max_nodes": self.options.html_max_nodes}
        if self.options.html_title is not None:
            page["title"] = self.options.html_title
        written = export(graph, space.staging, report, formats=formats, page=page)
        if self.options.sparql_store:
            t0 = time.perf_counter()
            report.store_sync = sync_store(space.out_dir / STORE_DIR, space.store, graph.digests)
            report.timings["store"] = time.perf_counter() - t0
        if not space.fresh:
            space.store.prune(set(graph.digests), {b.key for b in self.built})
        page_files = [space.out_dir / PAGES_DIR / f"{b.path.stem}.json" for b in self.built]
        report.outputs = sorted(
            [space.out_dir / p.relative_to(space.staging) for p in written]
            + page_files
            + [space.out_dir / REPORT_NAME]
        )
        doc = json.dumps(
            report.to_json(space.out_dir), ensure_ascii=False, indent=2, sort_keys=True
        )
        atomic_write_text(space.staging / REPORT_NAME, doc + "\n")
        publish(space.staging, space.out_dir, keep_pages={p.name for p in page_files})


def _page_links(result: PageResult) -> PageLinks:
    """What later builds need of one extracted page."""
    doc = json.dumps(to_gold_json(result), ensure_ascii=False, indent=2) + "\n"
    counts = {
        "articles": len(result.articles),
        "entities": len(result.entities),
        "facts": len(result.facts),
    }
    return PageLinks(result.entities, frozenset(page_keys(result)), doc, counts)
