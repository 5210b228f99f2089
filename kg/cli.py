"""The ``kg`` command: a thin shell over the library.

Each command checks its arguments, calls one library function and turns the
library's own errors (``kg.errors.KgError``) into a clear message and a
non-zero exit. Heavy modules (spaCy, rdflib) are imported inside the
commands so that ``kg --help`` answers at once.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.corpus.options import PAGE_TIMEOUT
from kg.errors import KgError

EXISTING = click.Path(exists=True, path_type=Path)
HOME_PLACE_HELP = (
    "The place a bare 市 or 县 means on pages whose manifest.csv row gives none (a province, city or county); "
    "without it kg infers one per page from the newspaper, a dateline or the city named most."
)


class KgGroup(click.Group):
    """Runs a command and turns a KgError into a one-line message and exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KgError as e:
            raise click.ClickException(str(e)) from e


@click.group(cls=KgGroup)
@click.version_option(package_name="kg")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Turn Chinese government and party-building news pages into a knowledge graph."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command()
def setup() -> None:
    """Fetch the pkuseg segmentation model once (through pip; needs the package index)."""
    from kg.resources import fetch_pkuseg_model

    click.echo(f"pkuseg model in {fetch_pkuseg_model()}")


def _out_option(dest: str, help: str | None = None) -> Callable[[Callable], Callable]:
    """The ``-o/--out`` option every writing command takes."""
    return click.option(
        "-o", "--out", dest, required=True, type=click.Path(path_type=Path), help=help
    )


@main.command()
@click.argument("sources", nargs=-1, required=True, type=EXISTING)
@_out_option("out_dir", "Output folder (graph.ttl, graph.html, pages/*.json, …).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes (default: what is fastest for the input).",
)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask).")
@click.option("--strict", is_flag=True, help="Stop at the first page that cannot be used.")
@click.option("--no-cache", is_flag=True, help="Re-extract every page, ignoring the cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the page cache (default: OUT/.kg-cache); several outputs may share one.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["turtle", "ntriples", "jsonld", "trig", "nquads", "graphml", "gexf"]),
    help="An export format to write; repeat for several (default: all but nquads, and "
    "graphml/gexf only up to 200,000 facts). graph.html and pages/ are always written.",
)
@click.option(
    "--store",
    "sparql_store",
    is_flag=True,
    help="Also keep OUT/store, an Oxigraph store of the graph for kg query and kg serve, "
    "updated page by page on rebuilds.",
)
@click.option(
    "--page-timeout",
    type=click.FloatRange(min=0),
    default=PAGE_TIMEOUT,
    show_default=True,
    help="Seconds of processor time one page may take to extract before it is stopped "
    "and skipped (0: no limit).",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Build pages that symbolic links lead to outside the folders given (refused by default).",
)
@click.option("--home-place", default=None, help=HOME_PLACE_HELP)
@click.option(
    "--fields",
    default=None,
    help="A crawl file's field names where not the usual ones, e.g. body=content,title=headline "
    "(fields: body, title, date, source, url).",
)
@click.option(
    "--timings",
    is_flag=True,
    help="Also print seconds per stage as one JSON line, the last (for benchmarks).",
)
@click.option(
    "--title", "html_title", default=None, help="Title of graph.html (default: kg 知识图谱)."
)
def build(
    sources: tuple[Path, ...],
    out_dir: Path,
    no_cache: bool,
    formats: tuple[str, ...],
    timings: bool,
    **settings: Any,
) -> None:
    """Build the graph of every page in SOURCES: files or folders (not their subfolders) of
    page text (*.txt), newspaper PDF pages (*.pdf), saved web pages (*.html, *.htm) and
    crawl files (*.jsonl, *.csv).
    """
    from kg.corpus.build import build as run_build
    from kg.corpus.options import BuildOptions
    from kg.corpus.workers import Stopped
    from kg.text.crawl import parse_field_map

    if settings["scheduler"] and settings["engine"] != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if settings["fields"] is not None:
        try:
            settings["fields"] = parse_field_map(settings["fields"])
        except KgError as e:
            raise click.BadParameter(str(e), param_hint="--fields") from e
    options = BuildOptions(use_cache=not no_cache, formats=formats or None, **settings)
    try:
        report = run_build(list(sources), out_dir, options=options)
    except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM/SIGHUP (Stopped)
        why = str(e) if isinstance(e, Stopped) else "stopped by Ctrl-C"
        click.echo(f"build {why}; {out_dir} is left as the previous build left it", err=True)
        sys.exit(128 + (e.signum if isinstance(e, Stopped) else signal.SIGINT))
    click.echo(report.summary())
    if timings:
        click.echo(json.dumps(report.stage_times()))
    if report.skipped:
        sys.exit(1)


@main.command()
@click.argument("pages", nargs=-1, required=True, type=EXISTING)
@_out_option("out_dir", "Folder for one <page stem>.json per page, in the gold format.")
@click.option(
    "--page-timeout",
    type=click.FloatRange(min=0),
    default=PAGE_TIMEOUT,
    show_default=True,
    help="Seconds of processor time one page may take before it is stopped and skipped "
    "(0: no limit).",
)
@click.option("--home-place", default=None, help=HOME_PLACE_HELP)
def extract(
    pages: tuple[Path, ...], out_dir: Path, page_timeout: float, home_place: str | None
) -> None:
    """Extract each page into OUT/<page stem>.json in the gold format (GUIDELINES.md).

    Of two pages with one name (a/x.txt, b/x.txt) only the first is written;
    the other is named as skipped and the exit status is 1.
    """
    from kg.extract import extract_files

    skipped = extract_files(list(pages), out_dir, page_timeout=page_timeout, home_place=home_place)
    for path, reason in skipped:
        click.echo(f"skipped {path}: {reason}", err=True)
    if skipped:
        sys.exit(1)


