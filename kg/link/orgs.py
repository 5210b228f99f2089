"""Organ mentions to canonical organs.

An organ's canonical name is the full official form with its place
resolved (GUIDELINES "Canonical names"): a bare level word is replaced by the
place it stands for (``市政府`` → ``昭通市人民政府``), short forms are written
in full by the organ table (:mod:`kg.link.organ_index`: 法院 of a city is its
中级人民法院), frames name the congress and CPPCC (``市政协`` →
``中国人民政治协商会议X市委员会``) while party committees stay ``<place>委``,
a district's bodies carry their city (``上海市宝山区人民政府``), a party
department sits under its committee (``区政法委`` → ``宝山区委政法委员会``),
and a standard organ printed alone is the article's own. A misprint is
corrected to the standard agency of the same place, and a nested agency
(``人社局就业局``) is named by the inner one, noted as a unit of the outer.
A bare sub-unit (``党组``) or internal division (``律师工作处``) belongs to
the organ named before it; the items of a list share its place.
"""

from __future__ import annotations

import heapq

from kg.lexicon import tables
from kg.link.bare import BARE_LEVELS, NEAREST_LEVELS, bare_word, still_meant, with_place
from kg.link.lexicon import load_tables
from kg.link.names import (
    clean_surface,
    fix_misprint,
    nested_outer,
    org_kind,
    printed_prefix,
    sub_unit,
    with_publisher,
    without_term,
)
from kg.link.organ_index import article_year, organ_index
from kg.link.places import PagePlaces
from kg.link.spans import paragraph_start
from kg.link.state import PageLinking
from kg.model import Mention

CENTRAL_PARTY = tables.words("organs/words.csv", "central_party")
CENTRAL_PARTY_NAME = "中共中央"
COMMITTEE_CHAR = "委"  # a place then 委 is its party committee (宝山区委)
DISTRICT = "区"  # the type suffix of a city's district (宝山区)
PARTY_KIND = "party"
COUNTY, CENTRAL, COMMUNITY, TOWN = "county", "central", "community", "town"
LIST_MARKS = tables.words("organs/words.csv", "list_mark")
# heads of an organ's internal divisions (处, 工作处)
DIVISIONS = tuple(
    r["head"] for r in tables.load_table("organs/heads.csv").records("head", "needs")
    if r["needs"] == "division"
)  # fmt: skip
UNITS = tuple(sorted(tables.words("organs/units.csv", "attach"), key=len, reverse=True))
HEAD_CHARS = 2  # items of one list end with the same head noun (集团)
# the levels a standard organ printed without its place is looked for at, lowest first
NAMED_LEVELS = ("community", "town", "county", "city", "province")


