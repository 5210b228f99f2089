"""Organ mentions to canonical organs (kg.link.orgs)."""

from __future__ import annotations

import pytest

from kg.link.orgs import OrgNamer
from kg.link.places import PagePlaces


def canon(linked, typ: str) -> list[str]:
    return sorted(e.canonical for e in linked.entities if e.type == typ)


def test_link_bare_city_prefix_resolves_to_home_place(link_text):
    text = "市政务服务管理局推行新举措，市政府给予支持。"
    linked = link_text(text, [("市政务服务管理局", "ORG"), ("市政府", "ORG")])
    assert canon(linked, "ORG") == ["昭通市人民政府", "昭通市政务服务管理局"]
    kinds = {e.canonical: e.kind for e in linked.entities}
    assert kinds["昭通市人民政府"] == "government"


def test_link_misprint_merges_with_the_agency_of_the_same_place(link_text):
    text = "永善县市场监督管理局召开会议。永善县市场监督管里局党组书记讲话。"
    linked = link_text(text, [("永善县市场监督管理局", "ORG"), ("永善县市场监督管里局党组", "ORG")])
    assert canon(linked, "ORG") == ["永善县市场监督管理局", "永善县市场监督管理局党组"]


def test_link_bare_sub_unit_belongs_to_the_agency_before_it(link_text):
    text = "市政务服务管理局高度重视，党组多次研究。"
    linked = link_text(text, [("市政务服务管理局", "ORG"), ("党组", "ORG")])
    ent = next(e for e in linked.entities if e.canonical == "昭通市政务服务管理局党组")
    assert ent.mentions == {"党组"}


def test_link_county_article_resolves_bare_county_prefix(link_text):
    text = "永善县坚持创新。县公安局和县政府协作，永善县群众满意，永善县平安。"
    spans = [("永善县", "PLACE"), ("县公安局", "ORG"), ("县政府", "ORG"), ("永善县", "PLACE"),
             ("永善县", "PLACE")]  # fmt: skip
    linked = link_text(text, spans, title="永善：大数据提升治理水平")
    assert "永善县公安局" in canon(linked, "ORG")
    assert "永善县人民政府" in canon(linked, "ORG")
    assert linked.article_places[0] == "永善县"


def test_link_nested_agency_is_named_by_the_inner_one(link_text):
    text = "昭通市人社局就业局党支部推出新举措。"
    linked = link_text(text, [("昭通市人社局就业局党支部", "ORG")])
    assert canon(linked, "ORG") == ["昭通市人力资源和社会保障局", "昭通市就业局党支部"]
    assert linked.units == {("ORG", "昭通市就业局"): ("ORG", "昭通市人力资源和社会保障局")}


def test_link_central_party_and_place_inside_organ_name(link_text):
    text = "党中央高度重视。中国联通昭通市昭阳区分公司驻村帮扶。"
    linked = link_text(text, [("党中央", "ORG"), ("中国联通昭通市昭阳区分公司", "ORG")])
    assert "中共中央" in canon(linked, "ORG")
    # a place named inside an organ name is an entity of its own
    assert {"昭通市", "昭阳区"} <= set(canon(linked, "PLACE"))


@pytest.mark.parametrize(
    ("text", "spans", "organ"),
    [
        (
            "鲁甸县龙头山镇推行新办法，镇党委书记讲话。",
            [("鲁甸县", "PLACE"), ("龙头山镇", "PLACE"), ("镇党委", "ORG")],
            "龙头山镇党委",
        ),
        (
            "巧家县白鹤滩镇和大寨镇都在行动，镇政府派人。",
            [("巧家县", "PLACE"), ("白鹤滩镇", "PLACE"), ("大寨镇", "PLACE"), ("镇政府", "ORG")],
            "大寨镇人民政府",
        ),
        (
            "在凤凰街道青松社区，社区党委牵头。",
            [("凤凰街道", "PLACE"), ("青松社区", "PLACE"), ("社区党委", "ORG")],
            "青松社区党委",
        ),
        (
            "大关县木杆镇石门村，村党支部带头。",
            [("大关县", "PLACE"), ("木杆镇", "PLACE"), ("石门村", "PLACE"), ("村党支部", "ORG")],
            "石门村党支部",
        ),
    ],
)
def test_link_bare_town_community_village_prefix_takes_the_nearest_place(
    link_text, text, spans, organ
):
    linked = link_text(text, spans)
    assert organ in canon(linked, "ORG")


def test_link_bare_village_prefix_without_a_village_named_stays(link_text):
    text = "村党支部召开会议。"
    linked = link_text(text, [("村党支部", "ORG")])
    assert canon(linked, "ORG") == ["村党支部"]


def test_link_ordinary_word_opening_with_a_level_word_takes_no_town(link_text):
    text = "巧家县白鹤滩镇推行新办法，乡村振兴局派人。"
    linked = link_text(text, [("巧家县", "PLACE"), ("白鹤滩镇", "PLACE"), ("乡村振兴局", "ORG")])
    assert not [c for c in canon(linked, "ORG") if c.startswith("白鹤滩镇")]


