"""The places of one page: canonical names, the forms the page uses for them, levels, parents.

``PagePlaces`` is what every linking family asks about places: which
canonical place a printed form stands for (gazetteer first, then the page's
own full names), which places open or lie inside a name, and a place's
chain of ancestors. Adding a place makes its ``PLACE`` entity.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from kg.lexicon.gazetteer import RANK, Gazetteer, Place
from kg.link.lexicon import gazetteer
from kg.link.names import place_level, place_short
from kg.link.spans import Key
from kg.model import GAZETTEER, Entity
from kg.recognise.localities import LocalityHead, LocalityTables

logger = logging.getLogger(__name__)

# levels whose short form (安置, 赤水) is no name of its own
UNNAMED_SHORT = ("area", "natural")
CHAIN_MAX = 8  # ancestors followed at most (country, province, … village)
VILLAGE_RANK = RANK["village"]
PLACE_NAME_MAX = 32  # longer than any name in the gazetteer (the longest has 29 characters)


@dataclass
class PlaceInfo:
    """What linking knows of one place (the parent may still be filled in from the text)."""

    canonical: str
    level: str | None
    code: str | None
    parent: str | None
    short: str | None
    ancestors: tuple[str, ...] = ()  # the gazetteer's chain above it, nearest first
    # where the parent comes from: kg's place knowledge (GAZETTEER), a sentence that
    # names both ("text"), the place's own name ("name"), the place the article is about
    parent_source: str | None = None


@lru_cache(maxsize=1)
def locality_tables() -> LocalityTables:
    """The generic terms of named localities and the province abbreviations (kg's tables)."""
    return LocalityTables.shipped()


def locality_head(name: str) -> LocalityHead | None:
    """The generic term that makes ``name`` a named locality (楠溪江: 江), if any."""
    head = locality_tables().head_of(name)
    return head if head is not None and len(name) > len(head.head) else None


def region_of(name: str) -> tuple[str, ...]:
    """The provinces whose abbreviations name the region ``name`` (粤港澳, 皖北), or ()."""
    return locality_tables().region(name)


def abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` abbreviates ``name``: its first character, then characters of
    ``name`` in order, skipping some (长三角 of 长江三角洲; 苏州 does not abbreviate
    苏州高新区, it is printed in it)."""
    if len(short) < 2 or short in name or not name.startswith(short[0]):
        return False
    rest = iter(name)
    return all(c in rest for c in short)


@lru_cache(maxsize=4096)
def _opening(gaz: Gazetteer, head: str) -> str | None:
    """``PagePlaces.opening`` of a text beginning with ``head`` (its first three characters)."""
    for n in (3, 2):
        place = gaz.resolve(head[:n], context=[])
        if place is not None and place.level in ("city", "county") and place.name != head[:n]:
            if (place.short or place_short(place.name)) == head[:n]:
                return place.name
    return None


class PagePlaces:
    """The places of one page, their forms and the ``PLACE`` entities made for them."""

    def __init__(self, entities: dict[Key, Entity]) -> None:
        self.gaz = gazetteer()
        self.entities = entities
        self.known: dict[str, PlaceInfo] = {}  # canonical -> info
        self.forms: dict[str, str] = {}  # surface or short form -> canonical
        # place -> the named non-administrative areas (安置区…) the text places it in
        self.areas: dict[Key, list[str]] = defaultdict(list)
        # ``inside`` by name, for the places known when it was asked: ``known`` and
        # ``forms`` only gain keys, so their sizes say what they hold
        self._inside: dict[tuple[str, int, int], tuple[tuple[int, int, str], ...]] = {}

    def resolve(self, name: str, context: list[str]) -> PlaceInfo:
        """Canonical place for a surface name, with level, code and parent."""
        if name in self.forms:
            return self.known[self.forms[name]]
        # a village's name without 村 (王家庙) does not make a temple a village
        uids = self.gaz.full_name_uids(name) + self.gaz.short_name_uids(name)
        if all(self.gaz.rank(u) >= VILLAGE_RANK for u in uids):
            local = self.locality(name)
            if local is not None:
                return local
        place: Place | None = self.gaz.resolve(name, context=context)
        abbreviated = self.abbreviated(name, place, context)
        if abbreviated is not None:
            return abbreviated
        if place is None:
            cands = self.gaz.candidates(name)
            if len(cands) == 1:
                place = cands[0]
        if place is not None:
            chain = tuple(p.name for p in self.gaz.chain(place)[1:])
            return PlaceInfo(place.name, place.level, place.code, place.parent,
                             place.short or place_short(place.name), chain,
                             GAZETTEER if place.parent else None)  # fmt: skip
        # A short form of a place named in full elsewhere on the page (永善 -> 永善县).
        for _canon, info in sorted(self.known.items()):
            if info.short == name:
                return info
        return PlaceInfo(name, place_level(name), None, None, place_short(name))

    def locality(self, name: str) -> PlaceInfo | None:
        """A named locality the gazetteer lacks: a region (皖北 → 安徽省), a name with a
        generic term (楠溪江), or a park or scenic area named by a natural feature alone,
        which is that feature (玄武湖公园 → 玄武湖)."""
        provinces = region_of(name)
        if provinces:
            parent = provinces[0] if len(provinces) == 1 else None
            return PlaceInfo(name, "area", None, parent, None, (), GAZETTEER if parent else None)
        head = locality_head(name)
        if head is None:
            return None
        feature = name[: -len(head.head)]
        inner = locality_head(feature)
        if head.feature and inner is not None and inner.level == "natural":
            return self.known.get(feature) or PlaceInfo(feature, "natural", None, None, None)
        return PlaceInfo(name, head.level, None, None, None)

    def abbreviated(self, name: str, place: Place | None, context: list[str]) -> PlaceInfo | None:
        """The named locality on the page that ``name`` abbreviates (长三角 of 长江三角洲),
        where ``name`` is the short form of a gazetteer ``place`` the text does not back."""
        if place is None or place.name == name or self.gaz.support(place.uid, context) > 0:
            return None
        for canonical, info in sorted(self.known.items()):
            if info.level in UNNAMED_SHORT and abbreviates(name, canonical):
                return info
        return None

    def add(self, info: PlaceInfo, surface: str | None) -> Key:
        """Record a place and the form printed for it; its entity's key."""
        known = self.known.get(info.canonical)
        if known is None:
            self.known[info.canonical] = info
            known = info
        elif known.parent is None and info.parent is not None:
            known.parent, known.parent_source = info.parent, info.parent_source
        self.forms.setdefault(info.canonical, info.canonical)
        if info.short and info.level not in UNNAMED_SHORT:
            self.forms.setdefault(info.short, info.canonical)
        if surface:
            self.forms.setdefault(surface, info.canonical)
        key = ("PLACE", info.canonical)
        ent = self.entities.get(key)
        if ent is None:
            ent = Entity(type="PLACE", canonical=info.canonical)
            self.entities[key] = ent
        if surface:
            ent.mentions.add(surface)
        return key

    def ensure(self, canonical: str, surface: str | None) -> Key:
        """The entity of a canonical place, made if the page has not named it yet."""
        info = self.known.get(canonical) or self.resolve(canonical, sorted(self.known))
        return self.add(info, surface)

    def level(self, canonical: str) -> str | None:
        """The level of a place the page names (None for one it does not)."""
        info = self.known.get(canonical)
        return info.level if info is not None else None

    def prefix(self, name: str) -> list[tuple[int, int, str]]:
        """Places named one after another at the start of ``name``: (start, end, canonical)."""
        out: list[tuple[int, int, str]] = []
        i = 0
        context: list[str] = []
        while i < len(name):
            hit = self._prefix_at(name, i, context)
            if hit is None:
                break
            out.append((i, hit[0], hit[1]))
            context.append(hit[1])
            i = hit[0]
        return out

    def _prefix_at(self, name: str, i: int, context: list[str]) -> tuple[int, str] | None:
        for j in range(len(name), i + 1, -1):
            piece = name[i:j]
            if piece in self.forms:
                return (j, self.forms[piece])
            if place_level(piece) and (j - i) >= 3 and j < len(name):
                place = self.gaz.resolve(piece, context=context[::-1])
                if place is not None:
                    return (j, place.name)
        return None

    def prefix_end(self, name: str) -> int:
        """Where the places that open ``name`` end (0 when it opens with none)."""
        chain = self.prefix(name)
        return chain[-1][1] if chain else 0

    def inside(self, name: str) -> list[tuple[int, int, str]]:
        """Known places named anywhere inside ``name`` (longest first, no overlaps)."""
        key = (name, len(self.known), len(self.forms))
        found = self._inside.get(key)
        if found is None:
            out: list[tuple[int, int, str]] = []
            context = sorted(self.known)
            i = 0
            while i < len(name):
                hit = self._inside_at(name, i, context)
                if hit:
                    out.append((i, hit[0], hit[1]))
                    i = hit[0]
                else:
                    i += 1
            found = self._inside[key] = tuple(out)
        return list(found)

    def _inside_at(self, name: str, i: int, context: list[str]) -> tuple[int, str] | None:
        for j in range(min(len(name), i + PLACE_NAME_MAX), i + 1, -1):
            piece = name[i:j]
            if piece in self.forms and (j - i) >= 2:
                return (j, self.forms[piece])
            level = place_level(piece)
            if j - i >= 2 and level and level not in UNNAMED_SHORT:
                place = self.gaz.resolve(piece, context=context)
                if place is not None and place.name == piece:
                    # a two- or three-character X区 is a district only if the gazetteer says so
                    if piece[-1] != "区" or place.level == "county" or j - i >= 4:
                        return (j, place.name)
        return None

    def opening(self, text: str) -> str | None:
        """A city or county a headline opens with in its short form (鞍山整合资源…)."""
        return _opening(self.gaz, text[:3])

    def chain_of(self, canonical: str) -> list[str]:
        """``canonical`` and its known ancestors, nearest first."""
        out = [canonical]
        info = self.known.get(canonical)
        if info is not None and info.ancestors and info.parent == info.ancestors[0]:
            return [canonical, *info.ancestors[: CHAIN_MAX - 1]]
        while len(out) < CHAIN_MAX:
            info = self.known.get(out[-1])
            parent = info.parent if info else None
            if parent is None:
                place = self.gaz.resolve(out[-1], context=[])
                parent = place.parent if place is not None else None
            if parent is None or parent in out:
                break
            out.append(parent)
        return out

    def level_of(self, canonical: str) -> str | None:
        """The level of a place: as the page knows it, else the gazetteer's, else its suffix's."""
        info = self.known.get(canonical)
        if info is not None and info.level:
            return info.level
        place = self.gaz.resolve(canonical, context=[])
        return place.level if place is not None else place_level(canonical)

    def chain_levels(self, bases: list[str]) -> dict[str, str]:
        """Level -> place along the ancestor chains of ``bases`` (a later base overrides)."""
        levels: dict[str, str] = {}
        for base in bases:
            for name in self.chain_of(base):
                lvl = self.level_of(name)
                if lvl:
                    levels[lvl] = name
        return levels
