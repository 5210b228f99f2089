"""Every triple of a linked corpus, as quads: entities, pages and articles, facts, mentions.

Every entity becomes a node with ``skos:prefLabel`` and ``skos:altLabel``;
every fact becomes a direct triple (``head kg:promotes tail``) plus a reified
``kg:Fact`` node carrying its attributes and its provenance (the article it
was derived from, the sentence, raw offsets, and ``dcterms:date``, the date of
the page that states it); every mention becomes a
``kg:Mention`` node. No blank nodes are used, so the same corpus always gives
the same triples. A quad's fourth term is the article graph it belongs to
(None: the default graph).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Set
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError
from kg.graph.namespaces import (
    ENTITY_CLASSES,
    ORG_KIND_CLASSES,
    RELATION_PROPERTIES,
    article_iri,
    entity_iri,
    fact_iri,
    mention_iri,
    newspaper_iri,
    page_iri,
    post_iri,
)
from kg.graph.terms import (
    DCTERMS,
    KG,
    ORG,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    cached_article_iri,
    cached_entity_iri,
    cached_page_iri,
    clear_term_caches,
    value,
    zh,
)
from kg.model import GAZETTEER, Article, Corpus, Entity, Evidence, Fact, Mention, PageMeta

log = logging.getLogger(__name__)

Quad = tuple[URIRef, URIRef, Node, URIRef | None]  # graph None: the default graph
Key = tuple[str, str]  # Entity.key
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"{}|\\^`]+")  # characters an IRI may hold


def _given(text: Any, make: Callable[[Any], Node]) -> Node | None:
    """``make(text)``, or None when ``text`` is empty."""
    return make(text) if text else None


def _described(subject: URIRef, pairs: Iterable[tuple[URIRef, Node | None]]) -> Iterator[Quad]:
    """A default-graph triple of ``subject`` for each (predicate, object) whose object is given."""
    for predicate, obj in pairs:
        if obj is not None:
            yield subject, predicate, obj, None


def _web_address(url: str | None) -> URIRef | None:
    """A page's address as an IRI; None (and a log line) when it is not a plain http(s) one."""
    if not url:
        return None
    if _WEB_ADDRESS.fullmatch(url):
        return URIRef(url)
    log.info("address %r is not an http(s) IRI; left out of the graph", url)
    return None


def _xsd_date(date: str) -> Literal:
    return Literal(date, datatype=XSD.date)


# ---------------------------------------------------------------- entities


def _entity_quads(ent: Entity, known: Set[Key]) -> Iterator[Quad]:
    """Triples describing one entity (type, labels, place attributes)."""
    iri = entity_iri(ent.type, ent.canonical)
    yield iri, RDF.type, ENTITY_CLASSES[ent.type][1], None
    yield iri, SKOS.prefLabel, zh(ent.canonical), None
    yield iri, RDFS.label, zh(ent.canonical), None
    for alias in sorted(ent.mentions - {ent.canonical}):
        yield iri, SKOS.altLabel, zh(alias), None
    yield iri, KG.core, Literal(bool(ent.core)), None
    if ent.type == "PERSON" and ent.pseudonym:
        yield iri, KG.pseudonym, Literal(True), None
    if ent.type == "ORG" and ent.kind:
        yield from _org_kind_quads(iri, ent)
    if ent.type == "PLACE":
        yield from _place_quads(iri, ent, known)


def _org_kind_quads(iri: URIRef, ent: Entity) -> Iterator[Quad]:
    """An organisation's kind, and the class of the ontology it stands for."""
    yield iri, KG.orgKind, Literal(ent.kind), None
    if ent.kind in ORG_KIND_CLASSES:
        yield iri, RDF.type, ORG_KIND_CLASSES[ent.kind], None
    else:
        log.warning(
            "ORG %s has kind %r, which has no class in the ontology", ent.canonical, ent.kind
        )


def _place_quads(iri: URIRef, ent: Entity, known: Set[Key]) -> Iterator[Quad]:
    """A place's level, division code and the place it is part of."""
    yield from _described(
        iri,
        ((KG.adminLevel, _given(ent.level, Literal)), (KG.divisionCode, _given(ent.code, Literal))),
    )
    if not ent.parent:
        return
    if ("PLACE", ent.parent) in known:
        parent = entity_iri("PLACE", ent.parent)
        yield iri, KG.partOf, parent, None
        if ent.parent_source == GAZETTEER:
            yield from _tabled_part_of(ent, iri, parent)
    else:
        log.debug("parent %s of place %s is not an entity; no kg:partOf", ent.parent, ent.canonical)


def _tabled_part_of(ent: Entity, iri: URIRef, parent: URIRef) -> Iterator[Quad]:
    """The PART_OF fact of a place whose parent only kg's gazetteer gives: no sentence."""
    node = fact_iri("PART_OF", ent.key, ("PLACE", ent.parent), (("source", GAZETTEER),), None)
    for p, o in (
        (RDF.type, KG.Fact), (KG.relation, value("PART_OF")), (RDF.subject, iri),
        (RDF.predicate, KG.partOf), (RDF.object, parent), (PROV.wasDerivedFrom, KG.gazetteer),
    ):  # fmt: skip
        yield node, p, o, None


