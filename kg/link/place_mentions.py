"""Place mentions to places, and where each place lies.

A mention is resolved by the gazetteer (or as a short form of a place the
page names in full, or as a named locality: 楠溪江, 粤港澳); a bare short name
of a town or village is kept only when the page supports it. Parents come
from the gazetteer, then from the text: a name chain (``鲁甸县龙头山镇``), an
anaphor (``该镇红星村``), ``X位于Y``, the place that opens a locality's own name
(宁波港), the higher-level place named before it in its sentence, and for a
locality that lies in one division, the place its article is about.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections import Counter

from kg.lexicon import tables
from kg.link.bare import BARE_LEVELS
from kg.link.names import clean_surface, place_level
from kg.link.places import UNNAMED_SHORT, PlaceInfo, locality_head, region_of
from kg.link.scope import article_scope
from kg.link.spans import SENTENCE_END, Key
from kg.link.state import PageLinking
from kg.model import Mention

logger = logging.getLogger(__name__)

# 该镇朝阳村: 该 + a level word refers to the last place of that level
PLACE_ANAPHORS = tuple(
    a.anaphor.removeprefix("该") for a in tables.anaphors() if a.label == "PLACE"
)
ANAPHOR = re.compile("该(" + "|".join(map(re.escape, PLACE_ANAPHORS)) + ")$")
CHAIN_REACH = 12  # characters before a mention a name chain's parent may take
LOCATED_AT = tables.words("places/words.csv", "located_at")  # 石龙村位于南岸镇
SCOPE_LEVELS = ("city", "county")  # the divisions a locality lies in when the text names none
# An article naming up to CONTEXT_PLACES surfaces gives every one as context (its
# nearest mention found by bisection); beyond that, the walk outward from a
# mention stops after CONTEXT_MENTIONS mentions. Both bounds exceed what real
# articles name and keep a page of one name repeated linear.
CONTEXT_PLACES = 128
CONTEXT_MENTIONS = 500


def link_places(run: PageLinking) -> None:
    """Link every place mention, then give places the parents the text names."""
    place_ms = run.labelled("PLACE")
    # Full names and named localities first, so short forms can find them.
    ordered = sorted(
        place_ms,
        key=lambda m: (
            place_level(clean_surface(m.text)) is None,
            locality_head(clean_surface(m.text)) is None,
            m.start,
        ),
    )
    named = named_places(run)
    nearby = PlacesNearby(run, place_ms)
    for m in ordered:
        surface = clean_surface(m.text)
        info = run.places.resolve(surface, nearby.of(m))
        before = text_parent(run, m)
        info = landmark_or_division(run, surface, info, before)
        if not plausible_short(run, surface, info, named | ({before} if before else set())):
            logger.debug("%s: short place %r -> %s unsupported by the page; dropped",
                         run.page.meta.source, surface, info.canonical)  # fmt: skip
            continue
        run.links.append((m, run.places.add(info, surface)))
    parents_from_chains(run)
    parents_from_names(run)
    parents_from_sentences(run)
    parents_from_scope(run)
    regions_of_provinces(run)


def landmark_or_division(
    run: PageLinking, surface: str, info: PlaceInfo, before: str | None
) -> PlaceInfo:
    """A town or village named after a landmark (普陀山镇, 人民广场街道) is meant by the
    landmark's name only where its county is printed right before it (普陀区普陀山);
    otherwise the name is the landmark's."""
    if info.level not in ("town", "village") or surface == info.canonical:
        return info
    if before is not None and before == info.parent or locality_head(surface) is None:
        return info
    return run.places.locality(surface) or info


def named_places(run: PageLinking) -> set[str]:
    """Places the page names in full (with their type suffix), also inside organ names."""
    named: set[str] = set()
    for m in run.mentions:
        surface = clean_surface(m.text)
        if m.label == "PLACE" and place_level(surface):
            place = run.places.gaz.resolve(surface, context=[])
            named.add(place.name if place is not None else surface)
        elif m.label == "ORG":
            named.update(c for _, _, c in run.places.prefix(surface))
    return named


def plausible_short(run: PageLinking, surface: str, info: PlaceInfo, named: set[str]) -> bool:
    """A bare short name of a town or village needs its county named on the page."""
    if place_level(surface):
        return True
    if info.level is None and info.code is None and info.parent is None:
        # unresolved: keep only names the gazetteer does not know as towns or villages
        cands = run.places.gaz.candidates(surface)
        return not cands or any(c.level not in ("town", "village") for c in cands)
    if info.level not in ("town", "village", "community"):
        return True
    if info.canonical in named:
        return True
    chain = info.ancestors or tuple(run.places.chain_of(info.parent) if info.parent else ())
    return any(p in named for p in chain)


