"""The graph page as a person uses it: opened from disk in headless Chromium (Debian's, via Playwright).

Chromium comes from ``.ci/install-browser.sh`` (apt); Playwright only drives
it through ``executable_path`` and never downloads a browser.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import write_html
from kg.model import ENTITY_TYPES, RELATION_TYPES

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (run .ci/install-browser.sh)"
    ),
]


def synthetic(n: int, *, extra: int = 0, names: dict[int, str] | None = None) -> nx.MultiDiGraph:
    """A chain-and-hub graph of ``n`` entities (node ``i`` is index ``i`` in the page)."""
    g = nx.MultiDiGraph()
    iri = "https://w3id.org/kg/id/e{:05d}".format
    for i in range(n):
        g.add_node(
            iri(i), label=(names or {}).get(i, f"实体{i}"), type=ENTITY_TYPES[i % 6],
            aliases=[f"E{i}"], place="昭通市" if i % 3 == 0 else None, evidence=[f"第{i}句证据。"],
        )  # fmt: skip
    for i in range(1, n):
        g.add_edge(
            iri(i),
            iri(0 if i % 4 == 0 else i - 1),
            relation=RELATION_TYPES[i % 8],
            label="",
            evidence=[],
        )
    for j in range(extra):
        g.add_edge(iri(7 * j % n), iri((13 * j + 1) % n), relation="PART_OF", label="", evidence=[])
    return g


@dataclass
class Session:
    """An open page and what it did: console errors, requests, dialogs."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


# Records every text drawn on a canvas with its size on screen (font px × the canvas scale).
RECORD_TEXT = """
const fill = CanvasRenderingContext2D.prototype.fillText;
window.kgTexts = [];
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, w) {
  const px = parseFloat(/([0-9.]+)px/.exec(this.font)[1]) * this.getTransform().a / devicePixelRatio;
  window.kgTexts.push([String(text), px]);
  return fill.call(this, text, x, y, w);
};
"""


def open_page(
    browser, path: Path, *, width: int = 1200, height: int = 800, record: bool = False
) -> Session:
    """Open ``path`` from disk and wait until vis-network has drawn once."""
    page = browser.new_page(viewport={"width": width, "height": height})
    if record:
        page.add_init_script(RECORD_TEXT)
    session = Session(page)
    page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: session.errors.append(str(e)))
    page.on("request", lambda r: session.requests.append(r.url))

    def on_dialog(dialog):
        session.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.resolve().as_uri())
    page.wait_for_function(
        "window.kgReady === true && window.network.body.data.nodes.length > 0", timeout=30_000
    )
    return session


def counts(page) -> tuple[int, int]:
    return tuple(page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]"))


