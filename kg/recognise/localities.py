"""Named localities that are not divisions: ``[name] [generic term]`` over LAC's words.

A locality's name ends in a generic term (通名: 河, 路, 广场, 机场, 工业园区…,
``places/locality_heads.csv``). The name before it is made of nominal words
(LAC's tags: nouns, names, verbal nouns), so a verb, preposition,
conjunction or punctuation mark ends it; it opens at its first *proper*
word: a place the gazetteer knows, a word LAC tags as a name, or a word
that is not an ordinary word of the language, so 湿地公园 or 科技工业园区
name no place while 西溪湿地公园 and 昆山科技工业园区 do. A place printed
before a locality is where it lies (杭州湖滨路: 湖滨路), except for the kinds
whose own names keep their city (宁波港, 昆山开发区).

Regions named by province abbreviations (粤港澳, 皖北) are found among LAC's
LOC words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from kg.lexicon import tables
from kg.lexicon.gazetteer import RANK, province_abbreviations, region_provinces
from kg.recognise.lac import Word
from kg.recognise.matching import TextTables, longest_spans

LOCALITY_HEADS = "places/locality_heads.csv"
WORLD_REGIONS = "places/world_regions.csv"
PLACE_WORDS = "places/words.csv"
# LAC tags of words a name may be made of, and of the word that ends in the generic term
NOMINAL = frozenset({"n", "nz", "nw", "LOC", "PER", "vn", "an"})
NAMES = ("LOC", "PER")  # LAC's tags of a word that is a name as a whole
HEAD_TAGS = NOMINAL | {"ORG", "s"}  # 杭州市西湖 may come as one ORG word, 西岸经济区 as s
CITY_RANK = RANK["city"]
MAX_WORDS = 4  # words a name may take before the word holding the generic term
MAX_NAME = 12  # characters of a name before its generic term
OPEN_QUOTES, CLOSE_QUOTES = '“‘「『"', '”’」』"'
CJK = re.compile(r"[\u4e00-\u9fff]+")
LIST_MARK = "、"
Spans = list[tuple[int, int]]
PlaceNames = Mapping[tuple[int, int], tuple[str, int]]  # gazetteer names: span -> (kind, rank)


@dataclass(frozen=True)
class LocalityHead:
    """A generic term and what it says of the localities it ends."""

    head: str
    level: str  # natural or area
    own_place: bool  # the name keeps the place it lies in (宁波港)
    local: bool  # lies within one division
    feature: bool  # a park or scenic area: named by a natural feature alone, it is that feature


@dataclass(frozen=True)
class LocalityTables:
    """The generic terms, the words that name no locality, and the province abbreviations."""

    heads: tuple[LocalityHead, ...]
    kind_words: frozenset[str]  # 生态, 主题, 城市: what kind of locality, not which
    bare_words: frozenset[str]  # 市, 县, 镇: a division of the article's place, not a name
    abbreviations: dict[str, str]  # 冀 -> 河北省
    directions: frozenset[str]  # 北, 西南: after an abbreviation, a region (皖北)
    region_suffixes: tuple[str, ...]  # 地区: may follow a region's name (皖北地区)
    world_regions: frozenset[str]  # continents and regions of the world (亚洲, 东南亚)

    @classmethod
    def shipped(cls) -> LocalityTables:
        """The tables shipped with kg (places/locality_heads.csv, words.csv, abbreviations.csv)."""
        table = tables.load_table(LOCALITY_HEADS)
        heads = tuple(
            LocalityHead(
                r["head"],
                r["level"],
                r["own_place"] == "yes",
                r["local"] == "yes",
                r["feature"] == "yes",
            )
            for r in table.records("head", "level", "own_place", "local", "feature")
        )
        return cls(
            heads=heads,
            kind_words=frozenset(tables.words(PLACE_WORDS, "kind_word")),
            bare_words=frozenset(tables.words(PLACE_WORDS, "bare")),
            abbreviations=province_abbreviations(),
            directions=frozenset(tables.words(PLACE_WORDS, "direction")),
            region_suffixes=tables.words(PLACE_WORDS, "region_suffix"),
            world_regions=frozenset(tables.load_table(WORLD_REGIONS).column("name")),
        )

    @cached_property
    def by_head(self) -> dict[str, LocalityHead]:
        """Each generic term's row."""
        return {h.head: h for h in self.heads}

    @cached_property
    def longest_heads(self) -> tuple[str, ...]:
        """The generic terms, longest first (工业园区 before 园区)."""
        return tuple(sorted(self.by_head, key=lambda h: (-len(h), h)))

    @cached_property
    def heads_by_last(self) -> dict[str, tuple[str, ...]]:
        """The generic terms by their last character, longest first."""
        out: dict[str, list[str]] = {}
        for head in self.longest_heads:
            out.setdefault(head[-1], []).append(head)
        return {k: tuple(v) for k, v in out.items()}

    def region(self, name: str) -> tuple[str, ...]:
        """The provinces a region's name is made of (粤港澳, 皖北地区), or ()."""
        for suffix in self.region_suffixes:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
        return region_provinces(name, self.abbreviations, self.directions)

    def head_of(self, word: str) -> LocalityHead | None:
        """The longest generic term ``word`` ends in, if any."""
        for head in self.heads_by_last.get(word[-1:], ()):
            if word.endswith(head):
                return self.by_head[head]
        return None