class PlacesNearby:
    """The places named near a mention in its article, nearest first (ties by name).

    A mention's place is its surface read through the page's forms at the
    time of asking: forms grow as places are linked (a short form comes to
    stand for the full name the page gave).
    """

    def __init__(self, run: PageLinking, place_ms: list[Mention]) -> None:
        self._forms = run.places.forms
        self._articles: dict[int, _ArticlePlaces] = {}
        for m in place_ms:  # in reading order
            self._articles.setdefault(m.article, _ArticlePlaces()).add(m)

    def of(self, m: Mention) -> list[str]:
        """Names of the places around ``m`` in its article, nearest first, ``m`` left out."""
        places = self._articles.get(m.article)
        if places is None:
            return []
        near = places.walk(m) if len(places.at) > CONTEXT_PLACES else places.nearest(m)
        best: dict[str, int] = {}
        for dist, surface in near:
            name = self._forms.get(surface, surface)
            best[name] = min(dist, best.get(name, dist))
        return sorted(best, key=lambda name: (best[name], name))


class _ArticlePlaces:
    """An article's place mentions in reading order, and where each surface occurs."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.mentions: list[Mention] = []
        self.at: dict[str, list[int]] = {}  # surface -> starts of its mentions

    def add(self, m: Mention) -> None:
        self.starts.append(m.start)
        self.mentions.append(m)
        self.at.setdefault(clean_surface(m.text), []).append(m.start)

    def nearest(self, m: Mention) -> list[tuple[int, str]]:
        """Each surface with the distance of its nearest mention other than ``m``."""
        own = clean_surface(m.text)
        out = []
        for surface, starts in self.at.items():
            i = bisect_left(starts, m.start)
            dists = [abs(starts[k] - m.start) for k in range(i - 1, i + 3) if 0 <= k < len(starts)]
            if surface == own:
                dists.remove(0)  # m itself
            if dists:
                out.append((min(dists), surface))
        return out

    def walk(self, m: Mention) -> list[tuple[int, str]]:
        """The surfaces of the ``CONTEXT_MENTIONS`` place mentions nearest ``m``."""
        left = bisect_left(self.starts, m.start) - 1
        right = left + 1
        near: list[tuple[int, str]] = []
        while (left >= 0 or right < len(self.starts)) and len(near) < CONTEXT_MENTIONS:
            go_left = right >= len(self.starts) or (
                left >= 0 and m.start - self.starts[left] <= self.starts[right] - m.start
            )
            k = left if go_left else right
            left, right = (left - 1, right) if go_left else (left, right + 1)
            if self.mentions[k] is not m:
                near.append((abs(self.starts[k] - m.start), clean_surface(self.mentions[k].text)))
        return near


def parents_from_chains(run: PageLinking) -> None:
    """Name chains in the text (永善县红光安置区, 该镇红星村, 石龙村位于南岸镇) give parents
    the gazetteer lacks."""
    for m, key in list(run.links):
        if key[0] != "PLACE":
            continue
        chained = located_parent(run, m) or text_parent(run, m)
        parent = chained or anaphor_parent(run, m)
        info = run.places.known[key[1]]
        if parent is not None and parent != info.canonical:
            _place_under(run, key, parent, by_chain=chained is not None)


def _place_under(run: PageLinking, key: Key, parent: str, *, by_chain: bool) -> None:
    """Put the place ``key`` under ``parent`` the text names before it, where that fits."""
    places = run.places
    info = places.known[key[1]]
    plevel = places.known[parent].level if parent in places.known else place_level(parent)
    if plevel in UNNAMED_SHORT and info.level not in UNNAMED_SHORT:
        if parent not in places.areas[key]:
            places.areas[key].append(parent)
    elif tables.rank(plevel) >= tables.rank(info.level):
        return
    elif info.parent is None:
        info.parent, info.parent_source = parent, "text"
    elif by_chain and parent not in places.chain_of(info.parent):
        # the text's own chain (X县Y镇Z村) beats a namesake the gazetteer
        # found elsewhere; the namesake's code is not this place's
        info.parent, info.code, info.parent_source = parent, None, "text"
    elif parent == info.parent:
        info.parent_source = "text"  # the gazetteer's parent, and a sentence states it too


def located_parent(run: PageLinking, m: Mention) -> str | None:
    """The place ``X位于Y`` puts ``m`` in: the last of the places named one after another."""
    text = run.page.text
    word = next((w for w in LOCATED_AT if text.startswith(w, m.end)), None)
    if word is None:
        return None
    at = m.end + len(word)
    starts = {o.start: (o, k) for o, k in run.links if k[0] == "PLACE" and o.article == m.article}
    found = None
    while at in starts:
        o, k = starts[at]
        found, at = k[1], o.end
    return found


def parents_from_names(run: PageLinking) -> None:
    """A locality whose own name opens with a place (宁波港, 昆山开发区) lies in it."""
    for canonical, info in sorted(run.places.known.items()):
        head = locality_head(canonical)
        if info.parent is not None or head is None or not head.own_place:
            continue
        chain = [c for _, _, c in run.places.prefix(canonical[: -len(head.head)])]
        if chain:
            info.parent, info.parent_source = chain[-1], "name"


def parents_from_scope(run: PageLinking) -> None:
    """A locality that lies in one division, with no place named for it, lies in the place
    its article is about, else in the county or city the article names most."""
    scopes: dict[int, list[str]] = {}
    for m, key in list(run.links):
        info = run.places.known.get(key[1]) if key[0] == "PLACE" else None
        head = locality_head(key[1])
        if info is None or info.parent is not None or head is None or not head.local:
            continue
        art = run.articles.get(m.article)
        if art is None:
            continue
        if m.article not in scopes:
            about = article_scope(run, art)[0]
            scopes[m.article] = [p for p in (about, most_named(run, m.article)) if p]
        rank = tables.rank(info.level)
        for place in scopes[m.article]:
            if place != key[1] and tables.rank(run.places.level_of(place)) < rank:
                info.parent, info.parent_source = place, "article"
                break


def most_named(run: PageLinking, article: int) -> str | None:
    """The county or city an article names most often (the lower level on a tie)."""
    counts: Counter[str] = Counter(
        k[1]
        for o, k in run.links
        if k[0] == "PLACE" and o.article == article and run.places.level(k[1]) in SCOPE_LEVELS
    )
    if not counts:
        return None
    return max(sorted(counts), key=lambda p: (counts[p], tables.rank(run.places.level(p))))


def regions_of_provinces(run: PageLinking) -> None:
    """A province whose abbreviation names a region on the page (粤港澳) lies in it."""
    for key in sorted(k for k in run.entities if k[0] == "PLACE"):
        provinces = region_of(key[1])
        if len(provinces) < 2:
            continue
        for province in provinces:
            member = ("PLACE", province)
            if member in run.entities and key[1] not in run.places.areas[member]:
                run.places.areas[member].append(key[1])


def text_parent(run: PageLinking, m: Mention) -> str | None:
    """A place named right before ``m`` in the text (鲁甸县龙头山镇 -> 鲁甸县)."""
    text = run.page.text
    for k in range(min(CHAIN_REACH, m.start), 1, -1):
        piece = text[m.start - k : m.start]
        if piece in run.places.forms:
            return run.places.forms[piece]
    return None


def anaphor_parent(run: PageLinking, m: Mention) -> str | None:
    """The place 该镇/该县/… right before ``m`` refers to: the last of that level."""
    hit = ANAPHOR.search(run.page.text[max(0, m.start - 4) : m.start])
    if hit is None:
        return None
    word = hit.group(1)
    lvl = BARE_LEVELS[word]
    before = max(0, m.start - 4) + hit.start()
    found = [
        k[1]
        for o, k in run.links
        if k[0] == "PLACE" and o.article == m.article and o.end <= before
        and k[1] in run.places.known and run.places.known[k[1]].level == lvl
    ]  # fmt: skip
    # 该乡 is the last 乡 even after a 镇 of the same level
    same = [c for c in found if c.endswith(word)]
    pick = same or found
    return pick[-1] if pick else None


def parents_from_sentences(run: PageLinking) -> None:
    """A place the gazetteer lacks lies in the place named before it in its sentence
    (not a locality that may cross divisions: a river, a highway)."""
    for m, key in list(run.links):
        found = run.places.known.get(key[1]) if key[0] == "PLACE" else None
        if found is None or found.parent is not None or found.level in ("country", "natural"):
            continue
        head = locality_head(key[1])
        if head is not None and not head.local:
            continue
        parent = enclosing_place(run, m, found)
        if parent is not None and not _may_lie_in(run, key[1], parent):
            continue
        if parent is not None:
            found.parent, found.parent_source = parent, "text"


def _may_lie_in(run: PageLinking, name: str, parent: str) -> bool:
    """Whether a division the gazetteer knows by ``name`` may lie in ``parent``: not when
    every place of that name lies elsewhere (宝山区 named after 苏州 lies in 上海 or 双鸭山)."""
    places = run.places.gaz.candidates(name)
    return not places or any(
        parent in (p.name for p in run.places.gaz.chain(place)) for place in places
    )


def enclosing_place(run: PageLinking, m: Mention, info: PlaceInfo) -> str | None:
    """The nearest higher-level place named before ``m`` in its sentence, else none."""
    text = run.page.text
    lo = m.start
    while lo > 0 and text[lo - 1] not in SENTENCE_END:
        lo -= 1
    best = None
    for o, k in run.links:
        if k[0] != "PLACE" or not (lo <= o.start < m.start) or k[1] == info.canonical:
            continue
        other = run.places.known.get(k[1])
        if other is not None and tables.rank(other.level) < tables.rank(info.level):
            best = k[1]
    return best
