"""What each article is about: its place, the place a bare 市/县/… means in it, its header names.

An article's place is the lowest-level place its header (the lines before
its body, kicker, subtitle, printed title) names. The place a bare level
word means is found along the ancestor chains of the newspaper's home place
and of the article's place; a level the header leaves open takes the place
of that level the article names most.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from spacy.tokens import Doc

from kg.lexicon import tables
from kg.link.lexicon import gazetteer, load_tables
from kg.link.names import clean_surface, org_kind
from kg.link.orgs import OrgNamer
from kg.link.places import PagePlaces
from kg.link.spans import Key
from kg.link.state import PageLinking
from kg.model import Article
from kg.recognise.lac import default_lac
from kg.recognise.matching import Dictionary

# levels a header may leave open, and how often the article must name a place of it
OPEN_LEVELS = {"city": 1, "county": 2, "town": 2}
ABOUT_COUNTY_MIN = 3  # an article naming no place in its header is about a county named this often
KICKER_ORG_MAX = 24  # a kicker this long or shorter may be an organ's name


def header_parts(art: Article) -> list[str]:
    """The kicker, subtitle and (printed) title of an article, in that order."""
    parts = [art.kicker, art.subtitle, art.title if art.title_printed else None]
    return [p for p in parts if p]


def home_levels(run: PageLinking) -> dict[str, str]:
    """Level -> place along the chain of the newspaper's home place."""
    home = run.page.meta.home_place
    return run.places.chain_levels([home] if home else [])


def article_scope(run: PageLinking, art: Article) -> tuple[str | None, dict[str, str]]:
    """The place an article is about, and the place a bare 市/县/… means in it."""
    header, counts = places_named(run, art)
    places = run.places
    about = None
    if header:
        about = min(header, key=lambda n: (-tables.rank(places.level_of(n)), header.index(n)))
    home = run.page.meta.home_place
    levels = places.chain_levels(([home] if home else []) + ([about] if about else []))
    # A level the header leaves open: the place of that level the article names most.
    for lvl, least in OPEN_LEVELS.items():
        if about is not None and tables.rank(places.level_of(about)) >= tables.rank(lvl):
            continue
        if lvl == "city" and lvl in levels:
            continue
        frequent = sorted((n for n in counts if places.level_of(n) == lvl),
                          key=lambda n: (-counts[n], n))  # fmt: skip
        if frequent and counts[frequent[0]] >= least:
            levels[lvl] = frequent[0]
    if "city" not in levels and not home:
        # a web article has no home city: the city its text names most (幸福温州 names 温州)
        city = most_named_city(run.page.text[art.start : art.end], places)
        if city is not None:
            levels["city"] = city
    for name in sorted(set(levels.values()), key=lambda n: -tables.rank(places.level_of(n))):
        for lvl, higher in places.chain_levels([name]).items():
            levels.setdefault(lvl, higher)  # the province of the article's city (省委)
    if about is None:
        county = levels.get("county")
        about = county if county is not None and counts[county] >= ABOUT_COUNTY_MIN else home
    return about, levels


@lru_cache(maxsize=1)
def _city_names() -> Dictionary:
    """Every city's full and short name (温州市, 温州), for counting them in running text."""
    city = tables.rank("city")
    names = [(n, n) for n, _form, rank in gazetteer().names_by_level("city") if rank == city]
    return Dictionary(names)


def most_named_city(
    text: str, places: PagePlaces, docs: Sequence[tuple[Article, Doc]] = ()
) -> str | None:
    """The city ``text`` names most often, in full or short (None when none or a tie).

    A name counts only where the segmenter reads it as a word of its own
    (幸福 温州, not 长治久安): a token of the doc that holds it, where
    ``docs`` (the tokenised texts of ``text``: its articles, each with its
    range) hold it, else a word of the sentence LAC reads around it.
    """
    hits = _city_names().matches(text)
    if not hits:
        return None
    words = _words_among(text, [(start, end) for start, end, _ in hits], docs)
    counts: Counter[str] = Counter()
    for start, end, name in hits:
        place = places.gaz.resolve(name, context=[]) if (start, end) in words else None
        if place is not None and place.level == "city":
            counts[place.name] += 1
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _words_among(
    text: str, spans: list[tuple[int, int]], docs: Sequence[tuple[Article, Doc]]
) -> set[tuple[int, int]]:
    """The ``[start, end)`` spans of ``text`` the segmenter reads as one word.

    The tokens of the doc whose range holds a span decide; the sentences
    around the spans no doc holds are read by LAC (whose words of a sentence
    read lately are kept, so a page just tokenised is seldom read again).
    """
    docs = sorted(docs, key=lambda part: part[0].start)
    starts = [art.start for art, _ in docs]
    words: set[tuple[int, int]] = set()
    unread: list[tuple[int, int]] = []
    for start, end in spans:
        k = bisect_right(starts, start) - 1
        art, doc = docs[k] if k >= 0 else (None, None)
        if art is None or doc is None or end > art.end:
            unread.append((start, end))
            continue
        span = doc.char_span(start - art.start, end - art.start)
        if span is not None and len(span) == 1:
            words.add((start, end))
    if unread:
        read = default_lac().analyse_around(text, (start for start, _ in unread))
        words.update(set(unread) & {(w.start, w.end) for w in read})
    return words


def places_named(run: PageLinking, art: Article) -> tuple[list[str], Counter[str]]:
    """The places an article's header names, in order, and how often the article names each."""
    header_end = max(art.body_start, art.start)
    header: list[str] = []
    counts: Counter[str] = Counter()
    forms = run.places.forms
    for m in run.mentions:
        if m.article != art.index:
            continue
        if m.label == "PLACE":
            names = [forms.get(clean_surface(m.text), clean_surface(m.text))]
        elif m.label == "ORG":
            names = [c for _, _, c in run.places.inside(clean_surface(m.text))]
        else:
            continue
        for name in names:
            counts[name] += 1
            if m.start < header_end and name not in header:
                header.append(name)
    for part in [run.page.text[art.start : header_end], *header_parts(art)]:
        names = [c for _, _, c in run.places.inside(clean_surface(part))]
        opening = run.places.opening(clean_surface(part))
        for name in ([opening] if opening else []) + names:
            if name not in header:
                header.append(name)
    return header, counts


def header_entities(
    run: PageLinking, namer: OrgNamer, art: Article, levels: dict[str, str]
) -> list[Key]:
    """Organs, then places, named in an article's kicker, subtitle and title."""
    org_forms = sorted(
        {(s, k) for m, k in run.links if k[0] == "ORG" for s in [clean_surface(m.text)]},
        key=lambda sk: (-len(sk[0]), sk),
    )
    collectives = load_tables().collectives
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
        if n == 0 and art.kicker and not found and _names_organ(text):
            orgs.append(run.add_org(namer.canonical(text, levels), text))
        for _, b, canon in run.places.inside(text):
            if not any(text.startswith(c, b) for c in collectives):
                places.append(run.places.ensure(canon, None))
    places.sort(key=lambda k: -tables.rank(run.places.level(k[1])))
    return list(dict.fromkeys(orgs + places))


def _names_organ(kicker: str) -> bool:
    """Whether a kicker that names no linked organ is itself an organ's name (市政务服务管理局)."""
    return bool(
        org_kind(kicker)
        and len(kicker) <= KICKER_ORG_MAX
        and re.fullmatch(r"[\u4e00-\u9fff（）()]+", kicker)
    )
