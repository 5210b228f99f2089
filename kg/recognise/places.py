"""The place recogniser (``kg_places``): gazetteer names, villages and named areas.

Names are found on characters with an Aho-Corasick automaton of the
gazetteer's names down to towns; each rule below says when a match is a
place in running text (a full name, a short form, a village after its
town, a locality named by a head word such as 安置区 or 流域).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import ahocorasick
from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import tables
from kg.lexicon.gazetteer import RANK, Gazetteer
from kg.recognise.component import SpanRecognizer, not_initialised
from kg.recognise.matching import TextTables, automaton, longest_first, matches
from kg.recognise.spans import token_bounds

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
    names: ahocorasick.Automaton

    @classmethod
    def build(cls, gazetteer: Gazetteer, town_endings: tuple[str, ...]) -> PlaceLookup:
        """The lookup of ``gazetteer``, towns only under a name ending in ``town_endings``."""
        words: dict[str, tuple[str, int]] = {}
        for surface, kind, rank in gazetteer.names_by_level("town"):
            if len(surface) < 2:
                continue
            if kind == "full" and rank == RANK["town"] and not surface.endswith(town_endings):
                continue  # farms, forest centres, development zones: not towns in running text
            old = words.get(surface)
            if old is None or (kind == "full" and old[0] == "short"):
                words[surface] = (kind, rank)
        return cls(gazetteer, automaton(sorted(words.items())))


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

    def supported(
        self, uids: list[int], names: AbstractSet[str] | None = None, top: int = 50
    ) -> bool:
        """Whether an ancestor of one of the first ``top`` places is named in the text."""
        named = self.present if names is None else names
        return any(self.gazetteer.supported_by(u, named) for u in uids[:top])


@dataclass(frozen=True)
class NameMatch:
    """A gazetteer name found at ``[start, end)``, with the places it may be."""

    start: int
    end: int
    name: str
    full: bool  # a full name (凉山州 counts as one), not a short form
    rank: int
    uids: list[int]


# -- gazetteer names ---------------------------------------------------------------------


def _aligned(doc: PlaceDoc, m: NameMatch) -> bool:
    return m.start in doc.tok_starts and m.end in doc.tok_ends


def _full_name_ok(doc: PlaceDoc, m: NameMatch) -> bool:
    """A full name: cities and up as they stand; counties and towns need context."""
    if m.rank <= RANK["city"] and len(m.name) >= 3 or m.rank == RANK["country"]:
        return True
    if m.rank <= RANK["county"]:
        return len(m.name) >= 3 or doc.supported(m.uids)
    # 联合镇 after 县林草局 is the verb 联合: a common word needs an ancestor nearby
    bare = m.name.rstrip("镇乡")
    if len(m.name) < 3 or bare in doc.tables.generic:
        return False
    return doc.supported(m.uids) or _aligned(doc, m) and bare not in doc.tables.text.common_words


def _short_name_ok(doc: PlaceDoc, m: NameMatch, town_short_forms: bool) -> bool:
    """A short form: backed by its full name or an ancestor, and a word of its own."""
    t = doc.tables
    full_present = any(doc.gazetteer.place(u).name in doc.present for u in m.uids[:50])
    nxt = doc.text[m.end : m.end + 1]
    if m.name in t.short_stop or m.name in t.generic:
        return full_present and _aligned(doc, m)
    if m.rank <= RANK["city"]:
        if _aligned(doc, m) or doc.supported(m.uids) or nxt and nxt in t.city_type:
            return True
        return m.start in doc.tok_starts and nxt == "委"
    common = m.name in t.text.common_words
    if m.rank == RANK["county"]:
        # pkuseg often glues the short form to the next word (巧家风力)
        backed = full_present or doc.supported(m.uids) and not common
        glued = m.start in doc.tok_starts or bool(nxt) and nxt in t.county_type
        return backed and (_aligned(doc, m) or glued)
    enumerated = nxt == "、" or doc.text[m.start - 1 : m.start] == "、"
    return (
        town_short_forms
        and _aligned(doc, m)
        and not common
        and (full_present or doc.supported(m.uids) and enumerated)
    )


def name_match(doc: PlaceDoc, start: int, end: int, kind: str, rank: int) -> NameMatch:
    name = doc.text[start:end]
    gaz = doc.gazetteer
    uids = gaz.full_name_uids(name) if kind == "full" else gaz.short_name_uids(name)
    # 凉山州, 威宁县: the usual name of an autonomous division counts as a full name
    plain = kind == "short" and len(name) >= 3 and name[-1] in doc.tables.autonomous_plain
    return NameMatch(start, end, name, kind == "full" or plain, rank, uids)


def gazetteer_name_ok(doc: PlaceDoc, m: NameMatch, options: PlaceOptions) -> bool:
    if doc.text[m.end : m.end + 1] == "族":
        return False  # 朝鲜族, 蒙古族: a people, not the country
    return _full_name_ok(doc, m) if m.full else _short_name_ok(doc, m, options.town_short_forms)


# -- villages ------------------------------------------------------------------------------


def _village_before(
    doc: PlaceDoc, head: re.Match[str], ends_at: set[int], present: set[str], needs_support: bool
) -> int | None:
    """Start of the listed village whose name ends in ``head`` (沙坝村), or None."""
    text, t, gaz = doc.text, doc.tables, doc.gazetteer
    end = head.end()
    for length in range(7, end - head.start() + 1, -1):
        start = end - length
        if start < 0:
            continue
        name = text[start:end]
        bare = name[: head.start() - start]
        if not all(t.text.is_name_char(c) for c in name):
            continue
        if bare in t.generic or bare[:1] in t.generic and len(bare) <= 2:
            continue
        uids = [u for u in gaz.full_name_uids(name) if gaz.rank(u) == RANK["village"]]
        chained = start in ends_at
        if not uids or not chained and start not in doc.tok_starts:
            continue
        # 幸福社区 is not backed by a 幸福镇 it names itself
        if chained or doc.supported(uids, present - {bare, name}, top=200):
            return start
        if not needs_support and start in doc.tok_starts:
            return start
    return None


def _bare_village_forms(doc: PlaceDoc, bare: str) -> Spans:
    """The short form of a village (沙坝 for 沙坝村) wherever it stands alone."""
    if len(bare) < 2:
        return []
    found = []
    for b in re.finditer(re.escape(bare), doc.text):
        nxt = doc.text[b.end() : b.end() + 2]
        if b.start() in doc.tok_starts and not nxt.startswith(doc.tables.village_suffixes):
            found.append((b.start(), b.end()))
    return found


def _villages(doc: PlaceDoc, chosen: list[tuple[int, int, int]], needs_support: bool) -> Spans:
    """Villages and communities the gazetteer lists, after their town or backed by the text."""
    ends_at = {e for _, e, _ in chosen}
    covered = {i for s, e, _ in chosen for i in range(s, e)}
    present = set(doc.present)
    found: Spans = []
    for head in doc.tables.village_heads.finditer(doc.text):
        if head.start() in covered:
            continue
        start = _village_before(doc, head, ends_at, present, needs_support)
        if start is not None:
            found.append((start, head.end()))
            present.add(doc.text[start : head.end()])
            found += _bare_village_forms(doc, doc.text[start : head.start()])
    return found


# -- named areas ---------------------------------------------------------------------------


def _led_village(doc: PlaceDoc, start: int, end: int, bare: str) -> bool:
    """Whether an unlisted village follows a lead word (在保工社区，) and is no common word."""
    t, text = doc.tables, doc.text
    if not any(text.endswith(w, 0, start) for w in t.village_leads):
        return False
    if bare in t.text.common_words:
        return False
    nxt = text[end : end + 3]
    return nxt[:1] in "，,。；;、" or nxt.startswith(t.village_bodies)


def area_word_blocked(doc: PlaceDoc, bare: str, suffix: str) -> bool:
    """Whether ``bare`` is a generic or common word, not a name (a river before 流域 may be)."""
    t = doc.tables
    river = bare[-1] in t.water and suffix == "流域"
    return bare in t.generic or bare[:1] in t.generic or (bare in t.text.common_words and not river)


def _area_start(
    doc: PlaceDoc,
    head: re.Match[str],
    locality: tuple[str, re.Pattern[str], str],
    ends_at: set[int],
    low: dict[int, int],
) -> int | None:
    """Start of the name before the head word ``head`` (红光 of 红光安置区), or None.

    A name after a place chains to it; ``low`` maps the end of a town or village
    span to its rank: a village does not chain after a village
    (大火地村担任驻村), nor a town after a town.
    """
    suffix, pattern, level = locality
    text = doc.text
    for length in range(2, 7):
        start = head.start() - length
        if start < 0 or not doc.tables.text.is_name_char(text[start]):
            return None
        chained = start in ends_at
        if chained and level in ("village", "town"):
            chained = low.get(start, RANK["county"]) < RANK[level]
        if not (start in doc.tok_starts or chained):
            continue
        bare = text[start : head.start()]
        number = doc.tables.numbered.search(bare)
        word_end = head.start() - (len(number.group()) if number else 0)
        if not chained and any(i in doc.tok_starts for i in range(start + 1, word_end)):
            return None  # the name is one word (红光, 同心四), not a phrase (民警陪)
        if not pattern.fullmatch(bare):
            continue
        if area_word_blocked(doc, bare, suffix):
            return None
        if level in ("village", "town") and not chained:
            led = level == "village" and _led_village(doc, start, head.end(), bare)
            return start if led else None
        return start
    return None


def _named_areas(doc: PlaceDoc, spans: Spans, low: dict[int, int]) -> Spans:
    """Places named by a head word (红光安置区, 赤水河流域): the word before names them."""
    ends_at = {e for _, e in spans}
    found: Spans = []
    taken = set(spans)
    for locality in doc.tables.locality_patterns:
        for head in re.finditer(re.escape(locality[0]), doc.text):
            if any(s <= head.start() and head.end() <= e for s, e in taken):
                continue
            start = _area_start(doc, head, locality, ends_at, low)
            if start is not None:
                found.append((start, head.end()))
                taken.add((start, head.end()))
    return found


def repeats(text: str, spans: Spans) -> Spans:
    """Other occurrences of names found where context supported them.

    A village or community accepted after its town (…街道万佳社区) is the same
    place when the text names it again on its own (万佳社区被评为…).
    """
    taken = list(spans)
    out: Spans = []
    for name in sorted({text[s:e] for s, e in spans if e - s >= 3}):
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if not any(s < end and pos < e for s, e in taken):
                out.append((pos, end))
                taken.append((pos, end))
            pos = text.find(name, end)
    return out


# -- the component -----------------------------------------------------------------------


def find_places(doc: PlaceDoc, options: PlaceOptions) -> Spans:
    """The places in ``doc``: gazetteer names, then villages and named areas."""
    accepted = []
    for start, end, (kind, rank) in doc.matches:
        m = name_match(doc, start, end, kind, rank)
        if gazetteer_name_ok(doc, m, options):
            accepted.append((start, end, rank))
    chosen = longest_first(accepted)
    spans = [(s, e) for s, e, _ in chosen]
    villages = _villages(doc, chosen, options.village_needs_support)
    spans += villages
    low = {e: r for _, e, r in chosen if r >= RANK["town"]}
    low.update({e: RANK["village"] for _, e in villages})
    spans += _named_areas(doc, spans, low)
    spans += repeats(doc.text, spans)
    return sorted(set(spans))


class PlaceRecognizer(SpanRecognizer[PlaceTables, PlaceOptions]):
    """Adds PLACE spans: gazetteer names, name chains, villages and named areas."""

    tables_type = PlaceTables
    label = "PLACE"

    _lookup: PlaceLookup | None = None  # the gazetteer's names, set with the tables

    def use_tables(self, tables: PlaceTables, gazetteer: Gazetteer | None = None) -> None:
        """Hold ``tables`` and the lookup of ``gazetteer`` (the shared one by default)."""
        super().use_tables(tables)
        gazetteer = gazetteer or Gazetteer.load()
        self._lookup = PlaceLookup.build(gazetteer, tables.town_endings)

    def context(self, doc: Doc) -> PlaceDoc:
        """What the rules read of ``doc``: its tokens and the gazetteer names in it."""
        tables, lookup = self.tables, self._lookup
        if lookup is None:
            raise not_initialised(self.name)
        text = doc.text
        tok_starts, tok_ends = token_bounds(doc)
        raw = matches(lookup.names, text)
        present = frozenset(
            text[s:e]
            for s, e, (kind, rank) in raw
            if s in tok_starts
            and e in tok_ends
            or kind == "full"
            and rank <= RANK["county"]
            and e - s >= 3
        )
        return PlaceDoc(text, tok_starts, tok_ends, tables, lookup.gazetteer, raw, present)

    def find(self, doc: Doc) -> Spans:
        """Character spans of the places in ``doc``."""
        return find_places(self.context(doc), self.options)


@Language.factory(
    "kg_places",
    assigns=["doc.spans"],
    default_config={"town_short_forms": True, "village_needs_support": True},
)
def make_place_recognizer(
    nlp: Language, name: str, town_short_forms: bool, village_needs_support: bool
) -> PlaceRecognizer:
    """Build the place recogniser from its config; ``initialize`` gives it its tables."""
    options = PlaceOptions(town_short_forms, village_needs_support)
    return PlaceRecognizer(nlp, name, options=options)
