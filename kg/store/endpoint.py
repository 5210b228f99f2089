"""The HTTP side of ``kg serve``: the SPARQL protocol at ``/query`` and a query form at ``/``.

Each request is checked before anything runs: its ``Host`` header must name
the server (a page on another site that rebinds its DNS name to 127.0.0.1
sends its own name, and is turned away), updates and ``SERVICE`` are
refused, and a graph a later build replaced is not answered from. A query
runs in a child process (``kg.store.worker``) under the server's time and
result limits; its answer is written in the format the ``Accept`` header
asks for: SPARQL JSON (the default), XML, CSV or TSV results, an HTML
table for a browser, N-Triples for CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import re
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from kg.errors import QueryError
from kg.graph.namespaces import PREFIXES
from kg.store.results import FORMATTERS
from kg.store.sparql import QueryRefused, check_query
from kg.store.worker import QueryFailed

if TYPE_CHECKING:
    from kg.store.serve import SparqlServer

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # bytes of a POSTed query
# media type -> formatter, by result kind; the first is the default for */*
MEDIA_TYPES: dict[str, dict[str, str]] = {
    "rows": {
        "application/sparql-results+json": "json",
        "application/json": "json",
        "application/sparql-results+xml": "xml",
        "application/xml": "xml",
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
        "text/html": "html",
    },
    "graph": {
        "application/n-triples": "ntriples",
        "text/turtle": "ntriples",  # N-Triples is Turtle
        "text/plain": "ntriples",
        "text/html": "html",
    },
}
STATUS_OF_FAILURE = {"syntax": 400, "timeout": 503}
_HOST = re.compile(r"^(?:\[([^\]]+)\]|([^:\[\]]+))(?::\d+)?$")


def host_name(header: str | None) -> str | None:
    """The name in a ``Host`` header, lower case, without port, brackets or final dot."""
    m = _HOST.match((header or "").strip())
    if m is None:
        return None
    return (m.group(1) or m.group(2)).lower().rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str | None, names: Iterable[str], *, any_ip: bool = False) -> bool:
    """Whether a request's ``Host`` header names this server (one of ``names``, or any IP if ``any_ip``)."""
    name = host_name(header)
    return name is not None and (name in set(names) or (any_ip and _is_ip(name)))


