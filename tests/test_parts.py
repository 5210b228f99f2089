"""The graph in parts: the parts hold exactly the corpus's quads, and joined they parse to its graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.corpus.parts import (
    Digests,
    PartStore,
    bucket_part,
    entity_buckets,
    newspapers_part,
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
from kg.link.registry import Registry, page_keys
from kg.model import Entity, Fact, PageMeta, PageResult

FORMATS = tuple(RDF_FORMATS)


def _n3(quads) -> list[tuple[str, str, str, str]]:
    return [(s.n3(), p.n3(), o.n3(), g.n3() if g is not None else "") for s, p, o, g in quads]


@pytest.fixture(scope="module")
def linked(seed_results):
    results = [seed_results[name] for name in sorted(seed_results)]
    return results, _registry(results)


def _registry(results: list[PageResult]) -> Registry:
    registry = Registry()
    for r in results:
        registry.add(r.meta.source, r.entities, names=page_keys(r))
    return registry


def test_parts_pages_entities_and_newspapers_give_exactly_the_corpus_quads(
    linked, seed_corpus
) -> None:
    results, registry = linked
    known = registry.entities.keys()
    per_page = []
    for r in results:
        facts, mentions = registry.page(r)
        per_page.append(set(_n3(page_quads(r.meta, r.articles, facts, mentions, known))))
    for i, a in enumerate(
        per_page
    ):  # no quad belongs to two pages, so a page's part can be replaced
        for b in per_page[i + 1 :]:
            assert not a & b
    entities = set(_n3(entity_quads(registry.entities.values(), known)))
    papers = set(
        _n3(newspaper_quads(sorted({r.meta.newspaper for r in results if r.meta.newspaper})))
    )
    union = set().union(*per_page) | entities | papers
    assert union == set(_n3(corpus_quads(seed_corpus)))
    assert len(union) > 10_000


@pytest.fixture(scope="module")
def joined(linked, tmp_path_factory) -> Path:
    results, registry = linked
    names = sorted({r.meta.newspaper for r in results if r.meta.newspaper})
    parts = [newspapers_part(names, FORMATS)]
    parts += [bucket_part(ents, registry, FORMATS) for ents in entity_buckets(registry).values()]
    parts += [page_part(r, registry, FORMATS) for r in results]
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
    results, registry = linked
    part = page_part(results[0], registry, ("turtle",))
    with PartStore(tmp_path / "parts.sqlite") as store:
        store.put_part("a", part)
        store.put_part("b", part)
        assert store.get_part("a") == part and store.has_part("b")
        store._db.execute("UPDATE parts SET data = ? WHERE digest = 'b'", (b"\x80\x05junk",))
        assert store.get_part("b") is None  # damaged: read as missing, made again by the build
        assert store.prune({"a"}, set()) == 1 and not store.has_part("b")
    with PartStore(tmp_path / "parts.sqlite") as store:  # kept on disk
        assert store.get_part("a") == part


def _page(source: str, orgs: dict[str, int]) -> PageResult:
    """A page naming each organ (with that many names for it) in a fact."""
    entities = [Entity("ORG", o, {f"{o}{i}" for i in range(n)}) for o, n in orgs.items()]
    facts = [Fact("CREDITED", e.key, None) for e in entities]
    return PageResult(PageMeta(source=source), [], entities, facts)


def test_parts_page_digest_changes_when_a_key_it_names_links_elsewhere() -> None:
    """A page added later can move an entity an earlier page names: that page's part is remade."""
    page = _page("a.txt", {"昭通市政务服务管理局": 1})
    keys = sorted(page_keys(page))
    digests = Digests("v", FORMATS)
    before = digests.page("key", page.meta, keys, _registry([page]))
    # a misprint named more often on a later page takes the name: this page's key moves
    moved = _registry([page, _page("b.txt", {"昭通市政服务管理局": 3})])
    assert moved.final(keys[0]) == ("ORG", "昭通市政服务管理局")
    assert digests.page("key", page.meta, keys, moved) != before
    # a misprint among keys this page does not name leaves its part alone
    elsewhere = _registry(
        [page, _page("c.txt", {"曲靖市政务服务管理局": 1, "曲靖市政服务管理局": 3})]
    )
    assert elsewhere.final(("ORG", "曲靖市政务服务管理局")) == ("ORG", "曲靖市政服务管理局")
    assert digests.page("key", page.meta, keys, elsewhere) == before
    assert digests.page("other key", page.meta, keys, _registry([page])) != before
