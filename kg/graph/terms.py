"""The RDF terms the quads are made of, each built once.

rdflib builds a new ``URIRef`` on every attribute access of a namespace, and
minting an IRI percent-encodes its name character by character, while a
corpus repeats one page, article, entity, sentence or small number in many
quads: the vocabularies here keep each term they hand out, and the minting
and literal functions are cached (bounded caches; typed, so that 1 and True
differ). The namespaces themselves are ``kg.graph.namespaces``'.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal, URIRef

from kg.graph import namespaces as ns


class Vocab:
    """A namespace whose terms are built once: rdflib builds a new URIRef on every attribute access."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):  # not a term: introspection (copy, pickle, pytest) asks for these
            raise AttributeError(name)
        term: URIRef = getattr(self._namespace, name)
        setattr(self, name, term)  # later lookups find the attribute and skip __getattr__
        return term


KG = Vocab(ns.KG)
ORG = Vocab(ns.ORG)
RDF = Vocab(ns.RDF)
RDFS = Vocab(ns.RDFS)
SKOS = Vocab(ns.SKOS)
DCTERMS = Vocab(ns.DCTERMS)
PROV = Vocab(ns.PROV)
XSD = Vocab(ns.XSD)

RDF_TYPE = str(RDF.type)  # the plain string the view and the sorting compare with

_CACHE = 1 << 16
cached_entity_iri = lru_cache(maxsize=_CACHE)(ns.entity_iri)
cached_page_iri = lru_cache(maxsize=_CACHE)(ns.page_iri)
cached_article_iri = lru_cache(maxsize=_CACHE)(ns.article_iri)
value = lru_cache(maxsize=_CACHE, typed=True)(Literal)


@lru_cache(maxsize=_CACHE)
def zh(text: str) -> Literal:
    """A Chinese-language literal."""
    return Literal(text, lang="zh")


def clear_term_caches() -> None:
    """Drop the cached terms (a long-lived process, such as kg serve, need not keep the last corpus's)."""
    for cached in (cached_entity_iri, cached_page_iri, cached_article_iri, value, zh):
        cached.cache_clear()
