"""PART_OF, SUB_ORG_OF, LOCATED_IN from names (kg.relate.structure)."""

from __future__ import annotations

from collections import Counter

import pytest


def triples(facts, relation: str) -> set[tuple]:
    return {
        (f.head[1], f.tail[1] if f.tail else None, None) for f in facts if f.relation == relation
    }


def test_relate_structure_from_names(relate_text):
    text = "鲁甸县龙头山镇沙坝村党建好。永善县公安局红光派出所和永善县公安局联动，市政务服务管理局党组推进。"
    spans = [("鲁甸县", "PLACE"), ("龙头山镇", "PLACE"), ("沙坝村", "PLACE"),
             ("永善县公安局红光派出所", "ORG"), ("永善县公安局", "ORG"),
             ("市政务服务管理局党组", "ORG")]  # fmt: skip
    _, facts = relate_text(text, spans)
    assert triples(facts, "PART_OF") >= {
        ("沙坝村", "龙头山镇", None),
        ("龙头山镇", "鲁甸县", None),
    }
    assert triples(facts, "SUB_ORG_OF") == {("永善县公安局红光派出所", "永善县公安局", None)}
    assert triples(facts, "LOCATED_IN") >= {
        ("永善县公安局", "永善县", None),
        ("永善县公安局红光派出所", "永善县", None),
        ("昭通市政务服务管理局党组", "昭通市", None),
    }
    located = Counter(f.head for f in facts if f.relation == "LOCATED_IN")
    assert max(located.values()) == 1  # the most specific place only


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("曲靖市麒麟区委召开会议，曲靖市麒麟区委组织部部署。",
         [("曲靖市", "PLACE"), ("麒麟区", "PLACE"), ("曲靖市麒麟区委", "ORG"),
          ("曲靖市", "PLACE"), ("麒麟区", "PLACE"), ("曲靖市麒麟区委组织部", "ORG")],
         {("曲靖市麒麟区委组织部", "曲靖市麒麟区委", None)}),
        ("区委召开会议，曲靖市麒麟区委组织部部署。",
         [("区委", "ORG"), ("曲靖市", "PLACE"), ("麒麟区", "PLACE"),
          ("曲靖市麒麟区委组织部", "ORG")],
         {("曲靖市麒麟区委组织部", "麒麟区委", None)}),
    ],
)  # fmt: skip
def test_relate_sub_org_printed_with_its_place_chain(relate_text, text, spans, expected):
    _, facts = relate_text(text, spans, home="曲靖市")
    assert triples(facts, "SUB_ORG_OF") == expected


def test_relate_structure_nested_agency_is_a_unit_of_the_outer(relate_text):
    _, facts = relate_text("昭通市人社局就业局推出新举措。", [("昭通市人社局就业局", "ORG")])
    assert triples(facts, "SUB_ORG_OF") == {("昭通市就业局", "昭通市人力资源和社会保障局", None)}


def test_relate_structure_place_in_an_area_the_text_names(relate_text):
    text = "永善县红光安置区友善社区成立。"
    spans = [("永善县", "PLACE"), ("红光安置区", "PLACE"), ("友善社区", "PLACE")]
    _, facts = relate_text(text, spans)
    assert ("友善社区", "红光安置区", None) in triples(facts, "PART_OF")


def test_relate_structure_division_branches_are_under_the_organ_committee(relate_text):
    text = "县局召开会议，在机关党委安排下，政策法规处、财务处支部参加。"
    spans = [("县局", "ORG"), ("机关党委", "ORG"), ("政策法规处", "ORG"), ("财务处支部", "ORG")]
    _, facts = relate_text(text, spans, home="永善县")
    assert triples(facts, "SUB_ORG_OF") == {
        ("永善县局机关党委", "永善县局", None),
        ("永善县局政策法规处党支部", "永善县局机关党委", None),
        ("永善县局财务处党支部", "永善县局机关党委", None),
    }


def test_relate_structure_unit_of_a_named_body(relate_text):
    text = "龙岩学院演出，龙岩学院合唱团登台。"
    spans = [("龙岩学院", "ORG"), ("龙岩学院合唱团", "ORG")]
    _, facts = relate_text(text, spans)
    assert triples(facts, "SUB_ORG_OF") == {("龙岩学院合唱团", "龙岩学院", None)}


def test_relate_structure_a_group_s_company_carries_its_trade_name(relate_text):
    text = "华兴集团投资建厂，华兴食品制品有限公司投产。"
    spans = [("华兴集团", "ORG"), ("华兴食品制品有限公司", "ORG")]
    _, facts = relate_text(text, spans)
    assert triples(facts, "SUB_ORG_OF") == {("华兴食品制品有限公司", "华兴集团", None)}
