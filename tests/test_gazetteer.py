"""Tests of kg.lexicon.gazetteer: the five-level table, short forms, context resolution."""

from __future__ import annotations

import time

import pytest

from kg.lexicon import tables
from kg.lexicon.gazetteer import Gazetteer, Place, province_abbreviations, region_provinces


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


@pytest.mark.parametrize(
    ("name", "full", "level", "parent"),
    [
        ("奥地利", "奥地利", "country", None),
        ("中华人民共和国", "中国", "country", None),  # an official name is an alias
        ("大不列颠及北爱尔兰联合王国", "英国", "country", None),
        ("维也纳", "维也纳", "city", "奥地利"),
        ("刚果民主共和国", "刚果民主共和国", "country", None),  # 刚果(金) printed in full
    ],
)
def test_gazetteer_foreign_countries_and_cities(gaz, name, full, level, parent):
    place = gaz.resolve(name)
    assert place is not None
    assert (place.name, place.level, place.parent) == (full, level, parent)


def test_gazetteer_foreign_places_and_their_support(gaz):
    (vienna,) = gaz.full_name_uids("维也纳")
    assert gaz.foreign(vienna)
    assert not gaz.foreign(gaz.full_name_uids("昭通市")[0])
    assert gaz.supported_by(vienna, {"奥地利"})  # a foreign country backs its cities
    (town,) = [u for u in gaz.full_name_uids("龙头山镇") if gaz.place(u).parent == "鲁甸县"]
    assert not gaz.supported_by(town, {"中国"})  # 中国 backs no place: it is named everywhere


@pytest.mark.parametrize(
    ("name", "provinces"),
    [
        ("黑吉辽", ("黑龙江省", "吉林省", "辽宁省")),
        ("粤港澳", ("广东省", "香港特别行政区", "澳门特别行政区")),
        ("皖北", ("安徽省",)),
        ("鲁西南", ("山东省",)),
        ("京津", ()),  # two abbreviations side by side name the two, not a region
        ("苏州", ()),
    ],
)
def test_gazetteer_regions_by_province_abbreviations(name, provinces):
    abbreviations = province_abbreviations()
    directions = frozenset(tables.words("places/words.csv", "direction"))
    assert region_provinces(name, abbreviations, directions) == provinces


def test_gazetteer_place_names_are_kept_and_loaded_as_chosen(tmp_path, monkeypatch) -> None:
    """The shared gazetteer's place names are chosen once, kept in $KG_HOME, then loaded."""
    import kg.recognise.place_doc as place_doc
    from kg.lexicon import place_rows

    monkeypatch.setattr(place_rows, "cache_dir", lambda: tmp_path)
    gaz = Gazetteer.load()
    endings = ("镇", "乡", "街道")
    (tmp_path / "places-automaton-0123456789abcdef.pickle").write_bytes(b"an old cache")
    built = place_doc.PlaceLookup.build(gaz, endings)
    assert place_doc._names_file(endings).is_file()
    assert not list(tmp_path.glob("places-automaton-*"))  # the old form of the cache goes
    kept = set(tmp_path.iterdir())
    assert len(place_doc.PlaceLookup.build(Gazetteer(), endings).names) == 0
    assert set(tmp_path.iterdir()) == kept  # a gazetteer not the shared one is never kept
    place_doc._names_file(endings).write_bytes(b"not marshal")
    assert len(place_doc.PlaceLookup.build(gaz, endings).names) == len(built.names)  # chosen again

    def no_choosing(*args):  # the second lookup must read the kept names
        raise AssertionError("chosen again")

    monkeypatch.setattr(place_doc, "_names", no_choosing)
    loaded = place_doc.PlaceLookup.build(gaz, endings)
    text = "昭通市永善县溪洛渡街道和鲁甸县龙头山镇，还有北京市朝阳区。"
    assert loaded.names.matches(text) == built.names.matches(text) != []
    assert len(loaded.names) == len(built.names)
