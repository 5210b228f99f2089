"""Tests of kg.store.query: loading stores, running SPARQL, formatting, and the example queries."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.errors import InputError, QueryError
from kg.export.rdf import write_exports
from kg.graph.rdf import build_dataset, build_graph
from kg.store.query import (
    QueryOptions,
    open_store,
    read_query,
    run_query,
    stream_query,
)
from kg.store.results import Results, compact_iri, format_csv, format_json, format_table
from kg.store.sparql import QueryRefused
from kg.store.worker import QueryFailed, QueryLimits, QueryProcess

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
    rows = _run(store, "bodies_in_county.rq").rows  # the county by default: 永善县
    assert rows == [("永善县公安局", "永善县", "county"), ("红光派出所", "红光安置区", "area")]


def test_query_bodies_in_county_take_the_county_as_a_parameter(store):
    """Issue 18: --param county=… asks about another county without editing the file."""
    text = (QUERIES / "bodies_in_county.rq").read_text(encoding="utf-8")
    rows = run_query(store, text, params={"county": "昭通市"}).rows
    assert ("永善县公安局", "永善县", "county") in rows and len(rows) > 2
    assert run_query(store, text, params={"county": "盐津县"}).rows == []


def test_query_programmes_in_places(store):
    r = _run(store, "programmes_in_places.rq")
    assert r.rows[0][:2] == ("警网融合", "2")
    assert sorted(r.rows[0][2].split(", ")) == ["昭通市", "红光安置区"]
    assert [row[1] for row in r.rows[1:]] == ["1"] * (len(r.rows) - 1)


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


def test_query_award_conferrers(store):
    """Issue 18: who conferred which award on whom (the conferrer empty until the text names one)."""
    r = _run(store, "award_conferrers.rq")
    assert r.columns == ["conferrer", "honour", "recipient", "year"]
    assert r.rows == [(None, "枫桥式公安派出所", "红光派出所", "2022")]


def test_query_programme_spread_on_the_seed_build(seed_store):
    """Issue 19: which programme is reported in which place, and first when."""
    r = _run(seed_store, "programme_spread.rq")
    assert r.columns == ["programme", "place", "first"]
    assert ("8+N基层社会治理模式", "永善县", "2022-11-22") in r.rows
    assert ("产业发展+金融帮扶", "沙坝村", "2023-03-24") in r.rows
    assert {row[2] for row in r.rows} == {None, "2022-11-22", "2023-03-24"}
    assert len({row[:2] for row in r.rows}) == len(r.rows)  # one row a programme and place
    assert [row[0] for row in r.rows] == sorted(row[0] for row in r.rows)


SPREAD_PAGES = {
    "a.txt": "永善推行警网融合\n\n　　本报讯 永善县公安局在全县推行“警网融合”机制，推动基层治理。\n",
    "b.txt": "盐津推行警网融合\n\n　　本报讯 盐津县公安局学习永善经验，推行“警网融合”机制。\n",
    "manifest.csv": "file,newspaper,date,home_place\n"
    "a.txt,昭通日报,2023-03-10,昭通市\nb.txt,昭通日报,2023-01-05,昭通市\n",
}


def test_query_programme_spread_follows_a_programme_over_time(nlp, tmp_path):
    """Two dated pages of one programme: its places come out earliest first, with their dates."""
    from kg import explore
    from kg.corpus.build import build

    folder = tmp_path / "pages"
    folder.mkdir()
    for name, text in SPREAD_PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    build([folder], tmp_path / "out", nlp=nlp, sparql_store=True)
    store = open_store(tmp_path / "out")
    text = (QUERIES / "programme_spread.rq").read_text(encoding="utf-8")
    rows = run_query(store, text, params={"programme": "警网融合"}).rows
    assert rows == [("警网融合", "盐津县", "2023-01-05"), ("警网融合", "永善县", "2023-03-10")]
    table = explore.run_example(store, "programme_spread")
    assert explore.spread_over_time(table) == (
        "警网融合",
        [("2023-01-05", "盐津县"), ("2023-03-10", "永善县")],
    )
    with pytest.raises(InputError, match="一网通办"):
        explore.spread_over_time(table, "一网通办")


def test_query_ask_construct_and_predeclared_prefixes(store):
    assert run_query(store, "ASK { ?o kg:promotes ?p }").rows == [("true",)]
    r = run_query(store, "CONSTRUCT { ?o kg:promotes ?p } WHERE { ?o kg:promotes ?p }")
    assert r.columns == ["subject", "predicate", "object"] and len(r.rows) == 3
    assert r.kind == "graph"


def test_query_syntax_error_names_the_problem(store):
    with pytest.raises(QueryError, match="syntax"):
        run_query(store, "SELEKT ?x WHERE { ?x ?y ?z }")


def test_query_error_positions_are_in_the_users_text(store):
    """Issue 18: the predeclared prefixes no longer push positions down by 12 lines."""
    with pytest.raises(
        QueryError, match=r"^SPARQL syntax error at line 2, column 5: unknown prefix 'foo:'"
    ):
        run_query(store, "SELECT ?x WHERE {\n ?x foo:bar ?z }")
    with pytest.raises(QueryError, match=r"^SPARQL syntax error at line 3, column"):
        run_query(store, "SELECT ?x WHERE {\n ?x kg:promotes ?z \n FILTER( }")
    with pytest.raises(QueryRefused, match="kg query is read-only: INSERT"):
        run_query(store, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")


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


def _stream(out_dir, text, **options):
    """The column names and rows (W3C terms) of ``text`` run through the child process."""
    with stream_query(out_dir, text, QueryOptions(**options)) as run:
        rows = list(run.results.rows)
    run.finish()
    return run.results.columns, rows


def test_query_formatters(out_dir):
    columns, rows = _stream(out_dir, "SELECT ?o ?l WHERE { ?o a kg:JudicialOrganization } ")
    assert "".join(format_csv(Results("select", columns, rows))) == "o,l\n"
    columns, rows = _stream(out_dir, (QUERIES / "posts.rq").read_text(encoding="utf-8"))
    result = Results("select", columns, rows)
    values = [t["value"] if t else "" for t in rows[0]]
    assert list(csv.reader(io.StringIO("".join(format_csv(result))))) == [columns, values]
    lines = "".join(format_table(result)).splitlines()
    assert lines[0].startswith("person | post") and lines[-1] == "(1 row)"
    assert "刘永旺 | 所长" in lines[2]


def test_query_json_is_the_w3c_results_format(out_dir):
    """Issue 18: --format json is SPARQL 1.1 JSON results, with typed numbers."""
    text = (
        "SELECT ?who (COUNT(?p) AS ?n) (SAMPLE(?y) AS ?x) WHERE { ?a kg:promotes ?p ; "
        "skos:prefLabel ?who OPTIONAL { ?a kg:nothing ?y } } GROUP BY ?who ORDER BY ?who"
    )
    columns, rows = _stream(out_dir, text)
    data = json.loads("".join(format_json(Results("select", columns, rows))))
    assert data["head"] == {"vars": ["who", "n", "x"]}
    first = data["results"]["bindings"][0]
    assert first["who"] == {"type": "literal", "value": "昭通市政务服务管理局", "xml:lang": "zh"}
    assert first["n"] == {
        "type": "literal",
        "value": "2",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
    assert "x" not in first  # unbound: left out, as the W3C format says
    ask = json.loads("".join(format_json(Results("ask", [], boolean=True))))
    assert ask == {"head": {}, "boolean": True}


def test_query_compact_iri():
    assert compact_iri("https://w3id.org/kg/id/org/昭通市委") == "kgr:org/昭通市委"
    assert compact_iri("https://w3id.org/kg/ns#promotes") == "kg:promotes"
    assert compact_iri("http://example.org/x") == "http://example.org/x"


def test_query_read_query_from_file(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK {}", encoding="utf-8")
    assert read_query(str(f)) == "ASK {}"
    assert read_query("SELECT * WHERE {}") == "SELECT * WHERE {}"


@pytest.fixture(scope="module")
def seed_store(seed_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("seed-query")
    write_exports(build_graph(seed_corpus), None, out, formats=("turtle",))
    return open_store(out)


@pytest.mark.parametrize("query_file", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_query_every_example_answers_on_the_seed_graph(seed_store, query_file):
    """Issue 18: each example query returns at least one row on the graph of seeds/."""
    assert run_query(seed_store, query_file.read_text(encoding="utf-8")).rows, query_file.name


def test_query_examples_on_seed_graph(seed_store):
    rows = _run(seed_store, "programmes_by_agency.rq").rows
    assert any(a == "昭通市政务服务管理局" and "133" in p for a, p, _ in rows), rows


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


def test_query_plain_chinese_string_warns_when_nothing_matches(store, caplog):
    """Issue 18: "昭通市委" never equals the @zh labels; kg says so instead of 0 rows in silence."""
    assert run_query(store, 'SELECT ?o { ?o skos:prefLabel "红光派出所" }').rows == []
    assert '"红光派出所"@zh' in caplog.text
    caplog.clear()
    assert run_query(store, 'SELECT ?o { ?o skos:prefLabel "红光派出所"@zh }').rows
    assert "@zh" not in caplog.text


class _Listener:
    """A loopback TCP listener that records whether anything connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        self.connections += 1
        conn.close()

    def close(self) -> None:
        self.sock.close()
        self.thread.join()


