"""SPARQL over the exported graph with embedded Oxigraph, and result formatters.

``open_store`` loads ``graph.ttl`` (or any RDF file, or an output folder
holding one) into an Oxigraph store, in memory or persisted in a folder
that later runs reopen without loading again; ``run_query`` runs SELECT,
ASK, CONSTRUCT or DESCRIBE and returns plain strings for the formatters;
``export_graph`` writes a store (``kg build --store``) out as an RDF file.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.atomic import atomic_writer
from kg.errors import InputError, QueryError
from kg.graph.namespaces import PREFIXES
from kg.store.source import graph_file, is_store_dir, stamp_store, store_is_current

log = logging.getLogger(__name__)

# file suffix -> Oxigraph format, in the order a folder is searched
RDF_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
}
BULK_LOAD_BYTES = 16 * 1024 * 1024  # above this, load with bulk_load (no transaction)


@dataclass
class QueryResult:
    """Result of a query: column names and rows of strings (None where unbound)."""

    columns: list[str]
    rows: list[tuple[str | None, ...]] = field(default_factory=list)
    kind: str = "select"  # select, ask or graph (CONSTRUCT / DESCRIBE triples)


def load_file(store: ox.Store, path: Path) -> None:
    """Load one RDF file into ``store`` (bulk load for large files)."""
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unknown RDF file suffix {path.suffix!r}, expected one of {sorted(RDF_SUFFIXES)}"
        )
    try:
        if path.stat().st_size > BULK_LOAD_BYTES:
            store.bulk_load(path=str(path), format=fmt)
        else:
            store.load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as e:
        raise InputError(f"cannot load {path} as {fmt}: {e}") from e
    log.info("loaded %s into the store (%d quads)", path, len(store))


def open_store(source: Path, *, store_dir: Path | None = None) -> ox.Store:
    """Open a store over ``source``: a graph file, an output folder with graph.ttl, or a store folder.

    With ``store_dir`` the store is persisted there and reused by later
    calls while the graph file is unchanged (same path, size and mtime);
    otherwise it is emptied and loaded again.

    Raises:
        InputError: ``source`` is missing or not RDF.
    """
    source = Path(source)
    if is_store_dir(source):
        return ox.Store(str(source))
    graph = graph_file(source, store_ok=True)
    if store_dir is None:
        store = ox.Store()
    else:
        store_dir = Path(store_dir)
        current = store_is_current(store_dir, graph)
        store = ox.Store(str(store_dir))
        if current:
            log.info("reusing store %s (%d quads)", store_dir, len(store))
            return store
        if len(store):
            log.info("store %s is stale for %s; reloading", store_dir, graph)
            store.clear()
    load_file(store, graph)
    if store_dir is not None:
        store.flush()
        stamp_store(store_dir, graph)
    return store


# export format -> Oxigraph format; the first two keep the named graphs (one per page)
EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def export_graph(store: ox.Store, path: Path, fmt: str) -> None:
    """Write ``store`` to ``path`` in ``fmt`` (a key of ``EXPORT_FORMATS``), atomically.

    N-Quads and TriG hold every quad with its named graph, streamed from the
    store; Turtle and N-Triples hold the union of the graphs, each triple
    once (as ``graph.ttl`` does), which needs a DISTINCT pass over the store.

    Raises:
        InputError: the format is unknown or ``path`` cannot be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"export format {fmt!r} is not one of {list(EXPORT_FORMATS)}")
    rdf_format = EXPORT_FORMATS[fmt]
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the file to write")
    try:
        with atomic_writer(path) as out:
            if rdf_format.supports_datasets:
                store.dump(out, rdf_format, prefixes=PREFIXES)
            else:
                result = store.query(_UNION, use_default_graph_as_union=True)
                assert isinstance(result, ox.QueryTriples)
                ox.serialize(result, out, rdf_format, prefixes=PREFIXES)
    except OSError as e:
        raise InputError(f"cannot write {path}: {e}") from e
    log.info("wrote %s (%s)", path, fmt)


