"""Tests of kg.graph.view: the networkx view, whole and drawn part by part."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from rdflib.namespace import PROV, RDF, SKOS

from kg.errors import InputError
from kg.graph.namespaces import ENTITY_CLASSES, KG, entity_iri
from kg.graph.quads import corpus_quads
from kg.graph.rdf import build_graph, corpus_rdf, quads_rdf
from kg.graph.view import (
    DegreeCount,
    DrawnView,
    Naming,
    ViewIndex,
    _keep_namings,
    to_networkx,
)
from kg.model import Mention

sys.path.insert(0, str(Path(__file__).parent))
from golden.handmade import S1, SOURCE, TITLE1, handmade_corpus  # noqa: E402


@pytest.fixture(scope="module")
def graph():
    return build_graph(handmade_corpus())


def test_view_of_handmade_corpus(graph):
    g = to_networkx(graph)
    assert g.number_of_nodes() == 16
    station = g.nodes[str(entity_iri("ORG", "红光派出所"))]
    assert station["label"] == "红光派出所"
    assert station["type"] == "ORG"
    assert station["aliases"] == ["派出所"]
    assert station["place"] == "红光安置区"
    assert station["evidence"] == [S1]
    edges = {
        (g.nodes[u]["label"], g.nodes[v]["label"], d["relation"], d["label"])
        for u, v, d in g.edges(data=True)
    }
    assert ("刘永旺", "红光派出所", "HOLDS_POST", "所长") in edges
    assert ("红光派出所", "枫桥式公安派出所", "AWARDED", "2022") in edges
    assert ("昭通市政务服务管理局", "133工作思路", "PROMOTES", "") in edges
    assert len(edges) == 11  # the credit's tail is an article, not an entity node
    (d,) = g.get_edge_data(
        str(entity_iri("PERSON", "刘永旺")), str(entity_iri("ORG", "红光派出所"))
    ).values()
    assert d["evidence"] == [S1]
    assert g.nodes[str(entity_iri("PERSON", "张顺富"))]["evidence"] == ["通讯员 张顺富"]
    assert TITLE1


def test_view_from_index_equals_view_from_graph(graph):
    from_index = to_networkx(corpus_rdf(handmade_corpus()).view)
    from_graph = to_networkx(graph)
    assert sorted(from_index.nodes(data=True)) == sorted(from_graph.nodes(data=True))
    assert sorted(from_index.edges(keys=True, data=True)) == sorted(
        from_graph.edges(keys=True, data=True)
    )


def test_view_names_where_an_entity_without_facts_is_named():
    """An entity in no fact still has the sentences of its mentions, with article date and title."""
    corpus = handmade_corpus()
    mention = Mention("两个确立", "PROGRAM", 140, 144, 1, S1, 100)
    corpus.mentions.append((mention, SOURCE, ("PROGRAM", "两个确立")))
    iri = str(entity_iri("PROGRAM", "两个确立"))
    for view in (to_networkx(build_graph(corpus)), to_networkx(corpus_rdf(corpus).view)):
        assert view.nodes[iri]["evidence"] == []
        assert view.nodes[iri]["named"] == [Naming("2022-11-22", TITLE1, S1)]
        station = view.nodes[str(entity_iri("ORG", "红光派出所"))]
        assert station["named"] == [Naming("2022-11-22", TITLE1, S1)]
    assert str(Naming("2022-11-22", TITLE1, S1)) == f"2022-11-22 《{TITLE1}》 {S1}"


def _shown(named, evidence, shown):
    """The first ``shown`` namings whose sentence is not in ``evidence``: what the page shows."""
    return [n for n in named if n.sentence not in evidence][:shown]


def _cut(graph, nodes, node_evidence, edge_evidence, node_named):
    """``graph`` restricted to ``nodes``, each node and edge keeping the sentences a page shows."""
    cut = graph.subgraph(nodes).copy()
    for _, data in cut.nodes(data=True):
        data["evidence"] = data["evidence"][:node_evidence]
        data["named"] = _shown(data["named"], data["evidence"], node_named)
    for _, _, data in cut.edges(data=True):
        data["evidence"] = data["evidence"][:edge_evidence]
    return cut


def test_view_drawn_is_the_whole_view_cut_to_its_nodes(seed_corpus):
    """A large build's page view, fed part by part, equals the whole view cut to the chosen nodes."""
    kept = quads_rdf(corpus_quads(seed_corpus), keep_view=True).view.kept
    whole = to_networkx(_index(kept))
    types = {str(cls) for _, cls in ENTITY_CLASSES.values()}
    first = [t for t in kept if t[1] == str(RDF.type) and t[2] in types]
    by_subject: dict[int, list] = {0: first, 1: [], 2: [], 3: []}
    derived = {s: o for s, p, o in kept if p == str(PROV.wasDerivedFrom)}
    for t in sorted(set(kept) - set(first)):
        # A page's articles, facts and mentions stay in one part, as in a build.
        page = derived.get(t[0], t[0]).split("/article/")[0]
        by_subject[1 + sum(map(ord, page)) % 3].append(t)
    counts = DegreeCount()
    for part in by_subject.values():
        counts.add(part)
    assert counts.degree == {n: d for n, d in whole.degree if d}
    nodes = counts.best(30)
    assert nodes == set(sorted(whole, key=lambda n: (-whole.degree(n), n))[:30])
    drawn = DrawnView(nodes, node_evidence=2, edge_evidence=1, node_named=3)
    for part in by_subject.values():
        drawn.add(part)
    got, want = drawn.to_networkx(), _cut(whole, nodes, 2, 1, 3)
    for _, data in got.nodes(data=True):  # it keeps more, so any evidence leaves enough
        data["named"] = _shown(data["named"], data["evidence"], 3)
    assert max(len(d["evidence"]) for _, d in whole.subgraph(nodes).nodes(data=True)) > 2
    assert max(len(d["named"]) for _, d in whole.subgraph(nodes).nodes(data=True)) > 3
    assert sorted(got.nodes(data=True)) == sorted(want.nodes(data=True))
    assert sorted(got.edges(keys=True, data=True)) == sorted(want.edges(keys=True, data=True))
    assert got.number_of_edges() > 25


def test_view_drawn_keeps_the_namings_a_page_shows_when_sentences_repeat():
    """One sentence may name an entity in many articles: the namings kept still give the page's.

    Checked against the whole list, for namings offered in any order and any
    evidence the node may end with (a page leaves out the namings whose
    sentence it shows as evidence).
    """
    rng = random.Random(7)
    for _ in range(300):
        sentences = [f"s{i}" for i in range(rng.randint(1, 12))]
        offered = [
            Naming(f"2024-0{rng.randint(1, 9)}", f"t{rng.randint(0, 5)}", rng.choice(sentences))
            for _ in range(rng.randint(0, 60))
        ]
        told, shown = rng.randint(0, 4), rng.randint(1, 4)
        kept: list[Naming] = []
        for naming in offered:
            _keep_namings(kept, naming, told=told, shown=shown)
        whole = sorted(set(offered))
        assert kept == sorted(set(kept)) and set(kept) <= set(whole)
        assert len(kept) <= (told + shown + 1) * shown
        for evidence in ({rng.choice(sentences) for _ in range(told)}, set(sentences[:told])):
            assert _shown(kept, evidence, shown) == _shown(whole, evidence, shown)


def _index(triples):
    index = ViewIndex()
    index.extend(triples)
    return index


def test_view_index_reads_type_subjects_only():
    with pytest.raises(InputError, match="rdf:type"):
        ViewIndex().subjects(SKOS.prefLabel, KG.Fact)
