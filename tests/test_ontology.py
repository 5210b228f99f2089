"""Tests of ontology/kg.ttl, ontology/shapes.ttl and the generated docs/ontology.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.export.ontology_doc import DOC_PATH, load_ontology, render
from kg.graph.namespaces import ENTITY_CLASSES, KG, ORG_KIND_CLASSES, RELATION_PROPERTIES
from kg.graph.rdf import ONTOLOGY_PATH, SHAPES_PATH, build_graph

sys.path.insert(0, str(Path(__file__).parent))
from golden.handmade import handmade_corpus  # noqa: E402


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def _declared(onto: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {t for k in kinds for t in onto.subjects(RDF.type, k)}


def test_ontology_declares_every_term_the_code_names(ontology):
    declared = _declared(ontology)
    used = [cls for _, cls in ENTITY_CLASSES.values()] + list(ORG_KIND_CLASSES.values())
    used += [p for p in RELATION_PROPERTIES.values() if str(p).startswith(str(KG))]
    assert [t for t in used if t not in declared] == []


def test_ontology_declares_every_kg_term_in_the_graph(ontology):
    declared = _declared(ontology)
    g = build_graph(handmade_corpus())
    terms = {p for p in g.predicates()} | set(g.objects(None, RDF.type))
    missing = sorted(str(t) for t in terms if str(t).startswith(str(KG)) and t not in declared)
    assert missing == []


def test_ontology_terms_have_bilingual_labels_comment_and_example(ontology):
    for term in sorted(_declared(ontology)):
        if not str(term).startswith(str(KG)):
            continue
        langs = {lit.language for lit in ontology.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs, term
        assert ontology.value(term, RDFS.comment) is not None, term
        assert ontology.value(term, SKOS.example) is not None, term


def test_ontology_reuses_standard_vocabularies(ontology):
    assert (
        KG.Organization,
        RDFS.subClassOf,
        URIRef("http://www.w3.org/ns/org#Organization"),
    ) in ontology
    assert (
        KG.partOf,
        RDFS.subPropertyOf,
        URIRef("https://schema.org/containedInPlace"),
    ) in ontology
    assert (KG.Place, RDFS.subClassOf, URIRef("https://schema.org/AdministrativeArea")) in ontology


def test_ontology_shapes_parse():
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    assert len(set(shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))) >= 5


def test_ontology_doc_is_up_to_date(ontology):
    """docs/ontology.md must be regenerated (python -m kg.export.ontology_doc) after editing kg.ttl."""
    assert DOC_PATH.read_text(encoding="utf-8") == render(ontology)


def test_ontology_doc_lists_every_kg_term(ontology):
    doc = render(ontology)
    for term in _declared(ontology):
        if str(term).startswith(str(KG)):
            assert f"### kg:{str(term)[len(str(KG)) :]}" in doc
    assert ONTOLOGY_PATH.is_file()
