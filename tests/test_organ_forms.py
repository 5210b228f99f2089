"""Short forms of organ names derived by rule, and frames (kg.lexicon.organ_forms)."""

from __future__ import annotations

import pytest

from kg.lexicon import tables
from kg.lexicon.organ_forms import AbbreviationRule, frame_of, short_forms

RULES = (
    AbbreviationRule("住房和城乡建设", "住建", "word"),
    AbbreviationRule("科学技术", "科技", "word"),
    AbbreviationRule("科学技术", "科", "word"),
    AbbreviationRule("中共中央", "中央", "prefix"),
    AbbreviationRule("中级人民法院", "法院", "word", level="city"),
    AbbreviationRule("委员会", "委", "end"),
    AbbreviationRule("协会", "协", "end"),
    AbbreviationRule("中国人民政治协商会议X委员会", "X政协", "frame"),
    AbbreviationRule("中国共产党X委员会", "X委", "frame", canonical="short"),
)


@pytest.mark.parametrize(
    ("name", "form", "made"),
    [
        ("住房和城乡建设委员会", "住建委", True),
        ("科学技术局", "科技局", True),
        ("科学技术局", "科局", False),  # one character only before a shortened end
        ("科学技术委员会", "科委", True),
        ("科学技术协会", "科协", True),
        ("中共中央组织部", "中央组织部", True),
        ("中共中央", "中央", False),  # a prefix rule leaves something after it
        ("委员会", "委", False),  # too short to name a body
    ],
)
def test_organ_forms_short_forms_by_rule(name, form, made):
    assert (form in dict(short_forms(name, RULES))) is made


def test_organ_forms_short_form_keeps_the_level_of_its_rule():
    assert dict(short_forms("中级人民法院", RULES))["法院"] == "city"


@pytest.mark.parametrize(
    ("name", "place", "canonical"),
    [
        ("温州市政协", "温州市", "中国人民政治协商会议温州市委员会"),
        ("中国人民政治协商会议温州市委员会", "温州市", "中国人民政治协商会议温州市委员会"),
        ("中国共产党温州市委员会", "温州市", "温州市委"),  # party committees are written <place>委
        ("温州市委", "温州市", "温州市委"),
    ],
)
def test_organ_forms_frame_reads_the_place(name, place, canonical):
    frame = frame_of(name, RULES, lambda p: p == place)
    assert frame is not None and (frame.place, frame.canonical) == (place, canonical)


def test_organ_forms_frame_needs_a_place_at_its_slot():
    assert frame_of("温州市住建委", RULES, lambda p: p == "温州市") is None


@pytest.mark.parametrize(
    ("form", "full"),
    [
        ("住建委", "住房和城乡建设委员会"),
        ("全国人大", "全国人民代表大会"),
        ("人大常委会", "人民代表大会常务委员会"),
        ("供销社", "供销合作社"),
        ("发改委", "发展和改革委员会"),
        ("房管局", "房地产管理局"),
        ("文广局", "文化广电新闻出版局"),
        ("安监总局", "国家安全生产监督管理总局"),
        ("国家安监总局", "国家安全生产监督管理总局"),
        ("爱卫办", "爱国卫生运动委员会办公室"),
        ("国家发展改革委", "国家发展和改革委员会"),
        ("供销总社", "中华全国供销合作总社"),
    ],
)
def test_organ_forms_shipped_tables_give_the_standard_short_forms(form, full):
    assert full in {a.full for a in tables.abbreviations() if a.abbreviation == form}


def test_organ_forms_every_listed_short_form_is_one_no_rule_makes():
    rules = tables.abbreviation_rules()
    for organ in tables.organs():
        assert not set(organ.short) & set(dict(short_forms(organ.name, rules))), organ.name