def ink(png: bytes) -> int:
    """Pixels of a screenshot that differ clearly from white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(image.histogram()[:200])


def test_browser_counts_match_graph_offline(browser, tmp_path):
    g = synthetic(60, extra=15)
    s = open_page(browser, write_html(g, tmp_path / "g.html"))
    assert counts(s.page) == (60, g.number_of_edges())
    assert s.errors == []
    assert s.remote_requests() == []
    assert s.page.locator("#kg-stats").text_content() == f"60 个实体 · {g.number_of_edges()} 条关系"
    assert s.page.locator("#kg-isolated").is_hidden()  # nothing to hide
    assert s.page.locator(".kg-type-filter").count() == 6


def test_browser_screenshot_is_not_blank(browser, tmp_path):
    s = open_page(browser, write_html(synthetic(40), tmp_path / "g.html"))
    s.page.wait_for_timeout(500)
    shot = s.page.locator("#mynetwork").screenshot()
    assert ink(shot) > 2000  # nodes, edges and labels drawn on the canvas


def test_browser_markup_in_names_is_text(browser, tmp_path):
    g = synthetic(8, names={1: XSS_IMG, 2: XSS_SCRIPT})
    g.nodes["https://w3id.org/kg/id/e00003"]["evidence"] = [XSS_IMG + XSS_SCRIPT]
    s = open_page(browser, write_html(g, tmp_path / "xss.html"))
    page = s.page
    assert counts(page)[0] == 8
    for name in (XSS_IMG, XSS_SCRIPT):
        hits = page.evaluate("q => kg.search(q)", name)
        assert hits, f"search finds {name!r}"
        assert page.locator("#kg-details h2").text_content() == name
        assert page.locator("#kg-results li").first.text_content().startswith(name)
    page.evaluate("kg.selectNode(3)")
    assert XSS_IMG + XSS_SCRIPT in page.locator("#kg-details").text_content()
    # hovering shows the tooltip built from text nodes
    page.evaluate("kg.selectNode(1)")
    box = page.evaluate(
        "(() => { const p = network.getPositions([1])[1]; return network.canvasToDOM(p); })()"
    )
    frame = page.locator("#mynetwork").bounding_box()
    page.mouse.move(frame["x"] + box["x"], frame["y"] + box["y"])
    page.wait_for_timeout(600)
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert s.dialogs == [] and s.errors == []
    tip = page.locator("div.vis-tooltip")
    assert tip.is_visible() and tip.text_content().startswith(XSS_IMG)


def test_browser_type_filter_and_neighbourhood(browser, tmp_path):
    g = synthetic(30)
    s = open_page(browser, write_html(g, tmp_path / "g.html"))
    page = s.page
    page.locator(".kg-type-filter[value=ORG]").uncheck()
    orgs = sum(1 for _, t in g.nodes(data="type") if t == "ORG")
    assert counts(page)[0] == 30 - orgs
    page.locator(".kg-type-filter[value=ORG]").check()
    assert counts(page)[0] == 30
    page.evaluate("kg.focusNeighbourhood(5, 1)")  # 实体5: chain 6→5→4
    assert counts(page) == (3, 2)
    page.locator("#kg-show-all").click()
    assert counts(page)[0] == 30
    page.locator("#kg-search").fill("实体7")
    page.locator("#kg-search-form button[type=submit]").click()
    assert page.evaluate("network.getSelectedNodes()") == [7]
    page.locator("#kg-neighbourhood").click()  # 实体7 → 实体6 only (8 links to the hub)
    assert counts(page) == (2, 1)
    assert s.errors == []


def test_browser_large_graph_without_physics(browser, tmp_path):
    g = synthetic(1200, extra=300)
    s = open_page(browser, write_html(g, tmp_path / "big.html", physics_limit=500, max_nodes=1000))
    assert counts(s.page)[0] == 1000
    notice = s.page.locator("#kg-notice")
    assert notice.is_visible() and "1,200 个实体中关系最多的 1,000 个" in notice.text_content()
    assert "1,000 best-connected of 1,200" in notice.get_attribute("title")
    assert s.page.evaluate("network.physics.options.enabled") is False
    assert s.page.evaluate("window.kgLayouts") == 1  # the layout computed in Python
    s.page.locator(".kg-type-filter[value=ORG]").uncheck()
    assert s.page.evaluate("window.kgLayouts") == 2  # fitted again, without physics
    assert s.errors == [] and s.remote_requests() == []


def test_browser_seed_graph(browser, tmp_path, seed_corpus):
    from kg.graph.rdf import build_graph, to_networkx

    view = to_networkx(build_graph(seed_corpus))
    s = open_page(
        browser,
        write_html(view, tmp_path / "seeds.html", title="昭通日报 党建"),
        width=1400,
        height=900,
    )
    isolated = sum(1 for n in view if view.degree(n) == 0)
    assert isolated > 0
    assert counts(s.page) == (view.number_of_nodes() - isolated, view.number_of_edges())
    assert s.errors == [] and s.remote_requests() == []
    s.page.wait_for_timeout(1000)
    assert ink(s.page.screenshot()) > 5000


def drawn_texts(page, js: str = "") -> dict[str, float]:
    """The texts the next frame draws on the canvas, each with its largest size on screen (px)."""
    page.evaluate(f"window.kgTexts = []; {js}; network.redraw()")
    page.wait_for_timeout(300)
    sizes: dict[str, float] = {}
    for text, px in page.evaluate("window.kgTexts"):
        sizes[text] = max(px, sizes.get(text, 0.0))
    return sizes


def with_isolated(n: int, lonely: int) -> nx.MultiDiGraph:
    """``synthetic(n)`` plus ``lonely`` entities in no relation (indices n … n+lonely-1)."""
    g = synthetic(n)
    for i in range(n, n + lonely):
        g.add_node(
            f"https://w3id.org/kg/id/e{i:05d}", label=f"孤立{i}", type="PROGRAM",
            aliases=[], place=None, evidence=[],
        )  # fmt: skip
    return g


def test_browser_names_of_the_best_connected_are_readable_at_every_zoom(browser, tmp_path):
    from kg.export.html import render_html

    g = with_isolated(120, 30)
    path = write_html(g, tmp_path / "g.html")
    hubs = [
        json.loads(m)["hubs"] for m in re.findall(r'id="kg-data">(.*?)</script>', render_html(g))
    ]
    names = [f"实体{i}" for i in hubs[0]]
    assert "实体0" in names and len(names) >= 10
    s = open_page(browser, path, record=True)
    for js in ("", "network.moveTo({scale: 0.05})", "network.moveTo({scale: 0.3})",
               "network.moveTo({scale: 3})"):  # fmt: skip
        sizes = drawn_texts(s.page, js)
        assert all(sizes.get(name, 0) >= 12.5 for name in names), (js, sizes)
        assert min(sizes.values()) >= 6.5, js  # other names only once they are readable
    assert s.errors == []


def test_browser_hides_isolated_entities_and_lays_out_again(browser, tmp_path):
    g = with_isolated(40, 25)
    s = open_page(browser, write_html(g, tmp_path / "g.html"))
    page = s.page
    page.wait_for_function("window.kgLayouts >= 1")
    assert counts(page) == (40, 39)  # hidden at first
    toggle = page.locator("#kg-hide-isolated")
    assert toggle.is_checked()
    assert page.locator("#kg-isolated").text_content().strip() == "隐藏无关系的实体（25）"
    toggle.uncheck()
    page.wait_for_function("window.kgLayouts >= 2")
    assert counts(page) == (65, 39)
    page.locator(".kg-type-filter[value=ORG]").uncheck()  # a filter: laid out again, fitted
    page.wait_for_function("window.kgLayouts >= 3")
    shown = page.evaluate("network.body.data.nodes.getIds()")
    assert len(shown) == 65 - sum(1 for _, t in g.nodes(data="type") if t == "ORG")
    box = page.evaluate(
        """ids => { const p = network.getPositions(ids);
        const xy = ids.map(i => network.canvasToDOM(p[i]));
        return [Math.min(...xy.map(a => a.x)), Math.max(...xy.map(a => a.x)),
                Math.min(...xy.map(a => a.y)), Math.max(...xy.map(a => a.y))]; }""",
        shown,
    )
    frame = page.locator("#mynetwork").bounding_box()
    assert 0 <= box[0] and box[1] <= frame["width"] and 0 <= box[2] and box[3] <= frame["height"]
    assert abs((box[0] + box[1]) / 2 - frame["width"] / 2) < frame["width"] * 0.1  # centred
    page.locator("#kg-hide-isolated").check()
    page.wait_for_function("window.kgLayouts >= 4")
    assert counts(page)[0] == len(shown) - 25 + sum(
        1 for i in range(40, 65) if g.nodes[f"https://w3id.org/kg/id/e{i:05d}"]["type"] == "ORG"
    )
    assert s.errors == []


def test_browser_search_shows_where_an_isolated_entity_is_named(browser, tmp_path):
    from kg.graph.view import Naming

    g = with_isolated(10, 3)
    g.nodes["https://w3id.org/kg/id/e00011"]["named"] = [
        Naming("2023-03-24", "建“五型机关”促提质提效", "市就业局被中共中央、国务院授予称号。")
    ]
    s = open_page(browser, write_html(g, tmp_path / "g.html"))
    page = s.page
    assert page.evaluate("kg.search('孤立11')") == [11]
    page.wait_for_function("network.getSelectedNodes()[0] === 11")
    assert page.locator("#kg-hide-isolated").is_checked() is False  # shown to be selected
    details = page.locator("#kg-details")
    assert "提及之处" in details.text_content()
    assert details.locator(".kg-source").text_content() == "2023-03-24 《建“五型机关”促提质提效》"
    assert "市就业局被中共中央、国务院授予称号。" in details.text_content()
    xy = page.evaluate("network.canvasToDOM(network.getPositions([11])[11])")
    frame = page.locator("#mynetwork").bounding_box()
    assert 0 < xy["x"] < frame["width"] and 0 < xy["y"] < frame["height"]  # in view
    assert s.errors == []


def test_browser_edges_carry_chinese_names_with_english_tooltips(browser, tmp_path):
    g = nx.MultiDiGraph()
    for key, label, kind in [("p", "刘永旺", "PERSON"), ("o", "红光派出所", "ORG")]:
        g.add_node(key, label=label, type=kind, aliases=[], place=None, evidence=[])
    g.add_edge("p", "o", relation="HOLDS_POST", label="所长", evidence=["红光派出所所长刘永旺。"])
    s = open_page(browser, write_html(g, tmp_path / "g.html"))
    edge = s.page.evaluate("kg.edges.get(0)")
    assert edge["label"] == "任职于：所长"
    tip = s.page.evaluate("kg.edges.get(0).title.textContent")
    assert "holds post in (HOLDS_POST, kg:holdsPostIn)" in tip
    assert "红光派出所所长刘永旺。" in tip
    assert s.errors == []


def test_browser_double_click_shows_neighbourhood(browser, tmp_path):
    s = open_page(browser, write_html(synthetic(12), tmp_path / "g.html"))
    page = s.page
    page.evaluate("network.stopSimulation(); network.fit({animation: false})")
    xy = page.evaluate("network.canvasToDOM(network.getPositions([5])[5])")
    frame = page.locator("#mynetwork").bounding_box()
    page.mouse.dblclick(frame["x"] + xy["x"], frame["y"] + xy["y"])
    page.wait_for_function("network.body.data.nodes.length < 12", timeout=5_000)
    assert counts(page) == (3, 2)  # 实体5 with 实体4 and 实体6
    assert page.locator("#kg-details h2").text_content() == "实体5"
    assert s.errors == []


def test_browser_page_draws_inside_notebook_iframe(browser, tmp_path):
    from kg.explore import iframe
    from kg.export.html import render_html

    holder = tmp_path / "notebook.html"
    holder.write_text(
        f"<!DOCTYPE html><meta charset='utf-8'><body>{iframe(render_html(synthetic(20)))}</body>",
        encoding="utf-8",
    )
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(holder.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready='1']").wait_for(timeout=30_000)
    assert frame.locator("#kg-stats").text_content() == "20 个实体 · 19 条关系"
    assert [u for u in requests if not u.startswith(LOCAL_SCHEMES)] == []


def test_browser_page_draws_from_a_file_beside_the_notebook(browser, tmp_path, monkeypatch):
    from kg.explore import show_graph

    monkeypatch.chdir(tmp_path)
    shown = show_graph(synthetic(20), name="graph", height=400)
    holder = tmp_path / "notebook.html"
    holder.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{shown.data}</body>", "utf-8")
    page = browser.new_page()
    page.goto(holder.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready='1']").wait_for(timeout=30_000)
    assert frame.locator("#kg-stats").text_content() == "20 个实体 · 19 条关系"


def test_browser_screenshot_script_photographs_the_laid_out_page(browser, tmp_path):
    """scripts/screenshots.py (make screenshots) saves the first view once it is laid out."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "scripts" / "screenshots.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    png = tmp_path / "shot.png"
    assert script.shoot(browser, write_html(synthetic(30), tmp_path / "g.html"), png) == 30
    assert ink(png.read_bytes()) > 2000
