"""Tests of kg.lexicon.gazetteer: the five-level table, short forms, context resolution."""

from __future__ import annotations

import time

import pytest

from kg.lexicon.gazetteer import Gazetteer, Place


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_gazetteer_load_is_shared_and_fast(gaz):
    start = time.perf_counter()
    again = Gazetteer.load()
    assert again is gaz
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize(
    ("name", "context", "full", "level", "code", "parent"),
    [
        ("永善", [], "永善县", "county", "530625", "昭通市"),
        ("昭通", [], "昭通市", "city", "530600", "云南省"),
        ("云南省", [], "云南省", "province", "530000", "中国"),
        ("凉山州", [], "凉山彝族自治州", "city", "513400", "四川省"),
        ("阜新", [], "阜新市", "city", "210900", "辽宁省"),
        ("铁东区", ["鞍山市"], "铁东区", "county", "210302", "鞍山市"),
        ("铁东区", ["四平市"], "铁东区", "county", "220303", "四平市"),
        ("嘉定区", [], "嘉定区", "county", "310114", "上海市"),
        ("龙头山", ["鲁甸县"], "龙头山镇", "town", None, "鲁甸县"),
        ("沙坝村", ["龙头山镇", "鲁甸县"], "沙坝村", "village", None, "龙头山镇"),
        ("溪洛渡", ["永善县"], "溪洛渡街道", "town", None, "永善县"),
        ("美国", [], "美国", "country", None, None),
    ],
)
def test_gazetteer_resolve_cases(gaz, name, context, full, level, code, parent):
    place = gaz.resolve(name, context=context)
    assert place is not None
    assert (place.name, place.level, place.code, place.parent) == (full, level, code, parent)


@pytest.mark.parametrize("name", ["沙坝村", "铁东区", "和平街道", "红光社区", "没有这个地方"])
def test_gazetteer_ambiguous_or_unknown_names_stay_unresolved(gaz, name):
    assert gaz.resolve(name) is None


def test_gazetteer_village_needs_an_ancestor_in_context(gaz):
    assert len(gaz.candidates("沙坝村")) > 10
    assert gaz.resolve("沙坝村", context=["鲁甸县"]).parent == "龙头山镇"


def test_gazetteer_chain_runs_up_to_the_country(gaz):
    village = gaz.resolve("沙坝村", context=["龙头山镇", "鲁甸县"])
    names = [p.name for p in gaz.chain(village)]
    assert names == ["沙坝村", "龙头山镇", "鲁甸县", "昭通市", "云南省", "中国"]


def test_gazetteer_chain_of_a_place_built_by_hand(gaz):
    place = Place(name="永善县", level="county", code="530625", parent="昭通市")
    assert [p.name for p in gaz.chain(place)][-3:] == ["昭通市", "云南省", "中国"]


def test_gazetteer_new_subdistrict_replaces_the_old_town(gaz):
    assert not [p for p in gaz.candidates("溪洛渡镇") if p.parent == "永善县"]
    community = gaz.resolve("红光社区", context=["溪洛渡街道", "永善县"])
    assert community is not None and community.parent == "溪洛渡街道"


def test_gazetteer_municipality_districts_hang_off_the_municipality(gaz):
    district = gaz.resolve("嘉定区")
    assert [p.name for p in gaz.chain(district)] == ["嘉定区", "上海市", "中国"]