@dataclass(frozen=True)
class LocalityDoc:
    """What the locality grammar reads of one document."""

    text: str
    words: tuple[Word, ...]  # LAC's analysis
    tables: LocalityTables
    text_tables: TextTables
    places: PlaceNames  # gazetteer names standing in the text

    @cached_property
    def word_ending(self) -> dict[int, Word]:
        """LAC's words by their end."""
        return {w.end: w for w in self.words}

    @cached_property
    def places_from(self) -> dict[int, list[tuple[int, tuple[str, int]]]]:
        """The gazetteer names by start: ``(end, (kind, rank))``, longest first."""
        out: dict[int, list[tuple[int, tuple[str, int]]]] = {}
        for (s, e), place in sorted(self.places.items(), key=lambda p: (p[0][0], -p[0][1])):
            out.setdefault(s, []).append((e, place))
        return out

    def generic(self, name: str, *, ordinary: bool) -> bool:
        """Whether ``name`` is made only of kind words (and, if ``ordinary``, common words)."""
        kinds = self.tables.kind_words
        common = self.text_tables.common_words if ordinary else frozenset()
        ends = {0}
        for i in range(1, len(name) + 1):
            if any(j in ends and (name[j:i] in kinds or name[j:i] in common) for j in range(i)):
                ends.add(i)
        return len(name) in ends

    def proper(self, start: int, end: int, *, named: bool) -> bool:
        """Whether ``text[start:end]`` (a word or a word's part) names something.

        ``named``: the part opens a word LAC tags LOC as a whole (人民 of 人民广场), which
        then only needs a word that is not a kind word; another part must be a
        gazetteer place or no ordinary word (LAC also tags 致富 LOC).
        """
        name = self.text[start:end]
        if (start, end) in self.places:
            return True
        if named:  # LAC's name may hold a function character (都江堰)
            return bool(CJK.fullmatch(name)) and not self.generic(name, ordinary=False)
        if not all(self.text_tables.is_name_char(c) for c in name):
            return False
        return len(name) >= 2 and not self.generic(name, ordinary=True)


def find_localities(doc: LocalityDoc) -> Spans:
    """The named localities of ``doc`` (longest first where they overlap), and the places
    LAC glued to their names (杭州 of 杭州湖滨路)."""
    found: Spans = []
    for i, word in enumerate(doc.words):
        if word.tag not in HEAD_TAGS:
            continue
        end = _name_end(doc, word)
        head = doc.tables.head_of(doc.text[word.start : end])
        if head is not None:
            span = _locality(doc, i, head, end)
            if span is not None:
                found.append(span)
    kept = longest_spans(found)
    starts = {w.start for w in doc.words}
    glued = [
        (ws, s)
        for s, _ in kept
        if s not in starts
        for ws in [max(w for w in starts if w < s)]
        if (ws, s) in doc.places
    ]
    return sorted(kept + glued)


