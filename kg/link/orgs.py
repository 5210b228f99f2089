"""Organ mentions to canonical organs.

An organ's canonical name is its place, then its full standard name: a
bare level word is replaced by the place it stands for (``市政府`` →
``昭通市人民政府``), abbreviations are expanded, a misprint is corrected to
the standard agency of the same place, and a nested agency
(``人社局就业局``) is named by the inner one, noted as a unit of the outer.
A bare sub-unit (``党组``) belongs to the organ named before it.
"""

from __future__ import annotations

from kg.lexicon import tables
from kg.link.bare import BARE_LEVELS, NEAREST_LEVELS, bare_word, still_meant, with_place
from kg.link.lexicon import load_tables
from kg.link.names import (
    clean_surface,
    expand_abbreviations,
    fix_misprint,
    nested_outer,
    printed_prefix,
    sub_unit,
)
from kg.link.places import PagePlaces
from kg.link.spans import paragraph_start
from kg.link.state import PageLinking

CENTRAL_PARTY = tables.words("organs/words.csv", "central_party")
CENTRAL_PARTY_NAME = "中共中央"


class OrgNamer:
    """Canonical organ names on one page, and what naming them showed on the way."""

    def __init__(self, places: PagePlaces) -> None:
        self.places = places
        self.nested: dict[str, str] = {}  # inner agency -> the agency it is a unit of
        self.nested_printed: dict[str, str] = {}  # outer agency -> its form in the nested name
        self.bare_forms: dict[str, str] = {}  # place -> bare word standing for it (市, 县)

    def canonical(self, surface: str, levels: dict[str, str]) -> str:
        """The canonical name of an organ printed as ``surface``.

        Args:
            surface: the organ as printed, without white space.
            levels: level -> the place a bare level word stands for here.
        """
        if surface in CENTRAL_PARTY:
            return CENTRAL_PARTY_NAME
        s = self.with_bare_place(surface, levels)
        chain = self.places.prefix(s)
        end = chain[-1][1] if chain else 0
        # The place stays as printed (昭通日报社, not 昭通市日报社).
        head = s[:end]
        level = self.places.level_of(chain[-1][2]) if chain else None
        core = expand_abbreviations(s[end:], level=level)
        if core.startswith("委") or not core:
            return head + core
        fixed = fix_misprint(core)
        outer = nested_outer(core)
        if outer is not None:
            self.note_nested(surface, head, outer, fixed)
        return head + fixed

    def with_bare_place(self, s: str, levels: dict[str, str]) -> str:
        """``s`` with a bare level word it opens with replaced by the place it stands for."""
        word = bare_word(s)
        if word is None or len(s) <= len(word) or not levels.get(BARE_LEVELS[word]):
            return s
        forms = self.places.forms
        if s in forms or any(s.startswith(f) for f in forms if len(f) > len(word)):
            return s  # it opens with a place the page names (市中区…), not a bare word
        place = levels[BARE_LEVELS[word]]
        # the bare word is how the page names the place (市 in 市政府)
        self.bare_forms.setdefault(place, word)
        return with_place(s, word, place)

    def note_nested(self, surface: str, head: str, outer: str, fixed: str) -> None:
        """人社局就业局党支部: the inner agency is a unit of the outer one."""
        inner = head + fixed[: len(fixed) - len(sub_unit(fixed))]
        self.nested[inner] = head + outer
        printed = printed_prefix(surface, outer)
        if printed:
            self.nested_printed[head + outer] = printed


def link_orgs(run: PageLinking, namer: OrgNamer, levels_of: dict[int, dict[str, str]]) -> None:
    """Link every organ mention; a bare sub-unit goes to the organ named before it."""
    sub_units = load_tables().sub_units
    last_org: dict[int, str] = {}
    for m in sorted(run.labelled("ORG"), key=lambda m: m.start):
        surface = clean_surface(m.text)
        levels = {**levels_of.get(m.article, {}), **preceding_levels(run, m.start, m.article)}
        if surface in sub_units and m.article in last_org:
            canonical = last_org[m.article] + surface
        else:
            canonical = namer.canonical(surface, levels)
        if not any(canonical.endswith(s) for s in sub_units):
            last_org[m.article] = canonical
        run.links.append((m, run.add_org(canonical, surface)))


def preceding_levels(run: PageLinking, pos: int, article: int | None) -> dict[str, str]:
    """The last town, community and village named before ``pos`` in its article."""
    para = paragraph_start(run.page.text, pos)
    out: dict[str, str] = {}
    for o, k in run.links:
        if k[0] != "PLACE" or o.article != article or o.end > pos:
            continue
        lvl = run.places.level(k[1])
        if lvl in NEAREST_LEVELS and still_meant(lvl, o.start, para):
            out[lvl] = k[1]
    return out


def org_places(run: PageLinking) -> None:
    """Make every place named inside an organ name an entity of its own."""
    for key in sorted(k for k in run.entities if k[0] == "ORG"):
        surfaces = sorted(run.entities[key].mentions)
        for _, _, canon in run.places.inside(key[1]):
            printed = [s for s in surfaces if canon in s]
            run.places.ensure(canon, canon if printed else None)
        for s in surfaces:
            for a, b, canon in run.places.inside(s):
                run.places.ensure(canon, s[a:b])
    for key in [k for k in run.entities if k[0] == "ORG"]:
        for prefix in run.places.prefix(key[1]):
            run.places.ensure(prefix[2], None)
