"""Place mentions to places and their parents (kg.link.place_mentions, kg.link.places)."""

from __future__ import annotations

import pytest

from kg.link.places import PagePlaces, abbreviates
from kg.link.spans import Key
from kg.model import Entity


def canon(linked, typ: str) -> list[str]:
    return sorted(e.canonical for e in linked.entities if e.type == typ)


def test_link_place_short_form_gets_full_name_and_parent(link_text):
    text = "永善县和巧家县协作，永善的经验在巧家推广。"
    spans = [("永善县", "PLACE"), ("巧家县", "PLACE"), ("永善", "PLACE"), ("巧家", "PLACE")]
    linked = link_text(text, spans)
    places = {e.canonical: e for e in linked.entities if e.type == "PLACE"}
    assert set(places) == {"永善县", "巧家县"}
    assert places["永善县"].mentions == {"永善县", "永善"}
    assert places["永善县"].parent == "昭通市"
    assert places["永善县"].level == "county"


def test_link_place_outside_gazetteer_takes_parent_from_name_chain(link_text):
    text = "永善县红光安置区探索新机制。"
    linked = link_text(text, [("永善县", "PLACE"), ("红光安置区", "PLACE")])
    area = next(e for e in linked.entities if e.canonical == "红光安置区")
    assert area.parent == "永善县"
    assert area.level == "area"


def test_link_name_chain_in_text_beats_a_namesake_elsewhere(link_text):
    # the gazetteer's only 石龙村 in 绥江县 lies in another town; the text names its own
    text = "绥江县南岸镇石龙村开展结对共建。"
    spans = [("绥江县", "PLACE"), ("南岸镇", "PLACE"), ("石龙村", "PLACE")]
    places = {e.canonical: e for e in link_text(text, spans).entities if e.type == "PLACE"}
    assert places["石龙村"].parent == "南岸镇"
    assert places["石龙村"].code is None
    assert places["南岸镇"].parent == "绥江县"


def test_link_unsupported_short_town_name_is_dropped(link_text):
    text = "围绕中心抓党建，工作有成效。"
    linked = link_text(text, [("中心", "PLACE")])
    assert canon(linked, "PLACE") == []


@pytest.mark.parametrize(
    ("text", "spans", "village", "parent"),
    [
        (
            "盐津县青山镇推行新办法，该镇红星村获奖。",
            [("盐津县", "PLACE"), ("青山镇", "PLACE"), ("红星村", "PLACE")],
            "红星村",
            "青山镇",
        ),
        (
            "威信县石坎乡和绿水镇都在行动，该乡鹿鸣湾村受益。",
            [("威信县", "PLACE"), ("石坎乡", "PLACE"), ("绿水镇", "PLACE"), ("鹿鸣湾村", "PLACE")],
            "鹿鸣湾村",
            "石坎乡",
        ),
    ],
)
def test_link_anaphoric_town_is_the_parent_of_the_village_after_it(
    link_text, text, spans, village, parent
):
    linked = link_text(text, spans)
    ent = next(e for e in linked.entities if e.canonical == village)
    assert ent.parent == parent


def test_link_places_prefix_and_inside():
    places = PagePlaces({})
    places.ensure("永善县", "永善县")
    assert places.prefix("永善县公安局") == [(0, 3, "永善县")]
    assert places.prefix("公安局") == []
    assert places.prefix_end("永善县公安局") == 3
    assert [c for _, _, c in places.inside("中国联通昭通市昭阳区分公司")] == [
        "中国",
        "昭通市",
        "昭阳区",
    ]


def test_link_places_adding_a_place_makes_its_entity_and_forms():
    entities: dict[Key, Entity] = {}
    places = PagePlaces(entities)
    key = places.ensure("永善县", "永善县")
    assert key == ("PLACE", "永善县") and entities[key].mentions == {"永善县"}
    assert places.forms["永善"] == "永善县"  # the short form
    assert places.chain_of("永善县")[:2] == ["永善县", "昭通市"]
    assert places.chain_levels(["永善县"])["city"] == "昭通市"


def places_of(linked) -> dict[str, Entity]:
    return {e.canonical: e for e in linked.entities if e.type == "PLACE"}


def test_link_locality_keeping_its_city_lies_in_it(link_text):
    text = "宁波加快建设宁波港。"
    places = places_of(link_text(text, [("宁波", "PLACE"), ("宁波港", "PLACE")]))
    assert places["宁波港"].parent == "宁波市"
    assert places["宁波港"].level == "area"


def test_link_place_lies_where_the_text_says_it_is(link_text):
    # X位于Y: the gazetteer's 石龙村 lie elsewhere; the text places this one
    text = "石龙村位于绥江县南岸镇西部。"
    spans = [("石龙村", "PLACE"), ("绥江县", "PLACE"), ("南岸镇", "PLACE")]
    places = places_of(link_text(text, spans))
    assert places["石龙村"].parent == "南岸镇"


def test_link_park_named_by_a_lake_is_the_lake(link_text):
    text = "游客来到翠屏湖公园，翠屏湖景区人头攒动。"
    places = places_of(link_text(text, [("翠屏湖公园", "PLACE"), ("翠屏湖景区", "PLACE")]))
    assert set(places) == {"翠屏湖"}
    assert places["翠屏湖"].mentions == {"翠屏湖公园", "翠屏湖景区"}
    assert places["翠屏湖"].level == "natural"


def test_link_region_of_provinces_holds_them(link_text):
    text = "黑吉辽协同发展，吉林与辽宁省共同推进，皖北也在行动。"
    spans = [("黑吉辽", "PLACE"), ("吉林", "PLACE"), ("辽宁省", "PLACE"), ("皖北", "PLACE")]
    linked = link_text(text, spans)
    places = places_of(linked)
    assert places["黑吉辽"].parent is None
    assert places["皖北"].parent == "安徽省"
    assert linked.areas[("PLACE", "辽宁省")] == ("黑吉辽",)


def test_link_locality_without_a_place_lies_in_the_articles(link_text):
    text = "昭通市举办新年活动。市民来到人民广场健身，沿河游览渭河。"
    spans = [("昭通市", "PLACE"), ("人民广场", "PLACE"), ("渭河", "PLACE")]
    places = places_of(link_text(text, spans, home="昭通市"))
    assert places["人民广场"].parent == "昭通市"  # a square lies in one division
    assert places["渭河"].parent is None  # a river may cross them


def test_link_landmark_is_not_the_town_named_after_it(link_text):
    places = places_of(link_text("游客登上普陀山。", [("普陀山", "PLACE")]))
    assert set(places) == {"普陀山"} and places["普陀山"].level == "natural"
    places = places_of(
        link_text("普陀区普陀山开展活动。", [("普陀区", "PLACE"), ("普陀山", "PLACE")])
    )
    assert "普陀山镇" in places  # its district right before it: the town


@pytest.mark.parametrize(
    ("short", "name", "ok"),
    [
        ("长三角", "长江三角洲", True),
        ("苏州", "苏州工业园区", False),  # printed in it, not abbreviating it
        ("三长", "长江三角洲", False),  # not in order
    ],
)
def test_link_places_abbreviation(short, name, ok):
    assert abbreviates(short, name) is ok


def test_link_sentence_gives_no_parent_the_gazetteer_rules_out(link_text):
    # every 朝阳区 lies in 北京市 or 长春市: naming 杭州 before it does not put it there
    text = "在杭州，朝阳区代表团参观了西湖。"
    places = places_of(link_text(text, [("杭州", "PLACE"), ("朝阳区", "PLACE")]))
    assert places["朝阳区"].parent != "杭州市"