def _name_end(doc: LocalityDoc, word: Word) -> int:
    """Where a name in ``word`` may end: the word's end, or for a LOC word that runs on
    into letters and digits (浦东国际机场T2航站楼), where its Chinese name stops."""
    if word.tag != "LOC":
        return word.end
    cut = CJK.match(doc.text, word.start, word.end)
    return cut.end() if cut is not None else word.end


def _locality(doc: LocalityDoc, i: int, head: LocalityHead, end: int) -> tuple[int, int] | None:
    """The locality whose generic term ends at ``end`` in word ``i``, or None."""
    word = doc.words[i]._replace(end=end)
    head_start = word.end - len(head.head)
    inner = _inner_start(doc, i, head_start, head)
    if word.tag == "PER" and len(head.head) == 1 and inner == word.start:
        return None  # 李云峰: a person LAC saw (河楠溪江 is a mis-cut it glued)
    named = word.tag in NAMES and inner == word.start
    pieces = [(inner, head_start, word.tag, named)] if inner < head_start else []
    if inner == word.start:
        named_here = inner < head_start  # 湖滨路 has its own name: 杭州 before it locates it
        before = _words_before(doc, i, head, located=named_here)
        # a LOC word right before a bare generic term is the name (西湖 景区)
        pieces[:0] = [
            (s, e, tag, tag == "PER" or tag == "LOC" and not named_here and e == word.start)
            for s, e, tag in before
        ]
    start = _name_start(doc, _joined(doc, pieces))
    if start is None:
        return None
    name, whole = doc.text[start:head_start], doc.text[start : word.end]
    if len(name) > MAX_NAME or _parallel(whole, head.head):
        return None
    # a frequent word (思路, 出路; 城际铁路 ends in 铁路) is no locality, unless LAC tags
    # it as one (宁波港, 长江)
    common = doc.text_tables.common_words
    ends_in_word = len(head.head) == 1 and doc.text[head_start - 1 : word.end] in common
    if word.tag != "LOC" and (whole in common or ends_in_word):
        return None
    if len(name) < 2 and not (word.tag == "LOC" and start == word.start):
        return None
    if _figurative(doc, start, word.end):
        return None
    return (start, word.end)


def _figurative(doc: LocalityDoc, start: int, end: int) -> bool:
    """Whether a locality's name is a figure of speech: set off by quotes (“连心桥”), or
    counted (一条致富路、幸福路: a named place is not counted like a thing)."""
    text = doc.text
    if text[start - 1 : start] in OPEN_QUOTES and text[end : end + 1] in CLOSE_QUOTES:
        return True
    before = doc.word_ending.get(start)
    while before is not None and text[before.start : before.end] == LIST_MARK:
        item = doc.word_ending.get(before.start)  # a word listed before it
        before = doc.word_ending.get(item.start) if item is not None else None
    return before is not None and before.tag in ("m", "q")


def _name_start(doc: LocalityDoc, pieces: list[tuple[int, int, str, bool]]) -> int | None:
    """Where a name opens: at its first proper piece, or a LOC word before it (长江 经济带)."""
    first = next((k for k, (s, e, _, named) in enumerate(pieces) if doc.proper(s, e, named=named)),
                 None)  # fmt: skip
    if first is None:
        return None
    while first > 0 and pieces[first - 1][2] == "LOC":
        first -= 1
    return pieces[first][0]


def _parallel(whole: str, head: str) -> bool:
    """Whether ``whole`` is two names of one kind side by side (金山银山), not one name."""
    half = len(whole) // 2
    return len(head) == 1 and len(whole) % 2 == 0 and whole[half - 1] == head and half >= 2


