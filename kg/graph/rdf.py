"""Build the RDF graph (and its networkx view) from a linked corpus.

Every entity becomes a node with ``skos:prefLabel`` and ``skos:altLabel``;
every fact becomes a direct triple (``head kg:promotes tail``) plus a reified
``kg:Fact`` node carrying its attributes and its provenance (the article it
was derived from, the sentence, raw offsets); every mention becomes a
``kg:Mention`` node. No blank nodes are used, so the same corpus always gives
the same triples.

``corpus_quads`` generates them once. The build takes them through
``corpus_rdf``: unique pyoxigraph quads in a fixed order (which makes every
file written from them byte-identical) and a small index for the networkx
view, without an rdflib graph, which for a large corpus cost most of the
build's time and memory. ``build_graph`` and ``build_dataset`` give the same
triples as rdflib objects, for SHACL validation, tests and notebooks.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol

import networkx as nx
import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib import namespace as _ns
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kg.errors import InputError
from kg.graph.namespaces import (
    ENTITY_CLASSES,
    KGR,
    ORG_KIND_CLASSES,
    RELATION_PROPERTIES,
    article_iri,
    bind_namespaces,
    entity_iri,
    fact_iri,
    mention_iri,
    newspaper_iri,
    page_iri,
    post_iri,
)
from kg.graph.namespaces import KG as _KG
from kg.graph.namespaces import ORG as _ORG
from kg.model import Article, Corpus, Entity, Fact, Mention, PageMeta

log = logging.getLogger(__name__)


class _Vocab:
    """A namespace whose terms are built once: rdflib builds a new URIRef on every attribute access."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):  # not a term: introspection (copy, pickle, pytest) asks for these
            raise AttributeError(name)
        term: URIRef = getattr(self._namespace, name)
        setattr(self, name, term)  # later lookups find the attribute and skip __getattr__
        return term


KG = _Vocab(_KG)
ORG = _Vocab(_ORG)
RDF = _Vocab(_ns.RDF)
RDFS = _Vocab(_ns.RDFS)
SKOS = _Vocab(_ns.SKOS)
DCTERMS = _Vocab(_ns.DCTERMS)
PROV = _Vocab(_ns.PROV)
XSD = _Vocab(_ns.XSD)

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_PATH = ONTOLOGY_DIR / "kg.ttl"

Quad = tuple[URIRef, URIRef, Node, URIRef | None]  # graph None: the default graph
Key = tuple[str, str]  # Entity.key

_CLASS_TYPES = {cls: t for t, (_, cls) in ENTITY_CLASSES.items()}
_PROPERTY_RELATIONS = {p: r for r, p in RELATION_PROPERTIES.items()}


# Many quads repeat one page, article, entity, sentence or small number; minting an
# IRI percent-encodes it character by character and rdflib checks every literal,
# so the terms are built once (bounded caches; typed, so that 1 and True differ).
_CACHE = 1 << 16
_entity_iri = lru_cache(maxsize=_CACHE)(entity_iri)
_page_iri = lru_cache(maxsize=_CACHE)(page_iri)
_article_iri = lru_cache(maxsize=_CACHE)(article_iri)
_value = lru_cache(maxsize=_CACHE, typed=True)(Literal)


