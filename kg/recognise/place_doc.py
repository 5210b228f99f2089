"""What the place rules read: their tables, the gazetteer lookup, one document's context.

:mod:`kg.recognise.places` (gazetteer names, the component) and
:mod:`kg.recognise.place_areas` (villages and named areas) share these.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from kg.lexicon import tables
from kg.lexicon.gazetteer import RANK, Gazetteer
from kg.lexicon.place_rows import cache_file
from kg.recognise.lac import Word
from kg.recognise.localities import LocalityDoc, LocalityTables, PlaceNames
from kg.recognise.matching import Dictionary, TextTables
from kg.resources import keep

logger = logging.getLogger(__name__)

NAMES_VERSION = "2"  # of _names: a change to what it keeps must bump it
PLACE_WORDS = "places/words.csv"
UNITS = "organs/units.csv"
Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class PlaceTables:
    """The words the place rules read besides the gazetteer."""

    text: TextTables
    generic: frozenset[str]  # before 村/社区/镇…, names no place (全村, 新农村)
    short_stop: frozenset[str]  # short forms that are common words: places only when backed
    localities: tuple[tuple[str, str, str], ...]  # (head word, name pattern, level): 安置区
    town_endings: tuple[str, ...]  # a town's full name ends so (not farms, forest centres)
    autonomous_plain: str  # 州, 县 after an autonomous division's short form (凉山州)
    city_type: str  # after a city's short form
    county_type: str  # after a county's short form
    water: str  # ends a river's or lake's name before 流域
    village_suffixes: tuple[str, ...]  # 社区, 村
    village_leads: tuple[str, ...]  # right before an unlisted village (在保工社区，)
    village_bodies: tuple[str, ...]  # bodies after a village (党支部, 村委会)
    group_number: str  # pattern: the number of a villagers' group (同心四组)
    locality: LocalityTables  # generic terms of named localities (河, 广场, 机场)

    @classmethod
    def shipped(cls) -> PlaceTables:
        """The tables shipped with kg (places/*.csv, organs/units.csv, text/*)."""
        localities = tables.load_table("places/localities.csv").records(
            "suffix", "name_pattern", "level"
        )
        return cls(
            text=TextTables.shipped(),
            generic=frozenset(tables.words(PLACE_WORDS, "generic")),
            short_stop=frozenset(tables.words(PLACE_WORDS, "short_stop")),
            localities=tuple((r["suffix"], r["name_pattern"], r["level"]) for r in localities),
            town_endings=tuple(w.word for w in tables.place_words("level") if w.level == "town"),
            autonomous_plain="".join(w.plain for w in tables.place_words("level") if w.plain),
            city_type="".join(tables.words(PLACE_WORDS, "city_type")),
            county_type="".join(tables.words(PLACE_WORDS, "county_type")),
            water="".join(tables.words(PLACE_WORDS, "water")),
            village_suffixes=tables.words(PLACE_WORDS, "strip_village"),
            village_leads=tables.words(PLACE_WORDS, "village_lead"),
            village_bodies=tables.words(UNITS, "village_body"),
            group_number=tables.pattern("group_number"),
            locality=LocalityTables.shipped(),
        )

    @cached_property
    def village_heads(self) -> re.Pattern[str]:
        """The type suffixes that end a village's name (社区|村)."""
        return re.compile("|".join(re.escape(s) for s in self.village_suffixes))

    @cached_property
    def numbered(self) -> re.Pattern[str]:
        """The number of a group (同心四组)."""
        return re.compile(self.group_number)

    @cached_property
    def locality_patterns(self) -> list[tuple[str, re.Pattern[str], str]]:
        """``(head word, compiled name pattern, level)`` of the named localities."""
        return [(suffix, re.compile(p), level) for suffix, p, level in self.localities]


@dataclass(frozen=True)
class PlaceLookup:
    """The gazetteer and an automaton of its names down to towns: ``name -> (kind, rank)``."""

    gazetteer: Gazetteer
    names: Dictionary

    @classmethod
    def build(cls, gazetteer: Gazetteer, town_endings: tuple[str, ...]) -> PlaceLookup:
        """The lookup of ``gazetteer``, towns only under a name ending in ``town_endings``.

        The shared gazetteer's names are kept beside its compiled rows in
        ``$KG_HOME``: reading them takes 0.01 s, choosing them 0.25 s.
        """
        cached = _names_file(town_endings) if gazetteer is Gazetteer.load() else None
        names = _load(cached) if cached is not None and cached.is_file() else None
        if names is None:
            names = sorted(_names(gazetteer, town_endings).items())
            if cached is not None:
                _save(names, cached)
        return cls(gazetteer, Dictionary(names))


def _names(gazetteer: Gazetteer, town_endings: tuple[str, ...]) -> dict[str, tuple[str, int]]:
    """The names the automaton finds: every place down to towns, as ``name -> (kind, rank)``."""
    words: dict[str, tuple[str, int]] = {}
    for surface, kind, rank in gazetteer.names_by_level("town"):
        if len(surface) < 2:
            continue
        if kind == "full" and rank == RANK["town"] and not surface.endswith(town_endings):
            continue  # farms, forest centres, development zones: not towns in running text
        old = words.get(surface)
        if old is None or (kind == "full" and old[0] == "short"):
            words[surface] = (kind, rank)
    return words


Names = list[tuple[str, tuple[str, int]]]  # (name, (kind, rank)), sorted


def _names_file(town_endings: tuple[str, ...]) -> Path:
    """Where the shared gazetteer's names are kept: named by the rows they come from."""
    parts = (NAMES_VERSION, cache_file().name, *town_endings)
    key = hashlib.sha1("|".join(parts).encode()).hexdigest()
    return cache_file().with_name(f"places-names-{key[:16]}.marshal")


def _load(path: Path) -> Names | None:
    """The names kept at ``path``, or None when the file cannot be read as them."""
    try:
        names = marshal.loads(path.read_bytes())
        if not isinstance(names, list) or not all(type(n) is tuple and len(n) == 2 for n in names):
            raise TypeError("not a list of (name, (kind, rank))")
        return names
    except (OSError, ValueError, EOFError, TypeError) as e:
        logger.warning("place names cache unreadable, choosing them again: %s", e)
        return None


def _save(names: Names, path: Path) -> None:
    """Keep ``names`` at ``path`` for the next process (a failure only costs it 0.25 s)."""
    if keep(path, marshal.dumps(names), "the place names"):
        for old in path.parent.glob("places-automaton-*.pickle"):  # pyahocorasick's, before
            old.unlink(missing_ok=True)


@dataclass(frozen=True)
class PlaceOptions:
    """Settings of the place recogniser (its pipeline config)."""

    town_short_forms: bool = True  # a town's short form is a place where the text backs it
    village_needs_support: bool = True  # a listed village needs its town or county nearby


@dataclass(frozen=True)
class PlaceDoc:
    """What the place rules read of one document."""

    text: str
    tok_starts: set[int]
    tok_ends: set[int]
    tables: PlaceTables
    gazetteer: Gazetteer
    matches: list[tuple[int, int, Any]]  # (start, end, (kind, rank)) of every gazetteer name
    present: frozenset[str]  # gazetteer names standing as words (or unambiguous counties up)
    words: tuple[Word, ...]  # LAC's analysis
    loc_words: frozenset[tuple[int, int]]  # LAC's LOC words
    name_starts: frozenset[int]  # where LAC's ORG and LOC words start

    def supported(
        self, uids: list[int], names: AbstractSet[str] | None = None, top: int = 50
    ) -> bool:
        """Whether an ancestor of one of the first ``top`` places is named in the text."""
        named = self.present if names is None else names
        return any(self.gazetteer.supported_by(u, named) for u in uids[:top])

    def locality_doc(self, places: PlaceNames) -> LocalityDoc:
        """What the locality grammar reads, with the gazetteer names accepted as ``places``."""
        return LocalityDoc(self.text, self.words, self.tables.locality, self.tables.text, places)


@dataclass(frozen=True)
class NameMatch:
    """A gazetteer name found at ``[start, end)``, with the places it may be."""

    start: int
    end: int
    name: str
    full: bool  # a full name (凉山州 counts as one), not a short form
    rank: int
    uids: list[int]