@pytest.mark.parametrize(
    ("surface", "levels", "canonical"),
    [
        ("市政府", {"city": "昭通市"}, "昭通市人民政府"),
        ("县人社局", {"county": "永善县"}, "永善县人力资源和社会保障局"),
        ("党中央", {"city": "昭通市"}, "中共中央"),
        ("乡村振兴局", {"town": "白鹤滩镇"}, "乡村振兴局"),
        ("永善县市场监督管里局", {}, "永善县市场监督管理局"),
    ],
)
def test_link_orgs_canonical_name(surface, levels, canonical):
    assert OrgNamer(PagePlaces({})).canonical(surface, levels) == canonical


def test_link_orgs_namer_notes_the_bare_word_and_the_nested_agency():
    namer = OrgNamer(PagePlaces({}))
    assert namer.canonical("市人社局就业局", {"city": "昭通市"}) == "昭通市就业局"
    assert namer.bare_forms == {"昭通市": "市"}
    assert namer.nested == {"昭通市就业局": "昭通市人力资源和社会保障局"}
    assert namer.nested_printed == {"昭通市人力资源和社会保障局": "市人社局"}


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("区政府", "上海市宝山区人民政府"),  # a district's bodies carry their city
        ("区政协", "中国人民政治协商会议上海市宝山区委员会"),
        ("区人大常委会", "上海市宝山区人民代表大会常务委员会"),
        ("区委", "宝山区委"),  # a party committee is written <place>委
        ("区政法委", "宝山区委政法委员会"),  # a department of the party committee
        ("发改委", "上海市宝山区发展和改革委员会"),  # a standard organ printed without its place
    ],
)
def test_link_orgs_district_bodies_are_named_as_officially(link_text, surface, canonical):
    text = f"宝山区召开会议，宝山区部署工作。{surface}出席。"
    spans = [("宝山区", "PLACE"), ("宝山区", "PLACE"), (surface, "ORG")]
    linked = link_text(text, spans, home=None, title="宝山区推进工作")
    assert canon(linked, "ORG") == [canonical]


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("莆田市第六届人民代表大会", "莆田市人民代表大会"),  # the term is the same body
        ("市六届人大", "莆田市人民代表大会"),
        ("市法院", "莆田市中级人民法院"),  # a city's court is its 中级人民法院
        ("市检察院", "莆田市人民检察院"),
        ("中共莆田市委", "莆田市委"),
        ("全国人大", "全国人民代表大会"),
        ("国家发展改革委", "国家发展和改革委员会"),
        ("天津日报", "天津日报社"),  # a newspaper as an organisation is its publisher
    ],
)
def test_link_orgs_standard_forms_written_in_full(link_text, surface, canonical):
    text = f"莆田市召开会议。{surface}出席。"
    linked = link_text(text, [("莆田市", "PLACE"), (surface, "ORG")], home=None)
    assert canon(linked, "ORG") == [canonical]


def test_link_orgs_web_article_place_from_the_city_it_names(link_text):
    text = "市委部署工作，要创建“三生融合，幸福温州”的目标。"
    linked = link_text(text, [("市委", "ORG")], home=None, title="副市长调研我市工作")
    assert canon(linked, "ORG") == ["温州市委"]


def test_link_orgs_bare_word_without_a_known_place_stays(link_text):
    linked = link_text("市政府党组召开会议。", [("市政府党组", "ORG")], home=None)
    assert canon(linked, "ORG") == ["市人民政府党组"]


def test_link_orgs_list_items_share_the_place_of_the_first(link_text):
    text = "市交投集团、水务集团、文旅集团负责人参加。"
    spans = [("市交投集团", "ORG"), ("水务集团", "ORG"), ("文旅集团", "ORG")]
    linked = link_text(text, spans)
    assert canon(linked, "ORG") == ["昭通市交投集团", "昭通市文旅集团", "昭通市水务集团"]


def test_link_orgs_divisions_belong_to_the_organ_before_and_share_a_listed_unit(link_text):
    text = "县局召开会议，在机关党委安排下，政策法规处、审批服务处及财务处支部参加。"
    spans = [("县局", "ORG"), ("机关党委", "ORG"), ("政策法规处", "ORG"), ("审批服务处", "ORG"),
             ("财务处支部", "ORG")]  # fmt: skip
    linked = link_text(text, spans, title="永善县推进工作")
    assert canon(linked, "ORG") == [
        "永善县局", "永善县局审批服务处党支部", "永善县局政策法规处党支部", "永善县局机关党委",
        "永善县局财务处党支部",
    ]  # fmt: skip


def test_link_orgs_standard_organs_listed_after_a_district_body_are_the_district_s(link_text):
    text = "宝山区召开会议。区政法委、发改委、房地局参加。"
    spans = [("宝山区", "PLACE"), ("区政法委", "ORG"), ("发改委", "ORG"), ("房地局", "ORG")]
    linked = link_text(text, spans, home=None, title="宝山区推进工作")
    assert "上海市宝山区房屋土地管理局" in canon(linked, "ORG")
