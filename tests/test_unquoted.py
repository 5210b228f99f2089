"""Tests of kg.recognise.unquoted: programmes and documents by head noun, honours after cues."""

from __future__ import annotations

import pytest

from kg.recognise.term_lexicon import TermOptions, TermRules, TermTables
from kg.recognise.unquoted import honour_end, specific_modifier


@pytest.fixture(scope="module")
def rules() -> TermRules:
    return TermRules(TermTables.shipped(), TermOptions())


@pytest.mark.parametrize(
    ("modifier", "minimum", "specific"),
    [
        ("三项", 4, True),  # a count names the set (三项机制)
        ("法治政府建设督察", 4, True),
        ("工作", 4, False),  # a generic modifier
        ("长效管理", 4, False),  # generic modifiers only
        ("党史学习", 4, True),
        ("党史", 4, False),  # too short for this head
        ("党史", 2, True),
    ],
)
def test_unquoted_specific_modifier_rule(rules, modifier, minimum, specific):
    assert specific_modifier(rules, modifier, minimum) is specific


@pytest.mark.parametrize(
    ("segment", "end"),
    [("集体三等功一次", 5), ("先进个人", 4), ("全国", -1), ("先进基层党组织标兵", 9)],
)
def test_unquoted_honour_ends_after_its_last_head(rules, segment, end):
    assert honour_end(rules.get("honour_head"), segment) == end
