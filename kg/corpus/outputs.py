"""A build's output files, written into its staging folder (``kg.corpus.publish`` publishes them).

The RDF files are the graph's parts joined in order; GraphML and GEXF, and
the HTML page, come from the networkx view.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kg.atomic import atomic_write_bytes
from kg.export.html import (
    MAX_EDGE_EVIDENCE,
    MAX_EVIDENCE,
    MAX_NAMED,
    PageKeywords,
    PageOptions,
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

    from kg.corpus.plan import GraphParts
    from kg.corpus.report import BuildReport

logger = logging.getLogger(__name__)

HTML_NAME = "graph.html"
# Above this many facts the default formats leave GraphML and GEXF out: networkx
# holds the whole graph for them, with every evidence sentence (~1 GB at 190k
# facts, 10k articles), which would take a 100k-article build far past 4 GB.
NETWORK_MAX_FACTS = 200_000


def without_network_files(formats: tuple[str, ...], report: BuildReport) -> tuple[str, ...]:
    """The default formats, less GraphML and GEXF when the graph is too large for them."""
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


def export(
    graph: GraphParts,
    staging: Path,
    report: BuildReport,
    *,
    formats: tuple[str, ...],
    page: PageKeywords,
) -> list[Path]:
    """Write the RDF files by joining the parts, then the network files and the HTML page.

    GraphML and GEXF need the whole networkx view. Without them only the
    page's nodes are drawn: entities are counted while the RDF files are
    written (``DegreeCount``), then the best-connected ones' nodes and edges,
    with the few sentences the page shows, are read again from the parts
    (``graph.views()``, ``DrawnView``), so the memory this takes does not
    grow with the corpus's facts.
    """
    t0 = time.perf_counter()
    wanted = [fmt for fmt in formats if fmt in NETWORK_FORMATS]
    view, counts = ViewIndex(), DegreeCount()

    def chunks() -> Iterator[dict[str, bytes]]:
        for part in graph.parts():
            if wanted:
                view.extend(part.view)
            else:
                counts.add(part.view)
            report.facts += part.facts
            report.quads += part.quads
            yield part.chunks

    rdf_formats = tuple(f for f in formats if f in RDF_FORMATS)
    written = write_chunks(chunks(), staging, rdf_formats)
    report.timings["export_rdf"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    whole = None
    with paused_gc():
        if wanted:
            network = to_networkx(view)
            written += _write_network_files(network, staging, wanted)
        else:
            network = _drawn_network(graph, counts, page.get("max_nodes", PageOptions.max_nodes))
            whole = (len(counts.entities), counts.degree)
    report.timings["export_network"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    drawn: PageKeywords = {**page, "whole": whole}
    write_html(network, staging / HTML_NAME, **drawn)
    report.timings["export_html"] = time.perf_counter() - t0
    return sorted([*written, staging / HTML_NAME])


def _write_network_files(network: nx.MultiDiGraph, staging: Path, formats: list[str]) -> list[Path]:
    """Write GraphML / GEXF files of the whole networkx view."""
    plain = plain_network(network)
    written = []
    for fmt in formats:
        path = staging / NETWORK_FORMATS[fmt]
        atomic_write_bytes(path, serialize_network(plain, fmt, plain=True))
        written.append(path)
    return written


def _drawn_network(graph: GraphParts, counts: DegreeCount, max_nodes: int) -> nx.MultiDiGraph:
    """The view of the best-connected entities only, read again from the parts."""
    drawn = DrawnView(
        counts.best(max_nodes),
        node_evidence=MAX_EVIDENCE,
        edge_evidence=MAX_EDGE_EVIDENCE,
        node_named=MAX_NAMED + MAX_EVIDENCE,  # the page leaves out those its evidence shows
    )
    for triples in graph.views():
        drawn.add(triples)
    return drawn.to_networkx()


def output_names() -> frozenset[str]:
    """The names of every graph file a build may write (any format)."""
    rdf = (name for _, name in RDF_FORMATS.values())
    return frozenset([*rdf, *NETWORK_FORMATS.values(), HTML_NAME])
