"""The graph's parts a build needs, in file order, and making those the part store lacks.

A part is named by its digest (``kg.corpus.parts.Digests``), worked out
without making it; only the parts the store lacks are made, in forked
worker processes when there are many. The files are then written by
joining every part in order, read back from the store.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kg.corpus.cache import PageCache, graph_version
from kg.corpus.engines import worker_nlp
from kg.corpus.inputs import page_text
from kg.corpus.parts import (
    Digests,
    Part,
    PartStore,
    ViewTriple,
    bucket_part,
    entity_buckets,
    newspapers_part,
    page_part,
)
from kg.corpus.workers import can_fork, forked_pool
from kg.extract import extract_page
from kg.link.registry import Registry
from kg.model import Entity, PageMeta, PageResult

logger = logging.getLogger(__name__)

PARTS_PER_TASK = 16
POOL_MIN_PARTS = 64


@dataclass(frozen=True)
class BuiltPage:
    """A page that built: what the graph's parts need of it."""

    meta: PageMeta
    path: Path
    key: str  # its cache key
    record: str | None = None  # a crawl record's text (its file holds many pages)


@dataclass(frozen=True)
class PlannedPart:
    """A part of this build: its digest, and what makes it if the store lacks it."""

    digest: str
    make: Callable[[GraphParts], Part]


@dataclass
class GraphParts:
    """Every part of one build's graph in file order (newspapers, entity buckets, pages)."""

    plans: list[PlannedPart]
    cache: PageCache
    registry: Registry
    formats: tuple[str, ...]  # the formats each part is serialised in
    store: PartStore

    @property
    def digests(self) -> list[str]:
        """The digest of every part, in file order."""
        return [p.digest for p in self.plans]

    def missing(self) -> list[PlannedPart]:
        """The parts the store lacks."""
        return [p for p in self.plans if not self.store.has_part(p.digest)]

    def parts(self) -> Iterator[Part]:
        """Every part in file order, from the store (made again if damaged since)."""
        for plan in self.plans:
            part = self.store.get_part(plan.digest)
            yield part if part is not None else self._remake(plan)

    def views(self) -> Iterator[list[ViewTriple]]:
        """The view triples of every part in file order (the part made again if damaged)."""
        for plan in self.plans:
            view = self.store.get_view(plan.digest)
            yield view if view is not None else self._remake(plan).view

    def _remake(self, plan: PlannedPart) -> Part:
        """A part found damaged after it was checked: made again and stored."""
        part = plan.make(self)
        self.store.put_part(plan.digest, part)
        return part


def plan_parts(
    built: list[BuiltPage], registry: Registry, formats: tuple[str, ...]
) -> list[PlannedPart]:
    """Every part of the graph in file order, by digest, with what makes each."""
    digests = Digests(graph_version(), formats)
    names = sorted({b.meta.newspaper for b in built if b.meta.newspaper})
    plans = [PlannedPart(digests.newspapers(names), partial(_newspapers, names))]
    for name, ents in entity_buckets(registry).items():
        plans.append(PlannedPart(digests.bucket(name, ents, registry), partial(_bucket, ents)))
    for b in sorted(built, key=lambda b: b.meta.source):
        digest = digests.page(b.key, b.meta, registry.named(b.meta.source), registry)
        plans.append(PlannedPart(digest, partial(_page, b)))
    return plans


def _newspapers(names: list[str], graph: GraphParts) -> Part:
    return newspapers_part(names, graph.formats)


def _bucket(entities: list[Entity], graph: GraphParts) -> Part:
    return bucket_part(entities, graph.registry, graph.formats)


def _page(built: BuiltPage, graph: GraphParts) -> Part:
    return page_part(_cached_result(graph.cache, built), graph.registry, graph.formats)


def _cached_result(cache: PageCache, built: BuiltPage) -> PageResult:
    """The extraction result of a built page, from the cache (extracted again if the entry is gone)."""
    result = cache.get(built.key)
    if result is None:
        logger.warning("%s: cached result missing; extracting the page again", built.path)
        text = (
            built.record if built.record is not None else page_text(built.path, built.meta.source)
        )
        result = extract_page(text, built.meta, worker_nlp())
        cache.put(built.key, result)
    return result


# Many parts are made in worker processes forked after linking, which inherit the
# jobs, the cache and the registry from here: only index ranges go to them, and each
# stores its parts in the part store itself (SQLite serialises the writes).
_FORKED: tuple[GraphParts, list[PlannedPart]] | None = None


def _make_range(start: int, stop: int) -> int:
    """Worker: make and store the parts of jobs[start:stop]; how many."""
    assert _FORKED is not None
    graph, jobs = _FORKED
    with PartStore(graph.store.path, repair=False) as store:  # the build checked it
        for plan in jobs[start:stop]:
            store.put_part(plan.digest, plan.make(graph))
    return stop - start


def make_parts(graph: GraphParts, jobs: list[PlannedPart], workers: int | None) -> Iterator[int]:
    """Make and store each job's part; yields how many were done as they finish.

    Many parts are made by forked workers (``workers``, None: one per core),
    a few in this process.
    """
    global _FORKED
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= POOL_MIN_PARTS else 1
    if workers <= 1 or not can_fork():
        for plan in jobs:
            graph.store.put_part(plan.digest, plan.make(graph))
            yield 1
        return
    _FORKED = (graph, jobs)
    try:
        with forked_pool(workers) as pool:
            try:
                futures = [
                    pool.submit(_make_range, start, min(start + PARTS_PER_TASK, len(jobs)))
                    for start in range(0, len(jobs), PARTS_PER_TASK)
                ]
                for future in futures:
                    yield future.result()
            except BrokenProcessPool:  # a worker died (killed for memory?): the rest is made here
                logger.warning(
                    "a worker making the graph's parts died; making the rest in this process"
                )
                for plan in jobs:
                    if not graph.store.has_part(plan.digest):
                        graph.store.put_part(plan.digest, plan.make(graph))
                        yield 1
    finally:
        _FORKED = None
