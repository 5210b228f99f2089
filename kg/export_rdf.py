"""Write the graph in every RDF format, and its networkx view as GraphML and GEXF.

Every writer is a library's own (rdflib's serializers, networkx's writers);
this module only makes their output deterministic: N-Triples and N-Quads
lines are sorted, JSON-LD objects and value arrays are sorted, and the
date GEXF stamps on its header is fixed. The same input gives byte-identical
files.
"""

from __future__ import annotations

import io
import json
import logging
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph
from rdflib.plugins.serializers.trig import TrigSerializer

from kg.atomic import atomic_write_bytes
from kg.errors import ExportError
from kg.graph import build_dataset, build_graph, to_networkx
from kg.model import Corpus
from kg.namespaces import PREFIXES

log = logging.getLogger(__name__)

# format name -> (rdflib serializer, file name)
RDF_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", "graph.ttl"),
    "ntriples": ("nt", "graph.nt"),
    "jsonld": ("json-ld", "graph.jsonld"),
    "trig": ("trig", "graph.trig"),
    "nquads": ("nquads", "graph.nq"),
}
NETWORK_FORMATS: dict[str, str] = {"graphml": "graph.graphml", "gexf": "graph.gexf"}
DATASET_FORMATS = frozenset({"trig", "nquads"})
DEFAULT_FORMATS = ("turtle", "ntriples", "jsonld", "trig", "graphml", "gexf")
ALL_FORMATS = tuple(RDF_FORMATS) + tuple(NETWORK_FORMATS)


def _sort_jsonld(value: object) -> object:
    """Sort JSON-LD node objects and value sets (never ``@list`` contents, which are ordered)."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _sort_jsonld(v)) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer with its graphs in a fixed order (default graph first, then by name).

    rdflib takes the graphs from a set, whose order changes with the hash seed.
    """

    def preprocess(self) -> None:
        default = self.default_context
        self.contexts = sorted(
            self.contexts, key=lambda c: (c.identifier != default, str(c.identifier))
        )
        super().preprocess()


def serialize(graph: Graph | Dataset, fmt: str) -> bytes:
    """Serialise ``graph`` in ``fmt`` (a key of ``RDF_FORMATS``) as deterministic UTF-8 bytes.

    Raises:
        ExportError: the format is unknown, or needs a dataset and got a plain graph.
    """
    if fmt not in RDF_FORMATS:
        raise ExportError(f"RDF format {fmt!r} is not one of {sorted(RDF_FORMATS)}")
    name = RDF_FORMATS[fmt][0]
    if fmt in DATASET_FORMATS and not isinstance(graph, Dataset):
        raise ExportError(
            f"format {fmt!r} writes named graphs and needs an rdflib Dataset, got {type(graph).__name__}"
        )
    if fmt == "jsonld":
        context = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
        data = json.loads(graph.serialize(format=name, context=context, auto_compact=True))
        return (json.dumps(_sort_jsonld(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "trig":
        buf = io.BytesIO()
        # rdflib's own TriG writer uses its deprecated default_context
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            _SortedTrigSerializer(graph).serialize(buf, encoding="utf-8")
        return buf.getvalue()
    out = graph.serialize(format=name, encoding="utf-8")
    if fmt in ("ntriples", "nquads"):
        lines = sorted({line for line in out.decode("utf-8").splitlines() if line.strip()})
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    return out


def _plain_attrs(attrs: dict[str, object]) -> dict[str, str]:
    """Attributes as the strings GraphML and GEXF can hold (lists joined by newlines, None as "")."""
    plain = {}
    for k, v in sorted(attrs.items()):
        if v is None:
            plain[k] = ""
        elif isinstance(v, list | tuple):
            plain[k] = "\n".join(str(x) for x in v)
        else:
            plain[k] = str(v)
    return plain


def plain_network(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the networkx view with plain string attributes, nodes and edges in sorted order."""
    g = nx.MultiDiGraph()
    for node in sorted(view.nodes):
        g.add_node(node, **_plain_attrs(view.nodes[node]))
    for u, v, k, data in sorted(
        view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))
    ):
        g.add_edge(u, v, key=k, **_plain_attrs(data))
    return g


def serialize_network(view: nx.MultiDiGraph, fmt: str) -> bytes:
    """Write the networkx view as GraphML or GEXF bytes (deterministic)."""
    g = plain_network(view)
    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True)
        return buf.getvalue()
    if fmt == "gexf":
        text = "\n".join(nx.generate_gexf(g, encoding="utf-8", prettyprint=True)) + "\n"
        # GEXF stamps today's date on its header; a fixed value keeps builds byte-identical.
        text = re.sub(r'lastmodifieddate="[^"]*"', 'lastmodifieddate="1970-01-01"', text)
        return text.encode("utf-8")
    raise ExportError(f"network format {fmt!r} is not one of {sorted(NETWORK_FORMATS)}")


def write_exports(
    corpus_graph: Graph,
    dataset: Dataset | None,
    out_dir: Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
) -> list[Path]:
    """Write ``corpus_graph`` (and ``dataset`` for TriG / N-Quads) into ``out_dir``; return the paths written.

    Raises:
        ExportError: a format is unknown, a dataset format was asked without a dataset,
            or a file cannot be written.
    """
    out_dir = Path(out_dir)
    written: list[Path] = []
    view = None
    for fmt in formats:
        if fmt in RDF_FORMATS:
            source = dataset if fmt in DATASET_FORMATS else corpus_graph
            if source is None:
                raise ExportError(
                    f"format {fmt!r} needs the dataset (build_dataset), none was given"
                )
            data = serialize(source, fmt)
            path = out_dir / RDF_FORMATS[fmt][1]
        elif fmt in NETWORK_FORMATS:
            if view is None:
                view = to_networkx(corpus_graph)
            data = serialize_network(view, fmt)
            path = out_dir / NETWORK_FORMATS[fmt]
        else:
            raise ExportError(f"export format {fmt!r} is not one of {list(ALL_FORMATS)}")
        try:
            atomic_write_bytes(path, data)
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e}") from e
        log.info("wrote %s (%d bytes)", path, len(data))
        written.append(path)
    return written


def export_corpus(
    corpus: Corpus, out_dir: Path, formats: Iterable[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Build the graph (and the dataset when a format needs it) of ``corpus`` and write ``formats``."""
    formats = tuple(formats)
    graph = build_graph(corpus)
    dataset = build_dataset(corpus) if DATASET_FORMATS & set(formats) else None
    return write_exports(graph, dataset, out_dir, formats)