class OrgNamer:
    """Canonical organ names on one page, and what naming them showed on the way."""

    def __init__(self, places: PagePlaces) -> None:
        self.places = places
        self.index = organ_index()
        self.nested: dict[str, str] = {}  # inner agency -> the agency it is a unit of
        self.nested_printed: dict[str, str] = {}  # outer agency -> its form in the nested name
        self.bare_forms: dict[str, str] = {}  # place -> bare word standing for it (市, 县)

    def canonical(self, surface: str, levels: dict[str, str], *, year: int | None = None) -> str:
        """The canonical name of an organ printed as ``surface``.

        Args:
            surface: the organ as printed, without white space.
            levels: level -> the place a bare level word stands for here.
            year: the article's year, for organs renamed over time.
        """
        if surface in CENTRAL_PARTY:
            return CENTRAL_PARTY_NAME
        s = self.with_bare_place(without_term(surface), levels)
        framed = self.index.frame(s, self.is_place)
        if framed is not None:
            frame, rest = framed
            head = frame.canonical
            if frame.full:  # 中国人民政治协商会议上海市宝山区委员会; a party committee: 宝山区委
                head = head.replace(frame.place, self.with_city(frame.place), 1)
            return head + self.index.expand(rest, self.level(frame.place), year) if rest else head
        chain = self.places.prefix(s)
        end = chain[-1][1] if chain else 0
        # The place stays as printed (昭通日报社, not 昭通市日报社).
        head, core = s[:end], s[end:]
        level = self.level(chain[-1][2]) if chain else None
        if not head:
            home, _ = self.home_of(core, levels, year)
            if home and self.places.prefix_end(home + core) == len(home):
                # named as if printed with its place (政协 → 中国人民政治协商会议…委员会)
                return self.canonical(home + core, levels, year=year)
        if not head and (word := bare_word(core)) is not None:
            head, core = word, core[len(word) :]  # a bare 市 no place is known for stays
        full = self.index.expand(core, level, year)
        if full.startswith(COMMITTEE_CHAR) or not full:
            return head + full
        fixed = fix_misprint(full)
        outer = nested_outer(full)
        if outer is not None:
            self.note_nested(surface, head, outer, fixed)
        if head and self.index.under_committee(fixed) and not head.endswith(COMMITTEE_CHAR):
            return head + COMMITTEE_CHAR + fixed  # 区政法委 is the 区委's 政法委员会
        if head and org_kind(head + fixed) != PARTY_KIND:
            head = self.with_city(head)
        return with_publisher(head + fixed)

    def is_place(self, name: str) -> bool:
        """Whether ``name`` is one or more places, one after another (宝山区, 上海市宝山区)."""
        return self.places.prefix_end(name) == len(name) or bool(self.places.gaz.candidates(name))

    def level(self, place: str) -> str | None:
        """The level of the last place of a chain."""
        chain = self.places.prefix(place)
        return self.places.level_of(chain[-1][2]) if chain else self.places.level_of(place)

    def with_city(self, head: str) -> str:
        """``head`` as an official name writes it: a district with its city (宝山区 →
        上海市宝山区), a community with its street (黉门街社区 → 玉林街道黉门街社区).

        The official names of a city district's bodies carry the city (上海市宝山区人民政府),
        those of a community's its 街道 (…街道…社区居民委员会).
        """
        chain = self.places.prefix(head)
        if len(chain) != 1 or chain[-1][1] != len(head):
            return head
        last = chain[-1][2]
        level = self.places.level_of(last)
        if level == COMMUNITY:
            parents = self.places.chain_of(last)
            town = parents[1] if len(parents) > 1 else None
            return town + head if town and self.places.level_of(town) == TOWN else head
        if not last.endswith(DISTRICT) or level != COUNTY:
            return head
        city = self.city_of(last)
        return city + head if city is not None else head

    def city_of(self, district: str) -> str | None:
        """The city a district belongs to: the gazetteer's, the one the page names first."""
        parents = [p.parent for p in self.places.gaz.candidates(district) if p.parent]
        if not parents:
            return None
        named = [p for p in parents if p in self.places.known]
        return named[0] if named else parents[0]

    def home_of(
        self, core: str, levels: dict[str, str], year: int | None
    ) -> tuple[str, str | None]:
        """The place a standard organ printed without one belongs to (住建委: the article's city)."""
        full = self.index.expand(core, None, year)
        own = self.index.levels_of(full)
        if not own or CENTRAL in own:
            return "", None
        for lvl in NAMED_LEVELS:
            if lvl in own and levels.get(lvl):
                return levels[lvl], lvl
        return "", None

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
    years = {
        idx: article_year(run.page.text[art.start : art.end]) for idx, art in run.articles.items()
    }
    before: tuple[int, str] | None = None  # where the last organ ended, its canonical name
    shared = shared_units(run)
    preceding = PrecedingLevels(run)
    for m in sorted(run.labelled("ORG"), key=lambda m: m.start):
        surface = clean_surface(m.text)
        levels = {**levels_of.get(m.article, {}), **preceding.at(m.start, m.article)}
        if surface in sub_units and m.article in last_org:
            canonical = last_org[m.article] + surface
        else:
            year = years.get(m.article) if m.article is not None else None
            canonical = namer.canonical(surface, levels, year=year)
        canonical = organ_index().unit_in_full(canonical + shared.get(m.start, ""))
        division = m.article in last_org and is_bare_division(run, surface, canonical)
        if division:
            canonical = last_org[m.article] + canonical  # 律师工作处 of the bureau named before
        elif before is not None and run.page.text[before[0] : m.start] in LIST_MARKS:
            place = listed_place(run.places, before[1], surface)
            if place:
                year = years.get(m.article) if m.article is not None else None
                canonical = namer.canonical(place + surface, levels, year=year)
        if not division and not any(canonical.endswith(s) for s in sub_units):
            last_org[m.article] = canonical
        before = (m.end, canonical)
        run.links.append((m, run.add_org(canonical, surface)))


