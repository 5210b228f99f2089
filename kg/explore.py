"""Small helpers for exploring a built graph in a notebook (notebooks/explore.ipynb).

Load the graph an earlier ``kg build`` wrote (or build the seed pages into a
temporary folder when there is none), run the example SPARQL queries, show
results as tables, measure the networkx view, show the interactive page in
the notebook (a file beside it in an ``<iframe>``, so the saved notebook stays
small), and register a CJK font with matplotlib so charts show Chinese.
"""

from __future__ import annotations

import html
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph

from kg.errors import InputError
from kg.store.source import graph_file

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "ontology" / "queries"
PAGES = Path("kg-pages")  # where show_graph writes its pages, beside the notebook
# Where the usual CJK font packages put a Chinese sans-serif font, most wanted first;
# any other installed file whose name matches _CJK_FONT_NAME is tried after these.
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch: noto-fonts-cjk
    "/usr/share/fonts/google-noto-sans-cjk-vf-fonts/NotoSansCJK-VF.ttc",  # Fedora
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian, Ubuntu: fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian, Ubuntu: fonts-wqy-zenhei
    "/System/Library/Fonts/PingFang.ttc",  # macOS
    "C:/Windows/Fonts/msyh.ttc",  # Windows: Microsoft YaHei
)
_CJK_FONT_NAME = re.compile(
    r"(?i)(sans|hei).*cjk|cjk.*sans|sourcehansans|wqy|pingfang|msyh|simhei|droidsansfallback"
)
_PAGE_NAME = re.compile(r"[\w.-]+")
_RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".rdf": "xml",
}


def load_graph(source: str | Path) -> Graph:
    """The rdflib graph in ``source`` (a graph file, or an output folder holding graph.ttl).

    Raises:
        InputError: the file is missing or not RDF.
    """
    path = graph_file(source)
    fmt = _RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unknown RDF suffix {path.suffix!r}; expected one of {sorted(_RDF_FORMATS)}"
        )
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except (SyntaxError, ValueError, OSError) as e:
        raise InputError(f"cannot read {path} as {fmt}: {e}") from e
    log.info("loaded %s (%d triples)", path, len(graph))
    return graph


def write_graph_page(
    source: str | Path,
    out_path: Path,
    *,
    focus: str | None = None,
    depth: int = 2,
    title: str | None = None,
) -> None:
    """Write the interactive page of the graph in ``source`` (``kg html``), or of one entity's neighbourhood.

    Raises:
        InputError: no graph in ``source``, or it is not RDF; ``focus`` names no entity.
    """
    from kg.export.html import PageKeywords, write_html
    from kg.graph.rdf import to_networkx

    page: PageKeywords = {"focus": focus, "depth": depth}
    if title is not None:
        page["title"] = title
    write_html(to_networkx(load_graph(source)), out_path, **page)


def ensure_built(
    output: str | Path = ROOT / "output", *, seeds: str | Path = ROOT / "seeds"
) -> Path:
    """The graph file of ``output``; when there is none, the seed pages built into a temporary folder."""
    try:
        return graph_file(output)
    except InputError:
        log.info("no graph in %s; building %s into a temporary folder", output, seeds)
    from kg.corpus.build import build

    out_dir = Path(tempfile.mkdtemp(prefix="kg-explore-"))
    build([Path(seeds)], out_dir, progress=False)
    return graph_file(out_dir)