@lru_cache(maxsize=_CACHE)
def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _entity_quads(ent: Entity, known: Set[Key]) -> Iterator[Quad]:
    """Triples describing one entity (type, labels, place attributes)."""
    iri = entity_iri(ent.type, ent.canonical)
    yield iri, RDF.type, ENTITY_CLASSES[ent.type][1], None
    yield iri, SKOS.prefLabel, _zh(ent.canonical), None
    yield iri, RDFS.label, _zh(ent.canonical), None
    for alias in sorted(ent.mentions - {ent.canonical}):
        yield iri, SKOS.altLabel, _zh(alias), None
    yield iri, KG.core, Literal(bool(ent.core)), None
    if ent.type == "PERSON" and ent.pseudonym:
        yield iri, KG.pseudonym, Literal(True), None
    if ent.type == "ORG" and ent.kind:
        yield iri, KG.orgKind, Literal(ent.kind), None
        if ent.kind in ORG_KIND_CLASSES:
            yield iri, RDF.type, ORG_KIND_CLASSES[ent.kind], None
        else:
            log.warning(
                "ORG %s has kind %r, which has no class in the ontology", ent.canonical, ent.kind
            )
    if ent.type == "PLACE":
        if ent.level:
            yield iri, KG.adminLevel, Literal(ent.level), None
        if ent.code:
            yield iri, KG.divisionCode, Literal(ent.code), None
        if ent.parent:
            if ("PLACE", ent.parent) in known:
                yield iri, KG.partOf, entity_iri("PLACE", ent.parent), None
            else:
                log.debug(
                    "parent %s of place %s is not an entity; no kg:partOf",
                    ent.parent,
                    ent.canonical,
                )


def _newspaper_quads(name: str) -> Iterator[Quad]:
    """The node of one newspaper."""
    paper = newspaper_iri(name)
    yield paper, RDF.type, KG.Newspaper, None
    yield paper, SKOS.prefLabel, _zh(name), None


def _page_quads(meta: PageMeta, articles: Iterable[Article], known: Set[Key]) -> Iterator[Quad]:
    """Triples describing one page and its articles (the newspaper node aside)."""
    page = page_iri(meta.source)
    yield page, RDF.type, KG.Page, None
    yield page, DCTERMS.identifier, Literal(meta.source), None
    if meta.date:
        yield page, DCTERMS.date, Literal(meta.date, datatype=XSD.date), None
    if meta.newspaper:
        yield page, DCTERMS.isPartOf, newspaper_iri(meta.newspaper), None
    if meta.page_no:
        yield page, KG.pageNumber, Literal(meta.page_no), None
    if meta.column:
        yield page, KG.column, _zh(meta.column), None
    if meta.home_place and ("PLACE", meta.home_place) in known:
        yield page, KG.homePlace, entity_iri("PLACE", meta.home_place), None
    for art in articles:
        a = article_iri(meta.source, art.index)
        yield a, RDF.type, KG.Article, None
        yield a, DCTERMS.isPartOf, page, None
        yield a, KG.articleIndex, Literal(art.index), None
        yield a, DCTERMS.title, _zh(art.title), None
        if meta.date:
            yield a, DCTERMS.date, Literal(meta.date, datatype=XSD.date), None
        if art.kicker:
            yield a, KG.kicker, _zh(art.kicker), None
        if art.subtitle:
            yield a, KG.subtitle, _zh(art.subtitle), None
        if art.byline:
            yield a, KG.byline, _zh(art.byline), None
        yield a, KG.titlePrinted, Literal(bool(art.title_printed)), None


def _source_quads(corpus: Corpus) -> Iterator[Quad]:
    """Triples describing pages, newspapers and articles."""
    known = {e.key for e in corpus.entities}
    for meta in sorted(corpus.pages, key=lambda m: m.source):
        yield from _page_quads(meta, corpus.articles.get(meta.source, []), known)
    for name in sorted({m.newspaper for m in corpus.pages if m.newspaper}):
        yield from _newspaper_quads(name)


class _ArticleIndex:
    """Find the article IRI a piece of evidence belongs to."""

    def __init__(self, articles: dict[str, list[Article]]) -> None:
        self._by_title: dict[tuple[str, str], URIRef] = {}
        for source in sorted(articles):
            for art in articles[source]:
                self._by_title.setdefault((source, art.title), article_iri(source, art.index))

    def find(self, source: str, title: str | None) -> URIRef:
        """The article titled ``title`` on page ``source``, or the page itself."""
        if title is not None and (source, title) in self._by_title:
            return self._by_title[(source, title)]
        return page_iri(source)


