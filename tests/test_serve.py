"""Tests of kg serve: the SPARQL protocol on a free loopback port, its refusals, limits and signals."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InputError, KgError
from kg.export.rdf import write_exports
from kg.graph.namespaces import PREFIXES
from kg.graph.rdf import build_graph
from kg.store.endpoint import host_allowed, negotiate
from kg.store.serve import ServeOptions, remove_orphans, serve
from kg.store.source import BUILD_STAMP
from kg.store.worker import QueryLimits

sys.path.insert(0, str(Path(__file__).parent))
from golden.handmade import handmade_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERY = 'SELECT ?programme WHERE { ?o skos:prefLabel "红光派出所"@zh ; kg:promotes/skos:prefLabel ?programme }'
UPDATE = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
ENDLESS = "SELECT DISTINCT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` now (as kg serve does, with SO_REUSEADDR)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve")
    write_exports(build_graph(handmade_corpus()), None, out, formats=("turtle",))
    return out


@pytest.fixture(scope="module")
def server(out_dir):
    limits = QueryLimits(timeout=1.0, limit=20)
    srv = serve(out_dir, ServeOptions(port=_free_port(), limits=limits))
    yield srv
    srv.stop()


def _get(url: str, query: str, *, accept: str = "application/sparql-results+json", host=None):
    headers = {"Accept": accept}
    if host:
        headers["Host"] = host
    req = urllib.request.Request(
        f"{url}?{urllib.parse.urlencode({'query': query})}", headers=headers
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.headers.get("Content-Type"), resp.read().decode("utf-8")


def _error(url: str, query: str, **kwargs) -> tuple[int, str]:
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(url, query, **kwargs)
    return err.value.code, err.value.read().decode("utf-8")


def test_serve_answers_sparql_protocol_with_predeclared_prefixes(server):
    """Issue 18: the endpoint predeclares kg query's prefixes (QUERY declares none)."""
    assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/query")
    status, ctype, body = _get(server.url, QUERY)
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["programme"]
    assert [b["programme"]["value"] for b in data["results"]["bindings"]] == ["警网融合"]


