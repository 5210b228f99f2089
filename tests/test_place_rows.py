"""Tests of kg.lexicon.place_rows: the gazetteer's rows, parsed and cached."""

from __future__ import annotations

import marshal

import pytest

from kg.lexicon import place_rows
from kg.lexicon.place_rows import CompactRows, PlaceRows, read_cache, strip_suffix, write_cache


@pytest.mark.parametrize(
    ("name", "level", "bare"),
    [
        ("龙头山镇", "town", "龙头山"),
        ("溪洛渡街道", "town", "溪洛渡"),
        ("沙坝村", "village", "沙坝"),
        ("红光社区", "village", "红光"),
        ("大镇", "town", None),  # the bare form would be one character
        ("永善县", "county", None),  # counties keep their suffix
    ],
)
def test_place_rows_strip_suffix(name, level, bare):
    assert strip_suffix(name, level) == bare


def test_place_rows_cache_round_trip(tmp_path, monkeypatch):
    cache = tmp_path / "gazetteer.marshal"
    monkeypatch.setattr(place_rows, "cache_file", lambda: cache)
    assert read_cache() is None
    parsed = PlaceRows(
        ["中国", "云南省", "文山市"], [0, 1, 3], ["", "530000", ""], ["", "云南", ""]
    )
    parsed.parent = [-1, 0, 1]
    parsed.by_name = {"中国": [0], "云南省": [1], "文山": [1, 2]}
    rows = CompactRows.of(parsed)
    assert rows.by_name == {"中国": 0, "云南省": 1, "文山": (1, 2)}  # one row: no container
    assert rows.code == {1: "530000"} and rows.short == {1: "云南"}  # the rows that have one
    write_cache(rows)
    assert read_cache() == rows


def test_place_rows_cache_of_another_layout_is_refused(tmp_path, monkeypatch):
    cache = tmp_path / "gazetteer.marshal"
    monkeypatch.setattr(place_rows, "cache_file", lambda: cache)
    cache.write_bytes(marshal.dumps((["中国"], [0])))
    assert read_cache() is None
    cache.write_bytes(
        marshal.dumps((["中国"], b"\x00\x00", b"", {}, {}, {}, {}, []))
    )  # uneven columns
    assert read_cache() is None
    cache.write_bytes(b"not marshal")
    assert read_cache() is None


def test_place_rows_world_table_adds_countries_cities_and_aliases():
    rows = PlaceRows.from_tables()
    (austria,) = rows.by_name["奥地利"]
    assert (
        rows.parent[austria] == -1 and rows.name[rows.parent[rows.by_name["维也纳"][0]]] == "奥地利"
    )
    assert rows.by_name["中华人民共和国"] == [0] and rows.name[0] == "中国"
    assert rows.aliases["巴新"] == rows.by_name["巴布亚新几内亚"][:1]


def test_place_rows_cache_keeps_a_few_versions(tmp_path, monkeypatch):
    """Each change to the tables makes a new cache: older ones go (55 had piled up, 1.8 GB)."""
    import os

    from kg.resources import CACHE_KEEP

    cache = tmp_path / "gazetteer-new.marshal"
    monkeypatch.setattr(place_rows, "cache_file", lambda: cache)
    for age in range(5):
        old = tmp_path / f"gazetteer-old{age}.marshal"
        old.write_bytes(b"")
        os.utime(old, (1_000_000 - age, 1_000_000 - age))  # old0 is the newest of them
    other = tmp_path / "places-automaton-x.pickle"
    other.write_bytes(b"")
    write_cache(CompactRows.of(PlaceRows(["中国"], [0], [""], [""], [-1])))
    left = sorted(p.name for p in tmp_path.iterdir())
    kept = [f"gazetteer-old{age}.marshal" for age in range(CACHE_KEEP - 1)]
    assert left == sorted(["gazetteer-new.marshal", *kept, "places-automaton-x.pickle"])
    assert read_cache() is not None


def test_place_rows_keep_writes_a_cache_file_or_says_why_not(tmp_path, caplog) -> None:
    from kg.resources import keep

    path = tmp_path / "home" / "thing-0123.bin"
    assert keep(path, b"made", "the thing") and path.read_bytes() == b"made"
    (tmp_path / "a file").write_bytes(b"")
    assert not keep(tmp_path / "a file" / "thing-0123.bin", b"made", "the thing")
    assert "cannot keep the thing" in caplog.text
    assert not list(tmp_path.glob("**/*.tmp"))  # nothing half-written is left