def _fact_quads(fact: Fact, articles: _ArticleIndex, known: Set[Key]) -> Iterator[Quad]:
    """The direct triple, the reified fact node and its provenance for one fact."""
    if fact.relation not in RELATION_PROPERTIES:
        raise InputError(
            f"fact relation {fact.relation!r} is not one of {sorted(RELATION_PROPERTIES)}"
        )
    if fact.head not in known or (fact.tail is not None and fact.tail not in known):
        log.warning(
            "fact %s %s -> %s names an entity not in the corpus; skipped",
            fact.relation,
            fact.head,
            fact.tail,
        )
        return
    ev = fact.evidence
    attrs = {k: v for k, v in sorted(fact.attrs.items()) if v not in (None, "")}
    head = _entity_iri(*fact.head)
    graph = articles.find(ev.source, ev.article) if ev else None
    if fact.tail is not None:
        tail = _entity_iri(*fact.tail)
    elif ev is not None:
        tail = articles.find(ev.source, attrs.get("article"))
    else:
        log.warning("CREDITED fact for %s has neither tail nor evidence; skipped", fact.head)
        return
    prop = RELATION_PROPERTIES[fact.relation]
    node = fact_iri(
        fact.relation,
        fact.head,
        fact.tail,
        tuple(attrs.items()),
        (ev.source, ev.article, ev.sentence, ev.start, ev.end) if ev else None,
    )
    yield head, prop, tail, graph
    yield node, RDF.type, KG.Fact, graph
    if fact.relation == "AWARDED":
        yield node, RDF.type, KG.Award, graph
    if fact.relation == "CREDITED":
        yield node, RDF.type, KG.Credit, graph
    yield node, KG.relation, _value(fact.relation), graph
    yield node, RDF.subject, head, graph
    yield node, RDF.predicate, prop, graph
    yield node, RDF.object, tail, graph
    if "post" in attrs:
        yield node, KG.post, _zh(attrs["post"]), graph
    if "role" in attrs:
        yield node, KG.role, _zh(attrs["role"]), graph
    if "article" in attrs:
        yield node, KG.articleTitle, _zh(attrs["article"]), graph
    if "year" in attrs:
        year = attrs["year"]
        lit = (
            Literal(year, datatype=XSD.gYear)
            if year.isascii() and year.isdigit() and len(year) == 4
            else Literal(year)
        )
        yield node, KG.year, lit, graph
    if fact.relation == "HOLDS_POST" and "post" in attrs:
        post = post_iri(tail, attrs["post"])
        yield head, ORG.holds, post, graph
        yield post, RDF.type, ORG.Post, graph
        yield post, ORG.postIn, tail, graph
        yield post, KG.postTitle, _zh(attrs["post"]), graph
        yield (
            post,
            SKOS.prefLabel,
            _zh(f"{fact.tail[1] if fact.tail else ''}{attrs['post']}"),
            graph,
        )
    if ev is not None:
        yield node, PROV.wasDerivedFrom, articles.find(ev.source, ev.article), graph
        yield node, DCTERMS.source, _page_iri(ev.source), graph
        yield node, KG.sentence, _zh(ev.sentence), graph
        yield node, KG.rawStart, _value(ev.start), graph
        yield node, KG.rawEnd, _value(ev.end), graph