def test_serve_answers_post_and_other_formats(server):
    body = urllib.parse.urlencode({"query": QUERY}).encode()
    req = urllib.request.Request(server.url, data=body, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.read().decode("utf-8") == "programme\n警网融合\n"
    req = urllib.request.Request(
        server.url,
        data=QUERY.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+xml",
        },
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert '<literal xml:lang="zh">警网融合</literal>' in resp.read().decode("utf-8")
    _, ctype, text = _get(
        server.url, "CONSTRUCT { ?o kg:promotes ?p } WHERE { ?o kg:promotes ?p }", accept="*/*"
    )
    assert ctype == "application/n-triples" and len(text.splitlines()) == 3
    assert _get(server.url, "ASK { ?s ?p ?o }")[2].strip() == '{"head": {}, "boolean": true}'


def test_serve_negotiates_formats():
    assert negotiate(None, "select") == ("application/sparql-results+json", "json")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert negotiate(browser, "select") == ("text/html", "html")
    assert negotiate("text/csv;q=0.5, text/tab-separated-values", "select")[1] == "tsv"
    assert negotiate("image/png", "select") is None
    assert negotiate("*/*", "graph") == ("application/n-triples", "ntriples")


def test_serve_form_page_loads_nothing_from_the_internet(server):
    """Issue 18: / is kg's own form (Oxigraph's UI fetched a prefix list from prefix.cc)."""
    with urllib.request.urlopen(server.base_url + "/", timeout=10) as resp:
        page = resp.read().decode("utf-8")
    assert "/query" in page and 'action="/query"' in page
    assert not re.search(r"(src|href)=\"?(https?:)?//", page)
    assert all(f"{p}: &lt;{ns}&gt;" in page for p, ns in PREFIXES.items())


@pytest.mark.parametrize("host", ["evil.example:7878", "attacker.test", "localhost.evil.example"])
def test_serve_refuses_foreign_host_headers(server, host):
    """Issue 17 item 11: a DNS-rebinding page sends its own name as Host and is turned away."""
    code, message = _error(server.url, "ASK {}", host=host)
    assert code == 403 and "not a name of this server" in message


def test_serve_accepts_its_own_host_names(server):
    for host in (
        f"127.0.0.1:{server.port}",
        f"localhost:{server.port}",
        "LOCALHOST",
        f"[::1]:{server.port}",
    ):
        assert _get(server.url, "ASK {}", host=host)[0] == 200
    assert host_allowed("kg.internal:80", {"kg.internal"})
    assert host_allowed("10.1.2.3:7878", set(), any_ip=True)
    assert not host_allowed("kg.internal", set(), any_ip=True)
    assert not host_allowed(None, {"localhost"})


@pytest.mark.parametrize("path", ["/update", "/query"])
def test_serve_refuses_update(server, path):
    if path == "/update":
        body, ctype = UPDATE.encode(), "application/sparql-update"
    else:
        body, ctype = (
            urllib.parse.urlencode({"update": UPDATE}).encode(),
            "application/x-www-form-urlencoded",
        )
    req = urllib.request.Request(server.base_url + path, data=body, headers={"Content-Type": ctype})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 403 and "read-only" in err.value.read().decode()
    code, message = _error(server.url, UPDATE)
    assert code == 403 and "kg serve is read-only: INSERT" in message
    assert (
        json.loads(_get(server.url, "ASK { <http://example.org/a> ?p ?o }")[2])["boolean"] is False
    )


def test_serve_refuses_service_and_sends_nothing(server):
    """Issue 17 item 11: SERVICE in a query to the endpoint is refused before anything runs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        code, message = _error(
            server.url, f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
        )
        assert code == 403 and "SERVICE" in message
        with pytest.raises(TimeoutError):
            listener.accept()


def test_serve_syntax_errors_are_clear(server):
    code, message = _error(server.url, "SELECT ?x WHERE {\n ?x foo:bar ?z }")
    assert code == 400 and message.startswith(
        "SPARQL syntax error at line 2, column 5: unknown prefix 'foo:'"
    )


def test_serve_time_and_result_limits(server):
    """Issue 17 item 12: the server's --timeout and --limit hold (1 s and 20 rows here)."""
    code, message = _error(server.url, ENDLESS)
    assert code == 503 and "longer than 1 s" in message
    code, message = _error(server.url, "SELECT * { ?s ?p ?o }")
    assert code == 503 and "more than 20 rows" in message
    assert (
        len(
            json.loads(_get(server.url, "SELECT * { ?s ?p ?o } LIMIT 20")[2])["results"]["bindings"]
        )
        == 20
    )


def test_serve_second_server_on_a_port_says_it_is_taken(out_dir):
    """Issue 18: two kg serve on one port: the second says the port is taken (and leaves no store)."""
    port = _free_port()
    before = set(Path(tempfile.gettempdir()).glob(f"kg-serve-{os.getpid()}-*"))
    with serve(out_dir, ServeOptions(port=port)) as first:
        with pytest.raises(KgError, match=f"port {port} on 127.0.0.1 is already in use"):
            serve(out_dir, ServeOptions(port=port))
        assert _get(first.url, "ASK { ?s ?p ?o }")[0] == 200
        snapshots = set(Path(tempfile.gettempdir()).glob(f"kg-serve-{os.getpid()}-*")) - before
        assert len(snapshots) == 1
    assert not any(p.exists() for p in snapshots)  # stop() removes the snapshot
    assert _port_is_free(port)
    with socket.socket() as foreign:  # another program on the port: the same clear line
        foreign.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        foreign.bind(("127.0.0.1", port))
        foreign.listen(1)
        with pytest.raises(KgError, match=f"port {port} on 127.0.0.1 is already in use"):
            serve(out_dir, ServeOptions(port=port))


def test_serve_missing_graph_raises(tmp_path):
    with pytest.raises(InputError):
        serve(tmp_path / "missing", ServeOptions(port=_free_port()))


def _kg_store(folder: Path, graph: Path) -> None:
    """A store as ``kg build --store`` leaves it: loaded, and stamped complete."""
    store = ox.Store(str(folder))
    store.load(path=str(graph), format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    (folder / BUILD_STAMP).write_text("complete\npart-a\n", encoding="utf-8")


def test_serve_store_rewritten_by_a_later_build_is_not_served(out_dir, tmp_path):
    """Issue 17 item 13: after the build rewrites OUT/store, the old graph no longer answers."""
    store_dir = tmp_path / "store"
    _kg_store(store_dir, out_dir / "graph.ttl")
    with serve(store_dir, ServeOptions(port=_free_port())) as srv:
        assert json.loads(_get(srv.url, QUERY)[2])["results"]["bindings"]
        store = ox.Store(str(store_dir))  # the build writes while the server runs
        store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
        store.flush()
        del store
        (store_dir / BUILD_STAMP).write_text("complete\npart-b\n", encoding="utf-8")
        code, message = _error(srv.url, QUERY)
    assert (
        code == 503
        and "changed after kg serve started" in message
        and "restart kg serve" in message
    )


def test_serve_graph_file_rewritten_is_not_served(tmp_path):
    out = tmp_path / "out"
    write_exports(build_graph(handmade_corpus()), None, out, formats=("turtle",))
    with serve(out, ServeOptions(port=_free_port())) as srv:
        assert _get(srv.url, "ASK { ?s ?p ?o }")[0] == 200
        c = handmade_corpus()
        c.facts = c.facts[:1]
        write_exports(build_graph(c), None, out, formats=("turtle",))
        code, message = _error(srv.url, "ASK { ?s ?p ?o }")
    assert code == 503 and "graph.ttl changed" in message


def test_serve_refuses_a_store_a_build_is_writing(out_dir, tmp_path):
    store_dir = tmp_path / "store"
    _kg_store(store_dir, out_dir / "graph.ttl")
    (store_dir / BUILD_STAMP).write_text("interrupted\n", encoding="utf-8")
    with pytest.raises(InputError, match="being written by kg build"):
        serve(store_dir, ServeOptions(port=_free_port()))


def test_serve_removes_snapshots_of_killed_servers(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f"kg-serve-{dead.pid}-abc"
    (orphan / "store").mkdir(parents=True)
    mine = tmp_path / f"kg-serve-{os.getpid()}-abc"
    mine.mkdir()
    remove_orphans(tmp_path)
    assert not orphan.exists() and mine.exists()


def test_serve_help_says_where_the_endpoint_is():
    """Issue 18: kg serve --help names /query, what / is, and the predeclared prefixes."""
    from click.testing import CliRunner

    from kg.cli import main

    text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert (
        "/query" in text and "/ is a plain query form that loads nothing from the internet" in text
    )
    assert all(re.search(rf"\b{p}\b", text) for p in PREFIXES)


QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def seed_server(seed_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("seed-serve")
    write_exports(build_graph(seed_corpus), None, out, formats=("turtle",))
    srv = serve(out, ServeOptions(port=_free_port()))
    yield out, srv
    srv.stop()


@pytest.mark.parametrize("query_file", QUERIES, ids=lambda p: p.stem)
def test_serve_example_queries_match_the_embedded_store(seed_server, query_file):
    from kg.store.query import open_store, run_query
    from kg.store.sparql import bind_params

    out, srv = seed_server
    text = query_file.read_text(encoding="utf-8")
    local = run_query(open_store(out), text)  # binds the file's `# param` defaults
    data = json.loads(_get(srv.url, bind_params(text, {}))[2])  # over HTTP the client binds
    assert data["head"]["vars"] == local.columns

    def key(row):
        return tuple(v or "" for v in row)

    remote = [
        tuple(b.get(c, {}).get("value") for c in local.columns) for b in data["results"]["bindings"]
    ]
    assert sorted(remote, key=key) == sorted(local.rows, key=key)
    assert remote


# ---------------------------------------------------------------- kg serve as a process


def _group_processes(pgid: int) -> list[str]:
    """The processes of process group ``pgid`` (``ps``), as "pid command" lines."""
    done = subprocess.run(
        ["ps", "-o", "pid=,args=", "-g", str(pgid)], capture_output=True, text=True
    )
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def _start_kg_serve(out: Path, port: int) -> subprocess.Popen[str]:
    """``kg serve`` in a process group of its own; returns once it announces the endpoint."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(out), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert f"127.0.0.1:{port}/query" in line, line + proc.stderr.read()
    return proc


def _endless_query_running(proc: subprocess.Popen, port: int) -> subprocess.Popen:
    """A client asking kg serve (``proc``) an endless query, once the query runs in a worker."""
    url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": ENDLESS})
    client = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import urllib.request as u\ntry: u.urlopen({url!r})\nexcept Exception: pass",
        ]
    )
    deadline = time.monotonic() + 30
    while not any("kg.store.worker" in p for p in _group_processes(proc.pid)):
        assert time.monotonic() < deadline, _group_processes(proc.pid)
        time.sleep(0.05)
    return client


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_serve_kill_stops_everything_and_removes_the_store(out_dir, sig):
    """Issue 18: kill -TERM / -HUP of kg serve, while a query runs: port free, store gone, no process left."""
    port = _free_port()
    proc = _start_kg_serve(out_dir, port)
    snapshots = list(Path(tempfile.gettempdir()).glob(f"kg-serve-{proc.pid}-*"))
    assert len(snapshots) == 1 and (snapshots[0] / "store").is_dir()
    client = _endless_query_running(proc, port)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    client.wait(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert _port_is_free(port)
    assert not snapshots[0].exists()
    deadline = time.monotonic() + 10
    while _group_processes(proc.pid):  # a killed child may take a moment to be reaped
        assert time.monotonic() < deadline, _group_processes(proc.pid)
        time.sleep(0.05)


def test_serve_kill_9_leaves_no_query_process(out_dir):
    """Even SIGKILL of kg serve ends its running queries (they die with their parent)."""
    port = _free_port()
    proc = _start_kg_serve(out_dir, port)
    client = _endless_query_running(proc, port)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    client.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _group_processes(proc.pid):
        assert time.monotonic() < deadline, _group_processes(proc.pid)
        time.sleep(0.05)
    remove_orphans()  # what the next kg serve does
    assert not list(Path(tempfile.gettempdir()).glob(f"kg-serve-{proc.pid}-*"))
