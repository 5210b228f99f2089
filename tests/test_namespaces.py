"""Tests of kg.graph.namespaces: one prefix table, stable and always-valid IRIs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.graph.namespaces import (
    KG,
    KGR,
    PREFIXES,
    article_iri,
    bind_namespaces,
    curie,
    entity_iri,
    fact_iri,
    iri_segment,
    mention_iri,
    page_iri,
)

# characters Turtle's IRIREF forbids, plus the delimiters that would change an IRI's structure
FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\?#]')
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script>",
    'a "quoted" name',
    "{}|^`\\",
    "path/with/slashes?q=1#frag",
    "100%",
    "tab\tand\nnewline",
    "\u202eright-to-left",
    "emoji 🏛",
]


def _turtle_roundtrip(iri: URIRef) -> URIRef:
    g = bind_namespaces(Graph())
    g.add((iri, KG.promotes, Literal("x")))
    back = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    (s,) = set(back.subjects())
    return s


def test_namespaces_entity_iri_keeps_chinese():
    assert (
        str(entity_iri("ORG", "昭通市政务服务管理局"))
        == "https://w3id.org/kg/id/org/昭通市政务服务管理局"
    )
    assert str(entity_iri("PLACE", "昭通市")) == str(KGR) + "place/昭通市"


def test_namespaces_entity_iri_is_deterministic_and_typed():
    assert entity_iri("PROGRAM", "133工作思路") == entity_iri("PROGRAM", "133工作思路")
    assert entity_iri("PROGRAM", "x") != entity_iri("HONOR", "x")


@pytest.mark.parametrize("name", HOSTILE)
def test_namespaces_hostile_names_give_valid_iris(name):
    iri = entity_iri("ORG", name)
    assert not FORBIDDEN.search(str(iri)[len("https://") :])
    assert _turtle_roundtrip(iri) == iri


def test_namespaces_percent_encodes_percent_sign():
    assert iri_segment("100%") == "100%25"
    assert iri_segment("a b") == "a%20b"


@pytest.mark.parametrize("bad", [("ORGANISATION", "x"), ("ORG", "")])
def test_namespaces_entity_iri_rejects_bad_input(bad):
    with pytest.raises(InputError):
        entity_iri(*bad)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_namespaces_any_name_survives_turtle(name):
    iri = entity_iri("PERSON", name)
    assert not FORBIDDEN.search(str(iri)[len("https://") :])
    assert _turtle_roundtrip(iri) == iri


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_namespaces_distinct_names_get_distinct_iris(a, b):
    if a != b:
        assert entity_iri("ORG", a) != entity_iri("ORG", b)


def test_namespaces_source_iris():
    assert str(page_iri("000_x.txt")) == str(KGR) + "page/000_x.txt"
    assert str(article_iri("000_x.txt", 2)) == str(KGR) + "page/000_x.txt/article/2"
    assert fact_iri("PROMOTES", ("ORG", "a")) == fact_iri("PROMOTES", ("ORG", "a"))
    assert fact_iri("PROMOTES", ("ORG", "a")) != fact_iri("PROMOTES", ("ORG", "b"))
    assert str(mention_iri("p", 1, 2)).startswith(str(KGR) + "mention/")


def test_namespaces_bind_replaces_defaults():
    g = bind_namespaces(Graph())
    bound = {p: str(ns) for p, ns in g.namespaces()}
    for prefix, ns in PREFIXES.items():
        assert bound[prefix] == str(ns)
    assert bound["schema"] == "https://schema.org/"


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("https://w3id.org/kg/ns#Fact", "kg:Fact"),
        ("https://w3id.org/kg/id/org/昭通市委", "kgr:org/昭通市委"),
        ("http://www.w3.org/2004/02/skos/core#prefLabel", "skos:prefLabel"),
        ("https://w3id.org/kg/ns#", "kg:"),
        ("https://example.org/x", None),
    ],
)
def test_namespaces_curie(iri: str, expected: str | None) -> None:
    assert curie(iri) == expected