def _mention_quads(mentions: Iterable[tuple[Mention, str, Key]], known: Set[Key]) -> Iterator[Quad]:
    """A ``kg:Mention`` node per linked mention, in the graph of its article."""
    for m, source, key in mentions:
        if key not in known:
            log.warning(
                "mention %r on %s links to %s, not in the corpus; skipped", m.text, source, key
            )
            continue
        graph = _article_iri(source, m.article)
        node = mention_iri(source, m.article, m.start, m.end, m.label, key)
        yield node, RDF.type, KG.Mention, graph
        yield node, KG.denotes, _entity_iri(*key), graph
        yield node, PROV.value, _value(m.text), graph
        yield node, KG.entityType, _value(m.label), graph
        yield node, PROV.wasDerivedFrom, graph, graph
        yield node, DCTERMS.source, _page_iri(source), graph
        yield node, KG.sentence, _zh(m.sentence), graph
        yield node, KG.cleanStart, _value(m.start), graph
        yield node, KG.cleanEnd, _value(m.end), graph
        if m.raw_start is not None and m.raw_end is not None:
            yield node, KG.rawStart, _value(m.raw_start), graph
            yield node, KG.rawEnd, _value(m.raw_end), graph
        yield node, KG.sentenceStart, _value(m.sentence_start), graph


def corpus_quads(corpus: Corpus) -> Iterator[Quad]:
    """Every triple of the corpus, with the article graph it belongs to (None: default graph)."""
    known = {e.key for e in corpus.entities}
    yield from _source_quads(corpus)
    yield from entity_quads(sorted(corpus.entities, key=lambda e: e.key), known)
    articles = _ArticleIndex(corpus.articles)
    for fact in corpus.facts:
        yield from _fact_quads(fact, articles, known)
    yield from _mention_quads(corpus.mentions, known)
    clear_term_caches()


def clear_term_caches() -> None:
    """Drop the cached terms (a long-lived process, such as kg serve, need not keep the last corpus's)."""
    for cached in (_entity_iri, _page_iri, _article_iri, _value, _zh):
        cached.cache_clear()


def entity_quads(entities: Iterable[Entity], known: Set[Key]) -> Iterator[Quad]:
    """The triples of ``entities`` (all in the default graph); ``known``: every entity key of the corpus."""
    for ent in entities:
        yield from _entity_quads(ent, known)


def newspaper_quads(names: Iterable[str]) -> Iterator[Quad]:
    """The nodes of the newspapers ``names``."""
    for name in names:
        yield from _newspaper_quads(name)


def page_quads(
    meta: PageMeta,
    articles: list[Article],
    facts: Iterable[Fact],
    mentions: Iterable[tuple[Mention, str, Key]],
    known: Set[Key],
) -> Iterator[Quad]:
    """Every triple one page gives the corpus: its page and article nodes, facts and mentions.

    ``facts`` and ``mentions`` carry the corpus's keys (``kg.link.registry.Links.page``);
    ``known`` is every entity key of the corpus. No two pages give the same
    quad, so the corpus's quads are those of its pages, its entities
    (``entity_quads``) and its newspapers (``newspaper_quads``).
    """
    yield from _page_quads(meta, articles, known)
    index = _ArticleIndex({meta.source: articles})
    for fact in facts:
        yield from _fact_quads(fact, index, known)
    yield from _mention_quads(mentions, known)


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


# ---------------------------------------------------------------- pyoxigraph quads


_RDF_TYPE = str(RDF.type)

# Sort key of a triple, built from plain strings (rdflib compares its terms in
# Python, slowly): by subject, rdf:type first, then predicate, IRIs before
# literals, then the object's text. Quads sort by graph name ("" for the
# default graph, so it comes first), then by triple.
_Key = tuple[str, bool, str, bool, str]


def _ox_quads(
    quads: Iterable[tuple[Node, Node, Node, Node | None]],
) -> tuple[list[ox.Quad], list[_Key], list[str]]:
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
        keys.append((s_str, p_str != _RDF_TYPE, p_str, literal, o_key))
    return out, keys, graphs


def _sorted(
    quads: Iterable[tuple[Node, Node, Node, Node | None]],
) -> tuple[list[ox.Quad], array[int]]:
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


def sorted_quads(quads: Iterable[tuple[Node, Node, Node, Node | None]]) -> list[ox.Quad]:
    """rdflib quads (graph None: the default graph) as unique pyoxigraph quads in a fixed order.

    The default graph comes first, then the named graphs by name; within a
    graph, subjects are grouped, ``rdf:type`` first.
    """
    return _sorted(quads)[0]