def negotiate(accept: str | None, kind: str) -> tuple[str, str] | None:
    """The (media type, formatter) to answer a result of ``kind`` with, or None if none is acceptable."""
    offered = MEDIA_TYPES["graph" if kind == "graph" else "rows"]
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "*/*").split(",")):
        media, *options = (x.strip() for x in part.split(";"))
        q = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    q = float(option[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            wanted.append((-q, i, media.lower()))
    for _, _, media in sorted(wanted):
        if media in offered:
            return media, offered[media]
        if media in ("*/*", "application/*", "text/*"):
            top = media.split("/")[0]
            for m, fmt in offered.items():
                if top == "*" or m.startswith(top + "/"):
                    return m, fmt
    return None


def form_page(base_url: str) -> str:
    """The page at ``/``: a query form that posts to ``/query`` and lists the predeclared prefixes.

    It loads nothing from elsewhere (no script, no style sheet, no prefix list).
    """
    prefixes = "\n".join(
        f"<li><code>{html.escape(p)}: &lt;{html.escape(ns)}&gt;</code></li>"
        for p, ns in PREFIXES.items()
    )
    example = "SELECT ?agency ?programme WHERE {\n  ?a kg:promotes ?p .\n"
    example += "  ?a skos:prefLabel ?agency . ?p skos:prefLabel ?programme .\n} LIMIT 20"
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title></head>
<body>
<h1>kg SPARQL endpoint (read-only)</h1>
<p>SPARQL 1.1 protocol at <code>{html.escape(base_url)}/query</code> (GET or POST);
answers SPARQL JSON by default, XML, CSV or TSV results on request (<code>Accept</code>),
an HTML table to a browser, N-Triples for CONSTRUCT and DESCRIBE.
Updates and SERVICE are refused. Labels are tagged <code>@zh</code>:
write <code>"昭通市委"@zh</code>.</p>
<form method="get" action="/query">
<textarea name="query" rows="12" cols="90">{html.escape(example)}</textarea><br>
<button type="submit">Run</button>
</form>
<h2>Predeclared prefixes</h2>
<ul>
{prefixes}
</ul>
</body></html>
"""


class SparqlHandler(BaseHTTPRequestHandler):
    """One request to ``kg serve``; ``self.server.kg`` is the ``SparqlServer`` it belongs to."""

    server_version = "kg-serve"

    @property
    def kg(self) -> SparqlServer:
        return self.server.kg  # type: ignore[attr-defined, no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch(None)

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            return self._fail(411, "a POST needs a Content-Length")
        if int(length) > MAX_BODY:
            return self._fail(413, f"a query of {length} bytes is over the {MAX_BODY} allowed")
        self._dispatch(self.rfile.read(int(length)))

    def _dispatch(self, body: bytes | None) -> None:
        if not host_allowed(self.headers.get("Host"), self.kg.host_names, any_ip=self.kg.any_ip):
            return self._fail(
                403,
                f"Host {self.headers.get('Host')!r} is not a name of this server; "
                "kg serve --allow-host NAME accepts another",
            )
        path, _, query_string = self.path.partition("?")
        if path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", form_page(self.kg.base_url))
        if path == "/update":
            return self._fail(403, "kg serve is read-only: SPARQL updates are refused")
        if path != "/query":
            return self._fail(404, f"no {path} here: the SPARQL endpoint is /query, a form is /")
        params = parse_qs(query_string)
        try:
            sparql = self._query_text(params, body)
        except _Refusal as e:
            return self._fail(e.status, str(e))
        self._answer(sparql)

    def _query_text(self, params: dict[str, list[str]], body: bytes | None) -> str:
        """The query of a GET or POST request (SPARQL 1.1 protocol, section 2.1)."""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body is not None:
            text = body.decode("utf-8", "replace")
            if ctype == "application/x-www-form-urlencoded":
                params = {**params, **parse_qs(text)}
            elif ctype == "application/sparql-query":
                params = {**params, "query": [text]}
            elif ctype == "application/sparql-update":
                raise _Refusal(403, "kg serve is read-only: SPARQL updates are refused")
            else:
                raise _Refusal(415, f"Content-Type {ctype!r} is not a SPARQL query")
        if "update" in params:
            raise _Refusal(403, "kg serve is read-only: SPARQL updates are refused")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise _Refusal(
                400, "default-graph-uri and named-graph-uri are not supported: use GRAPH"
            )
        queries = params.get("query", [])
        if len(queries) != 1:
            raise _Refusal(400, "give one query parameter (the SPARQL endpoint is /query)")
        return queries[0]

    def _answer(self, sparql: str) -> None:
        """Run ``sparql`` and send its answer, or the status and message of why not."""
        try:
            ctype, body = self._run(sparql)
        except _Refusal as e:
            return self._fail(e.status, str(e))
        except QueryRefused as e:
            return self._fail(403, str(e))
        except QueryFailed as e:
            return self._fail(STATUS_OF_FAILURE.get(e.kind, 500), str(e))
        except QueryError as e:
            return self._fail(400, str(e))
        self._send(200, ctype, body)

    def _run(self, sparql: str) -> tuple[str, str]:
        """The content type and body of the answer to ``sparql``.

        Raises:
            _Refusal: the graph changed, no acceptable format, too many rows.
            QueryError: the query is refused, does not parse, fails or runs too long.
        """
        stale = self.kg.snapshot.changed()
        if stale:
            log.warning(stale)
            raise _Refusal(503, stale)
        check_query(sparql, allow_service=self.kg.options.allow_service, tool="kg serve")
        accept = self.headers.get("Accept")
        with self.kg.query_process(sparql) as process:
            results = process.results()
            chosen = negotiate(accept, results.kind)
            if chosen is None:
                raise _Refusal(406, f"cannot answer a {results.kind} query as {accept}")
            body = "".join(FORMATTERS[chosen[1]](results))
            if process.truncated:
                raise _Refusal(
                    503,
                    f"the result has more than {self.kg.options.limits.limit} rows, the "
                    "server's limit: add LIMIT, or restart kg serve with a larger --limit",
                )
        media = chosen[0]
        textual = media.startswith("text/") or media.endswith("json")
        return media + ("; charset=utf-8" if textual else ""), body

    def _send(self, status: int, ctype: str, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)

    def _fail(self, status: int, message: str) -> None:
        log.info("refused (%d): %s", status, message)
        self._send(status, "text/plain; charset=utf-8", message + "\n")


class _Refusal(Exception):
    """A request the endpoint answers with ``status`` and this message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