def shared_units(run: PageLinking) -> dict[int, str]:
    """Divisions listed before one printed with its party unit share that unit.

    律师工作处、公证工作处及法律援助处支部: each division's 支部 is meant.
    Returns: the start of each such mention -> the unit to add.
    """
    orgs = sorted(run.labelled("ORG"), key=lambda m: m.start)
    out: dict[int, str] = {}
    group: list[Mention] = []
    for m in [*orgs, None]:
        if m is not None and group and run.page.text[group[-1].end : m.start] in LIST_MARKS:
            group.append(m)
            continue
        last = clean_surface(group[-1].text) if group else ""
        unit = next((u for u in UNITS if last.endswith(u)), "")
        if unit and last[: len(last) - len(unit)].endswith(DIVISIONS):
            for g in group[:-1]:
                if clean_surface(g.text).endswith(DIVISIONS):
                    out[g.start] = unit
        group = [m] if m is not None else []
    return out


def is_bare_division(run: PageLinking, surface: str, canonical: str) -> bool:
    """Whether an organ is an internal division printed without its organ (律师工作处).

    It belongs to the organ named before it, unless the page prints it with
    its organ elsewhere (市残联教育就业处 … 教育就业处: the merge names it).
    """
    if run.places.prefix_end(canonical):
        return False
    unit = next((u for u in UNITS if canonical.endswith(u)), "")
    if not canonical[: len(canonical) - len(unit)].endswith(DIVISIONS):
        return False
    return not any(
        m.text != surface and clean_surface(m.text).endswith(surface) for m in run.labelled("ORG")
    )


def listed_place(places: PagePlaces, first: str, item: str) -> str:
    """The place an item of a list of organs takes from the organ before it, or ``""``.

    市城投集团、公用集团: 公用集团 is 温州市's as 温州市城投集团 is; 区政法委、发改委、房地局:
    standard organs listed after a district's are the district's. The item names
    no place of its own, and shares the head of the one before or is a standard organ.
    """
    cut = places.prefix_end(first)
    if not cut or places.prefix_end(item) or bare_word(item) is not None:
        return ""
    if first[-HEAD_CHARS:] != item[-HEAD_CHARS:] and not organ_index().is_organ(item):
        return ""
    return first[:cut]


class PrecedingLevels:
    """The last town, community and village linked before a position in its article.

    "Last" is in the order the places were linked; a community or village counts
    only in its own paragraph (:func:`kg.link.bare.still_meant`). Asked at
    positions that never go back within an article, it reads each place once.
    """

    def __init__(self, run: PageLinking) -> None:
        self._text = run.page.text
        self._waiting: dict[int | None, list[tuple[int, int, int, str, str]]] = {}
        for order, (o, k) in enumerate(run.links):
            lvl = run.places.level(k[1]) if k[0] == "PLACE" else None
            if lvl in NEAREST_LEVELS:
                self._waiting.setdefault(o.article, []).append((o.end, order, o.start, lvl, k[1]))
        for places in self._waiting.values():
            places.sort(reverse=True)  # the next to read last
        # per article and level: a heap of (-order, start, name), the last linked on top
        self._read: dict[tuple[int | None, str], list[tuple[int, int, str]]] = {}
        self._asked: dict[int | None, int] = {}

    def at(self, pos: int, article: int | None) -> dict[str, str]:
        """The places of each level named before ``pos`` in ``article`` that a bare word may mean."""
        if pos < self._asked.get(article, pos):
            raise ValueError("PrecedingLevels is asked in reading order")
        self._asked[article] = pos
        waiting = self._waiting.get(article, [])
        while waiting and waiting[-1][0] <= pos:
            _, order, start, lvl, name = waiting.pop()
            heapq.heappush(self._read.setdefault((article, lvl), []), (-order, start, name))
        para = paragraph_start(self._text, pos)
        out: dict[str, str] = {}
        for lvl in NEAREST_LEVELS:
            heap = self._read.get((article, lvl), [])
            while heap and not still_meant(lvl, heap[0][1], para):
                heapq.heappop(heap)  # an earlier paragraph's: never meant again
            if heap:
                out[lvl] = heap[0][2]
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
