"""Build a knowledge graph from page files: read, extract, link, make the graph's parts, export.

Pages stream through the build one at a time: each is read, extracted (in
this process, in a pool of forked processes, or as Dask tasks:
``kg.corpus.engines``) or found in the page cache, and its entities are
added to the ``Registry`` in a fixed order; nothing else of a page is kept,
so memory stays flat but for the merged entities, and the result is the same
whichever engine ran. A page that cannot be read or extracted, or that runs
past the page time limit, is reported (file, reason) and skipped; the others
still build. Then the graph is made as parts (``kg.corpus.parts``): the
parts whose inputs did not change since the last build are kept, the others
are made (by forked workers when there are many), and every output file is
the parts joined in a fixed order.

Outputs go to a staging folder inside ``out_dir``, under a lock, and are
published as one generation (``kg.corpus.publish``): a killed build leaves
the previous output whole, and two builds never write one folder at once.
SIGTERM and SIGHUP stop a build as Ctrl-C does, and its workers with it
(``kg.corpus.workers``). A build that finds no page to build writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
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
from kg.corpus.cache import CacheUse, PageCache, page_key
from kg.corpus.engines import make_runner
from kg.corpus.inputs import (
    READ_FORMATS,
    PageJob,
    Reading,
    collect_pages,
    read_input,
    strip_path,
)
from kg.corpus.options import BuildOptions
from kg.corpus.outputs import export, output_names, without_network_files
from kg.corpus.parts import STORE_NAME, PageLinks, PartStore
from kg.corpus.plan import BuiltPage, GraphParts, make_parts, plan_parts
from kg.corpus.publish import (
    PAGES_DIR,
    REPORT_NAME,
    can_link,
    current_generation,
    generation_name,
    publish,
    publish_in_place,
    remove_stale_generations,
    stage_page_file,
)
from kg.corpus.report import STORE_DIR, BuildReport
from kg.corpus.store_sync import sync_store
from kg.corpus.workers import stop_on_signals
from kg.errors import ExportError, InputError
from kg.export.rdf import DEFAULT_FORMATS
from kg.extract import shown, to_gold_json
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
        paths: page files and folders of ``*.txt`` and ``*.pdf`` pages (with ``manifest.csv``).
        out_dir: output folder; created if missing.
        nlp: a loaded pipeline to use in this process (skips loading one).
        options: how to build; or give its fields as keywords (``settings``),
            e.g. ``build(paths, out, workers=2, formats=["turtle"])``.

    Raises:
        InputError: a setting is bad, ``out_dir`` cannot be an output folder,
            another build holds it, no page could be built (nothing is
            written), or (``strict``) a page or manifest is bad.
        ExportError: an output or the cache cannot be written (a full disk);
            the previous output is left in place.
        KeyboardInterrupt: Ctrl-C, SIGTERM or SIGHUP (``Stopped``); the
            previous output is left in place and no worker process remains.
    """
    if options is None:
        options = BuildOptions(**settings)
    elif settings:
        raise TypeError(f"build() takes options or settings, not both: {sorted(settings)}")
    out_dir = Path(out_dir)
    t_start = time.perf_counter()
    with stop_on_signals():
        job = _Build(out_dir, options, nlp)
        pages = job.collect([Path(p) for p in paths])
        try:
            with _Claim(out_dir, options, job.report), _Workspace.open(out_dir, options) as space:
                report = job.run(space, pages)
        except (OSError, sqlite3.Error, ExportError) as e:
            raise ExportError(_write_failure(e, out_dir)) from e
    report.timings["total"] = time.perf_counter() - t_start
    logger.info(
        "built %d page(s) (%d from cache), skipped %d, %d entities, %d facts in %.1f s",
        report.pages_ok, report.cached, len(report.skipped), report.entities, report.facts,
        report.timings["total"],
    )  # fmt: skip
    return report


