"""Export the graph as one self-contained interactive HTML page (vis-network, offline).

The page inlines vis-network 9.1.2 from the copy bundled with ``pyvis`` and
our own template (``kg/data/html/``) instead of pyvis's, because pyvis's
template loads bootstrap from a CDN and embeds node JSON unescaped inside a
``<script>`` (a ``</script>`` in a name would end it). The graph travels as
JSON in a ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped; the page's script shows every text with ``textContent``, so names
and sentences from a newspaper page can never become markup. The page makes
no network request: no CDN, no web font, no source map.

The page speaks Chinese, with English in tooltips: entity types from
``styles.tsv``, relations by the ``rdfs:label`` of their property in
``ontology/kg.ttl``.
"""

from __future__ import annotations

import csv
import difflib
import html
import importlib.util
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypedDict, Unpack

import networkx as nx
import numpy as np
import pyoxigraph as ox

from kg.atomic import atomic_write_text
from kg.errors import ExportError, InputError
from kg.graph.namespaces import RDFS, RELATION_PROPERTIES, curie

log = logging.getLogger(__name__)

_ASSETS = resources.files("kg") / "data" / "html"
_TOKEN = re.compile(r"\{\{KG:([A-Z_]+)\}\}")
_SOURCE_MAP = re.compile(r"^[ \t]*//[#@] ?sourceMappingURL=.*$", re.MULTILINE)
MAX_EVIDENCE = 10  # source sentences the page shows per node
MAX_EDGE_EVIDENCE = 5  # and per edge
MAX_NAMED = 5  # sentences naming the entity (its mentions), beyond its facts' sentences
HUB_LABELS = 20  # the best-connected entities, whose names the page shows at every zoom
_SEED_LAYOUT_ABOVE = 300  # nodes; larger graphs start physics from computed positions
_LAYOUT_SCALE = 90.0  # pixels per unit of the Fruchterman-Reingold ideal distance
DEFAULT_TITLE = "kg 知识图谱"


def load_styles() -> dict[str, dict[str, str]]:
    """Colour, shape and Chinese and English name of each entity type, from ``styles.tsv``."""
    return {
        row["type"]: {k: row[k] for k in ("colour", "shape", "zh", "en")}
        for row in _tsv("styles.tsv")
    }


