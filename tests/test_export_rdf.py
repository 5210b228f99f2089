"""Tests of kg.export.rdf: every format parses back, round trips, and is byte-identical run to run."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.errors import ExportError
from kg.export.rdf import ALL_FORMATS, serialize, write_exports
from kg.graph.rdf import build_dataset, build_graph
from kg.model import Entity

sys.path.insert(0, str(Path(__file__).parent))
from golden.handmade import handmade_corpus  # noqa: E402

# rdflib's own TriG / N-Quads parsers use its deprecated APIs
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

FILES = {
    "turtle": "graph.ttl",
    "ntriples": "graph.nt",
    "jsonld": "graph.jsonld",
    "trig": "graph.trig",
    "nquads": "graph.nq",
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
}


def _hostile_corpus():
    c = handmade_corpus()
    c.entities.append(Entity("ORG", "<img src=x onerror=alert(1)>", {"</script>", 'a "b" \\ c'}))
    return c


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    c = _hostile_corpus()
    paths = write_exports(build_graph(c), build_dataset(c), out, formats=ALL_FORMATS)
    return out, paths


def test_export_rdf_writes_every_format(exported):
    out, paths = exported
    assert sorted(p.name for p in paths) == sorted(FILES.values())
    assert all(p.stat().st_size > 0 for p in paths)


@pytest.mark.parametrize(
    "name,fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")]
)
def test_export_rdf_graph_formats_round_trip(exported, name, fmt):
    out, _ = exported
    back = Graph().parse(out / name, format=fmt)
    assert isomorphic(back, build_graph(_hostile_corpus()))


@pytest.mark.parametrize("name,fmt", [("graph.trig", "trig"), ("graph.nq", "nquads")])
def test_export_rdf_dataset_formats_round_trip(exported, name, fmt):
    out, _ = exported
    back = Dataset().parse(out / name, format=fmt)
    expected = build_dataset(_hostile_corpus())
    assert sorted(map(str, back.quads())) == sorted(map(str, expected.quads()))


def test_export_rdf_networkx_formats_read_back(exported):
    out, _ = exported
    for reader, name in ((nx.read_graphml, "graph.graphml"), (nx.read_gexf, "graph.gexf")):
        g = reader(out / name)
        assert g.number_of_nodes() == 17
        labels = {d["label"] for _, d in g.nodes(data=True)}
        assert "<img src=x onerror=alert(1)>" in labels and "红光派出所" in labels
        assert {d["relation"] for *_, d in g.edges(data=True)} >= {"PROMOTES", "HOLDS_POST"}


def test_export_rdf_ntriples_are_sorted(exported):
    out, _ = exported
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_export_rdf_is_byte_identical_twice(exported, tmp_path):
    out, paths = exported
    c = _hostile_corpus()
    c.entities.reverse()
    c.facts.reverse()
    again = write_exports(build_graph(c), build_dataset(c), tmp_path, formats=ALL_FORMATS)
    for a, b in zip(sorted(paths), sorted(again), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_export_rdf_is_byte_identical_across_processes(exported, tmp_path):
    """Python's hash seed must not leak into any output file."""
    out, paths = exported
    script = (
        "import sys; sys.path.insert(0, 'tests');"
        "from pathlib import Path;"
        "from test_export_rdf import _hostile_corpus;"
        "from kg.graph.rdf import build_graph, build_dataset;"
        "from kg.export.rdf import write_exports, ALL_FORMATS;"
        "c = _hostile_corpus();"
        f"write_exports(build_graph(c), build_dataset(c), Path({str(tmp_path)!r}), formats=ALL_FORMATS)"
    )
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True)
    for p in paths:
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name


def test_export_rdf_jsonld_is_compact_json(exported):
    out, _ = exported
    data = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert data["@context"]["kg"] == "https://w3id.org/kg/ns#"
    ids = [node["@id"] for node in data["@graph"]]
    assert ids == sorted(ids)


def test_export_rdf_rejects_unknown_format(tmp_path):
    g = build_graph(handmade_corpus())
    with pytest.raises(ExportError, match="rdfxml"):
        serialize(g, "rdfxml")
    with pytest.raises(ExportError, match="dataset"):
        write_exports(g, None, tmp_path, formats=("trig",))
    with pytest.raises(ExportError, match="Dataset"):
        serialize(g, "trig")


def test_export_rdf_export_corpus_writes_defaults(tmp_path):
    from kg.export.rdf import DEFAULT_FORMATS, export_corpus

    paths = export_corpus(handmade_corpus(), tmp_path)
    assert [p.name for p in paths] == [FILES[f] for f in DEFAULT_FORMATS]
    assert isomorphic(Graph().parse(tmp_path / "graph.ttl"), build_graph(handmade_corpus()))


@pytest.fixture(scope="module")
def fast_exported(tmp_path_factory):
    from kg.export.rdf import export_corpus

    out = tmp_path_factory.mktemp("fast")
    return out, export_corpus(_hostile_corpus(), out, formats=ALL_FORMATS)


@pytest.mark.parametrize(
    "name,fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")]
)
def test_export_rdf_fast_graph_formats_are_isomorphic_to_build_graph(fast_exported, name, fmt):
    out, _ = fast_exported
    back = Graph().parse(out / name, format=fmt)
    expected = build_graph(_hostile_corpus())
    assert len(back) == len(expected) and isomorphic(back, expected)


