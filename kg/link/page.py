"""Link the mentions of one page to canonical entities.

``link_page`` turns the mentions of one page into entities with canonical
names (GUIDELINES.md, "Canonical names"): places get their full name, level,
code and parent from the gazetteer (or from a name chain in the text), organs
get their place resolved and their abbreviations expanded, bare sub-units
(``党组``) are attached to the organ named before them. The cross-page
reduce step is ``kg.link.registry``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span

from kg.lexicon import tables
from kg.lexicon.gazetteer import Gazetteer, Place
from kg.model import Article, CleanPage, Credit, Entity, Mention

logger = logging.getLogger(__name__)

Key = tuple[str, str]

# Bare level words that stand for "the place the article is about" (市政府, 县公安局).
BARE_PREFIXES = tuple((w.word, w.level) for w in tables.place_words("bare"))
# levels a bare prefix resolves to the nearest place named before it (镇党委 -> 小草坝镇党委)
NEAREST_LEVELS = ("town", "community", "village")
# 该镇朝阳村: 该 + a level word refers to the last place of that level
PLACE_ANAPHORS = tuple(
    a.anaphor.removeprefix("该") for a in tables.anaphors() if a.label == "PLACE"
)
ANAPHOR = re.compile("该(" + "|".join(map(re.escape, PLACE_ANAPHORS)) + ")$")
CENTRAL_PARTY = tables.words("organs/words.csv", "central_party")
PSEUDONYM = re.compile(r"[（(]化名[)）]")
QUOTES = re.compile(r"[\"'“”‘’《》〈〉「」『』]")
NORM_DROP = re.compile(r"[\s\"'“”‘’《》〈〉「」『』【】、，,·•]")
ORDINALS = set(tables.chars("ordinal"))
MISPRINT_RATIO = 85.0
LEVEL_RANK = tables.level_rank()
ORG_CREDIT_ROLES = tuple(r.credit_role for r in tables.roles("org_credit"))
TERM_TYPES = ("PROGRAM", "HONOR", "DOCUMENT")
LEADING_CONJUNCTIONS = "".join(tables.words("text/words.csv", "leading"))  # never 和 (和谐…)


@dataclass(frozen=True)
class LinkTables:
    """The word lists linking reads from the lexicon (``kg.lexicon.tables``)."""

    abbreviations: tuple[tuple[str, str, str], ...]
    agencies: tuple[str, ...]
    kinds: tuple[tuple[str, str, str], ...]
    levels: tuple[tuple[str, str], ...]
    sub_units: tuple[str, ...]
    doctrine: tuple[str, ...]
    head_nouns: tuple[str, ...]
    collectives: tuple[str, ...]
    team_heads: tuple[str, ...]
    not_prefixes: tuple[str, ...] = ()  # 乡村…: a bare level word that is no place
    doctrine_prefixes: tuple[str, ...] = ()  # 习近平…
    doctrine_suffixes: tuple[str, ...] = ()  # …思想


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=lambda s: (-len(s), s)))


@lru_cache(maxsize=1)
def load_tables() -> LinkTables:
    """Load (once) the linking tables from the lexicon."""
    abbr = [(a.abbreviation, a.full, a.level) for a in tables.abbreviations() if "expand" in a.uses]
    levels = [(w.word, w.level) for w in tables.place_words("level")]
    kinds = tables.load_table("organs/kinds.csv").records("match", "text", "kind")
    return LinkTables(
        abbreviations=tuple(sorted(abbr, key=lambda r: (-len(r[0]), r[0]))),
        agencies=tuple(o.name for o in tables.organs() if "misprint" in o.uses),
        kinds=tuple((r["match"], r["text"], r["kind"]) for r in kinds),
        levels=tuple(sorted(levels, key=lambda r: (-len(r[0]), r[0]))),
        not_prefixes=tables.words("places/words.csv", "not_bare"),
        sub_units=_longest_first(tables.words("organs/units.csv", "bare")),
        doctrine=tables.terms("doctrine", "link"),
        doctrine_prefixes=tables.terms("doctrine_prefix", "link"),
        doctrine_suffixes=tables.terms("doctrine_suffix", "link"),
        head_nouns=_longest_first(tables.terms("attach_head", "link")),
        collectives=tables.words("places/words.csv", "collective"),
        team_heads=_longest_first(tables.words("organs/units.csv", "team")),
    )


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded once."""
    return Gazetteer.load()


def norm_name(text: str) -> str:
    """A name without layout spaces, quotes or list punctuation (for comparing names)."""
    return NORM_DROP.sub("", unicodedata.normalize("NFKC", text))


def clean_surface(text: str) -> str:
    """A mention as it reads: no white space."""
    return re.sub(r"\s+", "", text)


def place_level(name: str) -> str | None:
    """The level a place name's type suffix implies (``永善县`` → county), if any."""
    if name == "中国":
        return "country"
    for suffix, level in load_tables().levels:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


def place_short(name: str) -> str | None:
    """A place name without its type suffix (``昭通市`` → ``昭通``), if two characters remain."""
    for suffix, _level in load_tables().levels:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def org_kind(canonical: str) -> str | None:
    """The kind of an organ (party, government, …) from its core name."""
    for match, text, kind in load_tables().kinds:
        if (match == "suffix" and canonical.endswith(text)) or (
            match == "contains" and text in canonical
        ):
            return kind
    return None


def is_doctrine(name: str) -> bool:
    """Whether a programme name is a national doctrine or slogan (core = false)."""
    n = norm_name(name)
    t = load_tables()
    return (
        any(n == norm_name(item) for item in t.doctrine)
        or any(n.startswith(norm_name(item)) for item in t.doctrine_prefixes)
        or any(n.endswith(norm_name(item)) for item in t.doctrine_suffixes)
    )