class TripleSource(Protocol):
    """What ``to_networkx`` reads: an rdflib ``Graph`` (terms) or a ``ViewIndex`` (strings)."""

    def subjects(self, predicate: Any, object: Any) -> Iterable[Any]: ...  # noqa: A002, D102

    def objects(self, subject: Any, predicate: Any) -> Iterable[Any]: ...  # noqa: D102

    def value(self, subject: Any, predicate: Any) -> Any: ...  # noqa: D102


_VIEW_TYPES = frozenset(str(t) for t in (*_CLASS_TYPES, KG.Fact))
_VIEW_PREDICATES = frozenset(
    str(p)
    for p in (
        RDF.subject, RDF.object, RDF.predicate, KG.relation, KG.post, KG.role, KG.year,
        KG.sentence, SKOS.altLabel, SKOS.hiddenLabel, SKOS.prefLabel, KG.locatedIn, KG.partOf,
    )
)  # fmt: skip


class ViewIndex:
    """The few triples ``to_networkx`` reads (types, fact attributes, labels), indexed like a graph.

    A light stand-in for the rdflib graph: mention triples, the bulk of a
    corpus, are never kept, and every term is held as a plain string (an
    IRI, or a literal's text), which is all the view reads and far cheaper
    to keep, pickle and compare than rdflib terms.
    """

    def __init__(self, *, keep: bool = False) -> None:
        self._by_type: dict[str, dict[str, None]] = defaultdict(dict)
        self._objects: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        self.kept: list[tuple[str, str, str]] | None = [] if keep else None

    def add(self, s: Node, p: Node, o: Node) -> None:
        """Keep the triple if ``to_networkx`` reads it (and in ``kept``, when asked to)."""
        p_str = str.__str__(p)
        o_str = str.__str__(o)
        if p_str == _RDF_TYPE:
            if o_str not in _VIEW_TYPES:
                return
        elif p_str not in _VIEW_PREDICATES:
            return
        triple = (str.__str__(s), p_str, o_str)
        self.extend((triple,))
        if self.kept is not None:
            self.kept.append(triple)

    def extend(self, triples: Iterable[tuple[str, str, str]]) -> None:
        """Add triples another index kept (``kept``), without checking them again."""
        by_type, objects = self._by_type, self._objects
        for s, p, o in triples:
            if p == _RDF_TYPE:
                by_type[o][s] = None
            else:
                objects[(s, p)][o] = None

    def subjects(self, predicate: Node, object: Node) -> Iterable[str]:  # noqa: A002
        """Subjects of ``rdf:type`` ``object`` (the only predicate asked for)."""
        if str(predicate) != _RDF_TYPE:
            raise InputError(f"ViewIndex.subjects reads rdf:type only, got {predicate}")
        return list(self._by_type.get(str(object), ()))

    def objects(self, subject: Node | str, predicate: Node) -> Iterable[str]:
        """Objects of (``subject``, ``predicate``)."""
        return list(self._objects.get((str(subject), str(predicate)), ()))

    def value(self, subject: Node | str, predicate: Node) -> str | None:
        """One object of (``subject``, ``predicate``), or None."""
        return next(iter(self._objects.get((str(subject), str(predicate)), ())), None)


_ENTITY_TYPES = frozenset(str(t) for t in _CLASS_TYPES)
# An entity with two classes gets the later one's code, as in to_networkx.
_CLASS_RANK = {str(cls): i for i, cls in enumerate(_CLASS_TYPES)}
_CLASS_CODES = list(_CLASS_TYPES.values())
_FACT = str(KG.Fact)
_FACT_ATTRIBUTES = frozenset(
    str(p)
    for p in (
        RDF.subject, RDF.object, RDF.predicate, KG.relation, KG.sentence, KG.post, KG.role, KG.year
    )
)  # fmt: skip
_ATTRIBUTE_KEYS = {URIRef(p): p for p in _FACT_ATTRIBUTES}  # _fact_edge asks by term
_PREF_LABEL = str(SKOS.prefLabel)
_ALIASES = frozenset(str(p) for p in (SKOS.altLabel, SKOS.hiddenLabel))
_PLACES = frozenset(str(p) for p in (KG.locatedIn, KG.partOf))
_SENTENCE = str(KG.sentence)


