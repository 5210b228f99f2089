"""Export the graph as one self-contained interactive HTML page (vis-network, offline).

The page inlines vis-network 9.1.2 from the copy bundled with ``pyvis`` and
our own template (``kg/data/html/``) instead of pyvis's, because pyvis's
template loads bootstrap from a CDN and embeds node JSON unescaped inside a
``<script>`` (a ``</script>`` in a name would end it). The graph travels as
JSON in a ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped; the page's script shows every text with ``textContent``, so names
and sentences from a newspaper page can never become markup. The page makes
no network request: no CDN, no web font, no source map.
"""

from __future__ import annotations

import csv
import difflib
import html
import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypedDict, Unpack

import networkx as nx
import numpy as np

from kg.atomic import atomic_write_text
from kg.errors import ExportError, InputError

log = logging.getLogger(__name__)

_ASSETS = resources.files("kg") / "data" / "html"
_VIS = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
_TOKEN = re.compile(r"\{\{KG:([A-Z_]+)\}\}")
_SOURCE_MAP = re.compile(r"^[ \t]*//[#@] ?sourceMappingURL=.*$", re.MULTILINE)
MAX_EVIDENCE = 10  # source sentences the page shows per node
MAX_EDGE_EVIDENCE = 5  # and per edge
_SEED_LAYOUT_ABOVE = 300  # nodes; larger graphs start physics from computed positions
_LAYOUT_SCALE = 90.0  # pixels per unit of the Fruchterman-Reingold ideal distance


def load_styles() -> dict[str, dict[str, str]]:
    """Colour, shape and legend label of each entity type, from ``styles.tsv``."""
    text = (_ASSETS / "styles.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {
        row["type"]: {"colour": row["colour"], "shape": row["shape"], "legend": row["legend"]}
        for row in csv.DictReader(lines, delimiter="\t")
    }


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style sheet, without the source-map comment."""
    try:
        js = (_VIS / "vis-network.min.js").read_text(encoding="utf-8")
        css = (_VIS / "vis-network.css").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as e:
        raise ExportError(
            f"vis-network 9.1.2 not found in the pyvis package at {_VIS}; expected pyvis>=0.3.2"
        ) from e
    js = _SOURCE_MAP.sub("", js)
    css = _SOURCE_MAP.sub("", css).replace("/*# sourceMappingURL", "/* sourceMappingURL")
    if "</script" in js.lower() or "</style" in css.lower():
        raise ExportError("vis-network assets contain a closing tag and cannot be inlined")
    return js, css


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node].get("label") or node)


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node whose IRI or label is ``name`` (exact, then case-insensitive).

    Raises:
        InputError: no node matches; the message suggests close labels.
    """
    if name in graph:
        return name
    nodes = sorted(graph.nodes)
    for same in (lambda a, b: a == b, lambda a, b: a.casefold() == b.casefold()):
        hits = [n for n in nodes if same(_label(graph, n), name)]
        if hits:
            if len(hits) > 1:
                log.warning("focus %r names %d entities; using %s", name, len(hits), hits[0])
            return hits[0]
    labels = sorted({_label(graph, n) for n in nodes})
    close = difflib.get_close_matches(name, labels, n=5, cutoff=0.4)
    hint = f"; close labels: {', '.join(close)}" if close else ""
    raise InputError(f"focus {name!r} is not the label or IRI of any entity in the graph{hint}")


def _cap(graph: nx.MultiDiGraph, max_nodes: int) -> nx.MultiDiGraph:
    """The subgraph induced by the ``max_nodes`` nodes of highest degree (ties by IRI)."""
    ranked = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))
    return graph.subgraph(ranked[:max_nodes])