@pytest.mark.parametrize("name,fmt", [("graph.trig", "trig"), ("graph.nq", "nquads")])
def test_export_rdf_fast_dataset_formats_equal_build_dataset(fast_exported, name, fmt):
    out, _ = fast_exported
    back = Dataset().parse(out / name, format=fmt)
    expected = build_dataset(_hostile_corpus())
    assert sorted(map(str, back.quads())) == sorted(map(str, expected.quads()))


def test_export_rdf_fast_files_equal_the_rdflib_path(exported, fast_exported):
    """export_corpus (no rdflib graph) and write_exports (rdflib graphs) write the same bytes."""
    (_, slow), (_, fast) = exported, fast_exported
    for a, b in zip(sorted(slow), sorted(fast), strict=True):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name


def test_export_rdf_fast_files_parse_with_pyoxigraph(fast_exported):
    import pyoxigraph as ox

    out, _ = fast_exported
    counts = {
        name: len(list(ox.parse(path=str(out / name), format=fmt)))
        for name, fmt in (
            ("graph.ttl", ox.RdfFormat.TURTLE),
            ("graph.nt", ox.RdfFormat.N_TRIPLES),
            ("graph.jsonld", ox.RdfFormat.JSON_LD),
            ("graph.trig", ox.RdfFormat.TRIG),
            ("graph.nq", ox.RdfFormat.N_QUADS),
        )
    }
    triples = len(build_graph(_hostile_corpus()))
    assert counts["graph.ttl"] == counts["graph.nt"] == counts["graph.jsonld"] == triples
    assert counts["graph.trig"] == counts["graph.nq"] >= triples


def test_export_rdf_turtle_groups_subjects_and_uses_prefixes(fast_exported):
    out, _ = fast_exported
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "@prefix kg: <https://w3id.org/kg/ns#> ." in text
    assert " a kg:Organization" in text and "skos:prefLabel" in text
    starts = [line.split(">", 1)[0][1:] for line in text.splitlines() if line.startswith("<")]
    assert starts == sorted(set(starts))  # each subject once, in order


def test_export_rdf_fast_is_byte_identical_across_processes(fast_exported, tmp_path):
    out, paths = fast_exported
    script = (
        "import sys; sys.path.insert(0, 'tests');"
        "from pathlib import Path;"
        "from test_export_rdf import _hostile_corpus;"
        "from kg.export.rdf import export_corpus, ALL_FORMATS;"
        "c = _hostile_corpus(); c.entities.reverse(); c.facts.reverse();"
        f"export_corpus(c, Path({str(tmp_path)!r}), formats=ALL_FORMATS)"
    )
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONHASHSEED="4242")
    subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True)
    for p in paths:
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name


def test_export_rdf_jsonld_has_one_node_object_per_line(fast_exported):
    out, _ = fast_exported
    lines = (out / "graph.jsonld").read_text(encoding="utf-8").splitlines()
    start = lines.index('"@graph": [') + 1
    nodes = [json.loads(line.rstrip(",")) for line in lines[start : lines.index("]", start)]]
    ids = [n["@id"] for n in nodes]
    assert ids == sorted(set(ids)) and len(ids) == len(
        set(build_graph(_hostile_corpus()).subjects())
    )


def test_export_graphml_bytes_do_not_depend_on_lxml(monkeypatch) -> None:
    """networkx picks lxml's GraphML writer when lxml is installed: kg must not."""
    import networkx as nx

    from kg.export.rdf import serialize_network

    pytest.importorskip("lxml")
    g = nx.MultiDiGraph()
    g.add_node("a", label="甲", aliases="")
    g.add_edge("a", "a", relation="PART_OF", label="", evidence="")
    first = serialize_network(g, "graphml", plain=True)
    assert re.search(rb'<data key="d\d" />', first)  # ElementTree's way with an empty value
    monkeypatch.setattr(nx, "write_graphml", nx.write_graphml_lxml)
    assert serialize_network(g, "graphml", plain=True) == first


def test_export_gexf_is_networkx_document_in_utf8() -> None:
    """The same bytes as networkx's ASCII GEXF, each reference to a non-ASCII character
    written as the character: Chinese reads as itself, and the file is less than half."""
    from kg.export.rdf import plain_network, serialize_network

    g = nx.MultiDiGraph()
    g.add_node("https://w3id.org/kg/id/org/昭通市人社局", label="昭通市人社局", type="ORG")
    g.add_node("b", label='a "b" <c> & d', evidence="第一句。\n第二句\u2028“引号”")
    g.add_node("c", label="lone \udcff surrogate")
    g.add_edge("https://w3id.org/kg/id/org/昭通市人社局", "b", relation="PART_OF", label="党组")
    plain = plain_network(g)
    ours = serialize_network(plain, "gexf", plain=True)
    ascii_ = "\n".join(nx.generate_gexf(plain, prettyprint=True)) + "\n"
    ascii_ = re.sub(r'lastmodifieddate="[^"]*"', 'lastmodifieddate="1970-01-01"', ascii_)

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1))
        return chr(code) if code >= 128 and not 0xD800 <= code <= 0xDFFF else m.group(0)

    assert ours == re.sub(r"&#(\d+);", char, ascii_).encode("utf-8")
    assert "昭通市人社局".encode() in ours and b"&#26157;" not in ours
    assert b"lone &#56575; surrogate" in ours  # a lone surrogate stays a reference, as in ASCII
    g.remove_node("c")  # which no XML reader takes, either way
    back = nx.read_gexf(io.BytesIO(serialize_network(g, "gexf")))
    assert back.nodes["b"]["label"] == 'a "b" <c> & d'
    assert back.nodes["b"]["evidence"] == "第一句。\n第二句\u2028“引号”"
