"""Terms that are one name written two ways (kg.link.term_merges)."""

from __future__ import annotations

import pytest

from kg.link.term_merges import merge_terms, merge_variants
from kg.model import Entity


def test_link_merge_terms_keeps_distinct_programmes():
    ents = [Entity("PROGRAM", "退耕还林还草"), Entity("PROGRAM", "新一轮退耕还林还草工程")]
    assert merge_terms(ents) == {}


@pytest.mark.parametrize(
    ("names", "by_suffix", "moves"),
    [
        (["对标先进、争创一流", "对标先进争创一流"], False,
         {"对标先进争创一流": "对标先进、争创一流"}),
        (["新一轮退耕还林还草", "新一轮退耕还林还草工程"], False,
         {"新一轮退耕还林还草": "新一轮退耕还林还草工程"}),
        (["一张网", "党群一张网"], False, {}),
        (["一张网", "党群一张网"], True, {"一张网": "党群一张网"}),
        (["一张网", "党群一张网", "全域一张网"], True, {}),  # ends two names: not merged
        (["警格+网格", "警格+网格管理模式"], True, {"警格+网格": "警格+网格管理模式"}),
        (["两学一做", "两学一做学习教育", "两学一做红色讲堂"], True,
         {"两学一做": "两学一做学习教育"}),  # the name plus a head noun wins
        (["破难攻坚", "七大行动", "新一轮破难攻坚七大行动"], True,
         {"破难攻坚": "新一轮破难攻坚七大行动", "七大行动": "新一轮破难攻坚七大行动"}),
    ],
)  # fmt: skip
def test_link_term_merges_one_name_written_two_ways(names, by_suffix, moves):
    ents = [Entity("PROGRAM", n) for n in names]
    found = merge_terms(ents, by_suffix=by_suffix)
    assert found == {("PROGRAM", a): ("PROGRAM", b) for a, b in moves.items()}


@pytest.mark.parametrize(
    ("names", "moves"),
    [
        (["深化集体林权制度改革", "林改"], {"林改": "深化集体林权制度改革"}),
        (["综治中心智能化大数据平台", "综治中心大数据平台"], {"综治中心大数据平台": "综治中心智能化大数据平台"}),
        (["乡村振兴示范工程", "乡村振兴示范公程"], {"乡村振兴示范公程": "乡村振兴示范工程"}),  # one misprint
        (["第一书记帮扶行动", "第二书记帮扶行动"], {}),  # ordinals differ: two programmes
    ],
)  # fmt: skip
def test_link_term_merges_programme_variants(names, moves):
    keys = [("PROGRAM", n) for n in names]
    first_seen = {k: i for i, k in enumerate(keys)}
    found = merge_variants(keys, first_seen)
    assert found == {("PROGRAM", a): ("PROGRAM", b) for a, b in moves.items()}


def test_link_term_merges_a_document_named_by_its_suffix():
    ents = [Entity("DOCUMENT", "海峡西岸经济区发展规划"), Entity("DOCUMENT", "规划")]
    assert merge_terms(ents, by_suffix=True) == {
        ("DOCUMENT", "规划"): ("DOCUMENT", "海峡西岸经济区发展规划")
    }
    assert (
        merge_terms([Entity("PROGRAM", "规划"), Entity("PROGRAM", "发展规划")], by_suffix=True)
        == {}
    )