def expand_abbreviations(name: str, *, level: str | None = None) -> str:
    """Replace abbreviated organ words by their full form (``人社局`` → ``人力资源和社会保障局``)."""
    rows = load_tables().abbreviations
    out, i = [], 0
    while i < len(name):
        for abbr, full, need in rows:
            if name.startswith(full, i):
                out.append(full)
                i += len(full)
                break
            if name.startswith(abbr, i) and (not need or need == level):
                if need and name[i + len(abbr) :].startswith(full[len(abbr) :]):
                    continue
                out.append(full)
                i += len(abbr)
                break
        else:
            out.append(name[i])
            i += 1
    return "".join(out)


def fix_misprint(core: str) -> str:
    """The standard agency name a misprinted one stands for (``政服务管理局`` → ``政务服务管理局``).

    Only the organ part after the place is compared, so a misprint is only
    ever corrected to an agency of the same place.
    """
    t = load_tables()
    sub = next((s for s in t.sub_units if core.endswith(s) and len(core) > len(s)), "")
    base = core[: len(core) - len(sub)] if sub else core
    # An agency under another (人力资源和社会保障局就业局) is named by itself (就业局).
    for outer in sorted(t.agencies, key=lambda a: (-len(a), a)):
        if base.startswith(outer) and base[len(outer) :] in t.agencies:
            return base[len(outer) :] + sub
    if len(base) < 4 or base in t.agencies:
        return core
    best = None
    for agency in t.agencies:
        if agency[-1] != base[-1] or _ordinals(agency) != _ordinals(base):
            continue
        if abs(len(agency) - len(base)) > 1:
            continue
        score = fuzz.ratio(base, agency)
        if score >= MISPRINT_RATIO and (best is None or score > best[0]):
            best = (score, agency)
    return best[1] + sub if best else core


def _sub_unit(core: str) -> str:
    t = load_tables()
    return next((s for s in t.sub_units if core.endswith(s) and len(core) > len(s)), "")


def _printed_prefix(surface: str, outer: str) -> str | None:
    """The start of ``surface`` that, expanded, ends with the agency ``outer`` (…人社局)."""
    for k in range(len(surface), 1, -1):
        if expand_abbreviations(surface[:k]).endswith(outer):
            return surface[:k]
    return None


def nested_outer(core: str) -> str | None:
    """The outer agency of a nested name (人力资源和社会保障局就业局 → 人力资源和社会保障局)."""
    t = load_tables()
    sub = _sub_unit(core)
    base = core[: len(core) - len(sub)] if sub else core
    for outer in sorted(t.agencies, key=lambda a: (-len(a), a)):
        if base.startswith(outer) and base[len(outer) :] in t.agencies:
            return outer
    return None


def _ordinals(text: str) -> list[str]:
    return [c for c in text if c in ORDINALS]


def without_level_infix(name: str) -> list[str]:
    """``name`` without a town, community or village word after its stem (红光社区派出所 → 红光派出所)."""
    out = []
    for k in range(2, len(name) - 3):
        for suffix, level in load_tables().levels:
            if LEVEL_RANK.get(level, 0) not in (4, 5) or not name.startswith(suffix, k):
                continue
            if len(name) - k - len(suffix) >= 2:
                out.append(name[:k] + name[k + len(suffix) :])
    return sorted(set(out))


def team_stem(name: str) -> str | None:
    """The sending organ of a work team (``X驻村工作队`` → ``X``), if ``name`` is one."""
    for head in load_tables().team_heads:
        if name.endswith(head) and len(name) - len(head) >= 2:
            return name[: -len(head)]
    return None


def _is_subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(c in it for c in short)


@dataclass
class _PlaceInfo:
    canonical: str
    level: str | None
    code: str | None
    parent: str | None
    short: str | None


@dataclass
class LinkedPage:
    """The entities of one page and which mention went to which entity.

    ``areas`` lists, for a place, the named non-administrative areas (安置区…)
    the text places it in, beside its administrative parent.
    """

    entities: list[Entity]
    links: list[tuple[Mention, tuple[str, str]]]
    article_places: dict[int, str] = field(default_factory=dict)  # Article.index -> place
    credits: list[tuple[Credit, int | None, tuple[str, str]]] = field(default_factory=list)
    areas: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    article_levels: dict[int, dict[str, str]] = field(default_factory=dict)
    # Article.index -> organs then places its kicker, subtitle and title name
    headers: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    # organ -> the organ it is a unit of, where a name chain says so (人社局就业局)
    units: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