@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("pages", nargs=-1, required=True, type=EXISTING)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate(gold_dir: Path, pages: tuple[Path, ...], as_json: bool) -> None:
    """Extract PAGES and score them against GOLD_DIR/<page stem>.json."""
    from kg.evaluate import evaluate_pages, format_report

    if not any(gold_dir.glob("*.json")):
        raise click.UsageError(f"{gold_dir} holds no <page>.json gold file")
    report = evaluate_pages(gold_dir, list(pages))
    click.echo(
        json.dumps(report, ensure_ascii=False, indent=1) if as_json else format_report(report)
    )


@main.command()
@click.argument("source", type=EXISTING)
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="json, csv and tsv are the W3C SPARQL 1.1 results formats.",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Persistent Oxigraph store folder (created from SOURCE if empty).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind the query's ?NAME (or $NAME) to VALUE; repeat for several. Text with Chinese "
    'characters is a @zh literal, as kg\'s labels are; <IRI>, kgr:…, "…"@en and numbers '
    "stand for themselves.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds the query may run before it is stopped (0: no limit).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=100_000,
    show_default=True,
    help="Rows to print at most; a result with more is cut there and exits 1 (0: no limit).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Run SERVICE clauses, which send the query to other servers (refused by default).",
)
def query(source: Path, query: str, fmt: str, **options: Any) -> None:
    """Run a SPARQL QUERY (text or a .rq file) on SOURCE (graph.ttl, an output folder or a store).

    The prefixes kg, kgr, org, schema, skos, prov, dcterms, owl, rdf, rdfs,
    xsd and sh are predeclared. Rows are printed as they come. kg works
    offline and read-only: updates and SERVICE are refused.
    """
    from kg.store.query import QueryOptions, stream_query
    from kg.store.results import FORMATTERS
    from kg.store.sparql import parse_params
    from kg.store.worker import QueryLimits

    run_options = QueryOptions(
        params=parse_params(options["params"]),
        limits=QueryLimits(timeout=options["timeout"], limit=options["limit"]),
        allow_service=options["allow_service"],
        store_dir=options["store_dir"],
    )
    with stream_query(source, query, run_options) as run:
        for chunk in FORMATTERS[fmt](run.results):
            click.echo(chunk, nl=False)
    run.finish()


@main.command(name="export")
@click.argument("source", type=EXISTING)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nquads", "trig", "turtle", "ntriples"]),
    required=True,
    help="nquads and trig keep each page's named graph; turtle and ntriples hold their union.",
)
@_out_option("out_path")
def export(source: Path, fmt: str, out_path: Path) -> None:
    """Write SOURCE (a store from `kg build --store`, an output folder or a graph file) as one RDF file."""
    from kg.store.query import export_graph, open_store

    export_graph(open_store(source), out_path, fmt)
    click.echo(f"wrote {out_path}")


@main.command()
@click.argument("source", type=EXISTING)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but loopback exposes the graph.",
)
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds a query may run before it is stopped (0: no limit).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=100_000,
    show_default=True,
    help="Rows a query may return; one with more is answered 503 (0: no limit).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also accept requests whose Host header is NAME (e.g. behind a reverse proxy); "
    "repeat for several. Other names are refused, against DNS rebinding.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Run SERVICE clauses, which send the query to other servers (refused by default).",
)
def serve(source: Path, **options: Any) -> None:
    """Serve the graph in SOURCE (an output folder, graph.ttl or a store) as a read-only SPARQL endpoint.

    \b
    The SPARQL 1.1 protocol is at http://HOST:PORT/query (GET or POST);
    / is a plain query form that loads nothing from the internet. The
    prefixes kg, kgr, org, schema, skos, prov, dcterms, owl, rdf, rdfs, xsd
    and sh are predeclared, as in kg query. Updates and SERVICE are refused.
    kg serve answers from a snapshot: after a later kg build rewrites
    SOURCE it answers 503 until restarted. Ctrl-C, SIGTERM or SIGHUP stop it.
    """
    from kg.graph.namespaces import PREFIXES
    from kg.store.serve import ServeOptions, stop_on_signals
    from kg.store.serve import serve as run_serve
    from kg.store.worker import QueryLimits

    serve_options = ServeOptions(
        host=options["host"],
        port=options["port"],
        limits=QueryLimits(timeout=options["timeout"], limit=options["limit"]),
        allow_service=options["allow_service"],
        allow_hosts=options["allow_hosts"],
    )
    with stop_on_signals(), run_serve(source, serve_options) as server:
        click.echo(
            f"SPARQL endpoint (read-only) at {server.url}, a query form at {server.base_url}/; "
            f"predeclared prefixes: {', '.join(PREFIXES)}; Ctrl-C stops it"
        )
        server.wait()
    click.echo("kg serve stopped")


@main.command()
@click.argument("source", type=EXISTING)
@_out_option("out_path")
@click.option(
    "--focus",
    default=None,
    help="Only this entity's neighbourhood: its name, an alias or part of one (as the page's "
    "search box finds it), or its IRI.",
)
@click.option("--depth", default=2, show_default=True, type=click.IntRange(min=0))
@click.option("--title", default=None, help="Page title (default: kg 知识图谱).")
def html(source: Path, out_path: Path, focus: str | None, depth: int, title: str | None) -> None:
    """Write the interactive graph page of SOURCE (graph.ttl or an output folder)."""
    from kg.explore import write_graph_page

    write_graph_page(source, out_path, focus=focus, depth=depth, title=title)
    click.echo(f"wrote {out_path}")


if __name__ == "__main__":
    main()
