"""A build's output files, written into its staging folder (``kg.corpus.publish`` publishes them).

The RDF files are the graph's parts joined in order; GraphML and GEXF, and
the HTML page, come from the networkx view. A large build that may use more
than one process writes GraphML and GEXF in a process forked for them.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kg.atomic import atomic_write_bytes
from kg.corpus.parts import PartStore
from kg.corpus.workers import can_fork, forked_pool
from kg.export.html import (
    MAX_EDGE_EVIDENCE,
    MAX_EVIDENCE,
    MAX_NAMED,
    PageKeywords,
    write_html,
)
from kg.export.rdf import (
    NETWORK_FORMATS,
    RDF_FORMATS,
    plain_network,
    serialize_network,
    write_chunks,
)
from kg.graph.rdf import DegreeCount, DrawnView, ViewIndex, paused_gc, to_networkx

if TYPE_CHECKING:
    import networkx as nx

    from kg.corpus.options import BuildOptions
    from kg.corpus.plan import GraphParts
    from kg.corpus.report import BuildReport

logger = logging.getLogger(__name__)

HTML_NAME = "graph.html"
# Above this many facts the default formats leave GraphML and GEXF out: networkx
# holds the whole graph for them, with every evidence sentence (~1 GB at 190k
# facts, 10k articles), which would take a 100k-article build far past 4 GB.
NETWORK_MAX_FACTS = 200_000
# From this many facts, a build given more than one process writes GraphML and
# GEXF in a process forked for them, which reads the parts' views itself, while
# the build writes the RDF files and the page. On 1,000 generated articles
# (16k facts) with two workers the three exports took 3.3 s one after the
# other; forking costs ~20 ms.
APART_MIN_FACTS = 5_000


def without_network_files(formats: tuple[str, ...], report: BuildReport) -> tuple[str, ...]:
    """The default formats, less GraphML and GEXF when the graph is too large for them."""
    facts = report.page_facts
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


def export(
    graph: GraphParts,
    staging: Path,
    report: BuildReport,
    *,
    formats: tuple[str, ...],
    options: BuildOptions,
) -> list[Path]:
    """Write the RDF files by joining the parts, then the network files and the HTML page.

    GraphML and GEXF need the whole networkx view. Without them only the
    page's nodes are drawn: entities are counted while the RDF files are
    written (``DegreeCount``), then the best-connected ones' nodes and edges,
    with the few sentences the page shows, are read again from the parts
    (``graph.views()``, ``DrawnView``), so the memory this takes does not
    grow with the corpus's facts.

    A large build that may use more processes than one (``_network_files_forked_for``)
    has a forked process make the whole view and write GraphML and GEXF, while this
    one writes the RDF files and draws the page the lean way (the same bytes).
    """
    t0 = time.perf_counter()
    wanted = [fmt for fmt in formats if fmt in NETWORK_FORMATS]
    apart = bool(wanted) and _network_files_forked_for(report, options)
    whole_here = bool(wanted) and not apart
    view, counts = ViewIndex(), DegreeCount()

    def chunks() -> Iterator[dict[str, bytes]]:
        for part in graph.parts():
            if whole_here:
                view.extend(part.view)
            else:
                counts.add(part.view)
            report.facts += part.facts
            report.quads += part.quads
            yield part.chunks

    rdf_formats = tuple(f for f in formats if f in RDF_FORMATS)
    with _network_files_apart(graph, staging, wanted if apart else []) as network_files:
        written = write_chunks(chunks(), staging, rdf_formats)
        report.timings["export_rdf"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        page = _page_keywords(options)
        with paused_gc():
            if whole_here:
                network = to_networkx(view)
                view = ViewIndex()  # the networkx view holds what the files and the page need
                written += _write_network_files(plain_network(network), staging, wanted)
            else:
                network = _drawn_network(graph, counts, options.html_max_nodes)
                page["whole"] = (len(counts.entities), counts.degree)
        report.timings["export_network"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_html(network, staging / HTML_NAME, **page)
        report.timings["export_html"] = time.perf_counter() - t0
        t0 = time.perf_counter()
    if apart:  # waiting for the process writing the network files
        report.timings["export_network"] += time.perf_counter() - t0
    return sorted([*written, *network_files, staging / HTML_NAME])


def _page_keywords(options: BuildOptions) -> PageKeywords:
    """How the build's page is drawn (``whole`` is set when only its part is drawn)."""
    page: PageKeywords = {"max_nodes": options.html_max_nodes, "whole": None}
    if options.html_title is not None:
        page["title"] = options.html_title
    return page


