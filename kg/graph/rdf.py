"""Build the RDF graph (and its networkx view) from a linked corpus.

``kg.graph.quads`` generates the corpus's quads once. The build takes them
through ``corpus_rdf``: unique pyoxigraph quads in a fixed order
(``kg.graph.oxigraph``, which makes every file written from them
byte-identical) and a small index for the networkx view (``kg.graph.view``),
without an rdflib graph, which for a large corpus cost most of the build's
time and memory. ``build_graph`` and ``build_dataset`` give the same triples
as rdflib objects, for SHACL validation, tests and notebooks.

The names other packages import from here (the quads, the view, the sorting)
are re-exported, so ``from kg.graph.rdf import to_networkx`` keeps working.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.graph.namespaces import KGR, bind_namespaces
from kg.graph.oxigraph import AnyQuad, paused_gc, sorted_quads, unique_sorted
from kg.graph.quads import (
    Key,
    Quad,
    corpus_quads,
    entity_quads,
    newspaper_quads,
    page_quads,
)
from kg.graph.terms import clear_term_caches
from kg.graph.view import DegreeCount, DrawnView, TripleSource, ViewIndex, to_networkx
from kg.model import Corpus

log = logging.getLogger(__name__)

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_PATH = ONTOLOGY_DIR / "kg.ttl"


def build_graph(corpus: Corpus) -> Graph:
    """The whole corpus as one rdflib graph, with every project prefix bound."""
    graph = bind_namespaces(Graph())
    for s, p, o, _ in corpus_quads(corpus):
        graph.add((s, p, o))
    log.info(
        "built graph of %d triples from %d entities and %d facts",
        len(graph),
        len(corpus.entities),
        len(corpus.facts),
    )
    return graph


def build_dataset(corpus: Corpus) -> Dataset:
    """The corpus as a dataset: one named graph per article (its facts and mentions), the rest in the default graph."""
    ds = Dataset()
    bind_namespaces(ds)
    graphs: dict[URIRef, Graph] = {}
    for s, p, o, g in corpus_quads(corpus):
        if g is None:
            ds.default_graph.add((s, p, o))
        else:
            if g not in graphs:
                graphs[g] = ds.graph(g)
            graphs[g].add((s, p, o))
    return ds


@dataclass
class CorpusRdf:
    """A corpus's quads, sorted for the writers, and its networkx index, from one pass.

    ``triple_order`` indexes ``quads``: the unique triples (graph names
    dropped), grouped by subject, for the formats that write one graph.
    """

    quads: list[ox.Quad]
    triple_order: array[int]
    view: ViewIndex
    _triples: list[ox.Triple] | None = field(default=None, init=False, repr=False, compare=False)

    def triples(self) -> list[ox.Triple]:
        """The unique triples, grouped by subject, ``rdf:type`` first.

        Made once: Turtle, N-Triples and JSON-LD each write them.
        """
        if self._triples is None:
            quads = self.quads
            self._triples = [quads[i].triple for i in self.triple_order]
        return self._triples


def _rdf_of(quads: Iterable[Quad | AnyQuad], *, keep_view: bool = False) -> CorpusRdf:
    """Sort ``quads`` for the writers and index them for the networkx view.

    ``keep_view`` also lists the view's triples (``rdf.view.kept``), to store
    with a part of the graph (``kg.corpus.parts``).
    """
    view = ViewIndex(keep=keep_view)

    def feed() -> Iterator[AnyQuad]:
        for quad in quads:
            view.add(quad[0], quad[1], quad[2])
            yield quad

    with paused_gc():
        ordered, triple_order = unique_sorted(feed())
    return CorpusRdf(ordered, triple_order, view)


def quads_rdf(quads: Iterable[AnyQuad], *, keep_view: bool = False) -> CorpusRdf:
    """``quads`` (rdflib terms, graph None: the default graph) sorted and indexed like ``corpus_rdf``'s."""
    return _rdf_of(quads, keep_view=keep_view)


def corpus_rdf(corpus: Corpus) -> CorpusRdf:
    """Generate the quads of ``corpus`` once: sorted pyoxigraph quads plus the networkx index."""
    rdf = _rdf_of(corpus_quads(corpus))
    log.info(
        "generated %d quads (%d triples) from %d entities and %d facts",
        len(rdf.quads),
        len(rdf.triple_order),
        len(corpus.entities),
        len(corpus.facts),
    )
    return rdf


def graph_rdf(graph: Graph | Dataset) -> CorpusRdf:
    """The quads of an rdflib graph or dataset, sorted and indexed like ``corpus_rdf``'s."""
    if isinstance(graph, Dataset):
        default = DATASET_DEFAULT_GRAPH_ID
        quads: Iterable[AnyQuad] = (
            (s, p, o, None if g == default else g)
            for s, p, o, g in graph.quads((None, None, None, None))
        )
    else:
        quads = ((s, p, o, None) for s, p, o in graph)
    return _rdf_of(quads)


def validate(graph: Graph) -> tuple[bool, str]:
    """Check ``graph`` against ``ontology/shapes.ttl`` (warnings do not break conformance)."""
    import pyshacl

    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    conforms, _, text = pyshacl.validate(
        graph, shacl_graph=shapes, allow_warnings=True, advanced=True
    )
    return bool(conforms), str(text)


__all__ = [
    "KGR",
    "ONTOLOGY_PATH",
    "SHAPES_PATH",
    "CorpusRdf",
    "DegreeCount",
    "DrawnView",
    "Key",
    "Quad",
    "TripleSource",
    "ViewIndex",
    "build_dataset",
    "build_graph",
    "clear_term_caches",
    "corpus_quads",
    "corpus_rdf",
    "entity_quads",
    "graph_rdf",
    "newspaper_quads",
    "page_quads",
    "paused_gc",
    "quads_rdf",
    "sorted_quads",
    "to_networkx",
    "validate",
]