def _inner_start(doc: LocalityDoc, i: int, head_start: int, head: LocalityHead) -> int:
    """Where the name starts inside word ``i``: after a place that locates it, or a glued head.

    LAC glues a locating place (杭州湖滨路) or the generic term of the word
    before (母亲河 + 楠溪江 → 河楠溪江) to a locality's name; both are cut off
    where at least two characters of name remain.
    """
    word, text = doc.words[i], doc.text
    start = word.start
    for e, place in doc.places_from.get(start, ()):
        if e <= head_start - 2 and _locates(place, head):
            return e
    before = doc.words[i - 1] if i > 0 else None
    if before is None or before.end != start or before.tag not in NOMINAL:
        return start
    for glued in doc.tables.longest_heads:
        rest = start + len(glued)
        if (
            len(glued) == 1
            and text.startswith(glued, start)
            and head_start - rest >= 2
            and start not in doc.places_from
            and text[start : start + 2] not in doc.text_tables.common_words
        ):
            return rest
    return start


def _words_before(
    doc: LocalityDoc, i: int, head: LocalityHead, *, located: bool
) -> list[tuple[int, int, str]]:
    """The nominal words before word ``i`` that may belong to the name, in text order.

    ``located``: a place among them is where the locality lies, not its name
    (杭州湖滨路), unless the locality's own name keeps it (宁波港).
    """
    out: list[tuple[int, int, str]] = []
    j = i - 1
    end = doc.words[i].start
    while j >= 0 and len(out) < MAX_WORDS:
        w = doc.words[j]
        text = doc.text[w.start : w.end]
        # a one-character adjective, not the complement of a verb (利用好京杭大运河)
        after_verb = j > 0 and doc.words[j - 1].tag in ("v", "vd", "d", "ad")
        adjective = w.tag == "a" and len(text) == 1 and not after_verb
        if w.end != end or not (w.tag in NOMINAL or adjective) or text in doc.tables.bare_words:
            break
        if not all(doc.text_tables.is_name_char(c) for c in text):
            break
        place = doc.places.get((w.start, w.end))
        if place is not None and (located or place[0] == "full") and _locates(place, head):
            break  # the place it lies in (杭州湖滨路), not its name (滨江公路)
        if text.endswith(head.head) and len(text) > len(head.head):
            break  # 宁波港 集装箱干线港: the words after a named port describe it
        out.insert(0, (w.start, w.end, w.tag))
        end = w.start
        j -= 1
    return out


def _locates(place: tuple[str, int], head: LocalityHead) -> bool:
    """Whether a place printed before a locality's name is where it lies, not part of the name.

    A full name always is; a short form of a city or province is, unless the
    locality's own name keeps it (宁波港); a county's or town's short form is
    taken as part of the name (三江源国家公园).
    """
    kind, rank = place
    return kind == "full" or rank <= CITY_RANK and not head.own_place


def _joined(
    doc: LocalityDoc, pieces: list[tuple[int, int, str, bool]]
) -> list[tuple[int, int, str, bool]]:
    """The pieces of a name, a one-character adjective joined to the piece after it (长 + 青湖)."""
    out: list[tuple[int, int, str, bool]] = []
    for s, e, tag, named in pieces:
        last = out[-1] if out else None
        if last is not None and last[2] == "a" and last[1] - last[0] == 1:
            out[-1] = (last[0], e, tag, named)
        else:
            out.append((s, e, tag, named))
    return out


def named_regions(doc: LocalityDoc) -> Spans:
    """LAC's names (LOC, nz) that name a region by province abbreviations (粤港澳, 皖北),
    and its LOC words that name a continent or a region of the world (欧洲, 东南亚).

    LAC may tag the abbreviation alone and the direction apart (辽/LOC 西北/f).
    """
    t, text = doc.tables, doc.text
    out: Spans = []
    for k, w in enumerate(doc.words):
        if w.tag not in ("LOC", "nz") or (w.start, w.end) in doc.places:
            continue
        end = w.end
        nxt = doc.words[k + 1] if k + 1 < len(doc.words) else None
        if w.end - w.start == 1 and nxt is not None and text[nxt.start : nxt.end] in t.directions:
            end = nxt.end
        name = text[w.start : end]
        if t.region(name) or w.tag == "LOC" and name in t.world_regions:
            out.append((w.start, end))
    return out