def _network_files_forked_for(report: BuildReport, options: BuildOptions) -> bool:
    """Whether a process of their own writes the network files: a build that may use more
    than one process, of ``APART_MIN_FACTS`` facts or more, where processes can fork."""
    workers = options.workers if options.engine == "local" else None
    processes = workers or os.cpu_count() or 1
    return processes > 1 and report.page_facts >= APART_MIN_FACTS and can_fork()


def _write_network_files(plain: nx.MultiDiGraph, staging: Path, formats: list[str]) -> list[Path]:
    """Write GraphML / GEXF files of the whole networkx view, as ``plain_network`` copies it."""
    written = []
    for fmt in formats:
        path = staging / NETWORK_FORMATS[fmt]
        atomic_write_bytes(path, serialize_network(plain, fmt, plain=True))
        written.append(path)
    return written


def _whole_network_files(graph: GraphParts, staging: Path, formats: list[str]) -> list[Path]:
    """Make the whole networkx view from the parts' views, then write its GraphML / GEXF files."""
    view = ViewIndex()
    for triples in graph.views():
        view.extend(triples)
    with paused_gc():  # each copy is let go once the next is made
        network = to_networkx(view)
        del view
        plain = plain_network(network)
        del network
        return _write_network_files(plain, staging, formats)


# The build's graph, inherited by the process forked to write the network files.
_APART: GraphParts | None = None


def _network_files_forked(staging: Path, formats: list[str]) -> list[Path]:
    """Forked process: the network files, the views read through a connection of its own."""
    assert _APART is not None
    with PartStore(_APART.store.path, repair=False) as store:  # the build checked it
        return _whole_network_files(dataclasses.replace(_APART, store=store), staging, formats)


@contextmanager
def _network_files_apart(
    graph: GraphParts, staging: Path, formats: list[str]
) -> Iterator[list[Path]]:
    """Write the network files in ``formats`` in a forked process while the block runs; yields their paths.

    The block's end waits for the process. If it died (killed for memory?),
    the files are written here instead. No formats: nothing is forked.
    """
    global _APART
    paths = [staging / NETWORK_FORMATS[fmt] for fmt in formats]
    if not formats:
        yield paths
        return
    _APART = graph
    try:
        with forked_pool(1) as pool:
            done: Future[list[Path]] = pool.submit(_network_files_forked, staging, formats)
            yield paths
            try:
                done.result()
            except BrokenProcessPool:
                logger.warning("the process writing the network files died; writing them here")
                _whole_network_files(graph, staging, formats)
    finally:
        _APART = None


def _drawn_network(graph: GraphParts, counts: DegreeCount, max_nodes: int) -> nx.MultiDiGraph:
    """The view of the best-connected entities only, read again from the parts."""
    drawn = DrawnView(
        counts.best(max_nodes),
        node_evidence=MAX_EVIDENCE,
        edge_evidence=MAX_EDGE_EVIDENCE,
        node_named=MAX_NAMED,
    )
    for triples in graph.views():
        drawn.add(triples)
    return drawn.to_networkx()


def output_names() -> frozenset[str]:
    """The names of every graph file a build may write (any format)."""
    rdf = (name for _, name in RDF_FORMATS.values())
    return frozenset([*rdf, *NETWORK_FORMATS.values(), HTML_NAME])
