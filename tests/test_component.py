"""Tests of kg.recognise.component: tables as JSON, saving and loading a component's tables."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import spacy

from kg.errors import ModelError
from kg.recognise.component import from_json, to_json
from kg.recognise.org_names import OrgTables
from kg.recognise.persons import PersonOptions, PersonRecognizer, PersonTables
from kg.recognise.places import PlaceTables
from kg.recognise.term_lexicon import TermTables


@dataclass(frozen=True)
class Inner:
    chars: str
    pairs: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Outer:
    inner: Inner
    words: frozenset[str]
    by_pair: dict[tuple[str, str], int]
    flags: dict[str, bool]
    names: tuple[str, ...] = ()


def through_json(value):
    return from_json(type(value), json.loads(json.dumps(to_json(value), ensure_ascii=False)))


def test_component_tables_of_every_shape_survive_json():
    value = Outer(
        inner=Inner("省市县", (("a", 1), ("b", 2))),
        words=frozenset({"乙", "甲"}),
        by_pair={("kind", "term"): 3},
        flags={"国务院": True, "人社局": False},
        names=("长的名字", "名字"),
    )
    assert through_json(value) == value
    assert list(through_json(value).flags) == ["国务院", "人社局"]  # order kept


@pytest.mark.parametrize("tables_type", [PlaceTables, OrgTables, PersonTables, TermTables])
def test_component_shipped_tables_survive_json(tables_type):
    tables = tables_type.shipped()
    assert through_json(tables) == tables


def test_component_from_disk_without_tables_names_the_file(tmp_path):
    persons = PersonRecognizer(spacy.blank("zh"), "kg_persons", options=PersonOptions())
    with pytest.raises(ModelError, match="tables.json: no tables of kg_persons"):
        persons.from_disk(tmp_path)
    with pytest.raises(ModelError, match="kg_persons has no tables"):
        persons.to_disk(tmp_path)


def test_component_to_disk_then_from_disk(tmp_path):
    persons = PersonRecognizer(spacy.blank("zh"), "kg_persons", options=PersonOptions())
    persons.initialize(tables=PersonTables.shipped())
    persons.to_disk(tmp_path / "persons")
    again = PersonRecognizer(spacy.blank("zh"), "kg_persons", options=PersonOptions()).from_disk(
        tmp_path / "persons"
    )
    assert again.tables == persons.tables
