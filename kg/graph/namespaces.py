"""Every RDF prefix of the project, defined once, and the minting of IRIs.

Two namespaces are our own:

* ``KG`` (``https://w3id.org/kg/ns#``) is the vocabulary: the classes and
  properties declared in ``ontology/kg.ttl``.
* ``KGR`` (``https://w3id.org/kg/id/``) holds the resources a build mints:
  ``kgr:org/昭通市政务服务管理局``, ``kgr:place/昭通市``, ``kgr:page/<file>``…

Entity IRIs are readable for Chinese names: CJK (and every other character
RFC 3987 allows unescaped in an IRI) is kept as it is, while anything else
(spaces, ``<>"{}|\\^`%/?#`` and control characters) is percent-encoded as
UTF-8, so a minted IRI is always valid and Turtle always parses it back.
The same type and canonical name always give the same IRI.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

from kg.errors import InputError

# The W3C vocabularies imported above are bound under the prefixes below too:
# modules take them (and ours) from here, never from rdflib.namespace.
KG = Namespace("https://w3id.org/kg/ns#")
KGR = Namespace("https://w3id.org/kg/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ONTOLOGY = URIRef(str(KG).rstrip("#"))  # the owl:Ontology node of ontology/kg.ttl

# prefix -> namespace IRI, the one table every graph, store and formatter binds
PREFIXES: dict[str, str] = {
    prefix: str(ns)
    for prefix, ns in (
        ("kg", KG),
        ("kgr", KGR),
        ("org", ORG),
        ("schema", SCHEMA),
        ("skos", SKOS),
        ("prov", PROV),
        ("dcterms", DCTERMS),
        ("owl", OWL),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("xsd", XSD),
        ("sh", SH),
    )
}

# Entity.type -> (IRI path segment, ontology class)
ENTITY_CLASSES: dict[str, tuple[str, URIRef]] = {
    "ORG": ("org", KG.Organization),
    "PLACE": ("place", KG.Place),
    "PERSON": ("person", KG.Person),
    "PROGRAM": ("programme", KG.Programme),
    "HONOR": ("honour", KG.Honour),
    "DOCUMENT": ("document", KG.Document),
}

# Entity.kind of an ORG -> its subclass of kg:Organization
ORG_KIND_CLASSES: dict[str, URIRef] = {
    "party": KG.PartyOrganization,
    "government": KG.GovernmentOrganization,
    "judicial": KG.JudicialOrganization,
    "public": KG.PublicInstitution,
    "enterprise": KG.Enterprise,
    "social": KG.SocialOrganization,
    "media": KG.MediaOrganization,
}

# Fact.relation -> the property of the direct (head, property, tail) triple
RELATION_PROPERTIES: dict[str, URIRef] = {
    "HOLDS_POST": KG.holdsPostIn,
    "CREDITED": KG.credited,
    "PART_OF": KG.partOf,
    "SUB_ORG_OF": ORG.subOrganizationOf,
    "LOCATED_IN": KG.locatedIn,
    "PROMOTES": KG.promotes,
    "AWARDED": KG.awarded,
    "ISSUED": KG.issued,
}


def curie(iri: str) -> str | None:
    """``iri`` as ``prefix:local`` under the longest project namespace it starts with, or None."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return None
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def bind_namespaces(graph: Graph) -> Graph:
    """Bind every project prefix on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def _iri_safe(ch: str) -> bool:
    """Whether ``ch`` may stand unescaped in an IRI path segment (RFC 3987 iunreserved)."""
    o = ord(ch)
    if o < 0x80:
        return ch.isalnum() or ch in "-._~"
    if unicodedata.category(ch) == "Cf":
        return False  # bidi controls and other invisible format characters (RFC 3987)
    return (
        0xA0 <= o <= 0xD7FF
        or 0xF900 <= o <= 0xFDCF
        or 0xFDF0 <= o <= 0xFFEF
        or (0x10000 <= o <= 0xEFFFD and (o & 0xFFFF) < 0xFFFE)
    )


def iri_segment(text: str) -> str:
    """Encode ``text`` as one IRI path segment: keep IRI-safe characters, percent-encode the rest."""
    out = []
    for ch in text:
        if _iri_safe(ch):
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
    return "".join(out)


def entity_iri(type_: str, canonical: str) -> URIRef:
    """The IRI of an entity, e.g. ``kgr:org/昭通市政务服务管理局``.

    Raises:
        InputError: the type is not one of ``ENTITY_TYPES`` or the name is empty.
    """
    if type_ not in ENTITY_CLASSES:
        raise InputError(f"entity type {type_!r} is not one of {sorted(ENTITY_CLASSES)}")
    if not canonical:
        raise InputError(f"entity of type {type_} has an empty canonical name")
    return KGR[f"{ENTITY_CLASSES[type_][0]}/{iri_segment(canonical)}"]


def page_iri(source: str) -> URIRef:
    """The IRI of a page, from its file name."""
    return KGR[f"page/{iri_segment(source)}"]


def article_iri(source: str, index: int) -> URIRef:
    """The IRI of article ``index`` of a page (also the name of its graph in TriG)."""
    return KGR[f"page/{iri_segment(source)}/article/{int(index)}"]


def newspaper_iri(name: str) -> URIRef:
    """The IRI of a newspaper title."""
    return KGR[f"newspaper/{iri_segment(name)}"]


def _digest(parts: Iterable[object]) -> str:
    """A short stable hash of ``parts`` (never Python's salted ``hash``)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:20]


def fact_iri(*parts: object) -> URIRef:
    """The IRI of a fact, a hash of its content (relation, ends, attributes, evidence)."""
    return KGR[f"fact/{_digest(parts)}"]


def mention_iri(*parts: object) -> URIRef:
    """The IRI of a mention, a hash of its page, span, label and entity."""
    return KGR[f"mention/{_digest(parts)}"]


def post_iri(holder_of: URIRef, title: str) -> URIRef:
    """The IRI of an ``org:Post``: one post title in one organisation or place."""
    return KGR[f"post/{_digest((str(holder_of), title))}"]


__all__ = [
    "DCTERMS",
    "ENTITY_CLASSES",
    "KG",
    "KGR",
    "ONTOLOGY",
    "ORG",
    "ORG_KIND_CLASSES",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "RELATION_PROPERTIES",
    "SCHEMA",
    "SH",
    "SKOS",
    "XSD",
    "article_iri",
    "bind_namespaces",
    "curie",
    "entity_iri",
    "fact_iri",
    "iri_segment",
    "mention_iri",
    "newspaper_iri",
    "page_iri",
    "post_iri",
]
