"""The networkx view of the graph: entity nodes, one edge per (relation, head, tail, label).

``to_networkx`` draws it from an rdflib graph or from a ``ViewIndex``, the
few triples it reads kept as plain strings while the quads are generated. A
large build draws it part by part instead: ``DegreeCount`` picks the
best-connected entities and ``DrawnView`` keeps only what the HTML page shows
of them. Each node also lists where the entity is named (``Naming``: the
sentence of each of its mentions, with the article's date and title), so an
entity that takes part in no fact still shows its sources.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Set
from functools import partial
from typing import Any, NamedTuple, Protocol

import networkx as nx
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError
from kg.graph.namespaces import ENTITY_CLASSES, RELATION_PROPERTIES
from kg.graph.terms import DCTERMS, KG, PROV, RDF, RDF_TYPE, SKOS

ViewTriple = tuple[str, str, str]  # (subject, predicate, object) as plain strings
EdgeKey = tuple[str, str, str, str]  # (head, tail, relation, label)

_CLASS_TYPES = {cls: t for t, (_, cls) in ENTITY_CLASSES.items()}
_PROPERTY_RELATIONS = {p: r for r, p in RELATION_PROPERTIES.items()}


class TripleSource(Protocol):
    """What ``to_networkx`` reads: an rdflib ``Graph`` (terms) or a ``ViewIndex`` (strings)."""

    def subjects(self, predicate: Any, object: Any) -> Iterable[Any]: ...  # noqa: A002, D102

    def objects(self, subject: Any, predicate: Any) -> Iterable[Any]: ...  # noqa: D102

    def value(self, subject: Any, predicate: Any) -> Any: ...  # noqa: D102


class Naming(NamedTuple):
    """Where an entity is named: one mention's sentence, with its article's date and title.

    Sorted by date, then title; ``str`` gives one readable line (GraphML and
    GEXF write list attributes as lines).
    """

    date: str
    title: str
    sentence: str

    def __str__(self) -> str:
        return " ".join(
            x for x in (self.date, f"《{self.title}》" if self.title else "", self.sentence) if x
        )


_VIEW_TYPES = frozenset(str(t) for t in (*_CLASS_TYPES, KG.Fact, KG.Mention))
# A mention's entity, sentence and article, and the article's title and date, give a Naming.
_NAMING_PREDICATES = (KG.denotes, PROV.wasDerivedFrom, DCTERMS.title, DCTERMS.date)
_VIEW_PREDICATES = frozenset(
    str(p)
    for p in (
        RDF.subject, RDF.object, RDF.predicate, KG.relation, KG.post, KG.role, KG.year,
        KG.sentence, SKOS.altLabel, SKOS.hiddenLabel, SKOS.prefLabel, KG.locatedIn, KG.partOf,
        *_NAMING_PREDICATES,
    )
)  # fmt: skip


class ViewIndex:
    """The few triples ``to_networkx`` reads (types, fact attributes, labels), indexed like a graph.

    A light stand-in for the rdflib graph: of the mentions, the bulk of a
    corpus, only what a ``Naming`` needs is kept (entity, sentence, article),
    and every term is held as a plain string (an IRI, or a literal's text),
    which is all the view reads and far cheaper to keep, pickle and compare
    than rdflib terms.
    """

    def __init__(self, *, keep: bool = False) -> None:
        self._by_type: dict[str, dict[str, None]] = defaultdict(dict)
        self._objects: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        self.kept: list[ViewTriple] | None = [] if keep else None

    def add(self, s: Node, p: Node, o: Node) -> None:
        """Keep the triple if ``to_networkx`` reads it (and in ``kept``, when asked to)."""
        p_str = str.__str__(p)
        o_str = str.__str__(o)
        if p_str == RDF_TYPE:
            if o_str not in _VIEW_TYPES:
                return
        elif p_str not in _VIEW_PREDICATES:
            return
        triple = (str.__str__(s), p_str, o_str)
        self.extend((triple,))
        if self.kept is not None:
            self.kept.append(triple)

    def extend(self, triples: Iterable[ViewTriple]) -> None:
        """Add triples another index kept (``kept``), without checking them again."""
        by_type, objects = self._by_type, self._objects
        for s, p, o in triples:
            if p == RDF_TYPE:
                by_type[o][s] = None
            else:
                objects[(s, p)][o] = None

    def subjects(self, predicate: Node, object: Node) -> Iterable[str]:  # noqa: A002
        """Subjects of ``rdf:type`` ``object`` (the only predicate asked for)."""
        if str(predicate) != RDF_TYPE:
            raise InputError(f"ViewIndex.subjects reads rdf:type only, got {predicate}")
        return list(self._by_type.get(str(object), ()))

    def objects(self, subject: Node | str, predicate: Node) -> Iterable[str]:
        """Objects of (``subject``, ``predicate``)."""
        return list(self._objects.get((str(subject), str(predicate)), ()))

    def value(self, subject: Node | str, predicate: Node) -> str | None:
        """One object of (``subject``, ``predicate``), or None."""
        return next(iter(self._objects.get((str(subject), str(predicate)), ())), None)


# ---------------------------------------------------------------- the whole view


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


def _naming(graph: TripleSource, mention: Node | str) -> tuple[Any, Naming] | None:
    """The entity a mention denotes and where it is named, or None for a mention without a sentence."""
    sentence = graph.value(mention, KG.sentence)
    if sentence is None:
        return None
    article = graph.value(mention, PROV.wasDerivedFrom)
    title = graph.value(article, DCTERMS.title) if article is not None else None
    date = graph.value(article, DCTERMS.date) if article is not None else None
    naming = Naming(str(date or ""), str(title or ""), str(sentence))
    return graph.value(mention, KG.denotes), naming


NodeRow = tuple[str, str, str, Iterable[str], Iterable[str], Iterable[str], Iterable[Naming]]


def _view(nodes: Iterable[NodeRow], edges: Mapping[EdgeKey, Iterable[str]]) -> nx.MultiDiGraph:
    """The networkx view from its nodes and edges, each attribute in canonical order.

    ``nodes``: (node, label, type, aliases, place labels, sentences, namings)
    in the order to add them; ``edges``: (head, tail, relation, label) ->
    sentences. A node's place is the least of its place labels.
    """
    g = nx.MultiDiGraph()
    for node, label, code, aliases, places, sentences, namings in nodes:
        g.add_node(
            node,
            label=label,
            type=code,
            aliases=sorted(set(aliases)),
            place=min(places, default=None),
            evidence=sorted(set(sentences)),
            named=sorted(set(namings)),
        )
    for (u, v, rel, lab), sentences in sorted(edges.items()):
        g.add_edge(
            u, v, key=f"{rel}|{lab}", relation=rel, label=lab, evidence=sorted(set(sentences))
        )
    return g


def to_networkx(graph: TripleSource) -> nx.MultiDiGraph:
    """The entity graph as networkx: entity nodes, one edge per (relation, head, tail, label).

    Node attributes: ``label``, ``type``, ``aliases``, ``place``, ``evidence``
    (the sentences of its facts), ``named`` (a ``Naming`` per distinct
    sentence, article title and date of its mentions); edge attributes:
    ``relation``, ``label``, ``evidence``. Credits (whose tail is an article,
    not an entity) add evidence to their head only.
    """
    types: dict[Node | str, str] = {}  # rdflib terms from a graph, strings from a ViewIndex
    for cls, code in _CLASS_TYPES.items():
        for node in graph.subjects(RDF.type, cls):
            if not isinstance(node, Literal | BNode):
                types[node] = code
    edges: dict[EdgeKey, list[str]] = defaultdict(list)
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
    named: dict[Node | str, set[Naming]] = defaultdict(set)
    for mention in graph.subjects(RDF.type, KG.Mention):
        found = _naming(graph, mention)
        if found is not None and found[0] in types:
            named[found[0]].add(found[1])
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
            named.get(node, ()),
        )
        for node in sorted(types, key=str)
    )
    return _view(nodes, edges)


# ---------------------------------------------------------------- the view part by part


_ENTITY_TYPES = frozenset(str(t) for t in _CLASS_TYPES)
# An entity with two classes gets the later one's code, as in to_networkx.
_CLASS_RANK = {str(cls): i for i, cls in enumerate(_CLASS_TYPES)}
_CLASS_CODES = list(_CLASS_TYPES.values())
_FACT = str(KG.Fact)
_MENTION = str(KG.Mention)
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
_DENOTES, _DERIVED_FROM, _TITLE, _DATE = (str(p) for p in _NAMING_PREDICATES)
_FIRST_VALUES = _FACT_ATTRIBUTES | {_DENOTES, _DERIVED_FROM, _TITLE, _DATE}


def _attribute(attrs: dict[str, str], predicate: URIRef) -> str | None:
    return attrs.get(_ATTRIBUTE_KEYS[predicate])


PartFacts = tuple[list[dict[str, str]], list[tuple[str, Naming]], list[ViewTriple]]


def _facts_of(triples: Iterable[ViewTriple]) -> PartFacts:
    """One part's facts (in IRI order), its mentions' (entity, naming), and the other triples.

    Each fact is given as its first value per attribute, as ``ViewIndex.value``
    gives. A mention's article is looked up in the same part: a page's part
    holds its articles and their mentions.
    """
    attrs: dict[str, dict[str, str]] = defaultdict(dict)
    facts: set[str] = set()
    mentions: set[str] = set()
    rest = []
    for t in triples:
        s, p, o = t
        if p == RDF_TYPE and o == _FACT:
            facts.add(s)
        elif p == RDF_TYPE and o == _MENTION:
            mentions.add(s)
        elif p in _FIRST_VALUES:
            attrs[s].setdefault(p, o)
        else:
            rest.append(t)
    namings = []
    for mention in sorted(mentions):
        m = attrs.get(mention, {})
        if _SENTENCE in m and _DENOTES in m:
            article = attrs.get(m.get(_DERIVED_FROM, ""), {})
            naming = Naming(article.get(_DATE, ""), article.get(_TITLE, ""), m[_SENTENCE])
            namings.append((m[_DENOTES], naming))
    return [attrs.get(fact, {}) for fact in sorted(facts)], namings, rest


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
        self._waiting: list[tuple[Any, Any, str, str]] = []  # edges whose ends were not typed yet

    def add(self, triples: Iterable[ViewTriple]) -> None:
        """Count the entities and the new edges of one part's view triples."""
        facts, _, rest = _facts_of(triples)
        for s, p, o in rest:
            if p == RDF_TYPE and o in _ENTITY_TYPES:
                self.entities.add(s)
        for attrs in facts:
            edge = _fact_edge(partial(_attribute, attrs))
            if edge[0] in self.entities and edge[1] in self.entities:
                self._count(edge)
            else:  # an entity part's fact (PART_OF from the gazetteer) may name a later part's
                self._waiting.append(edge)

    def _count(self, edge: tuple[Any, Any, str, str]) -> None:
        head, tail, relation, label = edge
        key = "\0".join((str(head), str(tail), relation, label)).encode("utf-8")
        digest = hashlib.blake2b(key, digest_size=12).digest()
        if digest not in self._edges:
            self._edges.add(digest)
            self.degree[head] += 1
            self.degree[tail] += 1

    def best(self, n: int) -> set[str]:
        """The ``n`` entities of highest degree (ties by IRI), as ``kg.export.html`` ranks them."""
        waiting, self._waiting = self._waiting, []
        for edge in waiting:
            if edge[0] in self.entities and edge[1] in self.entities:
                self._count(edge)
        return set(sorted(self.entities, key=lambda e: (-self.degree.get(e, 0), e))[:n])


def _keep_least(kept: list[Any], item: Any, k: int) -> None:
    """Keep in ``kept`` (sorted) the ``k`` least distinct strings offered."""
    if len(kept) >= k and (not kept or item >= kept[-1]):
        return
    i = bisect_left(kept, item)
    if i < len(kept) and kept[i] == item:
        return
    kept.insert(i, item)
    if len(kept) > k:
        kept.pop()


def _keep_namings(kept: list[Naming], naming: Naming, *, told: int, shown: int) -> None:
    """Keep in ``kept`` (sorted) every naming of one node its page may show.

    The page shows the first ``shown`` namings whose sentence is not among
    the node's first ``told`` evidence sentences (``kg.export.html``), and
    one sentence can name a node in many articles. A naming is kept while
    fewer than ``shown`` namings before it have its sentence and fewer than
    ``told + shown`` other sentences come before it: past either, ``shown``
    namings the page shows come first, whatever its evidence turns out to
    be. Namings added later only add to what comes before, so a naming
    dropped is never needed again.
    """
    i = bisect_left(kept, naming)
    if i < len(kept) and kept[i] == naming:
        return
    kept.insert(i, naming)
    before: dict[str, int] = {}  # namings so far of each sentence
    keep = []
    for item in kept:
        same = before.get(item.sentence, 0)
        if same < shown and len(before) - (same > 0) < told + shown:
            keep.append(item)
        before[item.sentence] = same + 1
    kept[:] = keep


class DrawnView:
    """``to_networkx``'s graph of some entities only, built from view triples part by part.

    What a large build's HTML page draws: the chosen entities (the
    best-connected, ``DegreeCount.best``), the edges among them, and for
    each node and edge only the first ``node_evidence`` / ``edge_evidence``
    of its sorted source sentences, and the namings that may be among the
    first ``node_named`` whose sentence is not one of those
    (``_keep_namings``): what the page shows. Each part's
    facts are reduced to edges as they come, so memory grows with the chosen
    nodes and their edges, not with the corpus's facts.
    """

    def __init__(
        self, nodes: Set[str], *, node_evidence: int, edge_evidence: int, node_named: int
    ) -> None:
        self._nodes = {n: n for n in nodes}  # one string per node, shared by its edges
        self._node_evidence_max = node_evidence
        self._edge_evidence_max = edge_evidence
        self._node_named_max = node_named
        self._rank: dict[str, int] = {}  # node -> rank of its class in _CLASS_TYPES
        self._labels: dict[str, str] = {}  # every subject's first preferred label (places show it)
        self._aliases: dict[str, set[str]] = defaultdict(set)
        self._places: dict[str, set[str]] = defaultdict(set)
        self._evidence: dict[str, list[str]] = defaultdict(list)
        self._named: dict[str, list[Naming]] = defaultdict(list)
        self._edges: dict[EdgeKey, list[str]] = {}

    def add(self, triples: Iterable[ViewTriple]) -> None:
        """Take what the chosen nodes need from one part's view triples."""
        facts, namings, rest = _facts_of(triples)
        self._add_terms(rest)
        for attrs in facts:
            self._add_fact(attrs)
        for entity, naming in namings:
            if entity in self._nodes:
                _keep_namings(
                    self._named[entity],
                    naming,
                    told=self._node_evidence_max,
                    shown=self._node_named_max,
                )

    def _add_terms(self, triples: Iterable[ViewTriple]) -> None:
        """Labels of every subject; classes, aliases and places of the chosen nodes."""
        nodes = self._nodes
        for s, p, o in triples:
            if p == _PREF_LABEL:
                self._labels.setdefault(s, o)
            elif s not in nodes:
                continue
            elif p == RDF_TYPE:
                if (rank := _CLASS_RANK.get(o)) is not None:
                    self._rank[s] = max(rank, self._rank.get(s, rank))
            elif p in _ALIASES:
                self._aliases[s].add(o)
            elif p in _PLACES:
                self._places[s].add(o)

    def _add_fact(self, attrs: dict[str, str]) -> None:
        """A fact's sentence for its chosen ends, and its edge when both ends are chosen."""
        nodes = self._nodes
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
                self._named.get(node, ()),
            )
            for node in sorted(self._rank)
        )
        return _view(nodes, self._edges)
