"""Place mentions to places and their parents (kg.link.place_mentions, kg.link.places)."""

from __future__ import annotations

import pytest

from kg.link.places import PagePlaces
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