def entity_quads(entities: Iterable[Entity], known: Set[Key]) -> Iterator[Quad]:
    """The triples of ``entities`` (all in the default graph); ``known``: every entity key of the corpus."""
    for ent in entities:
        yield from _entity_quads(ent, known)


# ---------------------------------------------------------------- pages and articles


def _newspaper_quads(name: str) -> Iterator[Quad]:
    """The node of one newspaper."""
    paper = newspaper_iri(name)
    yield paper, RDF.type, KG.Newspaper, None
    yield paper, SKOS.prefLabel, zh(name), None


def newspaper_quads(names: Iterable[str]) -> Iterator[Quad]:
    """The nodes of the newspapers ``names``."""
    for name in names:
        yield from _newspaper_quads(name)


def _page_quads(meta: PageMeta, articles: Iterable[Article], known: Set[Key]) -> Iterator[Quad]:
    """Triples describing one page and its articles (the newspaper node aside)."""
    page = page_iri(meta.source)
    home = meta.home_place if ("PLACE", meta.home_place) in known else None
    yield page, RDF.type, KG.Page, None
    yield page, DCTERMS.identifier, Literal(meta.source), None
    yield from _described(
        page,
        (
            (DCTERMS.date, _given(meta.date, _xsd_date)),
            (DCTERMS.isPartOf, _given(meta.newspaper, newspaper_iri)),
            (KG.pageNumber, _given(meta.page_no, Literal)),
            (KG.column, _given(meta.column, zh)),
            (KG.homePlace, _given(home, lambda place: entity_iri("PLACE", place))),
            (PROV.hadPrimarySource, _web_address(meta.url)),
        ),
    )
    for art in articles:
        yield from _article_quads(meta, page, art)


def _article_quads(meta: PageMeta, page: URIRef, art: Article) -> Iterator[Quad]:
    """Triples describing one article of a page."""
    a = article_iri(meta.source, art.index)
    yield a, RDF.type, KG.Article, None
    yield a, DCTERMS.isPartOf, page, None
    yield a, KG.articleIndex, Literal(art.index), None
    yield a, DCTERMS.title, zh(art.title), None
    yield from _described(
        a,
        (
            (DCTERMS.date, _given(meta.date, _xsd_date)),
            (KG.kicker, _given(art.kicker, zh)),
            (KG.subtitle, _given(art.subtitle, zh)),
            (KG.byline, _given(art.byline, zh)),
        ),
    )
    yield a, KG.titlePrinted, Literal(bool(art.title_printed)), None


def _source_quads(corpus: Corpus) -> Iterator[Quad]:
    """Triples describing pages, newspapers and articles."""
    known = {e.key for e in corpus.entities}
    for meta in sorted(corpus.pages, key=lambda m: m.source):
        yield from _page_quads(meta, corpus.articles.get(meta.source, []), known)
    yield from newspaper_quads(sorted({m.newspaper for m in corpus.pages if m.newspaper}))


# ---------------------------------------------------------------- facts


class _ArticleIndex:
    """Find the article IRI a piece of evidence belongs to, and the date of its page."""

    def __init__(self, articles: dict[str, list[Article]], pages: Iterable[PageMeta]) -> None:
        self.dates = {m.source: m.date for m in pages if m.date}  # page source -> ISO date
        self._by_title: dict[tuple[str, str], URIRef] = {}
        for source in sorted(articles):
            for art in articles[source]:
                self._by_title.setdefault((source, art.title), article_iri(source, art.index))

    def find(self, source: str, title: str | None) -> URIRef:
        """The article titled ``title`` on page ``source``, or the page itself."""
        if title is not None and (source, title) in self._by_title:
            return self._by_title[(source, title)]
        return page_iri(source)


def _fact_tail(
    fact: Fact, attrs: dict[str, str], articles: _ArticleIndex, known: Set[Key]
) -> URIRef | None:
    """The object of the fact's direct triple: its tail entity, or the credited article.

    None (with a warning) for a fact that cannot be written: an end that is
    not an entity of the corpus, or a credit with neither tail nor evidence.

    Raises:
        InputError: the relation has no property in the ontology.
    """
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
        return None
    if fact.tail is not None:
        return cached_entity_iri(*fact.tail)
    if fact.evidence is not None:
        return articles.find(fact.evidence.source, attrs.get("article"))
    log.warning("CREDITED fact for %s has neither tail nor evidence; skipped", fact.head)
    return None