def _attribute(attrs: dict[str, str], predicate: URIRef) -> str | None:
    return attrs.get(_ATTRIBUTE_KEYS[predicate])


def _facts_of(
    triples: Iterable[tuple[str, str, str]],
) -> tuple[list[dict[str, str]], list[tuple[str, str, str]]]:
    """One part's facts (in IRI order) and the triples that are not about a fact.

    Each fact is given as its first value per attribute, as ``ViewIndex.value`` gives.
    """
    attrs: dict[str, dict[str, str]] = defaultdict(dict)
    typed: set[str] = set()
    rest = []
    for t in triples:
        s, p, o = t
        if p == _RDF_TYPE and o == _FACT:
            typed.add(s)
        elif p in _FACT_ATTRIBUTES:
            attrs[s].setdefault(p, o)
        else:
            rest.append(t)
    return [attrs.get(fact, {}) for fact in sorted(typed)], rest


class DegreeCount:
    """Each entity's degree in ``to_networkx``'s graph, counted from view triples part by part.

    Lets a large build pick the best-connected entities for its HTML page
    without holding the whole view. Parts that type entities must be added
    before the parts whose facts name them (a build adds the entity buckets
    before the pages).
    """

    def __init__(self) -> None:
        self.entities: set[str] = set()
        self.degree: dict[str, int] = defaultdict(int)
        self._edges: set[bytes] = set()  # digests of (head, tail, relation, label) seen

    def add(self, triples: Iterable[tuple[str, str, str]]) -> None:
        """Count the entities and the new edges of one part's view triples."""
        facts, rest = _facts_of(triples)
        for s, p, o in rest:
            if p == _RDF_TYPE and o in _ENTITY_TYPES:
                self.entities.add(s)
        for attrs in facts:
            head, tail, relation, label = _fact_edge(partial(_attribute, attrs))
            if head not in self.entities or tail not in self.entities:
                continue
            key = "\0".join((str(head), str(tail), relation, label)).encode("utf-8")
            edge = hashlib.blake2b(key, digest_size=12).digest()
            if edge not in self._edges:
                self._edges.add(edge)
                self.degree[head] += 1
                self.degree[tail] += 1

    def best(self, n: int) -> set[str]:
        """The ``n`` entities of highest degree (ties by IRI), as ``kg.export.html`` ranks them."""
        return set(sorted(self.entities, key=lambda e: (-self.degree.get(e, 0), e))[:n])


def _keep_least(kept: list[str], item: str, k: int) -> None:
    """Keep in ``kept`` (sorted) the ``k`` least distinct strings offered."""
    if len(kept) >= k and (not kept or item >= kept[-1]):
        return
    i = bisect_left(kept, item)
    if i < len(kept) and kept[i] == item:
        return
    kept.insert(i, item)
    if len(kept) > k:
        kept.pop()


