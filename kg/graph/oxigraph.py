"""rdflib quads as unique pyoxigraph quads in one fixed order, the order every file is written in.

Sorting plain strings rather than rdflib terms (which compare in Python,
slowly) and converting each distinct IRI once is what lets a large corpus
reach the writers quickly; the fixed order is what makes every file written
from the quads byte-identical run to run.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError
from kg.graph.terms import RDF_TYPE

AnyQuad = tuple[Node, Node, Node, Node | None]  # rdflib terms; graph None: the default graph

# A triple's sort key is one string: its subject, rdf:type first, then its
# predicate, IRIs before literals, then the object's text. The parts are joined
# by NUL, which no IRI holds and N-Triples escapes in a literal, so the keys
# sort as the tuples of their parts would, and faster. Quads sort by graph
# name ("" for the default graph, so it comes first), then by triple.
_Key = str
_TYPE, _NOT_TYPE = "\0" + "0", "\0" + "1"
_IRI, _LITERAL = "\0" + "0", "\0" + "1"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a burst of allocation.

    Generating and sorting quads allocates millions of small objects, none in
    a cycle; each allocation burst would start a collection that walks the
    whole heap (spaCy pipeline, corpus), which made the graph stage ~40 %
    slower on 150 pages.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ox_quads(quads: Iterable[AnyQuad]) -> tuple[list[ox.Quad], list[_Key], list[str]]:
    """rdflib quads (graph None: the default graph) as pyoxigraph quads, their triple keys and graph names."""
    as_str = str.__str__
    iris: dict[str, ox.NamedNode] = {}  # each distinct IRI converted once

    def iri(value: str) -> ox.NamedNode:
        found = iris.get(value)
        if found is None:
            found = iris[value] = ox.NamedNode(value)
        return found

    out: list[ox.Quad] = []
    keys: list[_Key] = []
    graphs: list[str] = []
    for s, p, o, g in quads:
        literal = type(o) is Literal or isinstance(o, Literal)
        if not (literal or isinstance(o, URIRef)) or not isinstance(s, URIRef):
            raise InputError(f"quad ({s!r}, {p!r}, {o!r}) holds a blank node; kg mints IRIs only")
        s_str, p_str, o_str = as_str(s), as_str(p), as_str(o)
        if literal:
            if o.language:  # type: ignore[union-attr, attr-defined]
                obj: ox.NamedNode | ox.Literal = ox.Literal(o_str, language=o.language)  # type: ignore[union-attr, attr-defined]
            elif o.datatype is not None:  # type: ignore[union-attr, attr-defined]
                obj = ox.Literal(o_str, datatype=iri(as_str(o.datatype)))  # type: ignore[union-attr, attr-defined]
            else:
                obj = ox.Literal(o_str)
            o_key = str(obj)
        else:
            obj = iri(o_str)
            o_key = o_str
        s_node = iris.get(s_str) or iri(s_str)
        p_node = iris.get(p_str) or iri(p_str)
        if g is None:  # a quad without a graph name is in the default graph (and builds faster)
            out.append(ox.Quad(s_node, p_node, obj))
            graphs.append("")
        else:
            g_str = as_str(g)
            out.append(ox.Quad(s_node, p_node, obj, iris.get(g_str) or iri(g_str)))
            graphs.append(g_str)
        keys.append(
            s_str
            + (_TYPE if p_str == RDF_TYPE else _NOT_TYPE)
            + p_str
            + (_LITERAL if literal else _IRI)
            + o_key
        )
    return out, keys, graphs


def unique_sorted(quads: Iterable[AnyQuad]) -> tuple[list[ox.Quad], array[int]]:
    """Unique quads in quad order, and the indices (into them) of the unique triples in triple order."""
    out, keys, graphs = _ox_quads(quads)
    by_triple = sorted(range(len(out)), key=keys.__getitem__)
    by_quad = sorted(by_triple, key=graphs.__getitem__)  # stable: by triple within a graph
    unique: list[ox.Quad] = []
    position = array("l", bytes(8 * len(out)))  # index in ``unique`` of every quad
    last = -1
    for i in by_quad:
        if last < 0 or graphs[i] != graphs[last] or keys[i] != keys[last]:
            unique.append(out[i])
        position[i] = len(unique) - 1
        last = i
    del out, graphs
    triple_order = array(
        "l",
        (
            position[i]
            for n, i in enumerate(by_triple)
            if n == 0 or keys[i] != keys[by_triple[n - 1]]
        ),
    )
    return unique, triple_order


def sorted_quads(quads: Iterable[AnyQuad]) -> list[ox.Quad]:
    """rdflib quads (graph None: the default graph) as unique pyoxigraph quads in a fixed order.

    The default graph comes first, then the named graphs by name; within a
    graph, subjects are grouped, ``rdf:type`` first.
    """
    return unique_sorted(quads)[0]
