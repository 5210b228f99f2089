"""Query results as plain data: W3C SPARQL JSON terms, rows and the ``Results`` of a query.

Kept apart from the formatters (and free of rdflib) so that the process a
query runs in (``kg.store.worker``) starts quickly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
GRAPH_COLUMNS = ["subject", "predicate", "object"]

Term = dict[str, Any]
Row = list[Term | None]


@dataclass
class Results:
    """A query's answer: ``kind`` select, ask or graph; ``columns``; ``rows`` (an iterator)."""

    kind: str
    columns: list[str]
    rows: Iterable[Row] = field(default_factory=list)
    boolean: bool | None = None  # the answer of an ASK query


def term_json(term: Any) -> Term | None:
    """A pyoxigraph term in the W3C SPARQL JSON results shape (None for unbound)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    out: Term = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out
