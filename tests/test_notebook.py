"""notebooks/explore.ipynb runs headless (nbclient, the venv's own kernel) and shows what it promises."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import networkx as nx
import pytest

from kg import explore
from kg.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


@pytest.fixture(scope="module")
def built(seed_corpus, tmp_path_factory) -> Path:
    """The seed corpus's graph written where ``kg build`` would put it."""
    from kg.graph.rdf import build_graph

    out = tmp_path_factory.mktemp("kg-output")
    build_graph(seed_corpus).serialize(out / "graph.ttl", format="turtle", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def executed(built, tmp_path_factory, pytestconfig):
    """The notebook executed against ``built`` with a kernel running this very Python."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / "kg-venv"
    spec.mkdir()
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "kg venv", "language": "python"})
    )
    km = KernelManager(
        kernel_name="kg-venv", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
    )
    nb = nbformat.read(NOTEBOOK, as_version=4)
    mp = pytest.MonkeyPatch()
    mp.setenv("KG_OUTPUT", str(built))
    try:
        NotebookClient(
            nb, km=km, timeout=300, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
        ).execute()
    finally:
        mp.undo()
    return nb


def outputs(nb, kind: str) -> list[str]:
    """Every output of MIME type ``kind`` (``stream`` for printed text)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if kind == "stream" and out.output_type == "stream":
                found.append(out.text)
            elif kind in out.get("data", {}):
                found.append(out.data[kind])
    return found


def test_notebook_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert nb.metadata.kernelspec.name == "python3"


def test_notebook_runs_with_venv_kernel(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    text = "".join(outputs(executed, "stream"))
    match = re.search(r"graph\.ttl: ([\d,]+) triples, (\d+) entities, (\d+) relations", text)
    assert match and int(match.group(2)) > 50


def test_notebook_shows_query_tables_with_rows(executed):
    tables = [h for h in outputs(executed, "text/html") if h.startswith('<table class="kg-table">')]
    assert len(tables) >= 6
    agency = next(t for t in tables if "<th>agency</th><th>programme</th>" in t)
    assert agency.count("<tr>") > 5
    central = next(t for t in tables if "<th>betweenness</th>" in t)
    assert central.count("<tr>") == 11  # header and ten organisations


def test_notebook_shows_graph_inline_and_a_chart(executed):
    frames = [h for h in outputs(executed, "text/html") if "<iframe srcdoc=" in h]
    assert len(frames) == 2
    for frame in frames:
        assert "<script" not in frame  # the page is an escaped attribute value
        assert "&lt;script" in frame and "vis.Network" in frame
    assert len(outputs(executed, "image/png")) == 1


def test_notebook_iframe_escapes_the_page():
    page = '<html><body><p title="a">&amp; </script></body></html>'
    frame = explore.iframe(page, height=300)
    inner = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    import html

    assert html.unescape(inner) == page
    assert "height:300px" in frame


def test_notebook_load_graph_names_missing_source(tmp_path):
    with pytest.raises(InputError, match="holds none of graph.ttl"):
        explore.load_graph(tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        explore.load_graph(tmp_path / "nope.ttl")


def test_notebook_network_measures_on_a_small_graph():
    g = nx.MultiDiGraph()
    for name, kind, place in [
        ("a", "ORG", "X"),
        ("b", "ORG", "Y"),
        ("x", "PLACE", None),
        ("p", "PROGRAM", None),
        ("q", "PROGRAM", None),
    ]:
        g.add_node(name, label=name.upper(), type=kind, aliases=[], place=place, evidence=[])
    for head, tail in [("a", "p"), ("b", "p"), ("x", "q"), ("a", "q")]:
        g.add_edge(head, tail, relation="PROMOTES", label="", evidence=[])
    assert explore.programmes_across_places(g).rows == [("P", 2, "X、Y")]
    assert explore.programmes_by_place(g).rows[0] == ("X", 2, "P、Q")
    central = explore.top_central(g, kind="ORG", n=1)
    assert central.rows[0][0] == "A" and central.rows[0][1] == 2
    assert "P" in explore.programme_communities(g, min_size=1)._repr_html_()
