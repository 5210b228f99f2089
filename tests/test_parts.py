"""The graph in parts: the parts hold exactly the corpus's quads, and joined they parse to its graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.corpus.parts import (
    PartStore,
    bucket_part,
    entity_buckets,
    newspapers_part,
    page_digest,
    page_part,
)
from kg.export.rdf import RDF_FORMATS, write_chunks
from kg.graph.rdf import (
    build_dataset,
    build_graph,
    corpus_quads,
    entity_quads,
    newspaper_quads,
    page_quads,
)
from kg.link.registry import Links, link_entities, page_keys

FORMATS = tuple(RDF_FORMATS)


def _n3(quads) -> list[tuple[str, str, str, str]]:
    return [(s.n3(), p.n3(), o.n3(), g.n3() if g is not None else "") for s, p, o, g in quads]


@pytest.fixture(scope="module")
def linked(seed_results):
    results = [seed_results[name] for name in sorted(seed_results)]
    return results, link_entities((r.meta.source, r.entities) for r in results)


def test_parts_pages_entities_and_newspapers_give_exactly_the_corpus_quads(
    linked, seed_corpus
) -> None:
    results, links = linked
    known = links.entities.keys()
    per_page = []
    for r in results:
        facts, mentions = links.page(r)
        per_page.append(set(_n3(page_quads(r.meta, r.articles, facts, mentions, known))))
    for i, a in enumerate(
        per_page
    ):  # no quad belongs to two pages, so a page's part can be replaced
        for b in per_page[i + 1 :]:
            assert not a & b
    entities = set(_n3(entity_quads(links.entities.values(), known)))
    papers = set(
        _n3(newspaper_quads(sorted({r.meta.newspaper for r in results if r.meta.newspaper})))
    )
    union = set().union(*per_page) | entities | papers
    assert union == set(_n3(corpus_quads(seed_corpus)))
    assert len(union) > 10_000


@pytest.fixture(scope="module")
def joined(linked, tmp_path_factory) -> Path:
    results, links = linked
    names = sorted({r.meta.newspaper for r in results if r.meta.newspaper})
    parts = [newspapers_part(names, FORMATS)]
    parts += [bucket_part(ents, links, FORMATS) for ents in entity_buckets(links).values()]
    parts += [page_part(r, links, FORMATS) for r in results]
    out = tmp_path_factory.mktemp("joined")
    write_chunks((p.chunks for p in parts), out, FORMATS)
    return out


@pytest.mark.parametrize(
    ("name", "fmt"), [("graph.ttl", "turtle"), ("graph.nt", "nt"), ("graph.jsonld", "json-ld")]
)
def test_parts_joined_graph_files_parse_to_the_corpus_graph(joined, seed_corpus, name, fmt) -> None:
    parsed = Graph().parse(joined / name, format=fmt)
    assert isomorphic(parsed, build_graph(seed_corpus))


@pytest.mark.parametrize(("name", "fmt"), [("graph.trig", "trig"), ("graph.nq", "nquads")])
def test_parts_joined_dataset_files_hold_the_corpus_quads(joined, seed_corpus, name, fmt) -> None:
    parsed = Dataset()
    parsed.parse(joined / name, format=fmt)
    assert set(parsed.quads()) == set(build_dataset(seed_corpus).quads())


def test_parts_joined_turtle_declares_its_prefixes_once(joined) -> None:
    text = (joined / "graph.ttl").read_text(encoding="utf-8")
    prefix_lines = [line for line in text.splitlines() if line.startswith("@prefix ")]
    assert prefix_lines and len(prefix_lines) == len(set(prefix_lines))
    assert all(line.startswith("@prefix ") for line in text.splitlines()[: len(prefix_lines)])


def test_parts_store_round_trip_damage_and_prune(linked, tmp_path: Path) -> None:
    results, links = linked
    part = page_part(results[0], links, ("turtle",))
    with PartStore(tmp_path / "parts.sqlite") as store:
        store.put_part("a", part)
        store.put_part("b", part)
        assert store.get_part("a") == part and store.has_part("b")
        store._db.execute("UPDATE parts SET data = ? WHERE digest = 'b'", (b"\x80\x05junk",))
        assert store.get_part("b") is None  # damaged: read as missing, made again by the build
        assert store.prune({"a"}, set()) == 1 and not store.has_part("b")
    with PartStore(tmp_path / "parts.sqlite") as store:  # kept on disk
        assert store.get_part("a") == part


def test_parts_page_digest_changes_when_a_key_it_names_links_elsewhere(linked) -> None:
    """A page added later can move an entity an earlier page names: that page's part is remade."""
    results, links = linked
    page = results[0]
    keys = sorted(page_keys(page))
    before = page_digest("v", FORMATS, "key", page.meta, keys, links)
    moved = Links(links.entities, {**links.moves, keys[0]: ("ORG", "别的机关")})
    assert page_digest("v", FORMATS, "key", page.meta, keys, moved) != before
    elsewhere = Links(links.entities, {**links.moves, ("ORG", "不在此页"): ("ORG", "别的机关")})
    assert page_digest("v", FORMATS, "key", page.meta, keys, elsewhere) == before
    assert page_digest("v", FORMATS, "other key", page.meta, keys, links) != before