def _fact_quads(fact: Fact, articles: _ArticleIndex, known: Set[Key]) -> Iterator[Quad]:
    """The direct triple, the reified fact node and its provenance for one fact."""
    attrs = {k: v for k, v in sorted(fact.attrs.items()) if v not in (None, "")}
    if attrs.get("source") == GAZETTEER:
        return  # a place's parent from the tables: the place's own quads state it, once
    tail = _fact_tail(fact, attrs, articles, known)
    if tail is None:
        return
    ev = fact.evidence
    head = cached_entity_iri(*fact.head)
    graph = articles.find(ev.source, ev.article) if ev else None
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
    yield node, KG.relation, value(fact.relation), graph
    yield node, RDF.subject, head, graph
    yield node, RDF.predicate, prop, graph
    yield node, RDF.object, tail, graph
    yield from _fact_attribute_quads(node, attrs, graph)
    for body in attrs.get("by", "").split("、"):
        if ("ORG", body) in known:  # who conferred an award, where the text says
            yield node, KG.awardedBy, cached_entity_iri("ORG", body), graph
    if fact.relation == "HOLDS_POST" and "post" in attrs:
        yield from _post_quads(head, tail, fact.tail, attrs["post"], graph)
    if ev is not None:
        yield from _evidence_quads(node, ev, articles, graph)


def _fact_attribute_quads(
    node: URIRef, attrs: dict[str, str], graph: URIRef | None
) -> Iterator[Quad]:
    """The fact's post, role, article title and year."""
    if "post" in attrs:
        yield node, KG.post, zh(attrs["post"]), graph
    if "role" in attrs:
        yield node, KG.role, zh(attrs["role"]), graph
    if "article" in attrs:
        yield node, KG.articleTitle, zh(attrs["article"]), graph
    if "year" in attrs:
        year = attrs["year"]
        lit = (
            Literal(year, datatype=XSD.gYear)
            if year.isascii() and year.isdigit() and len(year) == 4
            else Literal(year)
        )
        yield node, KG.year, lit, graph


def _post_quads(
    head: URIRef, tail: URIRef, tail_key: Key | None, title: str, graph: URIRef | None
) -> Iterator[Quad]:
    """The ``org:Post`` a HOLDS_POST fact names: held by its head, in its tail."""
    post = post_iri(tail, title)
    yield head, ORG.holds, post, graph
    yield post, RDF.type, ORG.Post, graph
    yield post, ORG.postIn, tail, graph
    yield post, KG.postTitle, zh(title), graph
    yield post, SKOS.prefLabel, zh(f"{tail_key[1] if tail_key else ''}{title}"), graph


def _evidence_quads(
    node: URIRef, ev: Evidence, articles: _ArticleIndex, graph: URIRef | None
) -> Iterator[Quad]:
    """Where and when a fact was read: its article, page, sentence, raw offsets and date."""
    yield node, PROV.wasDerivedFrom, articles.find(ev.source, ev.article), graph
    yield node, DCTERMS.source, cached_page_iri(ev.source), graph
    yield node, KG.sentence, zh(ev.sentence), graph
    yield node, KG.rawStart, value(ev.start), graph
    yield node, KG.rawEnd, value(ev.end), graph
    date = articles.dates.get(ev.source)
    if date:  # when the fact was stated: the date its page was printed
        yield node, DCTERMS.date, _xsd_date(date), graph


# ---------------------------------------------------------------- mentions


def _mention_quads(mentions: Iterable[tuple[Mention, str, Key]], known: Set[Key]) -> Iterator[Quad]:
    """A ``kg:Mention`` node per linked mention, in the graph of its article."""
    for m, source, key in mentions:
        if key not in known:
            log.warning(
                "mention %r on %s links to %s, not in the corpus; skipped", m.text, source, key
            )
            continue
        graph = cached_article_iri(source, m.article)
        node = mention_iri(source, m.article, m.start, m.end, m.label, key)
        yield node, RDF.type, KG.Mention, graph
        yield node, KG.denotes, cached_entity_iri(*key), graph
        yield node, PROV.value, value(m.text), graph
        yield node, KG.entityType, value(m.label), graph
        yield node, PROV.wasDerivedFrom, graph, graph
        yield node, DCTERMS.source, cached_page_iri(source), graph
        yield node, KG.sentence, zh(m.sentence), graph
        yield node, KG.cleanStart, value(m.start), graph
        yield node, KG.cleanEnd, value(m.end), graph
        if m.raw_start is not None and m.raw_end is not None:
            yield node, KG.rawStart, value(m.raw_start), graph
            yield node, KG.rawEnd, value(m.raw_end), graph
        yield node, KG.sentenceStart, value(m.sentence_start), graph


# ---------------------------------------------------------------- a page, a corpus


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
    index = _ArticleIndex({meta.source: articles}, [meta])
    for fact in facts:
        yield from _fact_quads(fact, index, known)
    yield from _mention_quads(mentions, known)


def corpus_quads(corpus: Corpus) -> Iterator[Quad]:
    """Every triple of the corpus, with the article graph it belongs to (None: default graph)."""
    known = {e.key for e in corpus.entities}
    yield from _source_quads(corpus)
    yield from entity_quads(sorted(corpus.entities, key=lambda e: e.key), known)
    articles = _ArticleIndex(corpus.articles, corpus.pages)
    for fact in corpus.facts:
        yield from _fact_quads(fact, articles, known)
    yield from _mention_quads(corpus.mentions, known)
    clear_term_caches()