def _write_failure(error: OSError | sqlite3.Error | ExportError, out_dir: Path) -> str:
    """One line for a failed write: what, why, and that the previous output is intact."""
    if isinstance(error, OSError):
        where = shown(str(error.filename or out_dir))
        what = f"cannot write {where}: {error.strerror or error}"
    elif isinstance(error, ExportError):
        what = str(error)
    else:
        what = f"cannot write the cache: {error}"
    return f"{what}; {shown(str(out_dir))} is left as the previous build left it"


class _Claim:
    """The output folder checked, made if missing and locked; what a build that built nothing made, undone.

    Raises:
        InputError: ``out_dir`` is a file, lies under a file, cannot be
            written, or another build holds its lock.
    """

    def __init__(self, out_dir: Path, options: BuildOptions, report: BuildReport) -> None:
        self.out_dir = out_dir
        self.cache = (options.cache_dir or out_dir / CACHE_NAME) if options.use_cache else None
        self.report = report
        self.made: list[Path] = []
        self.lock = filelock.FileLock(str(out_dir / LOCK_NAME), timeout=0)

    def __enter__(self) -> _Claim:
        out = self.out_dir
        if out.exists() and not out.is_dir():
            raise InputError(f"{shown(str(out))} is a file; expected an output folder")
        existing = next(p for p in (out, *out.parents) if os.path.lexists(p))
        if not existing.is_dir():
            raise InputError(
                f"{shown(str(out))} cannot be made: {shown(str(existing))} is a file, not a folder"
            )
        if not os.access(existing, os.W_OK | os.X_OK):
            raise InputError(
                f"{shown(str(existing))} is not writable; choose another output folder"
            )
        made = [p for p in (out / LOCK_NAME, self.cache) if p and not os.path.lexists(p)]
        made += [p for p in (out, *out.parents) if not os.path.lexists(p)]  # innermost first
        out.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire()
        except filelock.Timeout as e:
            raise InputError(
                f"{shown(str(out))}: another build is writing this folder "
                f"(lock {shown(str(out / LOCK_NAME))}); "
                "wait for it to finish or choose another output folder"
            ) from e
        self.made = made
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.report.pages_ok:
                self._undo()
        finally:
            self.lock.release()

    def _undo(self) -> None:
        """Remove the lock, the cache and the folders this build made, innermost first."""
        for path in self.made:
            try:
                if path == self.cache:
                    shutil.rmtree(path, ignore_errors=True)
                elif path.is_dir():
                    path.rmdir()  # only when empty
                else:
                    path.unlink(missing_ok=True)
            except OSError as e:
                logger.debug("cannot remove %s: %s", path, e)


@dataclass
class _Workspace:
    """Where a build works: the output folder, its staging folder, page cache and part store."""

    out_dir: Path
    staging: Path
    cache: PageCache
    store: PartStore
    fresh: bool  # extract every page, keep nothing once built (no cache)
    linked: bool  # publish generations through symbolic links (kg.corpus.publish)

    @classmethod
    @contextmanager
    def open(cls, out_dir: Path, options: BuildOptions) -> Iterator[_Workspace]:
        """A clean staging folder, and the cache (a temporary one when not caching) with its store."""
        staging = out_dir / STAGING_NAME
        for left in sorted([staging, *out_dir.glob(f"{TMP_PREFIX}*")]):
            if left.exists():
                logger.info("removing %s left by an interrupted build", left)
                shutil.rmtree(left)
        remove_stale_generations(out_dir)
        (staging / PAGES_DIR).mkdir(parents=True)
        with ExitStack() as stack:
            if options.use_cache:
                folder = options.cache_dir or out_dir / CACHE_NAME
            else:
                temporary = tempfile.TemporaryDirectory(prefix=TMP_PREFIX, dir=out_dir)
                folder = Path(stack.enter_context(temporary))
            store = stack.enter_context(PartStore(folder / STORE_NAME))
            fresh = not options.use_cache
            try:
                yield cls(out_dir, staging, PageCache(folder), store, fresh, can_link(out_dir))
            except BaseException:  # stopped or failed: nothing of this build is left in out_dir
                shutil.rmtree(staging, ignore_errors=True)
                raise

    @property
    def current(self) -> Path | None:
        """The folder holding the previous build's page files (to link unchanged ones from)."""
        return current_generation(self.out_dir) if self.linked else self.out_dir


