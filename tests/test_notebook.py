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


def stale_font_cache(folder: Path) -> Path:
    """A matplotlib config folder whose font cache predates every CJK font (as after the README's order)."""
    from matplotlib import font_manager

    cache = folder / f"fontlist-v{font_manager.FontManager.__version__}.json"
    font_manager.json_dump(font_manager.fontManager, cache)
    fonts = json.loads(cache.read_text(encoding="utf-8"))
    cjk = {str(p) for p in explore.cjk_font_files()}
    fonts["ttflist"] = [
        f for f in fonts["ttflist"] if f["fname"] not in cjk and "CJK" not in f["name"]
    ]
    cache.write_text(json.dumps(fonts), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """The folder the notebook runs in (where it writes its pages)."""
    return tmp_path_factory.mktemp("notebook")


@pytest.fixture(scope="module")
def executed(built, workdir, tmp_path_factory, pytestconfig):
    """The notebook executed against ``built`` with a kernel running this very Python.

    matplotlib's font cache is one made before the CJK fonts were installed,
    so the chart shows Chinese only if the notebook registers a font itself.
    """
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
    mp.setenv("MPLCONFIGDIR", str(stale_font_cache(tmp_path_factory.mktemp("mplconfig"))))
    try:
        NotebookClient(
            nb, km=km, timeout=300, resources={"metadata": {"path": str(workdir)}}
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


def test_notebook_shows_graph_pages_and_a_chart(executed, workdir):
    frames = [h for h in outputs(executed, "text/html") if "<iframe" in h]
    sources = [re.search(r'<iframe src="([^"]+)"', h).group(1) for h in frames]
    assert sources == ["kg-pages/graph.html", "kg-pages/focus.html"]
    for src in sources:
        page = (workdir / src).read_text(encoding="utf-8")
        assert "vis.Network" in page and '"named":' in page
    assert len(outputs(executed, "image/png")) == 2  # the organisations, a programme's spread


def test_notebook_shows_a_programme_spread_over_time(executed):
    """Issue 19: the chart follows a programme through its dated places (programme_spread.rq)."""
    text = "".join(outputs(executed, "stream"))
    assert re.search(r"\S+ \[\('20\d\d-\d\d-\d\d', '[^']+'\)", text), text[-2000:]


def test_notebook_saved_with_outputs_stays_lean(executed):
    """The pages live in files beside the notebook: its outputs hold links, not 1 MB pages."""
    assert len(nbformat.writes(executed).encode("utf-8")) < 150_000


def test_notebook_chart_shows_chinese_with_a_stale_font_cache(executed):
    """No 'Glyph … missing from font' warning: the notebook registers a CJK font file itself."""
    if not explore.cjk_font_files():
        pytest.skip("no CJK font installed (Debian/Ubuntu: apt install fonts-noto-cjk)")
    text = "".join(outputs(executed, "stream"))
    assert not re.search(r"Glyph \d+ .*missing", text), text[:2000]


def test_notebook_use_cjk_font_registers_a_font_with_chinese_glyphs():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    if not explore.cjk_font_files():
        pytest.skip("no CJK font installed (Debian/Ubuntu: apt install fonts-noto-cjk)")
    family = explore.use_cjk_font()
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert all(FT2Font(path).get_char_index(ord(c)) for c in "昭通市委党建")


def test_notebook_show_graph_writes_the_page_beside_the_notebook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    g = nx.MultiDiGraph()
    g.add_node("a", label="甲", type="ORG", aliases=[], place=None, evidence=[])
    shown = explore.show_graph(g, name="one", title="<b>t</b>", height=300)
    assert '<iframe src="kg-pages/one.html"' in shown.data and "height:300px" in shown.data
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in (tmp_path / "kg-pages" / "one.html").read_text()
    assert len(shown.data) < 1000
    assert "<iframe srcdoc=" in explore.show_graph(g, inline=True).data
    with pytest.raises(InputError, match="plain file name"):
        explore.show_graph(g, name="../x")


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
