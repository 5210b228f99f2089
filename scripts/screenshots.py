#!/usr/bin/env python3
"""Screenshots of graph.html for the README, from a fresh build of the seed pages.

Builds ``seeds/`` into a temporary folder (or reads an existing output
folder, ``--graph OUT``), then opens in headless Chromium (Debian's, through
Playwright; nothing is downloaded) the page the build wrote and the page of
the best-connected organisation's neighbourhood (``kg html --focus``), and
saves what a reader sees first once the layout has settled:

    docs/screenshot.png        the first view of graph.html
    docs/screenshot-focus.png  one agency's neighbourhood, its details open

usage: python scripts/screenshots.py [--graph OUT] [--docs DIR]   (make screenshots)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TITLE = "昭通日报 · 党建"
SIZE = (1400, 900)


def shoot(browser: object, page_path: Path, png: Path, *, select: str | None = None) -> int:
    """Save ``page_path``'s view once laid out (with ``select``'s details open); its node count."""
    page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.resolve().as_uri())
    page.wait_for_function("window.kgReady === true && window.kgLayouts >= 1", timeout=120_000)
    if select is not None:
        page.evaluate("name => kg.search(name)", select)
        page.evaluate("network.fit({animation: false})")
    page.wait_for_timeout(1500)  # physics settles after the first layout
    page.screenshot(path=str(png))
    shown = int(page.evaluate("network.body.data.nodes.length"))
    page.close()
    if errors:
        raise RuntimeError(f"{page_path}: {errors}")
    return shown


def best_organisation(graph_dir: Path) -> str:
    """The name of the organisation with the most relations (ties by IRI)."""
    from kg.explore import load_graph
    from kg.graph.rdf import to_networkx

    view = to_networkx(load_graph(graph_dir))
    orgs = [n for n, t in view.nodes(data="type") if t == "ORG"]
    return str(view.nodes[min(orgs, key=lambda n: (-view.degree(n), n))]["label"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, help="an output folder to read instead of building")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="where the PNGs go")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from kg.corpus.build import build
    from kg.explore import write_graph_page

    with tempfile.TemporaryDirectory(prefix="kg-shots-") as tmp:
        out = args.graph
        if out is None:
            out = Path(tmp) / "out"
            report = build([ROOT / "seeds"], out, progress=False, html_title=TITLE)
            print(report.summary().splitlines()[0])
        agency = best_organisation(out)
        focus = Path(tmp) / "focus.html"
        write_graph_page(out, focus, focus=agency, depth=1, title=f"{agency} · {TITLE}")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            args.docs.mkdir(parents=True, exist_ok=True)
            for page, png, select in (
                (out / "graph.html", args.docs / "screenshot.png", None),
                (focus, args.docs / "screenshot-focus.png", agency),
            ):
                print(f"{png}: {shoot(browser, page, png, select=select)} entities shown")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