class _PageLinker:
    """The state of linking one page."""

    def __init__(self, page: CleanPage, articles: list[Article], mentions: list[Mention]) -> None:
        self.page = page
        self.articles = {a.index: a for a in articles}
        terms = [m for m in mentions if m.label in ("PROGRAM", "HONOR", "DOCUMENT")]
        # A name inside a programme, honour or document name is not an entity of its own.
        kept = [
            m for m in mentions
            if m.label in ("PROGRAM", "HONOR", "DOCUMENT")
            or not any(t.start <= m.start and m.end <= t.end for t in terms)
        ]  # fmt: skip
        self.mentions = sorted(kept, key=lambda m: (m.start, -m.end, m.label, m.text))
        self.gaz = gazetteer()
        self.entities: dict[Key, Entity] = {}
        self.places: dict[str, _PlaceInfo] = {}  # canonical -> info
        self.place_forms: dict[str, str] = {}  # surface or short form -> canonical
        self.areas: dict[Key, list[str]] = defaultdict(list)
        self.links: list[tuple[Mention, Key]] = []
        self.first_seen: dict[Key, int] = {}
        self.nested: dict[str, str] = {}  # inner agency -> the agency it is a unit of
        self.bare_forms: dict[str, str] = {}  # place -> bare word standing for it (市, 县)
        self.nested_printed: dict[str, str] = {}  # outer agency -> its form in the nested name

    # places -----------------------------------------------------------
    def resolve_place(self, name: str, context: list[str]) -> _PlaceInfo:
        """Canonical place for a surface name, with level, code and parent."""
        if name in self.place_forms:
            return self.places[self.place_forms[name]]
        place: Place | None = self.gaz.resolve(name, context=context)
        if place is None:
            cands = self.gaz.candidates(name)
            if len(cands) == 1:
                place = cands[0]
        if place is not None:
            return _PlaceInfo(place.name, place.level, place.code, place.parent,
                              place.short or place_short(place.name))  # fmt: skip
        # A short form of a place named in full elsewhere on the page (永善 -> 永善县).
        for _canon, info in sorted(self.places.items()):
            if info.short == name:
                return info
        return _PlaceInfo(name, place_level(name), None, None, place_short(name))

    def add_place(self, info: _PlaceInfo, surface: str | None) -> Key:
        known = self.places.get(info.canonical)
        if known is None:
            self.places[info.canonical] = info
            known = info
        elif known.parent is None and info.parent is not None:
            known.parent = info.parent
        self.place_forms.setdefault(info.canonical, info.canonical)
        if info.short and info.level not in ("area", "natural"):
            self.place_forms.setdefault(info.short, info.canonical)
        if surface:
            self.place_forms.setdefault(surface, info.canonical)
        key = ("PLACE", info.canonical)
        ent = self.entities.get(key)
        if ent is None:
            ent = Entity(type="PLACE", canonical=info.canonical)
            self.entities[key] = ent
        if surface:
            ent.mentions.add(surface)
        return key

    def place_prefix(self, name: str) -> list[tuple[int, int, str]]:
        """Places named one after another at the start of ``name``: (start, end, canonical)."""
        out: list[tuple[int, int, str]] = []
        i = 0
        context = [c for _, _, c in out]
        while i < len(name):
            hit = None
            for j in range(len(name), i + 1, -1):
                piece = name[i:j]
                if piece in self.place_forms:
                    hit = (j, self.place_forms[piece])
                    break
                if place_level(piece) and (j - i) >= 3 and j < len(name):
                    place = self.gaz.resolve(piece, context=context[::-1])
                    if place is not None:
                        hit = (j, place.name)
                        break
            if hit is None:
                break
            out.append((i, hit[0], hit[1]))
            context.append(hit[1])
            i = hit[0]
        return out

    def places_inside(self, name: str) -> list[tuple[int, int, str]]:
        """Known places named anywhere inside ``name`` (longest first, no overlaps)."""
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(name):
            hit = None
            for j in range(len(name), i + 1, -1):
                piece = name[i:j]
                if piece in self.place_forms and (j - i) >= 2:
                    hit = (j, self.place_forms[piece])
                    break
                level = place_level(piece)
                if j - i >= 2 and level and level not in ("area", "natural"):
                    place = self.gaz.resolve(piece, context=sorted(self.places))
                    if place is not None and place.name == piece:
                        if piece[-1] != "区" or place.level == "county" or j - i >= 4:
                            hit = (j, place.name)
                            break
            if hit:
                out.append((i, hit[0], hit[1]))
                i = hit[0]
            else:
                i += 1
        return out

    def opening_place(self, text: str) -> str | None:
        """A city or county a headline opens with in its short form (鞍山整合资源…)."""
        for n in (3, 2):
            place = self.gaz.resolve(text[:n], context=[])
            if place is not None and place.level in ("city", "county") and place.name != text[:n]:
                if (place.short or place_short(place.name)) == text[:n]:
                    return place.name
        return None

    def ensure_place(self, canonical: str, surface: str | None) -> Key:
        info = self.places.get(canonical) or self.resolve_place(canonical, sorted(self.places))
        return self.add_place(info, surface)

    def text_parent(self, m: Mention) -> str | None:
        """A place named right before ``m`` in the text (鲁甸县龙头山镇 -> 鲁甸县)."""
        text = self.page.text
        for k in range(min(12, m.start), 1, -1):
            piece = text[m.start - k : m.start]
            if piece in self.place_forms:
                return self.place_forms[piece]
        return None

    def anaphor_parent(self, m: Mention) -> str | None:
        """The place 该镇/该县/… right before ``m`` refers to: the last of that level."""
        hit = ANAPHOR.search(self.page.text[max(0, m.start - 4) : m.start])
        if hit is None:
            return None
        word = hit.group(1)
        lvl = dict(BARE_PREFIXES)[word]
        before = max(0, m.start - 4) + hit.start()
        found = [
            k[1]
            for o, k in self.links
            if k[0] == "PLACE" and o.article == m.article and o.end <= before
            and k[1] in self.places and self.places[k[1]].level == lvl
        ]  # fmt: skip
        # 该乡 is the last 乡 even after a 镇 of the same level
        same = [c for c in found if c.endswith(word)]
        pick = same or found
        return pick[-1] if pick else None

    def link_places(self) -> None:
        place_ms = [m for m in self.mentions if m.label == "PLACE"]
        # Full names first, so short forms can find them.
        ordered = sorted(
            place_ms, key=lambda m: (place_level(clean_surface(m.text)) is None, m.start)
        )
        named = self.named_places(place_ms)
        for m in ordered:
            surface = clean_surface(m.text)
            ctx = self.context_places(m)
            info = self.resolve_place(surface, ctx)
            if not self.plausible_short(surface, info, named):
                logger.debug("%s: short place %r -> %s unsupported by the page; dropped",
                             self.page.meta.source, surface, info.canonical)  # fmt: skip
                continue
            self.links.append((m, self.add_place(info, surface)))
        # Name chains in the text (永善县红光安置区) give parents the gazetteer lacks.
        for m, key in list(self.links):
            if key[0] != "PLACE":
                continue
            chained = self.text_parent(m)
            parent = chained or self.anaphor_parent(m)
            info = self.places[key[1]]
            if parent is None or parent == info.canonical:
                continue
            plevel = self.places[parent].level if parent in self.places else place_level(parent)
            if plevel in ("area", "natural") and info.level not in ("area", "natural"):
                if parent not in self.areas[key]:
                    self.areas[key].append(parent)
            elif _rank(plevel) >= _rank(info.level):
                continue
            elif info.parent is None:
                info.parent = parent
            elif chained and parent not in self.chain_of(info.parent):
                # the text's own chain (X县Y镇Z村) beats a namesake the gazetteer
                # found elsewhere; the namesake's code is not this place's
                info.parent, info.code = parent, None
        # A place the gazetteer lacks lies in the place named before it in its sentence.
        for m, key in list(self.links):
            found = self.places.get(key[1]) if key[0] == "PLACE" else None
            if found is None or found.parent is not None or found.level in ("country", "natural"):
                continue
            found.parent = self.enclosing_place(m, found)

    def named_places(self, place_ms: list[Mention]) -> set[str]:
        """Places the page names in full (with their type suffix), also inside organ names."""
        named: set[str] = set()
        for m in self.mentions:
            surface = clean_surface(m.text)
            if m.label == "PLACE" and place_level(surface):
                place = self.gaz.resolve(surface, context=[])
                named.add(place.name if place is not None else surface)
            elif m.label == "ORG":
                named.update(c for _, _, c in self.place_prefix(surface))
        return named

    def plausible_short(self, surface: str, info: _PlaceInfo, named: set[str]) -> bool:
        """A bare short name of a town or village needs its county named on the page."""
        if place_level(surface):
            return True
        if info.level is None and info.code is None and info.parent is None:
            # unresolved: keep only names the gazetteer does not know as towns or villages
            cands = self.gaz.candidates(surface)
            return not cands or any(c.level not in ("town", "village") for c in cands)
        if info.level not in ("town", "village", "community"):
            return True
        if info.canonical in named:
            return True
        return info.parent is not None and any(p in named for p in self.chain_of(info.parent))

    def enclosing_place(self, m: Mention, info: _PlaceInfo) -> str | None:
        """The nearest higher-level place named before ``m`` in its sentence, else none."""
        text = self.page.text
        lo = m.start
        while lo > 0 and text[lo - 1] not in "。！？!?\n":
            lo -= 1
        best = None
        for o, k in self.links:
            if k[0] != "PLACE" or not (lo <= o.start < m.start) or k[1] == info.canonical:
                continue
            other = self.places.get(k[1])
            if other is not None and _rank(other.level) < _rank(info.level):
                best = k[1]
        return best

    def context_places(self, m: Mention) -> list[str]:
        """Places named near a mention in its article, nearest first."""
        near = [
            (
                abs(o.start - m.start),
                self.place_forms.get(clean_surface(o.text), clean_surface(o.text)),
            )
            for o in self.mentions
            if o.label == "PLACE" and o.article == m.article and o is not m
        ]
        seen: list[str] = []
        for _, name in sorted(near):
            if name not in seen:
                seen.append(name)
        return seen

    # articles ---------------------------------------------------------
    def chain_of(self, canonical: str) -> list[str]:
        """``canonical`` and its known ancestors, nearest first."""
        out = [canonical]
        while len(out) < 8:
            info = self.places.get(out[-1])
            parent = info.parent if info else None
            if parent is None:
                place = self.gaz.resolve(out[-1], context=[])
                parent = place.parent if place is not None else None
            if parent is None or parent in out:
                break
            out.append(parent)
        return out

    def level_of(self, canonical: str) -> str | None:
        info = self.places.get(canonical)
        if info is not None and info.level:
            return info.level
        place = self.gaz.resolve(canonical, context=[])
        return place.level if place is not None else place_level(canonical)

    def article_levels(self, art: Article) -> tuple[str | None, dict[str, str]]:
        """The place an article is about, and the place a bare 市/县/… means in it."""
        header_end = max(art.body_start, art.start)
        ms = [m for m in self.mentions if m.article == art.index]
        header: list[str] = []
        counts: Counter[str] = Counter()
        for m in ms:
            if m.label == "PLACE":
                names = [self.place_forms.get(clean_surface(m.text), clean_surface(m.text))]
            elif m.label == "ORG":
                names = [c for _, _, c in self.places_inside(clean_surface(m.text))]
            else:
                continue
            for name in names:
                counts[name] += 1
                if m.start < header_end and name not in header:
                    header.append(name)
        for part in [self.page.text[art.start : header_end], *header_parts(art)]:
            names = [c for _, _, c in self.places_inside(clean_surface(part))]
            opening = self.opening_place(clean_surface(part))
            for name in ([opening] if opening else []) + names:
                if name not in header:
                    header.append(name)
        about = None
        if header:
            about = min(header, key=lambda n: (-_rank(self.level_of(n)), header.index(n)))
        levels: dict[str, str] = {}
        home = self.page.meta.home_place
        for base in ([home] if home else []) + ([about] if about else []):
            for name in self.chain_of(base):
                lvl = self.level_of(name)
                if lvl:
                    levels[lvl] = name
        # A level the header leaves open: the place of that level the article names most.
        for lvl in ("city", "county", "town"):
            if about is not None and _rank(self.level_of(about)) >= _rank(lvl):
                continue
            if lvl == "city" and lvl in levels:
                continue
            frequent = sorted(
                (n for n in counts if self.level_of(n) == lvl), key=lambda n: (-counts[n], n)
            )
            if frequent and counts[frequent[0]] >= (1 if lvl == "city" else 2):
                levels[lvl] = frequent[0]
        if about is None:
            county = levels.get("county")
            about = county if county is not None and counts[county] >= 3 else home
        return about, levels

    def header_entities(self, art: Article, levels: dict[str, str]) -> list[Key]:
        """Organs, then places, named in an article's kicker, subtitle and title."""
        org_forms = sorted(
            {(s, k) for m, k in self.links if k[0] == "ORG" for s in [clean_surface(m.text)]},
            key=lambda sk: (-len(sk[0]), sk),
        )
        orgs: list[Key] = []
        places: list[Key] = []
        for n, part in enumerate(header_parts(art)):
            text = clean_surface(part)
            found = False
            for surface, key in org_forms:
                if len(surface) >= 3 and surface in text:
                    orgs.append(key)
                    text = text.replace(surface, "|")
                    found = True
            if n == 0 and art.kicker and not found and org_kind(text) and len(text) <= 24:
                if re.fullmatch(r"[\u4e00-\u9fff（）()]+", text):
                    orgs.append(self.add_org(self.canonical_org(text, levels), text))
            for _, b, canon in self.places_inside(text):
                if not any(text.startswith(c, b) for c in load_tables().collectives):
                    places.append(self.ensure_place(canon, None))
        places.sort(key=lambda k: -_rank(self.places[k[1]].level if k[1] in self.places else None))
        return list(dict.fromkeys(orgs + places))

    # organs -----------------------------------------------------------
    def canonical_org(self, surface: str, levels: dict[str, str]) -> str:
        s = surface
        if s in CENTRAL_PARTY:
            return "中共中央"
        prefix_place = None
        for word, lvl in BARE_PREFIXES:
            if any(s.startswith(w) for w in load_tables().not_prefixes):
                break
            if s.startswith(word) and len(s) > len(word) and levels.get(lvl):
                if s in self.place_forms or any(
                    s.startswith(f) for f in self.place_forms if len(f) > len(word)
                ):
                    break
                prefix_place = levels[lvl]
                s = prefix_place + s[len(word) :]
                # the bare word is how the page names the place (市 in 市政府)
                self.bare_forms.setdefault(prefix_place, word)
                break
        chain = self.place_prefix(s)
        end = chain[-1][1] if chain else 0
        # The place stays as printed (昭通日报社, not 昭通市日报社).
        head = s[:end]
        level = self.level_of(chain[-1][2]) if chain else None
        core = expand_abbreviations(s[end:], level=level)
        if core.startswith("委") or not core:
            return head + core
        fixed = fix_misprint(core)
        outer = nested_outer(core)
        if outer is not None:
            # 人社局就业局党支部: the inner agency is a unit of the outer one
            inner = head + fixed[: len(fixed) - len(_sub_unit(fixed))]
            self.nested[inner] = head + outer
            printed = _printed_prefix(surface, outer)
            if printed:
                self.nested_printed[head + outer] = printed
        return head + fixed

    def link_orgs(self, levels_of: dict[int, dict[str, str]]) -> None:
        t = load_tables()
        org_ms = [m for m in self.mentions if m.label == "ORG"]
        last_org: dict[int, str] = {}
        for m in sorted(org_ms, key=lambda m: m.start):
            surface = clean_surface(m.text)
            levels = {**levels_of.get(m.article, {}), **self.preceding_levels(m.start, m.article)}
            if surface in t.sub_units and m.article in last_org:
                canonical = last_org[m.article] + surface
            else:
                canonical = self.canonical_org(surface, levels)
            if not any(canonical.endswith(s) for s in t.sub_units):
                last_org[m.article] = canonical
            self.links.append((m, self.add_org(canonical, surface)))

    def preceding_levels(self, pos: int, article: int | None) -> dict[str, str]:
        """The last town, community and village named before ``pos`` in its article.

        A community or village counts only in the same paragraph.
        """
        para = self.page.text.rfind("\n", 0, pos) + 1
        out: dict[str, str] = {}
        for o, k in self.links:
            if k[0] != "PLACE" or o.article != article or o.end > pos:
                continue
            info = self.places.get(k[1])
            lvl = info.level if info is not None else None
            if lvl in NEAREST_LEVELS and (lvl == "town" or o.start >= para):
                out[lvl] = k[1]
        return out

    def add_org(self, canonical: str, surface: str | None) -> Key:
        key = ("ORG", canonical)
        ent = self.entities.get(key)
        if ent is None:
            ent = Entity(type="ORG", canonical=canonical, kind=org_kind(canonical))
            self.entities[key] = ent
        if surface:
            ent.mentions.add(surface)
        return key

    def org_places(self) -> None:
        """Make every place named inside an organ name an entity of its own."""
        for key in sorted(k for k in self.entities if k[0] == "ORG"):
            ent = self.entities[key]
            surfaces = sorted(ent.mentions)
            for _, _, canon in self.places_inside(key[1]):
                printed = [s for s in surfaces if canon in s]
                self.ensure_place(canon, canon if printed else None)
            for s in surfaces:
                for a, b, canon in self.places_inside(s):
                    self.ensure_place(canon, s[a:b])

    def merge_orgs(self) -> dict[Key, Key]:
        """Merge short and bare organ names into the one full organ named on the page.

        ``红光派出所`` and ``永善县红光派出所`` go to ``永善县公安局红光派出所``;
        ``林改办`` (its characters in order) to ``巧家县深化集体林权制度改革办公室``.
        """
        orgs = sorted(k[1] for k in self.entities if k[0] == "ORG")
        moves: dict[Key, Key] = {}
        # Longer names first, so a short name sees where its longer forms went.
        for o in sorted(orgs, key=lambda n: (-len(n), n)):
            if o == "中共中央" or _is_generic(o):
                continue
            o_place = o[: self._prefix_end(o)]
            expanded = expand_abbreviations(o)
            ends = [p for p in orgs if p != o and len(o) >= 4 and p.endswith(expanded)]
            for _, cut, _ in self.place_prefix(o) if not ends else []:
                place, core = o[:cut], o[cut:]
                ends = [
                    p for p in orgs
                    if len(core) >= 4 and p.startswith(place) and p.endswith(core) and len(p) > len(o)
                ]  # fmt: skip
                if ends:
                    break
            targets = sorted({_follow(moves, ("ORG", p)) for p in ends})
            if len(targets) == 1:
                moves[("ORG", o)] = targets[0]
                continue
            if o_place:
                continue
            subs = [
                p for p in orgs
                if p != o and self._prefix_end(p) and len(o) >= 2
                and _is_subsequence(o, p[self._prefix_end(p):])
                and o[-1] in p[-3:] and o[0] in p[self._prefix_end(p):]
            ]  # fmt: skip
            targets = sorted({_follow(moves, ("ORG", p)) for p in subs})
            if len(targets) == 1:
                moves[("ORG", o)] = targets[0]
        # 红光社区派出所 is 红光派出所: a level word between the name stem and the organ
        known = set(orgs)
        for o in orgs:
            if ("ORG", o) in moves:
                continue
            targets = sorted(
                {_follow(moves, ("ORG", v)) for v in without_level_infix(o) if v in known}
                - {("ORG", o)}
            )
            if len(targets) == 1:
                moves[("ORG", o)] = targets[0]
        self.merge_teams(orgs, moves)
        return moves

    def merge_teams(self, orgs: list[str], moves: dict[Key, Key]) -> None:
        """Merge one organ's work team printed two ways (X扶贫工作队, X沙地所驻村工作队)."""
        stems = {
            o: stem for o in orgs if ("ORG", o) not in moves and (stem := team_stem(o)) is not None
        }
        # longest first, so a short name sees where its longer forms went
        for o, stem in sorted(stems.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            wider = [
                p for p, s in stems.items()
                if p != o and s.startswith(stem) and (len(p), p) > (len(o), o)
            ]  # fmt: skip
            targets = sorted({_follow(moves, ("ORG", p)) for p in wider} - {("ORG", o)})
            if len(targets) == 1:
                moves[("ORG", o)] = targets[0]

    def _prefix_end(self, name: str) -> int:
        chain = self.place_prefix(name)
        return chain[-1][1] if chain else 0

    # the page ---------------------------------------------------------
    def link(self) -> LinkedPage:
        self.link_places()
        article_places: dict[int, str] = {}
        levels_of: dict[int, dict[str, str]] = {}
        for idx, art in sorted(self.articles.items()):
            about, levels = self.article_levels(art)
            if about:
                article_places[idx] = about
            levels_of[idx] = levels
        self.link_orgs(levels_of)
        self.link_people()
        self.link_terms()
        credits = self.link_credits(levels_of)
        headers = {idx: self.header_entities(art, levels_of.get(idx, {}))
                   for idx, art in sorted(self.articles.items())}  # fmt: skip
        self.org_places()
        for key in [k for k in self.entities if k[0] == "ORG"]:
            for prefix in self.place_prefix(key[1]):
                self.ensure_place(prefix[2], None)
        for place, word in sorted(self.bare_forms.items()):
            ent = self.entities.get(("PLACE", place))
            if ent is not None and not ent.mentions:
                ent.mentions.add(word)
        moves = self.merge_orgs()
        moves.update(merge_terms(list(self.entities.values()), by_suffix=True))
        moves.update({k: v for k, v in self.merge_variants().items() if k not in moves})
        self.apply_moves(moves)
        credits = [(c, a, _follow(moves, k)) for c, a, k in credits]
        headers = {
            i: list(dict.fromkeys(_follow(moves, k) for k in ks)) for i, ks in headers.items()
        }
        for info in self.places.values():
            ent = self.entities.get(("PLACE", info.canonical))
            if ent is not None:
                ent.level, ent.code = info.level, info.code
                ent.parent = info.parent if info.parent != info.canonical else None
        for outer in sorted(set(self.nested.values())):
            if _follow(moves, ("ORG", outer)) not in self.entities:
                # named inside the nested name: an organ of its own
                self.add_org(outer, self.nested_printed.get(outer))
        for key in sorted(k for k, e in self.entities.items() if not e.mentions):
            logger.debug("%s: %s has no printed form; dropped", self.page.meta.source, key)
            del self.entities[key]
        entities = sorted(self.entities.values(), key=lambda e: (e.type, e.canonical))
        links = [(m, _follow(moves, k)) for m, k in self.links]
        links.sort(key=lambda mk: (mk[0].start, mk[0].end, mk[0].label, mk[1]))
        areas = {k: sorted(v) for k, v in sorted(self.areas.items()) if k in self.entities}
        units = {
            _follow(moves, ("ORG", inner)): _follow(moves, ("ORG", outer))
            for inner, outer in sorted(self.nested.items())
        }
        return LinkedPage(entities=entities, links=links, article_places=article_places,
                          units=units,
                          credits=credits, areas=areas, article_levels=levels_of,
                          headers=headers)  # fmt: skip

    def apply_moves(self, moves: dict[Key, Key]) -> None:
        for src in sorted(moves):
            dst = _follow(moves, src)
            if src == dst or src not in self.entities:
                continue
            ent = self.entities.pop(src)
            if dst not in self.entities:
                self.entities[dst] = replace(ent, canonical=dst[1], mentions=set())
            self.entities[dst].mentions |= ent.mentions

    def link_people(self) -> None:
        people = [m for m in self.mentions if m.label == "PERSON"]
        fulls = sorted({clean_surface(PSEUDONYM.sub("", m.text)) for m in people})
        for m in people:
            surface = clean_surface(m.text)
            name = PSEUDONYM.sub("", surface)
            after = self.page.text[m.end : m.end + 6]
            pseudo = bool(PSEUDONYM.search(surface)) or bool(PSEUDONYM.match(clean_surface(after)))
            # A given name alone (海新) is the person named in full on the page (王海新).
            longer = [f for f in fulls if len(f) == len(name) + 1 and f.endswith(name)]
            canonical = longer[0] if len(name) == 2 and len(longer) == 1 else name
            key = ("PERSON", canonical)
            ent = self.entities.setdefault(key, Entity(type="PERSON", canonical=canonical))
            ent.mentions.add(name)
            ent.pseudonym = ent.pseudonym or pseudo
            self.links.append((m, key))

    def link_terms(self) -> None:
        levels = self.home_levels()
        for m in self.mentions:
            if m.label not in ("PROGRAM", "HONOR", "DOCUMENT"):
                continue
            surface = clean_surface(m.text)
            canonical = QUOTES.sub("", surface)
            if len(canonical) > 4 and canonical[0] in LEADING_CONJUNCTIONS:
                canonical = canonical[1:]  # 暨优秀年轻科级干部专题培训班
            if m.label == "PROGRAM":
                canonical = self.with_head_noun(canonical, m.end)
            canonical = _scope_prefix(canonical, m.label, levels)
            key = (m.label, canonical)
            ent = self.entities.get(key)
            if ent is None:
                ent = Entity(type=m.label, canonical=canonical)
                ent.core = not (m.label == "PROGRAM" and is_doctrine(canonical))
                self.entities[key] = ent
                self.first_seen[key] = m.start
            ent.mentions.add(surface)
            self.links.append((m, key))

    def merge_variants(self) -> dict[Key, Key]:
        """Programmes named by an abbreviation (林改) or a one-character misprint on the page."""
        progs = sorted(
            (k for k in self.entities if k[0] == "PROGRAM"), key=lambda k: self.first_seen.get(k, 0)
        )
        names = [k[1] for k in progs]
        moves: dict[Key, Key] = {}
        for key in progs:
            short = norm_name(key[1])
            if 2 <= len(short) <= 3 and not set(short) & (ORDINALS | set(tables.chars("amount"))):
                longs = [
                    n for n in names
                    if n != key[1] and len(norm_name(n)) >= 2 * len(short) + 2
                    and _is_subsequence(short, norm_name(n)) and short not in norm_name(n)
                ]  # fmt: skip
                if len(longs) == 1:
                    moves[key] = ("PROGRAM", longs[0])
                    continue
            # the same name with a modifier left out (综治中心大数据平台 / 综治中心智能化大数据平台)
            fuller = [
                n for n in names
                if len(short) >= 8 and len(n) > len(key[1]) and _is_subsequence(short, norm_name(n))
                and norm_name(n)[:4] == short[:4] and norm_name(n)[-3:] == short[-3:]
            ]  # fmt: skip
            if len(fuller) == 1:
                moves[key] = ("PROGRAM", fuller[0])
                continue
            for other in names:
                if other == key[1] or ("PROGRAM", other) in moves or len(other) != len(key[1]):
                    continue
                diff = [i for i, (a, b) in enumerate(zip(other, key[1], strict=True)) if a != b]
                earlier = self.first_seen.get(("PROGRAM", other), 0) < self.first_seen.get(key, 0)
                if len(key[1]) >= 6 and len(diff) == 1 and earlier:
                    if not ({other[diff[0]], key[1][diff[0]]} & ORDINALS):
                        moves[key] = ("PROGRAM", other)
                        break
        return moves

    def with_head_noun(self, name: str, end: int) -> str:
        """A bare code (“133”) takes the head noun printed after it (133工作思路).

        The longest head noun printed after any occurrence of the code on the
        page wins, so ``“12345”思路`` in a title and ``“12345”工作思路`` in
        the body are one programme.
        """
        if re.search(r"[\u4e00-\u9fff]", name):
            return name
        best = ""
        text = self.page.text
        for m in re.finditer(re.escape(name), text):
            after = clean_surface(text[m.end() : m.end() + 16]).lstrip("”’」』\"'")
            noun = next((n for n in load_tables().head_nouns if after.startswith(n)), "")
            if len(noun) > len(best):
                best = noun
        return name + best

    def link_credits(
        self, levels_of: dict[int, dict[str, str]]
    ) -> list[tuple[Credit, int | None, Key]]:
        out: list[tuple[Credit, int | None, Key]] = []
        home_levels = self.home_levels()
        found: list[tuple[Credit, int | None]] = [(c, None) for c in self.page.credits]
        for index, art in sorted(self.articles.items()):
            found.extend((c, index) for c in art.credits)
        for credit, idx in found:
            name = clean_surface(credit.name)
            if not name:
                continue
            levels = levels_of.get(idx, home_levels) if idx is not None else home_levels
            if credit.role in ORG_CREDIT_ROLES or org_kind(name) is not None and len(name) > 3:
                key = self.add_org(self.canonical_org(name, levels), name)
            else:
                key = ("PERSON", name)
                ent = self.entities.setdefault(key, Entity(type="PERSON", canonical=name))
                ent.mentions.add(name)
            out.append((credit, idx, key))
        return out

    def home_levels(self) -> dict[str, str]:
        home = self.page.meta.home_place
        levels: dict[str, str] = {}
        for name in self.chain_of(home) if home else []:
            lvl = self.level_of(name)
            if lvl:
                levels[lvl] = name
        return levels


def _scope_prefix(name: str, label: str, levels: dict[str, str]) -> str:
    """``全市…``: a programme drops the scope word, a city or county honour names the place."""
    for scope in tables.place_words("scope"):
        word = scope.word
        level = scope.level if scope.level in ("city", "county") else None
        if name.startswith(word) and len(name) > len(word) + 1:
            if label == "PROGRAM" or (label == "HONOR" and level is None):
                return name[len(word) :]
            if label == "HONOR" and level and levels.get(level):
                return levels[level] + name[len(word) :]
    return name


def header_parts(art: Article) -> list[str]:
    """The kicker, subtitle and (printed) title of an article, in that order."""
    parts = [art.kicker, art.subtitle, art.title if art.title_printed else None]
    return [p for p in parts if p]


def _is_generic(name: str) -> bool:
    return name in tables.words("organs/words.csv", "bare_body")


def _rank(level: str | None) -> int:
    return LEVEL_RANK.get(level or "", 7)


def _follow(moves: dict[Key, Key], key: Key) -> Key:
    seen = {key}
    while key in moves and moves[key] not in seen:
        key = moves[key]
        seen.add(key)
    return key


def merge_terms(entities: Iterable[Entity], *, by_suffix: bool = False) -> dict[Key, Key]:
    """Merge programmes, honours and documents that are one name written two ways.

    Same name without punctuation (对标先进、争创一流 / 对标先进争创一流), or one
    name plus a head noun (新一轮退耕还林还草 / 新一轮退耕还林还草工程); with
    ``by_suffix`` (within a page) also a short form that ends one longer name.
    """
    nouns = load_tables().head_nouns
    by_type: dict[str, list[str]] = defaultdict(list)
    for e in entities:
        if e.type in ("PROGRAM", "HONOR", "DOCUMENT"):
            by_type[e.type].append(e.canonical)
    moves: dict[Key, Key] = {}
    for typ, names in sorted(by_type.items()):
        groups: dict[str, list[str]] = defaultdict(list)
        for n in sorted(set(names)):
            groups[norm_name(n)].append(n)
        # Attach "name" to "name + head noun" when that longer form is on the page.
        for key in sorted(groups):
            for noun in nouns:
                if key + noun in groups:
                    groups[key + noun].extend(groups.pop(key))
                    break
        if by_suffix:
            # A short name that ends exactly one longer name (一张网 / 党群一张网).
            for key in sorted(groups, key=len):
                if len(key) < 3 or key not in groups:
                    continue
                longer = [k for k in groups if k != key and k.endswith(key)]
                if len(longer) == 1:
                    groups[longer[0]].extend(groups.pop(key))
        for members in groups.values():
            best = max(members, key=lambda n: (len(n), n))
            for n in members:
                if n != best:
                    moves[(typ, n)] = (typ, best)
    return moves


def apply_term_names(linked: LinkedPage, articles: list[Article], docs: list[Doc]) -> None:
    """Rename programmes, honours and documents after the recogniser's ``canonical`` spans.

    ``link_page`` sees only :class:`Mention`s, which do not carry the term
    recogniser's ``span._.canonical`` (name plus head noun, full name of an
    abbreviation) or ``span._.core``; this reads them from the Docs and
    updates ``linked`` in place, merging what now shares a name.
    """
    if not Span.has_extension("canonical"):
        return
    names: dict[tuple[int, int, str], tuple[str, bool]] = {}
    for art, doc in zip(articles, docs, strict=True):
        for span in doc.spans.get("kg", []):
            if span.label_ in TERM_TYPES and span._.canonical:
                core = bool(getattr(span._, "core", True)) if Span.has_extension("core") else True
                at = (art.start + span.start_char, art.start + span.end_char, span.label_)
                names[at] = (clean_surface(QUOTES.sub("", span._.canonical)), core)
    if not names:
        return
    entities = {e.key: e for e in linked.entities}
    renamed: dict[Key, Key] = {}
    cores: dict[Key, bool] = {}  # by the entity's key before renaming
    for m, key in linked.links:
        found = names.get((m.start, m.end, m.label))
        if found is None or key[0] not in TERM_TYPES or key in renamed:
            continue
        surface = norm_name(m.text)
        # Only a real rename (党章 -> 中国共产党章程); head nouns stay as linked.
        name = found[0] if not norm_name(found[0]).startswith(surface) else key[1]
        renamed[key] = (key[0], name)
        cores[key] = found[1]
    for old in sorted(renamed):
        ent = entities.pop(old, None)
        if ent is None:
            continue
        new = renamed[old]
        core = ent.core and cores[old]
        if new in entities:
            entities[new].mentions |= ent.mentions
            entities[new].core = entities[new].core and core
        else:
            entities[new] = replace(ent, canonical=new[1], core=core)
    moves = merge_terms(entities.values(), by_suffix=True)
    for src in sorted(moves):
        dst = _follow(moves, src)
        if src in entities and dst in entities and src != dst:
            entities[dst].mentions |= entities.pop(src).mentions
    final = {k: _follow(moves, renamed.get(k, k)) for m, k in linked.links}
    linked.entities[:] = sorted(entities.values(), key=lambda e: (e.type, e.canonical))
    linked.links[:] = [(m, final[k]) for m, k in linked.links]


def link_page(page: CleanPage, articles: list[Article], mentions: list[Mention]) -> LinkedPage:
    """Group the mentions of a page into canonical entities."""
    return _PageLinker(page, articles, mentions).link()
