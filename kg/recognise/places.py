"""The place recogniser (``kg_places``): gazetteer names, villages and named localities.

Names are found on characters with an Aho-Corasick automaton of the
gazetteer's names down to towns; each rule below says when a match is a
place in running text (a full name or a short form); villages and areas
named by a head word such as 安置区 or 流域 are :mod:`kg.recognise.place_areas`,
localities named by a generic term after a name (楠溪江, 宁波港) are
:mod:`kg.recognise.localities`.

LAC's LOC words fill the gaps the rules leave, by the pipeline's merge
policy: one overlapping no place found is kept when the gazetteer knows it
or it names a region by province abbreviations.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.intervals import Intervals
from kg.lexicon.gazetteer import RANK, Gazetteer
from kg.recognise.component import SpanRecognizer, not_initialised
from kg.recognise.lac import words_of
from kg.recognise.localities import LocalityDoc, find_localities, named_regions
from kg.recognise.matching import longest_first
from kg.recognise.place_areas import area_word_blocked, named_areas, repeats, villages
from kg.recognise.place_doc import (
    NameMatch,
    PlaceDoc,
    PlaceLookup,
    PlaceOptions,
    PlaceTables,
    Spans,
)
from kg.recognise.spans import text_of, token_bounds

__all__ = [
    "PlaceOptions",
    "PlaceRecognizer",
    "PlaceTables",
    "area_word_blocked",
    "find_places",
    "gazetteer_name_ok",
    "name_match",
    "repeats",
]


# -- gazetteer names ---------------------------------------------------------------------


def _aligned(doc: PlaceDoc, m: NameMatch) -> bool:
    return m.start in doc.tok_starts and m.end in doc.tok_ends


def _foreign_name_ok(doc: PlaceDoc, m: NameMatch) -> bool:
    """A foreign country as LAC's place name (沿海地区 holds no 海地, 中非合作 is China and
    Africa); a city after its country (LAC's LOC tag is the gap fill's)."""
    if m.rank == RANK["country"]:
        tagged = (m.start, m.end) in doc.loc_words
        return len(m.name) >= 3 or tagged or m.start in doc.name_starts
    return doc.supported(m.uids) and m.start in doc.tok_starts


def _full_name_ok(doc: PlaceDoc, m: NameMatch) -> bool:
    """A full name: cities and up as they stand; counties and towns need context."""
    if m.uids and all(doc.gazetteer.foreign(u) for u in m.uids):
        return _foreign_name_ok(doc, m)
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
    common = m.name in t.text.common_words
    if m.rank <= RANK["city"]:
        # 大庆 (a grand celebration) is 大庆市 only where the text backs it; LAC's LOC tag is the gap fill's
        aligned = _aligned(doc, m) and (not common or (m.start, m.end) in doc.loc_words)
        if aligned or doc.supported(m.uids) or nxt and nxt in t.city_type:
            return True
        # an organisation's or a landmark's name opens with its city (大连万达集团)
        typed = bool(nxt) and nxt in t.city_type + t.county_type + t.autonomous_plain
        opens = m.start in doc.name_starts and not typed  # not 凉山 of 凉山州
        return opens or m.start in doc.tok_starts and nxt == "委"
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


# -- the component -----------------------------------------------------------------------


def settle_localities(
    doc: LocalityDoc, chosen: list[tuple[int, int, Any]], localities: Spans
) -> tuple[list[tuple[int, int, Any]], Spans]:
    """Gazetteer names and localities together: the gazetteer wins where they cross.

    A locality that is a gazetteer name (滨海新区) or crosses one is dropped; a
    gazetteer name inside a locality is kept only where it opens the name as a
    place of its own (宁波港, 昆山开发区), not as part of a name (南京路, 青海湖).
    """
    kept = [
        (ls, le)
        for ls, le in localities
        if not any(s < le and ls < e and not (ls <= s and e <= le and (s, e) != (ls, le))
                   for s, e, _ in chosen)
    ]  # fmt: skip
    out = []
    for s, e, rank in chosen:
        outer = next(((ls, le) for ls, le in kept if ls <= s and e <= le), None)
        if outer is not None:
            head = doc.tables.head_of(doc.text[outer[0] : outer[1]])
            full = doc.places.get((s, e), ("", 0))[0] == "full"
            opens = s == outer[0] and (full or head is not None and head.own_place)
            if not opens:
                continue
        out.append((s, e, rank))
    return out, kept


def lac_places(doc: PlaceDoc, localities: LocalityDoc, spans: Spans) -> Spans:
    """LAC's LOC words overlapping no place found: gazetteer names and named regions."""
    known = {(s, e): (kind, rank) for s, e, (kind, rank) in doc.matches}
    out: Spans = []
    taken = Intervals(spans)
    for s, e in sorted(doc.loc_words):
        if taken.overlapping(s, e):
            continue
        hit = known.get((s, e))
        if hit is not None and _tagged_name_ok(doc, name_match(doc, s, e, *hit)):
            out.append((s, e))
    taken = Intervals(spans + out)
    for s, e in named_regions(localities):
        if not taken.overlapping(s, e):
            out.append((s, e))
            taken.add((s, e))
    return out