def test_query_service_makes_no_outbound_request(store, out_dir):
    """Issue 17 item 11: SERVICE is refused, and nothing is sent, unless explicitly allowed."""
    listener = _Listener()
    query = f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    try:
        with pytest.raises(QueryRefused, match="--allow-service"):
            run_query(store, query)
        with pytest.raises(QueryRefused, match="--allow-service"):
            _stream(out_dir, query)
        assert listener.connections == 0
        with pytest.raises(QueryError):  # allowed: it goes out (and our listener hangs up)
            run_query(store, query, allow_service=True)
    finally:
        listener.close()
    assert listener.connections == 1


CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ENDLESS = "SELECT DISTINCT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def test_query_result_limit_cuts_a_cartesian_product(out_dir):
    """Issue 17 item 12: rows stream and stop at the limit, which is an error naming --limit."""
    with stream_query(out_dir, CARTESIAN, QueryOptions(limits=QueryLimits(limit=5))) as run:
        rows = list(run.results.rows)
    assert len(rows) == 5
    with pytest.raises(QueryError, match=r"stopped after 5 rows.*--limit"):
        run.finish()


def test_query_timeout_stops_an_endless_query(out_dir):
    """Issue 17 item 12: a query past the time limit is stopped (its process killed)."""
    options = QueryOptions(limits=QueryLimits(timeout=0.5))
    with pytest.raises(QueryFailed, match=r"longer than 0.5 s.*--timeout") as err:
        with stream_query(out_dir, ENDLESS, options) as run:
            list(run.results.rows)
    assert err.value.kind == "timeout"