@dataclass
class Table:
    """Rows with column names that a notebook shows as an HTML table (every cell escaped)."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
            + "</tr>"
            for row in self.rows
        )
        return (
            f'<table class="kg-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        )

    def __repr__(self) -> str:
        lines = ["\t".join(self.columns)] + [
            "\t".join("" if v is None else str(v) for v in r) for r in self.rows
        ]
        return "\n".join(lines)

    def __len__(self) -> int:
        return len(self.rows)


def example_queries() -> dict[str, Path]:
    """The example queries of ``ontology/queries``, by name (file stem)."""
    return {p.stem: p for p in sorted(QUERIES.glob("*.rq"))}


def run_example(store: Any, name: str) -> Table:
    """Run the example query ``name`` (a file stem of ``ontology/queries`` or an .rq path) on an Oxigraph store.

    Raises:
        InputError: no such query.
        QueryError: the query fails.
    """
    from kg.store.query import compact_iri, run_query

    path = Path(name) if name.endswith(".rq") else example_queries().get(name)
    if path is None or not path.is_file():
        raise InputError(f"no example query {name!r}; expected one of {sorted(example_queries())}")
    result = run_query(store, path.read_text(encoding="utf-8"))
    rows = [
        tuple(compact_iri(v) if v and v.startswith("http") else v for v in row)
        for row in result.rows
    ]
    return Table(list(result.columns), rows)


def top_central(nxgraph: nx.MultiDiGraph, *, kind: str = "ORG", n: int = 10) -> Table:
    """The ``n`` entities of type ``kind`` with the highest degree, with their betweenness centrality."""
    simple = nx.Graph(nxgraph.to_undirected())
    degree = nx.degree_centrality(simple) if len(simple) > 1 else {v: 0.0 for v in simple}
    between = nx.betweenness_centrality(simple, k=min(len(simple), 500) or None, seed=7)
    chosen = sorted(
        (v for v, t in nxgraph.nodes(data="type") if t == kind),
        key=lambda v: (-degree[v], -between[v], v),
    )[:n]
    rows = [
        (nxgraph.nodes[v]["label"], nxgraph.degree(v), round(degree[v], 4), round(between[v], 4))
        for v in chosen
    ]
    return Table(["entity", "degree", "degree_centrality", "betweenness"], rows)


def programme_communities(nxgraph: nx.MultiDiGraph, *, min_size: int = 2) -> Table:
    """Communities of the graph (greedy modularity) that hold programmes, largest first."""
    simple = nx.Graph(nxgraph.to_undirected())
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    if simple.number_of_edges() == 0:
        return Table(["community", "size", "programmes"], [])
    communities = nx.community.greedy_modularity_communities(simple)
    rows = []
    for i, members in enumerate(sorted(communities, key=lambda c: (-len(c), sorted(c)))):
        programmes = sorted(
            nxgraph.nodes[v]["label"] for v in members if nxgraph.nodes[v].get("type") == "PROGRAM"
        )
        if len(programmes) >= 1 and len(members) >= min_size:
            rows.append((i, len(members), "、".join(programmes)))
    return Table(["community", "size", "programmes"], rows)


def _programme_places(nxgraph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Programme label -> places of the bodies (or places) that promote it."""
    places: dict[str, set[str]] = {}
    for head, tail, relation in nxgraph.edges(data="relation"):
        if relation != "PROMOTES" or nxgraph.nodes[tail].get("type") != "PROGRAM":
            continue
        attrs = nxgraph.nodes[head]
        place = attrs.get("label") if attrs.get("type") == "PLACE" else attrs.get("place")
        if place:
            places.setdefault(nxgraph.nodes[tail]["label"], set()).add(place)
    return places


def programmes_across_places(nxgraph: nx.MultiDiGraph, *, min_places: int = 2) -> Table:
    """Programmes promoted by bodies in ``min_places`` or more places, most widespread first."""
    rows = sorted(
        (
            (p, len(s), "、".join(sorted(s)))
            for p, s in _programme_places(nxgraph).items()
            if len(s) >= min_places
        ),
        key=lambda r: (-r[1], r[0]),
    )
    return Table(["programme", "places", "where"], rows)