class _Build:
    """One build: its pages collected, then extracted (or found), linked, written, published."""

    def __init__(self, out_dir: Path, options: BuildOptions, nlp: Language | None) -> None:
        self.out_dir = out_dir
        self.options = options
        self.nlp = nlp
        self.report = BuildReport()
        self.registry = Registry()  # the only state kept across pages
        self.built: list[BuiltPage] = []
        self.page_digests: dict[str, str] = {}  # page file stem -> digest of its text

    @property
    def _show_progress(self) -> bool:
        progress = self.options.progress
        return progress if progress is not None else sys.stderr.isatty()

    def collect(self, paths: list[Path]) -> list[PageJob]:
        """The pages of ``paths``, problems reported; writes nothing.

        Raises:
            InputError: no page file among ``paths`` (nothing is written).
        """
        pages = collect_pages(
            paths,
            on_problem=self._skip,
            on_note=self._note,
            reading=Reading(
                self.options.follow_links, self.options.home_place, self.options.fields
            ),
        )
        if not pages:
            raise InputError(self._nothing_built(paths, f"no page ({READ_FORMATS}) in"))
        return pages

    def _nothing_built(self, paths: list[Path], what: str) -> str:
        sources = ", ".join(dict.fromkeys(shown(str(p)) for p in paths))  # a crawl file once
        problems = self.report.skipped + self.report.ignored
        reasons = "; ".join(f"{f}: {r}" for f, r in problems[:10])
        more = f" ({len(problems)} problem(s): {reasons})" if problems else ""
        return f"{what} {sources}{more}; nothing was written, {shown(str(self.out_dir))} is left as it was"

    def run(self, space: _Workspace, pages: list[PageJob]) -> BuildReport:
        """Extract (or find) every page, link them, make the graph's missing parts, write the outputs."""
        self._extract(space, pages)
        if self.report.pages_ok == 0:
            shutil.rmtree(space.staging, ignore_errors=True)
            raise InputError(
                self._nothing_built([p.path for p in pages], "no page could be built of")
            )
        t0 = time.perf_counter()
        self.report.entities = len(self.registry.entities)  # linking ends here
        self.report.timings["link"] = time.perf_counter() - t0
        formats = tuple(DEFAULT_FORMATS if self.options.formats is None else self.options.formats)
        if self.options.formats is None:
            formats = without_network_files(formats, self.report)
        graph = self._make_graph(space, formats)
        self._write(space, graph, formats)
        return self.report

    def _skip(self, file: str, reason: str) -> None:
        file, reason = shown(file), shown(reason)
        if self.options.strict:
            raise InputError(f"{file}: {reason}" if not reason.startswith(file) else reason)
        logger.warning("skipping %s: %s", file, reason)
        self.report.skipped.append((file, reason))

    def _note(self, file: str, reason: str) -> None:
        logger.warning("%s: %s", file, reason)
        self.report.ignored.append((shown(file), shown(reason)))

    def _read(self, space: _Workspace, pages: list[PageJob]) -> Iterator[PageJob]:
        """Each page read, with its cache key, and what the cache holds of it."""
        report = self.report
        for page in pages:
            t0 = time.perf_counter()
            try:
                data, page.text, encoding = read_input(
                    page, max_bytes=self.options.max_bytes, max_chars=self.options.max_chars
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

    def _extract(self, space: _Workspace, pages: list[PageJob]) -> None:
        """Extract the pages the cache lacks and add every page to the registry, in order."""
        timings = self.report.timings
        timings.update({"read": 0.0, "extract": 0.0, "link": 0.0, "write_pages": 0.0})
        runner = make_runner(self.options, nlp=self.nlp, n_pages=len(pages))
        t0 = time.perf_counter()
        bar = tqdm(total=len(pages), unit="page", disable=not self._show_progress, desc="extract")
        with runner, bar:
            for page in runner.ordered(self._read(space, pages)):
                bar.update(1)
                self._add(space, page)
        timings["extract"] = time.perf_counter() - t0 - timings["read"] - timings["write_pages"]

    def _add(self, space: _Workspace, page: PageJob) -> None:
        """Keep what the build needs of a page that was read and extracted (or skip it)."""
        if page.error is not None:
            self._skip(page.where, strip_path(page.error, page.path))
            return
        report = self.report
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
        stage_page_file(space.staging, space.current, page.stem, found.page_json)
        digest = hashlib.blake2b(found.page_json.encode("utf-8"), digest_size=16).hexdigest()
        self.page_digests[page.stem] = digest
        report.timings["write_pages"] += time.perf_counter() - t0
        meta = found.meta or page.meta
        self.built.append(BuiltPage(meta, page.path, page.key, page.record))
        report.note_home(meta)
        report.pages_ok += 1
        report.pages[page.meta.source] = {"chars": len(page.text or ""), **found.counts}
        self.registry.add(page.meta.source, found.entities, names=found.keys)
        page.text = page.result = page.links = page.record = None  # only the registry grows

    def _make_graph(self, space: _Workspace, formats: tuple[str, ...]) -> GraphParts:
        """Every part of the graph, the ones the part store lacks made now."""
        t0 = time.perf_counter()
        if self.options.sparql_store and "nquads" not in formats:  # the store loads N-Quads
            formats = (*formats, "nquads")
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

    def _write(self, space: _Workspace, graph: GraphParts, formats: tuple[str, ...]) -> None:
        """Write every output into the staging folder, keep the store in step, publish, prune."""
        report, out_dir = self.report, space.out_dir
        written = export(graph, space.staging, report, formats=formats, options=self.options)
        if self.options.sparql_store:
            t0 = time.perf_counter()
            report.store_sync = sync_store(out_dir / STORE_DIR, space.store, graph.digests)
            report.timings["store"] = time.perf_counter() - t0
        top = sorted({p.relative_to(space.staging).parts[0] for p in written})
        report.outputs = sorted(
            [out_dir / p.relative_to(space.staging) for p in written]
            + [out_dir / PAGES_DIR / f"{stem}.json" for stem in self.page_digests]
            + [out_dir / REPORT_NAME]
        )
        pages = hashlib.blake2b(repr(sorted(self.page_digests.items())).encode("utf-8"))
        if space.linked:
            report.generation = generation_name(space.staging, pages.hexdigest())
        doc = json.dumps(report.to_json(out_dir), ensure_ascii=False, indent=2, sort_keys=True)
        atomic_write_text(space.staging / REPORT_NAME, doc + "\n")
        names = [*top, PAGES_DIR, REPORT_NAME]
        if space.linked:
            publish(space.staging, out_dir, report.generation or "", names, output_names())
        else:
            publish_in_place(space.staging, out_dir, names, output_names())
        if not space.fresh:
            self._prune(space, graph)

    def _prune(self, space: _Workspace, graph: GraphParts) -> None:
        """Drop the cache entries no output folder sharing the cache used last."""
        uses = CacheUse(space.cache.folder)
        uses.record(space.out_dir, (b.key for b in self.built), graph.digests)
        pages, parts = uses.kept()
        removed = space.cache.prune(pages) + space.store.prune(parts, pages)
        if removed:
            logger.info("removed %d cache entries no build uses any more", removed)


def _page_links(result: PageResult) -> PageLinks:
    """What later builds need of one extracted page."""
    doc = json.dumps(to_gold_json(result), ensure_ascii=False, indent=2) + "\n"
    counts = {
        "articles": len(result.articles),
        "entities": len(result.entities),
        "facts": len(result.facts),
    }
    return PageLinks(result.entities, frozenset(page_keys(result)), doc, counts, result.meta)
