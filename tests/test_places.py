"""Tests of kg.recognise.places: the PLACE component and its rules."""

from __future__ import annotations

import pytest

from kg.recognise.places import (
    PlaceOptions,
    area_word_blocked,
    gazetteer_name_ok,
    name_match,
    repeats,
)
from kg.recognise.spans import SPANS_KEY


def spans(nlp, text: str, label: str) -> list[str]:
    doc = nlp(text)
    return [s.text for s in doc.spans[SPANS_KEY] if s.label_ == label]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来自贵州省遵义市汇川区的代表", ["贵州省", "遵义市", "汇川区"]),
        ("云南省大理白族自治州", ["云南省", "大理白族自治州"]),
        ("在曲靖、玉溪等地考察", ["曲靖", "玉溪"]),
        ("宣威市板桥街道", ["宣威市", "板桥街道"]),
        ("金沙江流域生态保护", ["金沙江流域"]),
        ("会泽县公安局", ["会泽县"]),
        ("他们共同促进乡村振兴和城乡融合发展", []),
        ("全村群众都来了", []),
        ("盘锦市大洼区荣兴朝鲜族乡党委", ["盘锦市", "大洼区", "荣兴朝鲜族乡"]),
        ("蒙古族群众", []),
        ("本溪满族自治县小市镇", ["本溪满族自治县", "小市镇"]),
        ("威宁县某村", ["威宁县"]),
        ("楼栋长负责同心四组第54栋", ["同心四组"]),
        ("网格员走访幸福3组的住户", ["幸福3组"]),
        ("全班分为三组讨论，他们分成两组，共5组参赛", []),
        (
            "宣威市板桥街道东风社区建起议事厅。今年，东风社区被评为先进。",
            ["宣威市", "板桥街道", "东风社区", "东风社区"],
        ),
        ("县水务局联合镇团委开展巡河", []),
        ("网格员在桂馨社区，挨家走访", ["桂馨社区"]),
        ("网格员在幸福社区，挨家走访", []),
        ("在老旧社区改造中", []),
        ("宣威市板桥街道东风社区担任驻村第一书记", ["宣威市", "板桥街道", "东风社区"]),
    ],
)
def test_places_found_in_text(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected


@pytest.mark.parametrize(
    ("text", "name", "ok"),
    [
        ("蒙古族群众", "蒙古", False),  # a people, not the country
        ("来自贵州省遵义市汇川区的代表", "贵州省", True),  # a province's full name
        ("来自贵州省遵义市汇川区的代表", "汇川", True),  # a county's short form, backed
        ("在曲靖、玉溪等地考察", "玉溪", True),  # a city's short form, a word of its own
        ("县水务局联合镇团委开展巡河", "联合镇", False),  # the verb 联合, no ancestor near
        ("他们共同促进乡村振兴和城乡融合发展", "振兴", False),  # a county's name, a common word
        ("巧家风力发电", "巧家", False),  # a county's short form without its full name
        # a town's short form after its county, enumerated (LAC keeps 板桥街道 one word:
        # only a short form standing as a word of its own is asked about)
        ("宣威市的板桥、羊场两地", "板桥", True),
        ("凉山州", "凉山州", True),  # an autonomous division's usual name counts as full
        ("凉山州", "凉山", False),
    ],
)
def test_places_gazetteer_name_rule(nlp, text, name, ok):
    context = nlp.get_pipe("kg_places").context(nlp.make_doc(text))
    (match,) = [
        name_match(context, s, e, kind, rank)
        for s, e, (kind, rank) in context.matches
        if text[s:e] == name
    ]
    assert gazetteer_name_ok(context, match, PlaceOptions()) is ok


@pytest.mark.parametrize(
    ("bare", "head", "blocked"),
    [
        ("红光", "安置区", False),
        ("全", "安置区", True),  # a generic word: 全安置区 names no place
        ("新区", "安置区", True),  # starts with a generic character
        ("赤水河", "流域", False),
    ],
)
def test_places_area_word_rule(nlp, bare, head, blocked):
    context = nlp.get_pipe("kg_places").context(nlp.make_doc(bare + head))
    assert area_word_blocked(context, bare, head) is blocked


def test_places_repeats_find_a_name_again_where_it_stands_alone():
    text = "板桥街道东风社区建起议事厅。东风社区被评为先进。东风"
    assert repeats(text, [(0, 4), (4, 8)]) == [(14, 18)]  # not the bare 东风 at the end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学校请来宾参观课室", []),  # 来宾市's short form is the word for guests
        ("国庆大庆，举国欢腾", []),  # 大庆市's, a grand celebration
        ("沿海地区发展迅速", []),  # no 海地 in 沿海地区
        ("中非合作论坛召开", []),  # China and Africa, not the Central African Republic
        ("奥地利作曲家施特劳斯", ["奥地利"]),
        ("俄罗斯首都莫斯科", ["俄罗斯", "莫斯科"]),
        ("他读过亚历山大的传记", []),  # a foreign city's name needs its country or LAC
        ("他在海南三亚度假", ["海南", "三亚"]),  # names opening a LOC word LAC ran on
        ("大连万达集团成立", ["大连"]),  # an organisation's name opens with its city
    ],
)
def test_places_short_forms_and_foreign_names(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected
