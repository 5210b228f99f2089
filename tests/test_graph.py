"""Tests of kg.graph.rdf and kg.graph.quads: the RDF graph, dataset, sorted quads and SHACL validation.

Golden file: tests/golden/handmade.ttl is the Turtle the build writes for the
hand-made corpus (pyoxigraph's writer, via kg.graph.rdf.corpus_rdf); regenerate it after an intended change with KG_UPDATE_GOLDEN=1 pytest tests/test_graph.py.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from kg.atomic import atomic_write_bytes
from kg.export.rdf import serialize_rdf
from kg.graph.namespaces import KG, ORG, article_iri, entity_iri, page_iri
from kg.graph.quads import corpus_quads
from kg.graph.rdf import (
    build_dataset,
    build_graph,
    corpus_rdf,
    graph_rdf,
    validate,
)
from kg.model import Fact

sys.path.insert(0, str(Path(__file__).parent))
from golden.handmade import SOURCE, handmade_corpus  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "handmade.ttl"


@pytest.fixture(scope="module")
def graph():
    return build_graph(handmade_corpus())


def _facts(graph, relation):
    return sorted(graph.subjects(KG.relation, Literal(relation)))


def test_graph_entities_have_labels_and_types(graph):
    org = entity_iri("ORG", "昭通市政务服务管理局")
    assert (org, RDF.type, KG.Organization) in graph
    assert (org, RDF.type, KG.GovernmentOrganization) in graph
    assert graph.value(org, SKOS.prefLabel) == Literal("昭通市政务服务管理局", lang="zh")
    assert set(graph.objects(org, SKOS.altLabel)) == {
        Literal("市政务服务管理局", lang="zh"),
        Literal("市政服务管理局", lang="zh"),
    }
    assert len(set(graph.subjects(SKOS.prefLabel, None))) == 16 + 1 + 1  # entities, newspaper, post


def test_graph_place_hierarchy(graph):
    county = entity_iri("PLACE", "永善县")
    assert graph.value(county, KG.adminLevel) == Literal("county")
    assert graph.value(county, KG.divisionCode) == Literal("530625")
    assert graph.value(county, KG.partOf) == entity_iri("PLACE", "昭通市")
    area = entity_iri("PLACE", "红光安置区")
    chain = list(graph.transitive_objects(area, KG.partOf))
    assert [graph.value(p, SKOS.prefLabel).value for p in chain] == [
        "红光安置区",
        "溪洛渡街道",
        "永善县",
        "昭通市",
        "云南省",
    ]


def test_graph_every_fact_has_provenance(graph):
    facts = list(graph.subjects(RDF.type, KG.Fact))
    assert len(facts) == 12
    for f in facts:
        assert graph.value(f, PROV.wasDerivedFrom) is not None
        assert graph.value(f, KG.sentence) is not None
        assert isinstance(graph.value(f, KG.rawStart).toPython(), int)


def test_graph_fact_reification_and_direct_triple(graph):
    (f,) = [
        f
        for f in _facts(graph, "PROMOTES")
        if graph.value(f, RDF.object) == entity_iri("PROGRAM", "133工作思路")
    ]
    head = graph.value(f, RDF.subject)
    assert head == entity_iri("ORG", "昭通市政务服务管理局")
    assert graph.value(f, RDF.predicate) == KG.promotes
    assert (head, KG.promotes, entity_iri("PROGRAM", "133工作思路")) in graph
    assert graph.value(f, PROV.wasDerivedFrom) == article_iri(SOURCE, 0)
    assert graph.value(f, DCTERMS.source) == page_iri(SOURCE)


def test_graph_fact_carries_the_date_of_its_page(graph):
    """Issue 19: each fact is dated (dcterms:date) as the article that states it, so it has a when."""
    day = Literal("2022-11-22", datatype=XSD.date)
    facts = list(graph.subjects(RDF.type, KG.Fact))
    assert facts and all(graph.value(f, DCTERMS.date) == day for f in facts)
    assert graph.value(article_iri(SOURCE, 0), DCTERMS.date) == day
    undated = handmade_corpus()
    undated.pages = [replace(m, date=None) for m in undated.pages]
    g = build_graph(undated)
    assert not list(g.triples((None, DCTERMS.date, None)))
    conforms, report = validate(g)
    assert conforms, report


def test_graph_fact_with_two_dates_violates_shapes(graph):
    g = Graph() + graph
    fact = next(iter(g.subjects(RDF.type, KG.Fact)))
    g.add((fact, DCTERMS.date, Literal("2023-01-01", datatype=XSD.date)))
    g.add((fact, DCTERMS.date, Literal("昨天")))
    conforms, report = validate(g)
    assert not conforms and "its page's" in report


def test_graph_holds_post_as_org_post(graph):
    person = entity_iri("PERSON", "刘永旺")
    (post,) = graph.objects(person, ORG.holds)
    assert (post, RDF.type, ORG.Post) in graph
    assert graph.value(post, ORG.postIn) == entity_iri("ORG", "红光派出所")
    assert graph.value(post, KG.postTitle) == Literal("所长", lang="zh")
    (f,) = _facts(graph, "HOLDS_POST")
    assert graph.value(f, KG.post) == Literal("所长", lang="zh")


def test_graph_award_year_and_credit(graph):
    (award,) = _facts(graph, "AWARDED")
    assert (award, RDF.type, KG.Award) in graph
    assert graph.value(award, KG.year) == Literal("2022", datatype=XSD.gYear)
    (credit,) = _facts(graph, "CREDITED")
    assert (credit, RDF.type, KG.Credit) in graph
    assert graph.value(credit, KG.role) == Literal("通讯员", lang="zh")
    assert graph.value(credit, RDF.object) == article_iri(SOURCE, 1)
    assert (entity_iri("PERSON", "张顺富"), KG.credited, article_iri(SOURCE, 1)) in graph


def test_graph_mentions_trace_to_article(graph):
    mentions = list(graph.subjects(RDF.type, KG.Mention))
    assert len(mentions) == 4
    (m,) = [m for m in mentions if graph.value(m, PROV.value) == Literal("133")]
    assert graph.value(m, KG.denotes) == entity_iri("PROGRAM", "133工作思路")
    assert graph.value(m, PROV.wasDerivedFrom) == article_iri(SOURCE, 0)
    assert graph.value(m, KG.cleanStart) == Literal(21)


def test_graph_has_no_blank_nodes(graph):
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)


def test_graph_is_deterministic():
    a = build_graph(handmade_corpus()).serialize(format="turtle", encoding="utf-8")
    c = handmade_corpus()
    c.entities.reverse()
    b = build_graph(c).serialize(format="turtle", encoding="utf-8")
    assert a == b


def test_graph_matches_golden_turtle(graph):
    data = serialize_rdf(corpus_rdf(handmade_corpus()), "turtle")
    if os.environ.get("KG_UPDATE_GOLDEN"):
        atomic_write_bytes(GOLDEN, data)
    assert data == GOLDEN.read_bytes()
    assert isomorphic(Graph().parse(data=data, format="turtle"), graph)


def test_graph_corpus_rdf_holds_the_quads_of_corpus_quads():
    c = handmade_corpus()
    rdf = corpus_rdf(c)
    expected = {(str(s), str(p), o.n3(), str(g) if g else "") for s, p, o, g in corpus_quads(c)}
    got = {
        (q.subject.value, q.predicate.value, str(q.object), getattr(q.graph_name, "value", ""))
        for q in rdf.quads
    }
    assert got == expected and len(rdf.quads) == len(expected)
    triples = list(rdf.triples())
    assert len(triples) == len(set(triples)) == len(build_graph(c))
    subjects = [t.subject.value for t in triples]
    assert subjects == sorted(subjects)


def test_graph_corpus_rdf_is_the_same_from_an_rdflib_dataset():
    c = handmade_corpus()
    a, b = corpus_rdf(c), graph_rdf(build_dataset(c))
    assert a.quads == b.quads
    assert list(a.triple_order) == list(b.triple_order)


def test_graph_quads_sort_by_their_parts_whatever_the_characters_after_a_shorter_name():
    from kg.graph.oxigraph import unique_sorted

    a, p = "http://x.org/a", "http://x.org/p"
    quads = [
        (URIRef(s), URIRef(pred), o, None)
        for s in (a + "b", a + "-b", a, a + "/")
        for pred in (p + "-q", p, str(RDF.type))
        for o in (Literal("x"), URIRef(a), Literal("x", lang="zh"), Literal("-"))
    ]
    quads.append(quads[0])  # a quad given twice is written once
    ordered, triple_order = unique_sorted(reversed(quads))

    def parts(q):  # the order the files are written in, part by part
        literal = isinstance(q.object, ox.Literal)
        p_str = q.predicate.value
        return (
            q.subject.value,
            p_str != str(RDF.type),
            p_str,
            literal,
            str(q.object) if literal else q.object.value,
        )

    assert len(ordered) == len(quads) - 1 == len(triple_order)
    assert [parts(q) for q in ordered] == sorted(parts(q) for q in ordered)
    assert [q.subject.value for q in ordered[:12]] == [a] * 12  # a before a-b, a/ and ab


def test_graph_skips_fact_with_unknown_entity(caplog):
    c = handmade_corpus()
    c.facts.append(Fact("PROMOTES", ("ORG", "不存在的机构"), ("PROGRAM", "警网融合")))
    with caplog.at_level(logging.WARNING, logger="kg.graph.quads"):
        g = build_graph(c)
    assert entity_iri("ORG", "不存在的机构") not in set(g.subjects())
    assert "不存在的机构" in caplog.text


def test_graph_dataset_has_one_graph_per_article():
    ds = build_dataset(handmade_corpus())
    names = sorted(
        str(g.identifier)
        for g in ds.graphs()
        if isinstance(g.identifier, URIRef)
        and str(g.identifier).startswith("https://w3id.org/kg/id/")
    )
    assert names == [str(article_iri(SOURCE, 0)), str(article_iri(SOURCE, 1))]
    art1 = ds.graph(article_iri(SOURCE, 1))
    assert len(list(art1.subjects(RDF.type, KG.Fact))) == 8
    assert (entity_iri("ORG", "红光派出所"), RDF.type, KG.Organization) in ds.default_graph
    assert len(list(ds.default_graph.subjects(RDF.type, KG.Fact))) == 0


def test_graph_handmade_conforms_to_shapes(graph):
    conforms, report = validate(graph)
    assert conforms, report


def test_graph_fact_without_evidence_violates_shapes():
    c = handmade_corpus()
    c.facts[0].evidence = None
    conforms, report = validate(build_graph(c))
    assert not conforms
    assert "provenance" in report


def test_graph_seed_corpus_conforms(seed_corpus):
    g = build_graph(seed_corpus)
    conforms, report = validate(g)
    assert conforms, report[:3000]
    assert len(set(g.subjects(RDF.type, KG.Page))) == 5


def test_graph_award_names_who_conferred_it() -> None:
    from kg.model import Corpus, Entity, Evidence, PageMeta

    ev = Evidence("p.txt", None, "市气象局被中国气象局表彰为先进单位。", 0, 18)
    corpus = Corpus(
        pages=[PageMeta(source="p.txt")],
        entities=[
            Entity("ORG", "昭通市气象局"),
            Entity("ORG", "中国气象局"),
            Entity("HONOR", "先进单位"),
        ],
        facts=[
            Fact(
                "AWARDED",
                ("ORG", "昭通市气象局"),
                ("HONOR", "先进单位"),
                {"by": "中国气象局、不在图中的单位"},
                ev,
            ),
        ],  # fmt: skip
    )
    g = build_graph(corpus)
    (award,) = g.subjects(RDF.type, KG.Award)
    assert set(g.objects(award, KG.awardedBy)) == {entity_iri("ORG", "中国气象局")}


def test_graph_part_of_from_the_gazetteer_cites_no_sentence(seed_results, seed_corpus) -> None:
    """Issue 18: a parent kg's tables give is marked so; one a sentence states keeps it."""
    part_of = [f for r in seed_results.values() for f in r.facts if f.relation == "PART_OF"]
    tabled = [f for f in part_of if f.attrs.get("source") == "gazetteer"]
    stated = [f for f in part_of if "source" not in f.attrs]
    assert tabled and stated
    assert all(f.evidence is None for f in tabled)
    assert all(f.evidence is not None for f in stated)
    g = build_graph(seed_corpus)
    from_tables = set(g.subjects(PROV.wasDerivedFrom, KG.gazetteer))
    assert from_tables
    for node in from_tables:
        assert g.value(node, KG.relation) == Literal("PART_OF")
        assert g.value(node, KG.sentence) is None


def test_graph_text_chain_states_the_parent(nlp) -> None:
    """鲁甸县龙头山镇: the gazetteer knows the parent, and the sentence states it."""
    from kg.extract import extract_page
    from kg.model import PageMeta

    text = "鲁甸县龙头山镇举行活动\n\n本报讯 鲁甸县龙头山镇开展志愿服务活动。\n"
    result = extract_page(text, PageMeta(source="p.txt", home_place="昭通市"), nlp)
    facts = [f for f in result.facts if f.relation == "PART_OF" and f.head[1] == "龙头山镇"]
    assert facts and all("source" not in f.attrs and f.evidence for f in facts)