def layout_positions(
    graph: nx.MultiDiGraph,
    order: list[str],
    *,
    iterations: int = 50,
    sample: int = 400,
    seed: int = 7,
) -> np.ndarray:
    """Fruchterman-Reingold positions for ``order``'s nodes, scaled to pixels.

    networkx's ``spring_layout`` needs scipy for large graphs and an n×n×2
    array without it; here repulsion comes from a seeded random sample of
    ``sample`` nodes each step, so 5,000 nodes lay out in about a second.
    """
    n = len(order)
    if n == 0:
        return np.zeros((0, 2))
    index = {node: i for i, node in enumerate(order)}
    pairs = sorted({(index[u], index[v]) for u, v in graph.edges() if u != v})
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    side = math.sqrt(n)
    pos = (rng.random((n, 2)) - 0.5) * side
    temperature = side / 10
    block = max(1, 1_000_000 // min(n, sample))
    for _ in range(iterations):
        # Repulsion from a random sample of nodes, scaled up: O(n·sample) per step instead of O(n²).
        others = pos if n <= sample else pos[rng.choice(n, sample, replace=False)]
        weight = n / len(others)
        disp = np.zeros((n, 2))
        ox, oy = others[:, 0].astype(np.float32), others[:, 1].astype(np.float32)
        for start in range(0, n, block):
            dx = pos[start : start + block, 0, None].astype(np.float32) - ox
            dy = pos[start : start + block, 1, None].astype(np.float32) - oy
            inv = np.float32(weight) / np.maximum(dx * dx + dy * dy, np.float32(1e-4))
            disp[start : start + block, 0] = (dx * inv).sum(axis=1)
            disp[start : start + block, 1] = (dy * inv).sum(axis=1)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = delta * np.linalg.norm(delta, axis=1)[:, None]
            np.add.at(disp, edges[:, 0], -pull)
            np.add.at(disp, edges[:, 1], pull)
        disp -= pos * (0.5 / side)  # gravity keeps components from drifting apart
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature *= 0.9
    return np.round(pos * _LAYOUT_SCALE)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _node_items(
    graph: nx.MultiDiGraph, order: list[str], degree_of: Callable[[str], int], *, large: bool
) -> list[dict[str, Any]]:
    """The page's nodes, by index in ``order``, sized by degree (and placed, for large graphs)."""
    # Above a few hundred nodes vis-network's own start takes seconds; start it from ours.
    positions = layout_positions(graph, order) if large or len(order) > _SEED_LAYOUT_ABOVE else None
    nodes = []
    for i, node in enumerate(order):
        attrs = graph.nodes[node]
        degree = degree_of(node)  # in the whole graph: a node's size does not change when capped
        item: dict[str, Any] = {
            "id": i,
            "iri": node,
            "label": _label(graph, node),
            "type": _kind(attrs),
            "aliases": sorted(set(_strings(attrs.get("aliases"))) - {_label(graph, node)}),
            "place": str(attrs["place"]) if attrs.get("place") else None,
            "evidence": _strings(attrs.get("evidence"))[:MAX_EVIDENCE],
            "size": round(min(40.0, 8.0 + 4.0 * math.sqrt(degree)), 1),
        }
        if positions is not None:
            item["x"], item["y"] = int(positions[i][0]), int(positions[i][1])
        nodes.append(item)
    return nodes


def _kind(attrs: Mapping[str, Any]) -> str:
    return str(attrs.get("type") or "OTHER")


def _edge_items(graph: nx.MultiDiGraph, index: Mapping[str, int]) -> list[dict[str, Any]]:
    """The page's edges between node indices, in a fixed order."""
    rows = sorted(
        (
            index[u],
            index[v],
            str(d.get("relation") or ""),
            str(d.get("label") or ""),
            _strings(d.get("evidence")),
        )
        for u, v, d in graph.edges(data=True)
    )
    return [
        {
            "id": i,
            "from": u,
            "to": v,
            "rel": rel,
            "label": label,
            "evidence": evidence[:MAX_EDGE_EVIDENCE],
        }
        for i, (u, v, rel, label, evidence) in enumerate(rows)
    ]


def _payload(
    graph: nx.MultiDiGraph,
    degree_of: Callable[[str], int],
    *,
    notice: str,
    large: bool,
    styles: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """The page's JSON: nodes (by index), edges, type counts, styles and the notice."""
    order = sorted(graph.nodes)
    type_counts: dict[str, int] = {}
    for node in order:
        kind = _kind(graph.nodes[node])
        type_counts[kind] = type_counts.get(kind, 0) + 1
    ordered_types = [t for t in styles if t in type_counts] + sorted(
        t for t in type_counts if t not in styles
    )
    return {
        "nodes": _node_items(graph, order, degree_of, large=large),
        "edges": _edge_items(graph, {node: i for i, node in enumerate(order)}),
        "type_counts": type_counts,
        "type_order": ordered_types,
        "styles": styles,
        "large": large,
        "notice": notice,
    }


@dataclass(frozen=True)
class PageOptions:
    """What the page shows of a graph, and how.

    Attributes:
        title: page title and heading (shown as text).
        focus: label or IRI of an entity; only its neighbourhood is shown.
        depth: radius of the neighbourhood, in edges of either direction.
        max_nodes: above this many nodes only the highest-degree ones are kept.
        physics_limit: above this many nodes physics is off and positions are
            computed here.
        whole: when the graph holds only the best-connected nodes of a larger
            graph (a large build draws no more), that graph's node count and
            degrees, so the page is the one the whole graph would give.

    Raises:
        InputError: a limit is not positive.
    """

    title: str = "kg"
    focus: str | None = None
    depth: int = 2
    max_nodes: int = 5000
    physics_limit: int = 1500
    whole: tuple[int, Mapping[str, int]] | None = None

    def __post_init__(self) -> None:
        if self.depth < 0:
            raise InputError(f"depth must be 0 or more, got {self.depth}")
        if self.max_nodes < 1:
            raise InputError(f"max_nodes must be at least 1, got {self.max_nodes}")


class PageKeywords(TypedDict, total=False):
    """The fields of :class:`PageOptions`, as keywords of ``render_html`` and ``write_html``."""

    title: str
    focus: str | None
    depth: int
    max_nodes: int
    physics_limit: int
    whole: tuple[int, Mapping[str, int]] | None


def _shown(nxgraph: nx.MultiDiGraph, options: PageOptions) -> tuple[nx.MultiDiGraph, list[str]]:
    """The part of ``nxgraph`` the page draws (a neighbourhood, a cap), and notices saying so."""
    graph = nxgraph
    notices = []
    if options.focus is not None:
        centre = find_node(graph, options.focus)
        graph = nx.ego_graph(graph, centre, radius=options.depth, undirected=True)
        notices.append(
            f"Neighbourhood of {_label(nxgraph, centre)} within {options.depth} step(s): "
            f"{graph.number_of_nodes()} of {nxgraph.number_of_nodes()} entities."
        )
    total = graph.number_of_nodes() if options.whole is None else options.whole[0]
    max_nodes = options.max_nodes
    if total > max_nodes:
        if graph.number_of_nodes() > max_nodes:
            graph = _cap(graph, max_nodes)
        notices.append(
            f"Showing the {max_nodes:,} best-connected of {total:,} entities "
            f"({graph.number_of_edges():,} relations); render with focus=… to see one neighbourhood."
        )
        log.warning("graph page capped at %d of %d nodes", max_nodes, total)
    return graph, notices


def render_html(nxgraph: nx.MultiDiGraph, **options: Unpack[PageKeywords]) -> str:
    """The interactive page of ``nxgraph`` as one self-contained HTML string.

    Args:
        nxgraph: the graph (``kg.graph.view.to_networkx``): nodes keyed by IRI with
            ``label``, ``type``, ``aliases``, ``place``, ``evidence``; edges with
            ``relation``, ``label``, ``evidence``.
        **options: what to show and how (:class:`PageOptions`).

    Raises:
        InputError: ``focus`` names no entity, or a limit is not positive.
    """
    page = PageOptions(**options)
    graph, notices = _shown(nxgraph, page)
    large = graph.number_of_nodes() > page.physics_limit
    if large:
        notices.append("Large graph: layout precomputed, physics off, edge labels in tooltips.")
    whole = page.whole
    degrees = nxgraph.degree if whole is None else (lambda n: whole[1].get(n, 0))
    data = _payload(graph, degrees, notice=" ".join(notices), large=large, styles=load_styles())
    vis_js, vis_css = _vis_assets()
    parts = {
        "TITLE": html.escape(page.title),
        "VIS_CSS": vis_css,
        "PAGE_CSS": _asset("page.css"),
        "DATA": script_json(data),
        "VIS_JS": vis_js,
        "PAGE_JS": _asset("page.js"),
    }
    return _TOKEN.sub(lambda m: parts[m.group(1)], _asset("page.html"))


def write_html(nxgraph: nx.MultiDiGraph, path: str | Path, **options: Unpack[PageKeywords]) -> Path:
    """Write :func:`render_html`'s page to ``path`` as UTF-8, atomically.

    Raises:
        ExportError: the file cannot be written.
    """
    path = Path(path)
    page = render_html(nxgraph, **options)
    try:
        atomic_write_text(path, page)
    except OSError as e:
        raise ExportError(f"cannot write graph page {path}: {e}") from e
    log.info(
        "wrote %s (%d nodes, %d bytes)", path, nxgraph.number_of_nodes(), len(page.encode("utf-8"))
    )
    return path
