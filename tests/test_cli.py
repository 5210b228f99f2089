"""The kg command as a user runs it: extract, eval, build, query, html."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import GOLD, ROOT, SEEDS

from kg.cli import main

SEED_PAGE = SEEDS / "000_e59ba49bd64a9ae0.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A fresh ``kg build seeds/`` into a temporary folder."""
    out = tmp_path_factory.mktemp("out")
    done = run("build", "seeds/", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out, done


def test_cli_build_reproduces_committed_output(built) -> None:
    out, _ = built
    committed = ROOT / "output"
    names = sorted(
        p.name for p in committed.iterdir() if p.is_file() and not p.name.startswith(".")
    )
    assert "graph.ttl" in names and "graph.html" in names
    for name in names:
        assert (out / name).read_bytes() == (committed / name).read_bytes(), f"{name} differs"


def test_cli_build_reports_what_it_built(built) -> None:
    _, done = built
    assert "built 5 page(s)" in done.stdout


def test_cli_extract_writes_gold_format(tmp_path) -> None:
    done = run("extract", str(SEED_PAGE), "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    page = json.loads((tmp_path / "000_e59ba49bd64a9ae0.json").read_text(encoding="utf-8"))
    assert page["doc"] == SEED_PAGE.name
    assert {"articles", "entities", "relations"} <= page.keys()
    assert any(e["canonical"] == "昭通市政务服务管理局" for e in page["entities"])


def test_cli_eval_prints_score_py_figures(tmp_path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "000_e59ba49bd64a9ae0.json").write_bytes(
        (GOLD / "000_e59ba49bd64a9ae0.json").read_bytes()
    )
    done = run("eval", str(gold), str(SEED_PAGE))
    assert done.returncode == 0, done.stderr
    assert "== entities" in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("entity F1 ")


def test_cli_query_prints_rows(built) -> None:
    out, _ = built
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    done = run("query", str(out / "graph.ttl"), q, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the W3C SPARQL 1.1 JSON results format
    assert result["head"]["vars"] == ["n"]
    n = result["results"]["bindings"][0]["n"]
    assert n["datatype"] == "http://www.w3.org/2001/XMLSchema#integer" and int(n["value"]) > 1000


def test_cli_query_runs_an_example_query_file(built) -> None:
    out, _ = built
    queries = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
    assert queries
    done = run("query", str(out), str(queries[0]))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) >= 3  # header, rule, at least one row


def test_cli_query_bad_sparql_is_a_clear_error(built) -> None:
    out, _ = built
    done = run("query", str(out / "graph.ttl"), "SELECT WHERE {")
    assert done.returncode == 1
    assert "Error:" in done.stderr and "Traceback" not in done.stderr


def test_cli_html_focus_writes_a_neighbourhood(built, tmp_path) -> None:
    out, _ = built
    page = tmp_path / "focus.html"
    done = run("html", str(out), "-o", str(page), "--focus", "昭通市政务服务管理局", "--depth", "1")
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert "昭通市政务服务管理局" in text
    assert len(text) < (out / "graph.html").stat().st_size


def test_cli_missing_source_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["build", "no/such/folder", "-o", "x"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_cli_build_writes_only_the_formats_asked(tmp_path) -> None:
    done = run(
        "build", str(SEED_PAGE), "-o", str(tmp_path), "--format", "turtle", "--format", "nquads"
    )
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.startswith("."))
    assert files == ["graph.html", "graph.nq", "graph.ttl", "report.json"]
    quads = (tmp_path / "graph.nq").read_text(encoding="utf-8").splitlines()
    assert quads and all(line.endswith(" .") for line in quads)


def test_cli_build_format_choices_are_the_exporters() -> None:
    from kg.export.rdf import ALL_FORMATS

    option = next(p for p in main.commands["build"].params if p.name == "formats")
    assert sorted(option.type.choices) == sorted(ALL_FORMATS)


def test_cli_export_writes_the_store_as_the_build_wrote_it(tmp_path) -> None:
    """``kg build --store`` then ``kg export``: the store's quads and their union, as files."""
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic

    out = tmp_path / "out"
    done = run(
        "build",
        str(SEED_PAGE),
        "-o",
        str(out),
        "--store",
        "--format",
        "turtle",
        "--format",
        "nquads",
    )
    assert done.returncode == 0, done.stderr
    nq, ttl = tmp_path / "x.nq", tmp_path / "x.ttl"
    for fmt, path in (("nquads", nq), ("turtle", ttl)):
        done = run("export", str(out / "store"), "--format", fmt, "-o", str(path))
        assert done.returncode == 0, done.stderr
    built, exported = Dataset(), Dataset()
    built.parse(out / "graph.nq", format="nquads")
    exported.parse(nq, format="nquads")
    assert len(exported) > 1000
    assert sorted(map(str, exported.quads())) == sorted(map(str, built.quads()))
    union = Graph().parse(ttl, format="turtle")
    assert isomorphic(union, Graph().parse(out / "graph.ttl", format="turtle"))


def test_cli_export_format_choices_are_the_exporters() -> None:
    from kg.store.query import EXPORT_FORMATS

    option = next(p for p in main.commands["export"].params if p.name == "fmt")
    assert list(option.type.choices) == list(EXPORT_FORMATS)


def test_cli_build_format_option_matches_the_build() -> None:
    # The CLI spells these out so that `kg --help` does not import kg.corpus.build (spaCy).
    from kg.corpus.outputs import NETWORK_MAX_FACTS
    from kg.export.rdf import ALL_FORMATS, DEFAULT_FORMATS

    option = next(p for p in main.commands["build"].params if p.name == "formats")
    assert list(option.type.choices) == list(ALL_FORMATS)
    assert f"{NETWORK_MAX_FACTS:,} facts" in option.help
    left_out = [f for f in ALL_FORMATS if f not in DEFAULT_FORMATS]
    assert left_out == ["nquads"] and "all but nquads" in option.help
