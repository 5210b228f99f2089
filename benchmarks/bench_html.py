"""Benchmark the interactive graph page: render time, page size, load time in headless Chromium.

Run:
    .venv/bin/python benchmarks/bench_html.py                 # 5,000-node synthetic graph
    .venv/bin/python benchmarks/bench_html.py --nodes 1000 --nodes 5000 --nodes 8000
    .venv/bin/python benchmarks/bench_html.py --screenshot docs/screenshot.png --graph output/graph.ttl
    .venv/bin/python benchmarks/bench_html.py --screenshot docs/screenshot-focus.png --search 昭通市委市直机关工作委员会

Needs /usr/bin/chromium (.ci/install-browser.sh) and the playwright package;
the browser is Debian's, driven through ``executable_path`` (no download).
"Time to first draw" is vis-network's first ``afterDrawing`` event, measured
from navigation start; "ready" is the wall-clock time from ``goto`` to it.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.html import render_html, write_html
from kg.model import ENTITY_TYPES, RELATION_TYPES

CHROMIUM = "/usr/bin/chromium"
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
REMOTE = re.compile(
    r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*['"]?(https?:)?//""", re.IGNORECASE
)


def synthetic_graph(n: int, *, seed: int = 7) -> nx.MultiDiGraph:
    """A knowledge-graph-like MultiDiGraph: preferential attachment, six types, ~1.5 edges per node."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    for i in range(n):
        g.add_node(
            f"https://w3id.org/kg/id/e{i}",
            label=f"第{i}号实体（测试）",
            type=ENTITY_TYPES[rng.randrange(len(ENTITY_TYPES))],
            aliases=[f"实体{i}"],
            place="昭通市" if i % 3 == 0 else None,
            evidence=[f"昭通市第{i}号实体推进“红旗飘飘”工程，成效明显。"],
        )
    targets = [0]
    for i in range(1, n):
        for _ in range(1 + (rng.random() < 0.5)):
            j = rng.choice(targets)
            g.add_edge(
                f"https://w3id.org/kg/id/e{i}",
                f"https://w3id.org/kg/id/e{j}",
                relation=rng.choice(RELATION_TYPES),
                label="",
                evidence=[f"第{i}句证据。"],
            )
            targets.append(j)
        targets.append(i)
    return g


def load(browser: Any, path: Path) -> dict[str, Any]:
    """Open ``path`` and measure it until vis-network's first draw."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.kgReady === true", timeout=120_000)
    ready = time.perf_counter() - start
    first_draw, nodes, edges = page.evaluate(
        "[window.kgFirstDraw, network.body.data.nodes.length, network.body.data.edges.length]"
    )
    page.close()
    remote = [u for u in requests if not u.startswith(("file:", "data:", "about:", "blob:"))]
    return {
        "ready_s": ready,
        "first_draw_ms": first_draw,
        "nodes": nodes,
        "edges": edges,
        "remote": remote,
        "errors": errors,
    }


def bench(sizes: list[int], out: Path) -> int:
    """Print one row per graph size; non-zero when a page is not self-contained or fails to draw."""
    from playwright.sync_api import sync_playwright

    failures = 0
    print(
        f"{'nodes':>6} {'edges':>6} {'render s':>8} {'page MB':>8} {'shown':>6} {'first draw ms':>13} {'ready s':>7}  offline"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in sizes:
            g = synthetic_graph(n)
            start = time.perf_counter()
            page = render_html(g, title=f"synthetic {n}")
            render_s = time.perf_counter() - start
            path = write_html(g, out / f"bench_{n}.html", title=f"synthetic {n}")
            m = load(browser, path)
            offline = not m["remote"] and not REMOTE.search(page)
            failures += (not offline) + bool(m["errors"])
            print(
                f"{n:>6} {g.number_of_edges():>6} {render_s:>8.2f} {len(page.encode()) / 1e6:>8.2f} "
                f"{m['nodes']:>6} {m['first_draw_ms']:>13.0f} {m['ready_s']:>7.2f}  {'yes' if offline else 'NO'}"
            )
            for problem in list(m["remote"]) + list(m["errors"]):
                print(f"       ! {problem}")
        browser.close()
    return 1 if failures else 0


def screenshot(graph_path: Path, png: Path, *, search: str | None = None) -> int:
    """Save a screenshot of the page of a built graph (docs/screenshot.png).

    With ``search``, the entity found by that name is selected and only its
    neighbourhood shown (what a double-click does), with its details panel.
    """
    from playwright.sync_api import sync_playwright

    from kg.explore import load_graph
    from kg.graph.rdf import to_networkx

    view = to_networkx(load_graph(graph_path))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        path = write_html(view, Path(tmp) / "graph.html", title="昭通日报 · 党建 knowledge graph")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_function("window.kgReady === true", timeout=60_000)
        page.evaluate("network.once('stabilized', () => { window.kgStable = true; })")
        page.wait_for_timeout(2500)
        page.evaluate("network.fit({animation: false})")
        if search:
            page.locator("#kg-search").fill(search)
            page.locator("#kg-search-form button[type=submit]").click()
            page.evaluate("kg.focusNeighbourhood(network.getSelectedNodes()[0], 1)")
            page.wait_for_timeout(2500)
            page.evaluate(
                "network.fit({nodes: network.body.data.nodes.getIds(), animation: false})"
            )
        page.wait_for_timeout(300)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    print(f"wrote {png} ({view.number_of_nodes()} nodes, {view.number_of_edges()} edges)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line of the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--nodes", type=int, action="append", help="graph size (repeatable; default 5000)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="folder for the pages (default: a temp folder)"
    )
    parser.add_argument(
        "--screenshot", type=Path, help="save a screenshot of --graph's page here instead"
    )
    parser.add_argument(
        "--graph", type=Path, default=Path("output/graph.ttl"), help="graph for --screenshot"
    )
    parser.add_argument("--search", help="with --screenshot: show this entity's neighbourhood")
    args = parser.parse_args(argv)
    if args.screenshot:
        return screenshot(args.graph, args.screenshot, search=args.search)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        return bench(args.nodes or [5000], args.out)
    with tempfile.TemporaryDirectory() as tmp:
        return bench(args.nodes or [5000], Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
