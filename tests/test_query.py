"""Tests of kg.store.query: loading stores, running SPARQL, formatting, and the example queries."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from kg.errors import InputError, QueryError
from kg.export.rdf import write_exports
from kg.graph.rdf import build_dataset, build_graph
from kg.store.query import (
    compact_iri,
    format_csv,
    format_json,
    format_result,
    format_table,
    open_store,
    read_query,
    run_query,
)

sys.path.insert(0, str(Path(__file__).parent))
from golden.handmade import S0, S1, handmade_corpus  # noqa: E402

QUERIES = Path(__file__).resolve().parent.parent / "ontology" / "queries"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    c = handmade_corpus()
    write_exports(build_graph(c), build_dataset(c), out, formats=("turtle", "trig"))
    return out


@pytest.fixture(scope="module")
def store(out_dir):
    return open_store(out_dir)


def _run(store, name):
    return run_query(store, (QUERIES / name).read_text(encoding="utf-8"))


def test_query_every_example_has_a_comment_header():
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 5
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for f in files:
        assert f.read_text(encoding="utf-8").startswith("# "), f.name
        assert f.name in readme


def test_query_programmes_by_agency(store):
    r = _run(store, "programmes_by_agency.rq")
    assert r.columns == ["agency", "programme", "sentences"]
    assert r.rows == [
        ("昭通市政务服务管理局", "133工作思路", "1"),
        ("昭通市政务服务管理局", "警网融合", "1"),
        ("红光派出所", "警网融合", "1"),
    ]


def test_query_posts(store):
    assert _run(store, "posts.rq").rows == [("刘永旺", "所长", "红光派出所", "红光安置区")]


def test_query_bodies_in_county_follow_place_hierarchy(store):
    rows = _run(store, "bodies_in_county.rq").rows
    assert rows == [("永善县公安局", "永善县", "county"), ("红光派出所", "红光安置区", "area")]


def test_query_programmes_in_several_places(store):
    r = _run(store, "programmes_in_places.rq")
    assert [row[:2] for row in r.rows] == [("警网融合", "2")]
    assert sorted(r.rows[0][2].split(", ")) == ["昭通市", "红光安置区"]


def test_query_fact_sources(store):
    r = _run(store, "fact_sources.rq")
    assert len(r.rows) == 12
    row = dict(zip(r.columns, next(x for x in r.rows if x[2] == "133工作思路"), strict=True))
    assert row == {
        "relation": "PROMOTES",
        "head": "昭通市政务服务管理局",
        "tail": "133工作思路",
        "sentence": S0,
        "article": "政务服务提质增效",
        "page": "hm_001.txt",
        "start": "12",
        "end": str(12 + len(S0)),
    }
    assert any(x[3] == S1 and x[0] == "HOLDS_POST" for x in r.rows)


def test_query_awards(store):
    assert _run(store, "awards.rq").rows == [("红光派出所", "枫桥式公安派出所", "2022")]


def test_query_ask_construct_and_predeclared_prefixes(store):
    assert run_query(store, "ASK { ?o kg:promotes ?p }").rows == [("true",)]
    r = run_query(store, "CONSTRUCT { ?o kg:promotes ?p } WHERE { ?o kg:promotes ?p }")
    assert r.columns == ["subject", "predicate", "object"] and len(r.rows) == 3
    assert r.kind == "graph"


def test_query_syntax_error_names_the_problem(store):
    with pytest.raises(QueryError, match="syntax"):
        run_query(store, "SELEKT ?x WHERE { ?x ?y ?z }")


def test_query_unbound_values_are_none(store):
    r = run_query(store, "SELECT ?x ?y WHERE { VALUES ?x { 1 } }")
    assert r.rows == [("1", None)]


def test_query_store_from_file_and_persisted_dir(out_dir, tmp_path):
    s1 = open_store(out_dir / "graph.ttl")
    persisted = tmp_path / "store"
    s2 = open_store(out_dir, store_dir=persisted)
    n = len(s2)
    del s2
    assert len(s1) == n > 0
    reopened = open_store(persisted)  # a store folder opens without loading
    assert len(reopened) == n
    assert run_query(reopened, "ASK { ?o kg:promotes ?p }").rows == [("true",)]


def test_query_trig_named_graphs_are_in_default_graph(out_dir):
    s = open_store(out_dir / "graph.trig")
    assert len(run_query(s, "SELECT ?f WHERE { ?f a kg:Fact }").rows) == 12


def test_query_missing_source_raises(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        open_store(tmp_path / "nope.ttl")
    with pytest.raises(InputError, match="graph.ttl"):
        open_store(tmp_path)


def test_query_formatters(store):
    r = run_query(store, "SELECT ?o ?l WHERE { ?o a kg:JudicialOrganization } ")
    assert format_csv(r) == "o,l\n"
    r = _run(store, "posts.rq")
    assert list(csv.reader(io.StringIO(format_csv(r)))) == [r.columns, list(r.rows[0])]
    assert json.loads(format_json(r))["rows"] == [dict(zip(r.columns, r.rows[0], strict=True))]
    table = format_table(r)
    lines = table.splitlines()
    assert lines[0].startswith("person | post") and lines[-1] == "(1 row)"
    assert "刘永旺 | 所长" in lines[2]
    with pytest.raises(QueryError):
        format_result(r, "xml")


def test_query_compact_iri():
    assert compact_iri("https://w3id.org/kg/id/org/昭通市委") == "kgr:org/昭通市委"
    assert compact_iri("https://w3id.org/kg/ns#promotes") == "kg:promotes"
    assert compact_iri("http://example.org/x") == "http://example.org/x"


def test_query_read_query_from_file(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK {}", encoding="utf-8")
    assert read_query(str(f)) == "ASK {}"
    assert read_query("SELECT * WHERE {}") == "SELECT * WHERE {}"


def test_query_examples_on_seed_graph(seed_corpus, tmp_path):
    """Whole pipeline: every example runs on the seed graph; robust facts hold once relations exist."""
    write_exports(build_graph(seed_corpus), None, tmp_path, formats=("turtle",))
    s = open_store(tmp_path)
    for f in sorted(QUERIES.glob("*.rq")):
        run_query(s, f.read_text(encoding="utf-8"))  # raises QueryError if a query breaks
    rows = _run(s, "programmes_by_agency.rq").rows
    if not any(f.relation == "PROMOTES" for f in seed_corpus.facts):
        pytest.skip("the seed corpus has no PROMOTES facts yet")
    assert any(a == "昭通市政务服务管理局" and "133" in p for a, p, _ in rows), rows
    assert _run(s, "fact_sources.rq").rows


def test_query_persisted_store_reloads_when_graph_changes(tmp_path):
    c = handmade_corpus()
    write_exports(build_graph(c), None, tmp_path / "out", formats=("turtle",))
    store_dir = tmp_path / "store"
    s = open_store(tmp_path / "out", store_dir=store_dir)
    before = len(s)
    del s
    s = open_store(tmp_path / "out", store_dir=store_dir)  # unchanged: reused
    assert len(s) == before
    del s
    c.facts = c.facts[:1]
    write_exports(build_graph(c), None, tmp_path / "out", formats=("turtle",))
    s = open_store(tmp_path / "out", store_dir=store_dir)
    assert len(s) < before
    assert len(run_query(s, "SELECT ?f WHERE { ?f a kg:Fact }").rows) == 1


def test_query_export_refuses_unknown_formats_and_folders(store, tmp_path):
    from kg.store.query import export_graph

    with pytest.raises(InputError, match="'rdfxml' is not one of"):
        export_graph(store, tmp_path / "x.rdf", "rdfxml")
    with pytest.raises(InputError, match="is a folder"):
        export_graph(store, tmp_path, "nquads")
    export_graph(store, tmp_path / "x.trig", "trig")
    again = open_store(tmp_path / "x.trig")
    assert len(again) == len(store) > 100