class DrawnView:
    """``to_networkx``'s graph of some entities only, built from view triples part by part.

    What a large build's HTML page draws: the chosen entities (the
    best-connected, ``DegreeCount.best``), the edges among them, and for
    each node and edge only the first ``node_evidence`` / ``edge_evidence``
    of its sorted source sentences, the ones the page shows. Each part's
    facts are reduced to edges as they come, so memory grows with the chosen
    nodes and their edges, not with the corpus's facts.
    """

    def __init__(self, nodes: Set[str], *, node_evidence: int, edge_evidence: int) -> None:
        self._nodes = {n: n for n in nodes}  # one string per node, shared by its edges
        self._node_evidence_max = node_evidence
        self._edge_evidence_max = edge_evidence
        self._rank: dict[str, int] = {}  # node -> rank of its class in _CLASS_TYPES
        self._labels: dict[str, str] = {}  # every subject's first preferred label (places show it)
        self._aliases: dict[str, set[str]] = defaultdict(set)
        self._places: dict[str, set[str]] = defaultdict(set)
        self._evidence: dict[str, list[str]] = defaultdict(list)
        self._edges: dict[tuple[str, str, str, str], list[str]] = {}

    def add(self, triples: Iterable[tuple[str, str, str]]) -> None:
        """Take what the chosen nodes need from one part's view triples."""
        nodes = self._nodes
        facts, rest = _facts_of(triples)
        for s, p, o in rest:
            if p == _PREF_LABEL:
                self._labels.setdefault(s, o)
            elif s not in nodes:
                continue
            elif p == _RDF_TYPE:
                if (rank := _CLASS_RANK.get(o)) is not None:
                    self._rank[s] = max(rank, self._rank.get(s, rank))
            elif p in _ALIASES:
                self._aliases[s].add(o)
            elif p in _PLACES:
                self._places[s].add(o)
        for attrs in facts:
            head, tail, relation, label = _fact_edge(partial(_attribute, attrs))
            sentence = attrs.get(_SENTENCE)
            if sentence is not None:
                for end in {head, tail} & nodes.keys():
                    _keep_least(self._evidence[end], sentence, self._node_evidence_max)
            if head in nodes and tail in nodes:
                edge = (nodes[head], nodes[tail], relation, label)
                kept = self._edges.setdefault(edge, [])
                if sentence is not None:
                    _keep_least(kept, sentence, self._edge_evidence_max)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The chosen nodes and their edges, with the attributes ``to_networkx`` gives them."""
        labels = self._labels
        nodes = (
            (
                node,
                labels.get(node, node),
                _CLASS_CODES[self._rank[node]],
                self._aliases.get(node, ()),
                [labels.get(p, p) for p in self._places.get(node, ())],
                self._evidence.get(node, ()),
            )
            for node in sorted(self._rank)
        )
        return _view(nodes, self._edges)


@dataclass
class CorpusRdf:
    """A corpus's quads, sorted for the writers, and its networkx index, from one pass.

    ``triple_order`` indexes ``quads``: the unique triples (graph names
    dropped), grouped by subject, for the formats that write one graph.
    """

    quads: list[ox.Quad]
    triple_order: array[int]
    view: ViewIndex

    def triples(self) -> Iterator[ox.Triple]:
        """The unique triples, grouped by subject, ``rdf:type`` first."""
        quads = self.quads
        return (quads[i].triple for i in self.triple_order)


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


def _rdf_of(
    quads: Iterable[Quad | tuple[Node, Node, Node, Node | None]], *, keep_view: bool = False
) -> CorpusRdf:
    """Sort ``quads`` for the writers and index them for the networkx view.

    ``keep_view`` also lists the view's triples (``rdf.view.kept``), to store
    with a part of the graph (``kg.corpus.parts``).
    """
    view = ViewIndex(keep=keep_view)

    def feed() -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for quad in quads:
            view.add(quad[0], quad[1], quad[2])
            yield quad

    with paused_gc():
        ordered, triple_order = _sorted(feed())
    return CorpusRdf(ordered, triple_order, view)


def quads_rdf(
    quads: Iterable[tuple[Node, Node, Node, Node | None]], *, keep_view: bool = False
) -> CorpusRdf:
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
        quads: Iterable[tuple[Node, Node, Node, Node | None]] = (
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


# ---------------------------------------------------------------- networkx view


def _fact_edge(value: Callable[[URIRef], Any]) -> tuple[Any, Any, str, str]:
    """A fact's edge in the networkx view: (head, tail, relation, label).

    ``value(p)`` gives the fact's (first) object for predicate ``p``. The
    relation is ``kg:relation``, else the one the fact's predicate stands for;
    the label is its post, role or year, the first it has. ``to_networkx``
    and ``DegreeCount`` both draw edges by this rule.
    """
    predicate = value(RDF.predicate)
    relation = str(value(KG.relation) or _PROPERTY_RELATIONS.get(URIRef(str(predicate)), ""))
    label = next((str(v) for p in (KG.post, KG.role, KG.year) if (v := value(p)) is not None), "")
    return value(RDF.subject), value(RDF.object), relation, label


def _label(graph: TripleSource, node: Node | str) -> str:
    label = graph.value(node, SKOS.prefLabel)
    return str(label) if label is not None else str(node)


def _view(
    nodes: Iterable[tuple[str, str, str, Iterable[str], Iterable[str], Iterable[str]]],
    edges: Mapping[tuple[str, str, str, str], Iterable[str]],
) -> nx.MultiDiGraph:
    """The networkx view from its nodes and edges, each attribute in canonical order.

    ``nodes``: (node, label, type, aliases, place labels, sentences) in the
    order to add them; ``edges``: (head, tail, relation, label) -> sentences.
    A node's place is the least of its place labels.
    """
    g = nx.MultiDiGraph()
    for node, label, code, aliases, places, sentences in nodes:
        g.add_node(
            node,
            label=label,
            type=code,
            aliases=sorted(set(aliases)),
            place=min(places, default=None),
            evidence=sorted(set(sentences)),
        )
    for (u, v, rel, lab), sentences in sorted(edges.items()):
        g.add_edge(
            u, v, key=f"{rel}|{lab}", relation=rel, label=lab, evidence=sorted(set(sentences))
        )
    return g


def to_networkx(graph: TripleSource) -> nx.MultiDiGraph:
    """The entity graph as networkx: entity nodes, one edge per (relation, head, tail, label).

    Node attributes: ``label``, ``type``, ``aliases``, ``place``, ``evidence``;
    edge attributes: ``relation``, ``label``, ``evidence``. Credits (whose
    tail is an article, not an entity) add evidence to their head only.
    """
    types: dict[Node | str, str] = {}  # rdflib terms from a graph, strings from a ViewIndex
    for cls, code in _CLASS_TYPES.items():
        for node in graph.subjects(RDF.type, cls):
            if not isinstance(node, Literal | BNode):
                types[node] = code
    edges: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    node_evidence: dict[Node | str, set[str]] = defaultdict(set)
    for fact in graph.subjects(RDF.type, KG.Fact):
        head, tail, relation, label = _fact_edge(partial(graph.value, fact))
        sentence = graph.value(fact, KG.sentence)
        for end in (head, tail):
            if end is not None and end in types and sentence is not None:
                node_evidence[end].add(str(sentence))
        if head in types and tail in types:
            ev = edges[(str(head), str(tail), relation, label)]
            if sentence is not None:
                ev.append(str(sentence))
    nodes = (
        (
            str(node),
            _label(graph, node),
            types[node],
            [str(a) for p in (SKOS.altLabel, SKOS.hiddenLabel) for a in graph.objects(node, p)],
            [
                _label(graph, p)
                for prop in (KG.locatedIn, KG.partOf)
                for p in graph.objects(node, prop)
            ],
            node_evidence.get(node, ()),
        )
        for node in sorted(types, key=str)
    )
    return _view(nodes, edges)


__all__ = [
    "KGR",
    "CorpusRdf",
    "DegreeCount",
    "DrawnView",
    "ViewIndex",
    "build_dataset",
    "build_graph",
    "corpus_quads",
    "corpus_rdf",
    "graph_rdf",
    "entity_quads",
    "newspaper_quads",
    "page_quads",
    "paused_gc",
    "quads_rdf",
    "sorted_quads",
    "to_networkx",
    "validate",
]
