"""Organs printed short, bare or two ways, merged into one (kg.link.org_merges)."""

from __future__ import annotations

import pytest

from kg.link.org_merges import merge_level_infixes, merge_orgs, merge_teams
from kg.link.places import PagePlaces


def canon(linked, typ: str) -> list[str]:
    return sorted(e.canonical for e in linked.entities if e.type == typ)


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("永善县公安局红光派出所成立。红光派出所民警值班，红光社区派出所随即落成。",
         [("永善县公安局红光派出所", "ORG"), ("红光派出所", "ORG"), ("红光社区派出所", "ORG")],
         ["永善县公安局红光派出所"]),
        ("龙泉派出所民警走访，龙泉街道派出所获评先进。",
         [("龙泉派出所", "ORG"), ("龙泉街道派出所", "ORG")], ["龙泉派出所"]),
        ("新华村党总支召开会议，新华党总支书记讲话。",
         [("新华村党总支", "ORG"), ("新华党总支", "ORG")], ["新华党总支"]),
    ],
)  # fmt: skip
def test_link_org_level_word_infix_merges(link_text, text, spans, expected):
    linked = link_text(text, spans)
    assert canon(linked, "ORG") == expected


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("省农科院帮扶工作队进村。省农科院沙地所驻村工作队完善档案。",
         [("省农科院帮扶工作队", "ORG"), ("省农科院沙地所驻村工作队", "ORG")],
         ["云南省农业科学院沙地所驻村工作队"]),
        ("市财政局驻村工作队入户走访，市财政局帮扶工作队发放物资。",
         [("市财政局驻村工作队", "ORG"), ("市财政局帮扶工作队", "ORG")], ["昭通市财政局驻村工作队"]),
        ("市农科院甲所工作队和市农科院乙所工作队都来了，市农科院工作队共两支。",
         [("市农科院甲所工作队", "ORG"), ("市农科院乙所工作队", "ORG"), ("市农科院工作队", "ORG")],
         ["昭通市农业科学院乙所工作队", "昭通市农业科学院工作队", "昭通市农业科学院甲所工作队"]),
    ],
)  # fmt: skip
def test_link_work_team_printed_two_ways_merges(link_text, text, spans, expected):
    linked = link_text(text, spans)
    assert [c for c in canon(linked, "ORG") if c.endswith(("工作队", "工作组"))] == expected


@pytest.mark.parametrize(
    ("orgs", "moves"),
    [
        (["永善县公安局红光派出所", "红光派出所"],
         {("ORG", "红光派出所"): ("ORG", "永善县公安局红光派出所")}),
        (["巧家县深化集体林权制度改革办公室", "林改办"],
         {("ORG", "林改办"): ("ORG", "巧家县深化集体林权制度改革办公室")}),
        (["永善县公安局", "巧家县公安局", "公安局"], {}),  # two full names: no merge
        (["党委", "永善县党委"], {}),  # a bare body word names no one body
    ],
)  # fmt: skip
def test_link_org_merges_short_names(orgs, moves):
    places = PagePlaces({})
    for place in ("永善县", "巧家县"):
        places.ensure(place, place)
    assert merge_orgs(places, sorted(orgs)) == moves


def test_link_org_merges_rules_keep_earlier_moves():
    moves = {("ORG", "红光社区派出所"): ("ORG", "X")}
    merge_level_infixes(["红光派出所", "红光社区派出所"], moves)
    assert moves == {("ORG", "红光社区派出所"): ("ORG", "X")}
    merge_teams(["市财政局帮扶工作队", "市财政局驻村工作队"], moves)
    assert moves[("ORG", "市财政局帮扶工作队")] == ("ORG", "市财政局驻村工作队")


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("华兴食品制品有限公司投产。华兴食品制品公司扩建。",
         [("华兴食品制品有限公司", "ORG"), ("华兴食品制品公司", "ORG")], ["华兴食品制品有限公司"]),
        ("集体企业厦门鑫泰实业总公司成立，鑫泰公司发展很快。",
         [("厦门鑫泰实业总公司", "ORG"), ("鑫泰公司", "ORG")], ["厦门鑫泰实业总公司"]),
    ],
)  # fmt: skip
def test_link_org_merges_company_printed_short(link_text, text, spans, expected):
    linked = link_text(text, spans)
    assert canon(linked, "ORG") == expected