def spread_over_time(
    spread: Table, programme: str | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """One programme's places in the order they were first reported, from ``programme_spread``.

    Args:
        spread: the rows of ``ontology/queries/programme_spread.rq`` (programme, place, first).
        programme: the programme to follow; None takes the one first reported in the most
            places (of the same count, the one named first).

    Returns:
        The programme and its ``(first date, place)`` pairs, earliest first (undated
        places are left out).

    Raises:
        InputError: the rows hold no dated place for ``programme`` (or for any programme).
    """
    dated: dict[str, list[tuple[str, str]]] = {}
    for name, place, first in spread.rows:
        if first:
            dated.setdefault(name, []).append((first, place))
    if programme is None and dated:
        programme = min(dated, key=lambda p: (-len(dated[p]), p))
    if programme is None or programme not in dated:
        raise InputError(f"no dated place for programme {programme!r}; dated pages are needed")
    return programme, sorted(dated[programme])


def programmes_by_place(nxgraph: nx.MultiDiGraph, *, examples: int = 5) -> Table:
    """How many programmes the bodies of each place promote, with a few examples."""
    by_place: dict[str, list[str]] = {}
    for programme, places in _programme_places(nxgraph).items():
        for place in places:
            by_place.setdefault(place, []).append(programme)
    rows = sorted(
        ((place, len(ps), "、".join(sorted(ps)[:examples])) for place, ps in by_place.items()),
        key=lambda r: (-r[1], r[0]),
    )
    return Table(["place", "programmes", "examples"], rows)


_FRAME_STYLE = "width:100%;height:{}px;border:1px solid #ddd"


def iframe(page: str, *, height: int = 650) -> str:
    """An ``<iframe>`` whose ``srcdoc`` is ``page`` (escaped): the whole page inside the output."""
    style = _FRAME_STYLE.format(int(height))
    return (
        f'<div class="kg-graph"><iframe srcdoc="{html.escape(page, quote=True)}" style="{style}" '
        'sandbox="allow-scripts"></iframe></div>'
    )


def framed(src: str, *, height: int = 650) -> str:
    """An ``<iframe>`` showing the page at the relative URL ``src``, and a link opening it in a tab."""
    url, style = html.escape(src, quote=True), _FRAME_STYLE.format(int(height))
    return (
        f'<div class="kg-graph"><iframe src="{url}" style="{style}" sandbox="allow-scripts">'
        f'</iframe><a href="{url}" target="_blank" rel="noopener">{html.escape(src)}</a>'
        " (open in a new tab)</div>"
    )


def show_graph(
    nxgraph: nx.MultiDiGraph,
    *,
    name: str = "graph",
    folder: str | Path = PAGES,
    height: int = 650,
    inline: bool = False,
    **kw: Any,
) -> Any:
    """The interactive page of ``nxgraph`` for a notebook, as an IPython ``HTML`` object.

    The page is written to ``folder/name.html`` (``folder`` relative to the
    notebook's folder, which Jupyter serves) and the output holds only an
    ``<iframe>`` pointing at it, so a saved notebook stays a few kilobytes.
    ``inline=True`` puts the whole page in the output instead (about 1 MB),
    for front-ends that serve no files (VS Code, Colab). ``kw``: the options
    of ``kg.export.html.render_html`` (title, focus, depth, …).

    Raises:
        InputError: ``name`` is not a plain file name, or ``focus`` names no entity.
    """
    from IPython.display import HTML

    from kg.atomic import atomic_write_text
    from kg.export.html import render_html

    if not _PAGE_NAME.fullmatch(name):
        raise InputError(f"page name {name!r} is not a plain file name (letters, digits, . _ -)")
    page = render_html(nxgraph, **kw)
    if inline:
        return HTML(iframe(page, height=height))
    path = Path(folder) / f"{name}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, page)
    return HTML(framed(Path(os.path.relpath(path)).as_posix(), height=height))


def cjk_font_files() -> list[Path]:
    """The installed font files that can show Chinese, the usual packages' first."""
    from matplotlib import font_manager

    known = [Path(p) for p in CJK_FONT_FILES]
    found = sorted(
        Path(p) for p in font_manager.findSystemFonts() if _CJK_FONT_NAME.search(Path(p).name)
    )
    return [p for p in dict.fromkeys(known + found) if p.is_file()]


def use_cjk_font() -> str | None:
    """Register a CJK font file with matplotlib and make it the first sans-serif font.

    The file is added explicitly, so charts show Chinese even when matplotlib's
    font cache was made before the font was installed. Returns the font's
    family name, or None (with a warning naming a package that brings one)
    when the machine has no CJK font.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    for path in cjk_font_files():
        try:
            font_manager.fontManager.addfont(str(path))
            family = font_manager.FontProperties(fname=str(path)).get_name()
        except (OSError, RuntimeError, ValueError) as e:
            log.info("cannot use font file %s: %s", path, e)
            continue
        rest = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
        mpl.rcParams["font.sans-serif"] = [family, *rest]
        mpl.rcParams["font.family"] = "sans-serif"
        log.info("charts use %s (%s)", family, path)
        return family
    log.warning(
        "no CJK font found: Chinese in charts will show as boxes; install one, "
        "e.g. fonts-noto-cjk (Debian, Ubuntu) or google-noto-sans-cjk-fonts (Fedora)"
    )
    return None
