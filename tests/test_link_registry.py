"""The cross-page reduce step: one node per entity across pages (kg.link.registry)."""

from __future__ import annotations

from kg.link.registry import Registry
from kg.model import Entity, Fact, PageMeta, PageResult


def _result(source: str, entities: list[Entity], facts: list[Fact]) -> PageResult:
    return PageResult(meta=PageMeta(source=source), articles=[], entities=entities, facts=facts)


def test_link_registry_merges_pages_in_any_order():
    a = _result("a.txt", [Entity("ORG", "昭通市政务服务管理局", {"市政务服务管理局"}),
                          Entity("PROGRAM", "对标先进、争创一流", {"对标先进、争创一流"})],
                [Fact("PROMOTES", ("ORG", "昭通市政务服务管理局"),
                      ("PROGRAM", "对标先进、争创一流"))])  # fmt: skip
    b = _result("b.txt", [Entity("ORG", "昭通市政服务管理局", {"市政服务管理局"}),
                          Entity("PROGRAM", "对标先进争创一流", {"对标先进争创一流"})],
                [Fact("PROMOTES", ("ORG", "昭通市政服务管理局"),
                      ("PROGRAM", "对标先进争创一流"))])  # fmt: skip
    first, second = (Registry.link_corpus(order) for order in ((a, b), (b, a)))
    assert [e.key for e in first.entities] == [e.key for e in second.entities]
    assert [e.key for e in first.entities] == [
        ("ORG", "昭通市政务服务管理局"),
        ("PROGRAM", "对标先进、争创一流"),
    ]
    assert first.entities[0].mentions == {"市政务服务管理局", "市政服务管理局"}
    assert {(f.head, f.tail) for f in first.facts} == {
        (("ORG", "昭通市政务服务管理局"), ("PROGRAM", "对标先进、争创一流"))
    }
    assert [p.source for p in first.pages] == ["a.txt", "b.txt"]


def test_link_registry_keeps_different_agencies_apart():
    a = _result("a.txt", [Entity("ORG", "昭通市公安局"), Entity("ORG", "永善县公安局")], [])
    b = _result("b.txt", [Entity("ORG", "昭通市财政局第一党支部"),
                          Entity("ORG", "昭通市财政局第二党支部")], [])  # fmt: skip
    assert len(Registry.link_corpus([a, b]).entities) == 4
