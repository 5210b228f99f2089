"""Chinese administrative divisions: names, levels, GB/T 2260 codes, parents.

The rows are those of :mod:`kg.lexicon.place_rows` (kg's place tables, or
their cached parse). Loading takes well under a second and is done once
per process; the gazetteer is then a shared read-only lookup.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from kg.lexicon import tables
from kg.lexicon.place_rows import (
    AUTONOMOUS_SUFFIXES,
    LEVELS,
    RANK,
    TOWN_SUFFIXES,
    VILLAGE_SUFFIXES,
    CompactRows,
    PlaceRows,
    load_rows,
    strip_suffix,
    uids_of,
)

__all__ = [
    "AUTONOMOUS_SUFFIXES",
    "LEVELS",
    "RANK",
    "TOWN_SUFFIXES",
    "VILLAGE_SUFFIXES",
    "Gazetteer",
    "Place",
    "strip_suffix",
]

logger = logging.getLogger(__name__)

ROOT = 0  # the row of 中国, the root of the divisions
_lock = threading.Lock()
_loaded: Gazetteer | None = None


@dataclass(frozen=True)
class Place:
    """One administrative division (or named locality) of the gazetteer."""

    name: str  # full name with its type suffix: 永善县, 溪洛渡街道
    level: str  # country, province, city, county, town, village, area
    code: str | None  # GB/T 2260 code where known
    parent: str | None  # full name of the direct parent
    short: str | None = None  # the short form used in text: 永善, 昭通
    uid: int = -1  # row of the gazetteer (names are not unique)


def _weights(context: list[str]) -> dict[str, float]:
    """The weight of each name in ``context`` (nearest first): 1/(1 + where it is first named)."""
    return {name: 1.0 / (1 + i) for i, name in reversed(list(enumerate(context)))}


class Gazetteer:
    """Look places up by full or short name, resolving ambiguity by context."""

    def __init__(self, rows: CompactRows | None = None) -> None:
        rows = rows or CompactRows.of(PlaceRows())
        self._name = rows.name
        self._level = rows.level
        self._code = rows.code
        self._short = rows.short
        self._parent = rows.parent
        self._by_name = rows.by_name
        self._by_short = rows.by_short
        self._aliases = rows.aliases
        self._places: dict[int, Place] = {}
        self._surfaces: dict[int, frozenset[str]] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        """The shared gazetteer, read from kg's place tables on first use.

        Raises:
            ModelError: a gazetteer file is missing or malformed.
        """
        global _loaded
        with _lock:
            if _loaded is None:
                _loaded = cls(load_rows())
                logger.info("gazetteer: %d places", len(_loaded._name))
        return _loaded

    # -- lookup ----------------------------------------------------------------

    def place(self, uid: int) -> Place:
        """The place stored at row ``uid``."""
        found = self._places.get(uid)
        if found is None:
            parent = self._parent[uid]
            found = Place(
                name=self._name[uid],
                level=LEVELS[self._level[uid]],
                code=self._code.get(uid),
                parent=self._name[parent] if parent >= 0 else None,
                short=self._short.get(uid)
                or strip_suffix(self._name[uid], LEVELS[self._level[uid]]),
                uid=uid,
            )
            self._places[uid] = found
        return found

    def rank(self, uid: int) -> int:
        """Index in LEVELS of the level of row ``uid`` (-1 when retired)."""
        return self._level[uid]

    def full_name_uids(self, name: str) -> list[int]:
        """Rows whose full name is ``name``."""
        return list(uids_of(self._by_name, name))

    def short_name_uids(self, name: str) -> list[int]:
        """Rows (province to town) whose short form is ``name``."""
        return list(uids_of(self._by_short, name))

    def names_by_level(self, max_level: str) -> list[tuple[str, str, int]]:
        """``(surface, "full"|"short", rank)`` of places up to ``max_level``, sorted."""
        top = RANK[max_level]
        levels = np.frombuffer(self._level, dtype=np.int8)
        rows = np.flatnonzero((levels >= 0) & (levels <= top)).tolist()
        # a full name with a row up to max_level is that row's name, or an alias
        full = {self._name[u] for u in rows} | set(self._aliases)
        out: set[tuple[str, str, int]] = set()
        for form, index, names in (
            ("full", self._by_name, full),
            ("short", self._by_short, self._by_short.keys()),
        ):
            for name in names:
                ranks = [r for u in uids_of(index, name) if 0 <= (r := self._level[u]) <= top]
                if ranks:
                    out.add((name, form, min(ranks)))
        return sorted(out)

    def candidates(self, name: str) -> list[Place]:
        """Every place whose full or short name is ``name``."""
        return [self.place(u) for u in self._uids(name)]

    def _uids(self, name: str) -> list[int]:
        """Rows whose full or short name is ``name``, else villages named ``name`` + 村/社区."""
        uids = set(uids_of(self._by_name, name)) | set(uids_of(self._by_short, name))
        if not uids:
            village = RANK["village"]
            uids = {
                u
                for suffix in VILLAGE_SUFFIXES
                for u in uids_of(self._by_name, name + suffix)
                if self._level[u] == village
            }
        return sorted(uids)

    def ancestors(self, uid: int) -> list[int]:
        """Rows of the ancestors of ``uid``, nearest first."""
        out = []
        parent = self._parent[uid]
        while parent >= 0:
            out.append(parent)
            parent = self._parent[parent]
        return out

    def surfaces(self, uid: int) -> frozenset[str]:
        """Full name, official short form and suffix-less form of row ``uid`` (kept per row:
        the same provinces, cities and counties back one place after another)."""
        forms = self._surfaces.get(uid)
        if forms is None:
            name, level = self._name[uid], LEVELS[self._level[uid]]
            found = (name, self._short.get(uid), strip_suffix(name, level))
            forms = self._surfaces[uid] = frozenset(f for f in found if f)
        return forms

    def supported_by(self, uid: int, names: AbstractSet[str]) -> bool:
        """Whether an ancestor of row ``uid`` is named in ``names``: below the country,
        or a foreign country (东京 after 日本; 中国 backs no place, it is named everywhere)."""
        for anc in self.ancestors(uid):
            named = not self.surfaces(anc).isdisjoint(names)
            if self._level[anc] <= RANK["country"]:
                return named and anc != ROOT
            if named:
                return True
        return False

    def foreign(self, uid: int) -> bool:
        """Whether row ``uid`` is a foreign country or lies in one."""
        top = ([uid, *self.ancestors(uid)])[-1]
        return top != ROOT

    def support(self, uid: int, context: list[str]) -> float:
        """How strongly places named in ``context`` (nearest first) back row ``uid``."""
        return self._support(uid, _weights(context))

    def _support(self, uid: int, weights: dict[str, float]) -> float:
        score = 0.0
        for depth, anc in enumerate(self.ancestors(uid)):
            if self._level[anc] <= RANK["country"]:
                break
            for form in self.surfaces(anc):
                if form in weights:
                    score = max(score, weights[form] * (1.0 - 0.01 * depth) + 1.0)
        return score

    def resolve(self, name: str, *, context: list[str] | None = None) -> Place | None:
        """The one place ``name`` means, given places named around it (nearest first).

        Returns None when the name is unknown or stays ambiguous.
        """
        uids = self._uids(name)
        if not uids:
            return None
        if len(uids) == 1 and self._level[uids[0]] <= RANK["county"]:
            return self.place(uids[0])
        weights = _weights([c for c in (context or []) if c != name])
        if weights:  # without context every candidate scores 0: nothing to weigh
            scored = sorted(((self._support(u, weights), u) for u in uids), reverse=True)
            best, best_uid = scored[0]
            if best > 0 and (len(scored) == 1 or scored[1][0] < best):
                return self.place(best_uid)
            if len(uids) == 1 and best > 0:
                return self.place(uids[0])
        # without context, a province/city/county name standing for exactly one
        # place of the highest level among the candidates (阜新 → 阜新市)
        top = min(self._level[u] for u in uids)
        tops = [u for u in uids if self._level[u] == top]
        if len(tops) == 1 and top <= RANK["county"] and (len(uids) == 1 or top <= RANK["city"]):
            return self.place(tops[0])
        return None

    def chain(self, place: Place) -> list[Place]:
        """``place`` and its ancestors, nearest first, up to the country."""
        uid = place.uid if place.uid >= 0 else self._uid_of(place)
        if uid < 0:
            return [place]
        return [place] + [self.place(u) for u in self.ancestors(uid)]

    def _uid_of(self, place: Place) -> int:
        for u in uids_of(self._by_name, place.name):
            parent = self._parent[u]
            if place.parent is None or (parent >= 0 and self._name[parent] == place.parent):
                return u
        return -1

    @cached_property
    def country_names(self) -> list[str]:
        """Full names of the countries in the table."""
        return sorted(
            n for n, r in zip(self._name, self._level, strict=True) if r == RANK["country"]
        )


ABBREVIATIONS = "places/abbreviations.csv"


def province_abbreviations() -> dict[str, str]:
    """One-character abbreviation -> provincial-level division (冀 -> 河北省)."""
    rows = tables.load_table(ABBREVIATIONS).records("province", "abbreviation")
    return {r["abbreviation"]: r["province"] for r in rows}


def region_provinces(
    name: str, abbreviations: Mapping[str, str], directions: AbstractSet[str]
) -> tuple[str, ...]:
    """The provinces a region's name is made of (黑吉辽 → 黑龙江省, 吉林省, 辽宁省; 皖北 → 安徽省).

    A name of three or more abbreviations names a region of those provinces; one
    abbreviation and a direction, a part of that province. Other names give ().
    """
    if len(name) >= 3 and all(c in abbreviations for c in name):
        return tuple(dict.fromkeys(abbreviations[c] for c in name))
    if len(name) >= 2 and name[0] in abbreviations and name[1:] in directions:
        return (abbreviations[name[0]],)
    return ()