def _term(term: Any) -> str | None:
    """A term as plain text: the IRI, the literal's lexical form, ``_:id`` for blank nodes."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return f"<< {_term(term.subject)} {_term(term.predicate)} {_term(term.object)} >>"
    return term.value  # NamedNode, Literal


def _prefixed(sparql: str) -> str:
    """``sparql`` with the project's PREFIX lines added for any prefix it does not declare."""
    lowered = sparql.lower()
    header = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if f"prefix {p}:" not in lowered]
    return "\n".join(header + [sparql])


def run_query(store: ox.Store, sparql: str) -> QueryResult:
    """Run a SPARQL query (the project prefixes are predeclared; named graphs are in the default graph).

    Raises:
        QueryError: the query does not parse or fails to evaluate.
    """
    try:
        result = store.query(_prefixed(sparql), use_default_graph_as_union=True)
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax error: {e}") from e
    except (OSError, ValueError, TypeError) as e:
        raise QueryError(f"SPARQL query failed: {e}") from e
    try:
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["ask"], [("true" if bool(result) else "false",)], kind="ask")
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows = [tuple(_term(sol[c]) for c in columns) for sol in result]
            return QueryResult(columns, rows)
        rows = [(_term(t.subject), _term(t.predicate), _term(t.object)) for t in result]
        return QueryResult(["subject", "predicate", "object"], sorted(rows), kind="graph")
    except (OSError, ValueError, TypeError, RuntimeError) as e:
        raise QueryError(f"SPARQL query failed while reading results: {e}") from e


def read_query(text_or_path: str) -> str:
    """The query text: the argument itself, or the content of the ``.rq`` file it names."""
    if text_or_path.endswith((".rq", ".sparql")) and "\n" not in text_or_path:
        path = Path(text_or_path)
        if not path.is_file():
            raise InputError(f"query file {path} does not exist")
        return path.read_text(encoding="utf-8")
    return text_or_path


def query_source(source: Path, text_or_path: str, *, store_dir: Path | None = None) -> QueryResult:
    """Run a query (text or a ``.rq`` file) on a graph file, an output folder or a store.

    Raises:
        InputError: no graph in ``source``, or no such query file.
        QueryError: the query fails.
    """
    return run_query(open_store(source, store_dir=store_dir), read_query(text_or_path))


# ---------------------------------------------------------------- formatters


def compact_iri(value: str | None) -> str:
    """An IRI written with the project's prefixes where one applies (``kgr:org/昭通市委``)."""
    if value is None:
        return ""
    best = ""
    for prefix, ns in PREFIXES.items():
        if value.startswith(str(ns)) and len(str(ns)) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{value[len(str(PREFIXES[best])) :]}" if best else value


def _width(text: str) -> int:
    """Display width in a terminal: CJK and other wide characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(result: QueryResult, *, compact: bool = True) -> str:
    """An aligned text table (IRIs shortened with the project prefixes unless ``compact`` is False)."""
    cells = [[compact_iri(v) if compact else (v or "") for v in row] for row in result.rows]
    cells = [[c.replace("\n", " ") for c in row] for row in cells]
    widths = [_width(c) for c in result.columns]
    for row in cells:
        widths = [max(w, _width(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: list[str]) -> str:
        return " | ".join(
            v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    out = [line(result.columns), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_csv(result: QueryResult) -> str:
    """CSV with a header row (unbound values are empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([["" if v is None else v for v in row] for row in result.rows])
    return buf.getvalue()


def format_json(result: QueryResult) -> str:
    """JSON: ``{"columns": [...], "rows": [{column: value}, ...]}`` (unbound values are null)."""
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    return (
        json.dumps({"columns": result.columns, "rows": rows}, ensure_ascii=False, indent=2) + "\n"
    )


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Format ``result`` as ``table``, ``csv`` or ``json``."""
    if fmt not in FORMATTERS:
        raise QueryError(f"output format {fmt!r} is not one of {sorted(FORMATTERS)}")
    return FORMATTERS[fmt](result)
