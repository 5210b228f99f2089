"""How names are written: abbreviations, misprints, type suffixes, kinds, doctrine (kg.link.names)."""

from __future__ import annotations

import pytest

from kg.link.names import (
    clean_surface,
    expand_abbreviations,
    fix_misprint,
    is_doctrine,
    is_subsequence,
    nested_outer,
    norm_name,
    org_kind,
    place_level,
    place_short,
    team_stem,
    without_level_infix,
)


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("市人社局", None, "市人力资源和社会保障局"),
        ("市发改委党组", None, "市发展和改革委员会党组"),
        ("市委市直机关工委", None, "市委市直机关工作委员会"),
        ("县综治中心", None, "县社会治安综合治理中心"),
        ("县政府", None, "县人民政府"),
        ("巧家县人民政府", None, "巧家县人民政府"),
        ("昭通市人民法院", "city", "昭通市中级人民法院"),
        ("永善县人民法院", "county", "永善县人民法院"),
        ("溪洛渡街道党工委", None, "溪洛渡街道党工委"),
    ],
)
def test_link_expand_abbreviations(name, level, expected):
    assert expand_abbreviations(name, level=level) == expected


@pytest.mark.parametrize(
    ("core", "expected"),
    [
        ("市场监督管里局", "市场监督管理局"),
        ("市场监督管里局党组", "市场监督管理局党组"),
        ("市场监督管理局", "市场监督管理局"),
        ("公安局", "公安局"),
        ("退役军人事物局", "退役军人事务局"),
        ("财政局第一党支部", "财政局第一党支部"),
        ("爱心团队", "爱心团队"),
        ("人力资源和社会保障局就业局", "就业局"),
    ],
)
def test_link_fix_misprint_only_to_a_standard_agency(core, expected):
    assert fix_misprint(core) == expected


@pytest.mark.parametrize(
    ("core", "outer"),
    [
        ("人力资源和社会保障局就业局党支部", "人力资源和社会保障局"),
        ("就业局", None),
        ("公安局红光派出所", None),
    ],
)
def test_link_names_nested_outer(core, outer):
    assert nested_outer(core) == outer


@pytest.mark.parametrize(
    ("name", "level"),
    [("永善县", "county"), ("昭通市", "city"), ("溪洛渡街道", "town"), ("大耆老村", "village"),
     ("永红社区", "community"), ("红光安置区", "area"), ("赤水河流域", "natural"),
     ("中国", "country"), ("凉山彝族自治州", "city"), ("永善", None)],
)  # fmt: skip
def test_link_place_level_from_suffix(name, level):
    assert place_level(name) == level


@pytest.mark.parametrize(
    ("name", "short"), [("昭通市", "昭通"), ("永善县", "永善"), ("县", None), ("大关县", "大关")]
)
def test_link_names_place_short(name, short):
    assert place_short(name) == short


@pytest.mark.parametrize(
    ("name", "kind"),
    [("昭通市委", "party"), ("昭通市政务服务管理局党组", "party"), ("昭通市人民政府", "government"),
     ("昭通市中级人民法院", "judicial"), ("昭通日报社", "media"), ("昭通农业学校", "public"),
     ("中国联通昭通市昭阳区分公司", "enterprise"), ("郭明义爱心团队", "social"),
     ("永善县公安局红光派出所", "government"), ("海城市政务服务中心", "government")],
)  # fmt: skip
def test_link_org_kind(name, kind):
    assert org_kind(name) == kind


@pytest.mark.parametrize(
    ("name", "doctrine"),
    [("两个确立", True), ("习近平法治思想", True), ("以人民为中心", True), ("五型机关", False),
     ("133工作思路", False)],
)  # fmt: skip
def test_link_doctrine_is_not_core(name, doctrine):
    assert is_doctrine(name) is doctrine


@pytest.mark.parametrize(
    ("name", "variants"),
    [("红光社区派出所", ["红光派出所"]), ("龙泉街道派出所", ["龙泉派出所"]), ("永善县公安局", [])],
)
def test_link_names_without_level_infix(name, variants):
    assert without_level_infix(name) == variants


@pytest.mark.parametrize(
    ("name", "stem"),
    [("市财政局驻村工作队", "市财政局"), ("省农科院帮扶工作队", "省农科院"), ("工作队", None)],
)
def test_link_names_team_stem(name, stem):
    assert team_stem(name) == stem


@pytest.mark.parametrize(
    ("short", "long_", "expected"),
    [("林改", "集体林权制度改革", True), ("改林", "集体林权制度改革", False)],
)
def test_link_names_is_subsequence(short, long_, expected):
    assert is_subsequence(short, long_) is expected


def test_link_names_norm_name_drops_layout_and_list_punctuation():
    assert norm_name("“对标先进、争创一流”") == norm_name("对标先进 争创一流") == "对标先进争创一流"


def test_link_names_clean_surface_drops_every_white_space_as_regex_does():
    import re
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert {"\u3000", "\xa0", "\u2028", "\n"} <= set(spaces)
    text = "昭通".join(spaces) + "市\u3000人社局 "
    assert (
        clean_surface(text) == re.sub(r"\s+", "", text) == "昭通" * (len(spaces) - 1) + "市人社局"
    )
