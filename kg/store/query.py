"""SPARQL over the exported graph with embedded Oxigraph.

``open_store`` loads ``graph.ttl`` (or any RDF file, or an output folder
holding one) into an Oxigraph store, in memory or persisted in a folder
that later runs reopen without loading again; ``stream_query`` runs a
SELECT, ASK, CONSTRUCT or DESCRIBE query in a child process under a time
and a result limit and streams its rows (what ``kg query`` prints);
``run_query`` runs one in this process and holds its rows as strings;
``export_graph`` writes a store (``kg build --store``) out as an RDF file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.atomic import atomic_writer
from kg.errors import InputError, QueryError
from kg.graph.namespaces import PREFIXES
from kg.store.results import GRAPH_COLUMNS, Row, term_json, term_text
from kg.store.results import compact_iri as compact_iri  # the notebook's import
from kg.store.source import graph_file, is_store_dir, stamp_store, store_is_current
from kg.store.sparql import bind_params, check_query, label_hint, syntax_message
from kg.store.worker import QueryLimits, QueryProcess

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
        try:
            return ox.Store.read_only(str(source))  # a query never writes; a build may hold it
        except OSError as e:
            raise InputError(f"cannot open the store {source}: {e}") from e
    graph = graph_file(source, store_ok=True)
    if store_dir is None:
        store = ox.Store()
    else:
        store_dir = Path(store_dir)
        current = store_is_current(store_dir, graph)
        try:
            store = ox.Store(str(store_dir))
        except OSError as e:  # held by another process, or not a store
            raise InputError(f"cannot open the store folder {store_dir}: {e}") from e
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


@dataclass
class QueryResult:
    """Result of a query run in this process: column names and rows of strings (None where unbound)."""

    columns: list[str]
    rows: list[tuple[str | None, ...]] = field(default_factory=list)
    kind: str = "select"  # select, ask or graph (CONSTRUCT / DESCRIBE triples)


def run_query(
    store: ox.Store,
    sparql: str,
    *,
    params: Mapping[str, str] | None = None,
    allow_service: bool = False,
) -> QueryResult:
    """Run a SPARQL query in this process and hold its rows (the notebook's and the tests' way).

    The project prefixes are predeclared and the named graphs are in the
    default graph. There is no time limit here: ``stream_query`` runs a
    query in a child process that a limit can stop.

    Raises:
        QueryError: the query is refused (an update, SERVICE), does not parse or fails.
        InputError: a parameter names no variable of the query.
    """
    check_query(sparql, allow_service=allow_service)
    text = bind_params(sparql, params or {})
    try:
        result = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as e:
        raise QueryError(syntax_message(text, str(e))) from e
    except (OSError, ValueError, TypeError, RuntimeError) as e:
        raise QueryError(f"SPARQL query failed: {e}") from e
    try:
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["ask"], [("true" if bool(result) else "false",)], kind="ask")
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows = [tuple(term_text(term_json(sol[c])) for c in columns) for sol in result]
            if not rows and (hint := label_hint(sparql)):
                log.warning(hint)
            return QueryResult(columns, rows)
        triples = [(t.subject, t.predicate, t.object) for t in result]
        rows = sorted(tuple(term_text(term_json(x)) for x in t) for t in triples)
        return QueryResult(GRAPH_COLUMNS, rows, kind="graph")
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


@dataclass(frozen=True)
class QueryOptions:
    """How ``stream_query`` runs a query: parameters, limits, SERVICE, a persistent store."""

    params: Mapping[str, str] = field(default_factory=dict)
    limits: QueryLimits = QueryLimits()
    allow_service: bool = False
    store_dir: Path | None = None


class QueryRun:
    """A query streaming from its child process: iterate ``results.rows``, then call ``finish()``."""

    def __init__(self, text: str, process: QueryProcess) -> None:
        self._text = text
        self._process = process
        self.rows_seen = 0
        results = process.results()
        if results.kind != "ask":
            results.rows = self._counted(iter(results.rows))
        self.results = results

    def _counted(self, rows: Iterator[Row]) -> Iterator[Row]:
        for row in rows:
            self.rows_seen += 1
            yield row

    def finish(self) -> None:
        """Say what the output lacks: rows past the limit (an error), a label hint for no rows.

        Raises:
            QueryError: the rows passed the result limit, so the output is incomplete.
        """
        if self._process.truncated:
            raise QueryError(
                f"stopped after {self.rows_seen} rows, the result limit; the output is "
                "incomplete: raise the limit with --limit ROWS (0: none) or add LIMIT"
            )
        if self.results.kind == "select" and self.rows_seen == 0:
            hint = label_hint(self._text)
            if hint:
                log.warning(hint)


@contextmanager
def stream_query(
    source: Path, text_or_path: str, options: QueryOptions | None = None
) -> Iterator[QueryRun]:
    """Run a query (text or a ``.rq`` file) on a graph file, an output folder or a store, streaming.

    The query runs in a child process (``kg.store.worker``) stopped at the
    time limit or once its rows pass the result limit.

    Raises:
        InputError: no graph in ``source``, no such query file, a bad parameter.
        QueryError: the query is refused, does not parse, fails or runs too long.
    """
    options = options or QueryOptions()
    sparql = read_query(text_or_path)
    check_query(sparql, allow_service=options.allow_service)
    text = bind_params(sparql, options.params)
    source = Path(source)
    if not is_store_dir(source):
        graph_file(source, store_ok=True)  # a missing graph is named before a child starts
    job = {
        "source": str(source),
        "store_dir": str(options.store_dir) if options.store_dir else None,
        "query": text,
    }
    with QueryProcess(job, options.limits) as process:
        yield QueryRun(sparql, process)