def _tagged_name_ok(doc: PlaceDoc, m: NameMatch) -> bool:
    """A gazetteer name LAC tags LOC: as it stands, unless it is weak without backing.

    Weak: a two-character county's full name (和县 after 市), a town's short form, and a
    short form that is an ordinary word (惠民, 大庆), which need an ancestor nearby.
    """
    t = doc.tables
    if m.name in t.generic or doc.text[m.end : m.end + 1] == "族":
        return False
    if m.full:
        weak = m.rank >= RANK["county"] and len(m.name) < 3
    else:
        common = m.name in t.short_stop or m.name in t.text.common_words
        weak = m.rank >= RANK["town"] or m.rank == RANK["county"] and common
        weak = weak or m.name in t.short_stop
    return not weak or doc.supported(m.uids)


def find_places(doc: PlaceDoc, options: PlaceOptions) -> Spans:
    """The places in ``doc``: gazetteer names and localities, villages, named areas, LAC's."""
    accepted = []
    names: dict[tuple[int, int], tuple[str, int]] = {}  # accepted, and counties and up
    for start, end, (kind, rank) in doc.matches:
        m = name_match(doc, start, end, kind, rank)
        if gazetteer_name_ok(doc, m, options):
            accepted.append((start, end, rank))
        if rank <= RANK["county"] or accepted[-1:] == [(start, end, rank)]:
            names[start, end] = ("full" if m.full else "short", rank)
    localities_doc = doc.locality_doc(names)
    chosen, localities = settle_localities(
        localities_doc, longest_first(accepted), find_localities(localities_doc)
    )
    spans = [(s, e) for s, e, _ in chosen] + localities
    found_villages = villages(doc, chosen, localities, options.village_needs_support)
    spans += found_villages
    low = {e: r for _, e, r in chosen if r >= RANK["town"]}
    low.update({e: RANK["village"] for _, e in found_villages})
    spans += named_areas(doc, spans, low)
    spans += lac_places(doc, localities_doc, spans)
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
        text = text_of(doc)
        tok_starts, tok_ends = token_bounds(doc)
        raw = lookup.names.matches(text)
        words = words_of(doc)
        name_starts = frozenset(w.start for w in words if w.tag in ("ORG", "LOC"))
        present = frozenset(
            text[s:e]
            for s, e, (kind, rank) in raw
            if s in tok_starts
            and e in tok_ends
            or kind == "full"
            and rank <= RANK["county"]
            and e - s >= 3
            or s in name_starts  # 海南 of 海南三亚: a name opening LAC's name
            and rank <= RANK["city"]
        )
        return PlaceDoc(
            text,
            tok_starts,
            tok_ends,
            tables,
            lookup.gazetteer,
            raw,
            present,
            words,
            frozenset((w.start, w.end) for w in words if w.tag == "LOC"),
            name_starts,
        )

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
