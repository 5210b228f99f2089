"""Tests of kg.store.serve: a real read-only Oxigraph SPARQL endpoint on a free local port."""

from __future__ import annotations

import json
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.export.rdf import write_exports
from kg.graph.rdf import build_graph
from kg.store.serve import serve

sys.path.insert(0, str(Path(__file__).parent))
from golden.handmade import handmade_corpus  # noqa: E402

QUERY = """PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?programme WHERE { ?o skos:prefLabel "红光派出所"@zh ; kg:promotes/skos:prefLabel ?programme }"""
UPDATE = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve")
    write_exports(build_graph(handmade_corpus()), None, out, formats=("turtle",))
    srv = serve(out, port=_free_port())
    yield srv
    srv.stop()


def _select(url: str, query: str) -> dict:
    req = urllib.request.Request(
        f"{url}?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        return json.load(resp)


def test_serve_answers_sparql_protocol(server):
    assert server.url.startswith("http://127.0.0.1:")
    data = _select(server.url, QUERY)
    assert data["head"]["vars"] == ["programme"]
    assert [b["programme"]["value"] for b in data["results"]["bindings"]] == ["警网融合"]


@pytest.mark.parametrize("path", ["/update", "/query"])
def test_serve_refuses_update(server, path):
    body = (
        UPDATE.encode()
        if path == "/update"
        else urllib.parse.urlencode({"update": UPDATE}).encode()
    )
    ctype = (
        "application/sparql-update" if path == "/update" else "application/x-www-form-urlencoded"
    )
    req = urllib.request.Request(server.base_url + path, data=body, headers={"Content-Type": ctype})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert 400 <= err.value.code < 500
    data = _select(server.url, "ASK { <http://example.org/a> ?p ?o }")
    assert data["boolean"] is False


def test_serve_stop_ends_the_process(tmp_path):
    write_exports(build_graph(handmade_corpus()), None, tmp_path, formats=("turtle",))
    store = tmp_path / "store"
    with serve(tmp_path, port=_free_port(), store_dir=store) as srv:
        assert _select(srv.url, "ASK { ?s ?p ?o }")["boolean"] is True
    assert srv.process.poll() is not None
    assert (store / "CURRENT").is_file()  # the persisted store stays for the next run
    with serve(tmp_path, port=_free_port(), store_dir=store) as again:  # reused, not reloaded
        assert _select(again.url, QUERY)["results"]["bindings"]


def test_serve_missing_graph_raises(tmp_path):
    with pytest.raises(InputError):
        serve(tmp_path / "missing", port=_free_port())


QUERIES = sorted((Path(__file__).resolve().parent.parent / "ontology" / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def seed_server(seed_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("seed-serve")
    write_exports(build_graph(seed_corpus), None, out, formats=("turtle",))
    srv = serve(out, port=_free_port())
    yield out, srv
    srv.stop()


@pytest.mark.parametrize("query_file", QUERIES, ids=lambda p: p.stem)
def test_serve_example_queries_match_the_embedded_store(seed_server, query_file):
    from kg.store.query import open_store, run_query

    out, srv = seed_server
    text = query_file.read_text(encoding="utf-8")
    local = run_query(open_store(out), text)
    data = _select(srv.url, text)
    assert data["head"]["vars"] == local.columns
    remote = sorted(
        tuple(b.get(c, {}).get("value") for c in local.columns) for b in data["results"]["bindings"]
    )
    assert remote == sorted(local.rows)