def test_query_process_that_dies_is_named(out_dir):
    """A crash of the query's process (out of memory, killed) is a clear error, not a hang."""
    job = {"source": str(out_dir), "query": ENDLESS}
    with QueryProcess(job, QueryLimits(timeout=0)) as process:
        process._next(timed=False)  # the store is open, the query starts
        os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(QueryFailed, match="query process died .signal SIGKILL") as err:
            process.results()
    assert err.value.kind == "died"


def _kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``kg`` as a user runs it."""
    root = str(Path(__file__).resolve().parent.parent)
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": root},
    )


def test_query_cli_streams_a_cartesian_product_to_the_limit(out_dir):
    """Issue 17 item 12: kg query prints rows as they come and stops at --limit (it used to abort)."""
    done = _kg("query", str(out_dir), CARTESIAN, "--format", "csv", "--limit", "3")
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 4  # header and 3 rows
    assert "stopped after 3 rows" in done.stderr and "Traceback" not in done.stderr


def test_query_cli_takes_parameters_and_names_errors(out_dir):
    done = _kg(
        "query", str(out_dir), str(QUERIES / "bodies_in_county.rq"), "--param", "county=昭通市"
    )
    assert done.returncode == 0, done.stderr
    assert "永善县公安局" in done.stdout
    done = _kg("query", str(out_dir), "SELEC ?x WHERE { ?x ?y ?z }")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: SPARQL syntax error at line 1, column 1: expected SELECT, ASK, CONSTRUCT or "
        "DESCRIBE (after any PREFIX and BASE lines), not 'SELEC'"
    )
    done = _kg("query", str(out_dir), "SELECT * { ?s ?p ?o }", "--param", "county=x")
    assert done.returncode == 1 and "no variable ?county" in done.stderr
