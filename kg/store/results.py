"""Query results as W3C terms, and the formats ``kg query`` prints and ``kg serve`` answers in.

A result is a ``Results`` (``kg.store.terms``): its kind (select, ask or graph), its column
names and an iterator of rows, each row a list of terms in the shape of the
W3C SPARQL 1.1 JSON results format (``{"type": "literal", "value": "3",
"datatype": "…#integer"}``, None where unbound). Every formatter is a
generator of text chunks, so a result is written as its rows arrive and
never held whole (the table holds its first ``TABLE_WIDTH_ROWS`` rows to
size its columns).
"""

from __future__ import annotations

import csv
import html
import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

from kg.graph.namespaces import PREFIXES
from kg.store.terms import GRAPH_COLUMNS, XSD_BOOLEAN, Results, Row, Term
from kg.store.terms import term_json as term_json  # with the formatters, for callers

TABLE_WIDTH_ROWS = 1000  # the table sizes its columns on this many rows, then streams


def term_text(term: Term | None) -> str | None:
    """A term as plain text: the IRI, the literal's lexical form, ``_:id`` for blank nodes."""
    if term is None:
        return None
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    if term["type"] == "triple":
        parts = (term_text(term["value"][k]) for k in GRAPH_COLUMNS)
        return "<< " + " ".join(p or "" for p in parts) + " >>"
    return str(term["value"])


def _nt_string(value: str) -> str:
    """``value`` as an N-Triples string literal body."""
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    return out.replace("\n", "\\n").replace("\r", "\\r")


def term_nt(term: Term | None) -> str:
    """A term in N-Triples syntax (what SPARQL TSV results hold); ``""`` for unbound."""
    if term is None:
        return ""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple":
        return "<< " + " ".join(term_nt(value[k]) for k in GRAPH_COLUMNS) + " >>"
    if "xml:lang" in term:
        return f'"{_nt_string(value)}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{_nt_string(value)}"^^<{term["datatype"]}>'
    return f'"{_nt_string(value)}"'


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


def _ask_rows(results: Results) -> Iterable[Row]:
    """The rows to print: an ASK answer is one row of ``true`` or ``false``."""
    if results.kind == "ask":
        value = "true" if results.boolean else "false"
        return [[{"type": "literal", "value": value, "datatype": XSD_BOOLEAN}]]
    return results.rows


def format_table(results: Results, *, compact: bool = True) -> Iterator[str]:
    """An aligned text table (IRIs shortened with the project prefixes unless ``compact`` is False)."""

    def cell(term: Term | None) -> str:
        text = term_text(term) or ""
        if compact and term is not None and term["type"] == "uri":
            text = compact_iri(text)
        return text.replace("\n", " ")

    columns = ["ask"] if results.kind == "ask" else results.columns
    rows = iter(_ask_rows(results))
    first = [[cell(t) for t in row] for row in islice(rows, TABLE_WIDTH_ROWS)]
    widths = [_width(c) for c in columns]
    for row in first:
        widths = [max(w, _width(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: list[str]) -> str:
        padded = (v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True))
        return " | ".join(padded).rstrip() + "\n"

    yield line(columns) + "-+-".join("-" * w for w in widths) + "\n"
    n = 0
    for values in first:
        n += 1
        yield line(values)
    for rest in rows:
        n += 1
        yield line([cell(t) for t in rest])
    yield f"({n} row{'s' if n != 1 else ''})\n"


def _csv_line(values: list[str], *, dialect: str = "excel") -> str:
    buf = io.StringIO()
    csv.writer(buf, dialect=dialect, lineterminator="\n").writerow(values)
    return buf.getvalue()


def format_csv(results: Results) -> Iterator[str]:
    """SPARQL 1.1 CSV results: a header row, then plain values (unbound values are empty)."""
    columns = ["ask"] if results.kind == "ask" else results.columns
    yield _csv_line(columns)
    for row in _ask_rows(results):
        yield _csv_line([term_text(t) or "" for t in row])


def format_tsv(results: Results) -> Iterator[str]:
    """SPARQL 1.1 TSV results: ``?name`` headers, then terms in N-Triples syntax."""
    columns = ["ask"] if results.kind == "ask" else results.columns
    yield "\t".join(f"?{c}" for c in columns) + "\n"
    for row in _ask_rows(results):
        yield "\t".join(term_nt(t) for t in row) + "\n"


def format_json(results: Results) -> Iterator[str]:
    """SPARQL 1.1 JSON results (a CONSTRUCT's triples as bindings of subject, predicate, object)."""
    if results.kind == "ask":
        yield json.dumps({"head": {}, "boolean": bool(results.boolean)}) + "\n"
        return
    yield (
        json.dumps({"head": {"vars": results.columns}}, ensure_ascii=False)[:-1]
        + ', "results": {"bindings": ['
    )
    sep = "\n"
    for row in results.rows:
        binding = {c: t for c, t in zip(results.columns, row, strict=True) if t is not None}
        yield sep + json.dumps(binding, ensure_ascii=False)
        sep = ",\n"
    yield "\n]}}\n"


def format_xml(results: Results) -> Iterator[str]:
    """SPARQL Query Results XML Format."""
    yield '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
    if results.kind == "ask":
        yield f"<head/>\n<boolean>{'true' if results.boolean else 'false'}</boolean>\n</sparql>\n"
        return
    yield "<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in results.columns)
    yield "</head>\n<results>\n"
    for row in results.rows:
        cells = "".join(
            f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>"
            for c, t in zip(results.columns, row, strict=True)
            if t is not None
        )
        yield f"<result>{cells}</result>\n"
    yield "</results>\n</sparql>\n"


def _xml_term(term: Term) -> str:
    if term["type"] == "uri":
        return f"<uri>{escape(term['value'])}</uri>"
    if term["type"] == "bnode":
        return f"<bnode>{escape(term['value'])}</bnode>"
    if term["type"] == "triple":
        parts = (f"<{k}>{_xml_term(term['value'][k])}</{k}>" for k in GRAPH_COLUMNS)
        return "<triple>" + "".join(parts) + "</triple>"
    attr = ""
    if "xml:lang" in term:
        attr = f" xml:lang={quoteattr(term['xml:lang'])}"
    elif "datatype" in term:
        attr = f" datatype={quoteattr(term['datatype'])}"
    return f"<literal{attr}>{escape(term['value'])}</literal>"


def format_html(results: Results) -> Iterator[str]:
    """An HTML page with the result as a table (what a browser gets from the endpoint)."""
    yield '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>kg query</title>'
    yield "<style>td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style>"
    yield "</head><body><table>\n"
    columns = ["ask"] if results.kind == "ask" else results.columns
    yield "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>\n"
    for row in _ask_rows(results):
        cells = (html.escape(compact_iri(term_text(t)) if t else "") for t in row)
        yield "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n"
    yield "</table></body></html>\n"


def format_ntriples(results: Results) -> Iterator[str]:
    """A CONSTRUCT or DESCRIBE result as N-Triples (also valid Turtle)."""
    for row in results.rows:
        yield " ".join(term_nt(t) for t in row) + " .\n"


FORMATTERS: dict[str, Callable[[Results], Iterator[str]]] = {
    "table": format_table,
    "csv": format_csv,
    "tsv": format_tsv,
    "json": format_json,
    "xml": format_xml,
    "html": format_html,
    "ntriples": format_ntriples,
}
