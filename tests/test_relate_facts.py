"""The facts of a page as found: repeats dropped, posts joined (kg.relate.facts)."""

from __future__ import annotations

import pytest

from kg.model import Entity, Fact
from kg.relate.facts import FactList

P, ORG, SUB = ("PERSON", "张明"), ("ORG", "会泽县水务局"), ("ORG", "会泽县水务局党组")


@pytest.fixture
def facts() -> FactList:
    return FactList({k: Entity(*k) for k in (P, ORG, SUB)})


def test_relate_facts_keep_only_facts_between_known_entities(facts):
    facts.add(Fact("SUB_ORG_OF", SUB, ORG))
    facts.add(Fact("SUB_ORG_OF", SUB, ("ORG", "不在本页")))
    facts.add(Fact("SUB_ORG_OF", ORG, ORG))
    assert [(f.head, f.tail) for f in facts.facts] == [(SUB, ORG)]


def test_relate_facts_a_repeat_is_dropped_or_adds_its_post(facts):
    facts.add(Fact("HOLDS_POST", P, ORG, {"post": "局长"}))
    facts.add(Fact("HOLDS_POST", P, ORG, {"post": "副局长"}))
    assert facts.facts[0].attrs["post"] == "局长"
    facts.add(Fact("HOLDS_POST", P, ORG, {"post": "党组书记、局长"}), merge_post=True)
    assert [f.attrs["post"] for f in facts.facts] == ["局长、党组书记"]


@pytest.mark.parametrize(
    ("role_a", "role_b", "count"), [("记者", "记者", 1), ("记者", "通讯员", 2)]
)
def test_relate_facts_a_credit_repeats_by_role_and_article(facts, role_a, role_b, count):
    facts.add(Fact("CREDITED", P, None, {"role": role_a, "article": "甲"}))
    facts.add(Fact("CREDITED", P, None, {"role": role_b, "article": "甲"}))
    assert len(facts.facts) == count