@lru_cache(maxsize=1)
def relation_labels() -> dict[str, dict[str, str]]:
    """Each relation's Chinese and English name and property, from ``rdfs:label`` in ontology/kg.ttl.

    A relation whose property has no label there (or no ontology at all, as
    in an install without the repository) is named by its code, with a warning.
    """
    from kg.graph.rdf import ONTOLOGY_PATH

    found: dict[tuple[str, str], str] = {}
    try:
        for t in ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == str(RDFS.label) and isinstance(t.object, ox.Literal):
                found.setdefault((t.subject.value, t.object.language or ""), t.object.value)
    except (OSError, SyntaxError, ValueError) as e:
        log.warning(
            "no relation labels from %s (%s); the page shows relation codes", ONTOLOGY_PATH, e
        )
    labels = {}
    for code, prop in RELATION_PROPERTIES.items():
        zh, en = found.get((str(prop), "zh")), found.get((str(prop), "en"))
        if zh is None:
            log.warning(
                "%s has no rdfs:label@zh in %s; the page shows %s", prop, ONTOLOGY_PATH, code
            )
        labels[code] = {
            "zh": zh or code,
            "en": en or code,
            "property": curie(str(prop)) or str(prop),
        }
    return labels


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _tsv(name: str) -> list[dict[str, str]]:
    """The rows of a tab-separated file of ``kg/data/html`` (``#`` lines are comments)."""
    text = _asset(name)
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _vis_dir() -> Path:
    """pyvis's copy of vis-network, found without importing pyvis (which loads IPython).

    Raises:
        ModuleNotFoundError: pyvis is not installed.
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pyvis is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / "vis-9.1.2"


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style sheet, without the source-map comment."""
    try:
        vis = _vis_dir()
        js = (vis / "vis-network.min.js").read_text(encoding="utf-8")
        css = (vis / "vis-network.css").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as e:
        raise ExportError(
            f"vis-network 9.1.2 not found in the pyvis package ({e}); expected pyvis>=0.3.2"
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


def _names(graph: nx.MultiDiGraph, node: str) -> tuple[str, list[str]]:
    """A node's label and aliases, case-folded."""
    aliases = _strings(graph.nodes[node].get("aliases"))
    return _label(graph, node).casefold(), [a.casefold() for a in aliases]


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node named ``name`` as the page's search box finds it, or whose IRI it is.

    The name is matched case-insensitively against labels, then aliases,
    then as part of a label or alias; among several hits the first by IRI wins.

    Raises:
        InputError: no node matches; the message suggests close labels.
    """
    if name in graph:
        return name
    q = name.strip().casefold()
    names = [(n, *_names(graph, n)) for n in sorted(graph.nodes)]
    rules: tuple[Callable[[str, list[str]], bool], ...] = (
        lambda label, _: label == q,
        lambda _, aliases: q in aliases,
        lambda label, aliases: any(q in x for x in (label, *aliases)),
    )
    for rule in rules if q else ():
        hits = [n for n, label, aliases in names if rule(label, aliases)]
        if hits:
            if len(hits) > 1:
                log.warning("focus %r names %d entities; using %s", name, len(hits), hits[0])
            return hits[0]
    labels = sorted({_label(graph, n) for n in graph.nodes})
    close = difflib.get_close_matches(name, labels, n=5, cutoff=0.4)
    hint = f"; close labels: {', '.join(close)}" if close else ""
    raise InputError(
        f"focus {name!r} is not the name, alias or IRI of any entity in the graph{hint}"
    )


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


def _namings(attrs: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The first ``MAX_NAMED`` (date, title, sentence) naming the node, but for the sentences shown.

    A view that keeps only the namings this may choose
    (``kg.graph.view.DrawnView``) gives the same page.
    """
    told = set(_strings(attrs.get("evidence"))[:MAX_EVIDENCE])
    named = (tuple(str(x) for x in n) for n in attrs.get("named") or ())
    return [(d, t, s) for d, t, s in named if s not in told][:MAX_NAMED]


def _node_items(
    graph: nx.MultiDiGraph,
    order: list[str],
    degree_of: Callable[[str], int],
    articles: Mapping[tuple[str, str], int],
    *,
    large: bool,
) -> list[dict[str, Any]]:
    """The page's nodes, by index in ``order``, sized by degree (and placed, for large graphs).

    ``articles``: the index of each (date, title) in the page's article list.
    """
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
            "named": [[articles[(d, t)], s] for d, t, s in _namings(attrs)],
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


def _hubs(order: list[str], degree_of: Callable[[str], int]) -> list[int]:
    """Indices of the ``HUB_LABELS`` best-connected nodes (two relations or more; ties by IRI)."""
    ranked = sorted(range(len(order)), key=lambda i: (-degree_of(order[i]), order[i]))
    return sorted(i for i in ranked[:HUB_LABELS] if degree_of(order[i]) >= 2)


def _article_index(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> dict[tuple[str, str], int]:
    """Each (date, title) the shown namings cite, numbered in sorted order."""
    cited = {(d, t) for node in nodes for d, t, _ in _namings(graph.nodes[node])}
    return {article: i for i, article in enumerate(sorted(cited))}


def _payload(
    graph: nx.MultiDiGraph,
    degree_of: Callable[[str], int],
    *,
    notice: Notice,
    large: bool,
    styles: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """The page's JSON: nodes (by index), edges, articles, labels, type counts, styles and the notice."""
    order = sorted(graph.nodes)
    type_counts: dict[str, int] = {}
    for node in order:
        kind = _kind(graph.nodes[node])
        type_counts[kind] = type_counts.get(kind, 0) + 1
    ordered_types = [t for t in styles if t in type_counts] + sorted(
        t for t in type_counts if t not in styles
    )
    articles = _article_index(graph, order)
    return {
        "nodes": _node_items(graph, order, degree_of, articles, large=large),
        "edges": _edge_items(graph, {node: i for i, node in enumerate(order)}),
        "articles": [list(a) for a in articles],
        "hubs": _hubs(order, degree_of),
        "relations": relation_labels(),
        "type_counts": type_counts,
        "type_order": ordered_types,
        "styles": styles,
        "large": large,
        "notice": notice[0],
        "notice_en": notice[1],
    }


@dataclass(frozen=True)
class PageOptions:
    """What the page shows of a graph, and how.

    Attributes:
        title: page title and heading (shown as text).
        focus: name, alias or IRI of an entity (as the search box finds it);
            only its neighbourhood is shown.
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

    title: str = DEFAULT_TITLE
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


Notice = tuple[str, str]  # what the page says above the graph (Chinese) and its tooltip (English)


def notice(key: str, **values: Any) -> Notice:
    """The notice ``key`` of ``notices.tsv``, in Chinese and English, with ``values`` filled in."""
    row = next(r for r in _tsv("notices.tsv") if r["key"] == key)
    return row["zh"].format(**values), row["en"].format(**values)


def _shown(nxgraph: nx.MultiDiGraph, options: PageOptions) -> tuple[nx.MultiDiGraph, list[Notice]]:
    """The part of ``nxgraph`` the page draws (a neighbourhood, a cap), and notices saying so."""
    graph = nxgraph
    notices = []
    if options.focus is not None:
        centre = find_node(graph, options.focus)
        graph = nx.ego_graph(graph, centre, radius=options.depth, undirected=True)
        shown, total = graph.number_of_nodes(), nxgraph.number_of_nodes()
        name = _label(nxgraph, centre)
        notices.append(notice("focus", name=name, depth=options.depth, shown=shown, total=total))
    total = graph.number_of_nodes() if options.whole is None else options.whole[0]
    max_nodes = options.max_nodes
    if total > max_nodes:
        if graph.number_of_nodes() > max_nodes:
            graph = _cap(graph, max_nodes)
        edges = graph.number_of_edges()
        notices.append(notice("cap", total=total, max_nodes=max_nodes, edges=edges))
        log.warning("graph page capped at %d of %d nodes", max_nodes, total)
    return graph, notices


def render_html(nxgraph: nx.MultiDiGraph, **options: Unpack[PageKeywords]) -> str:
    """The interactive page of ``nxgraph`` as one self-contained HTML string.

    Args:
        nxgraph: the graph (``kg.graph.view.to_networkx``): nodes keyed by IRI with
            ``label``, ``type``, ``aliases``, ``place``, ``evidence``, ``named``
            (optional); edges with ``relation``, ``label``, ``evidence``.
        **options: what to show and how (:class:`PageOptions`).

    Raises:
        InputError: ``focus`` names no entity, or a limit is not positive.
    """
    page = PageOptions(**options)
    graph, notices = _shown(nxgraph, page)
    large = graph.number_of_nodes() > page.physics_limit
    if large:
        notices.append(notice("large"))
    whole = page.whole
    degrees = nxgraph.degree if whole is None else (lambda n: whole[1].get(n, 0))
    said = ("".join(zh for zh, _ in notices), " ".join(en for _, en in notices))
    data = _payload(graph, degrees, notice=said, large=large, styles=load_styles())
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
