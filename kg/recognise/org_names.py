"""What stands before an organ's head: place chains, a bare 市/县, a proper name.

The organisation rules (:mod:`kg.recognise.orgs`) find an organ's core or
head noun first; these rules then find where its name starts: at the first
place of a chain ending right before it (昭通市昭阳区…), at a bare level
word standing for the article's own place (市人社局), or at a proper name
(西南林业大学).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from kg.lexicon import tables
from kg.lexicon.gazetteer import Gazetteer
from kg.recognise.lac import Word
from kg.recognise.matching import CJK, Dictionary, TextTables, longest_words_first

PLACE_WORDS = "places/words.csv"
BARE_NAME_MIN, BARE_SHORT_MIN = 4, 3  # characters of an organ's name printed alone
BARE_UNIT_MIN = 4  # a bare unit this long names one body (机关党委), a shorter is generic (党委)
ORGAN_WORDS = "organs/words.csv"
UNITS = "organs/units.csv"


@dataclass(frozen=True)
class OrgTables:
    """The organ names, head nouns and words the organisation rules read."""

    text: TextTables
    cores: dict[str, bool]  # table organs and their abbreviations -> the bare name is one body
    alone: frozenset[str]  # cores printed without a place for the article's own (房地局)
    heads: dict[str, str]  # head noun -> what must come before it: place, place0, name
    subunits: tuple[str, ...]  # attach after an organ (党组, 办公室), longest first
    place_units: tuple[str, ...]  # attach after a place (党支部, 党工委), longest first
    generic: frozenset[str]  # words that start no name
    verbs: frozenset[str]  # a verb before a name is not part of it
    central_cues: tuple[str, ...]  # after a bare 中央 that is the Party Centre
    academies: tuple[str, ...]  # academies whose institutes are <academy>XX所
    office_parents: tuple[str, ...]  # bodies whose 办公室 is a body (市委办公室)
    model_suffixes: tuple[str, ...]  # 示范型, 枫桥式: a model, not a name
    admin_chars: str  # one-character level words above the village (省市县区州乡镇)
    committee_chars: str  # county-or-up level characters before 委 (市委, 县委)
    before_bare: frozenset[str]  # characters before a bare 市/县 that show it starts a name
    quantity: str  # numerals and quantity words: a tier or a count, not a name
    institute: str  # pattern: an academy's institute by its short name (沙地所)
    village_suffixes: tuple[str, ...]  # 社区, 村: looked up after a village's bare name
    ordinals: str = ""  # numerals that number a name (第二实验小学, 八十三中)
    level_chars: str = ""  # one-character level words, village included (村妇联)
    bare_words: tuple[str, ...] = ()  # bare level words of two or more characters (自治区)
    terms: tuple[str, ...] = ()  # 届: the term of an elected body (市六届人大)
    list_marks: tuple[str, ...] = ()  # 、: between the items of a list
    bare_heads: tuple[str, ...] = ()  # 局: after a bare 市/县, the article's own bureau (市局)
    bare_units: tuple[str, ...] = ()  # 机关党委: printed alone, a unit of the organ before
    ordinal_mark: str = ""  # 第, before an ordinal

    @classmethod
    def shipped(cls) -> OrgTables:
        """The tables shipped with kg (organs/*.csv, places/words.csv, text/*)."""
        organs = [o for o in tables.organs() if "recognise" in o.uses]
        standalone = {o.name: o.standalone for o in organs}
        cores = dict(standalone)
        # a local organ of a level above the village, printed alone for the article's own:
        # by a short form (发改委) or a full name of four or more characters
        local = {o.name for o in organs if o.levels and not {"central", "village"} & set(o.levels)}
        alone = {n for n in local if len(n) >= BARE_NAME_MIN}
        for a in tables.abbreviations():
            if "recognise" in a.uses:
                cores[a.abbreviation] = cores.get(a.abbreviation, False) or standalone[a.full]
                if a.full in local and len(a.abbreviation) >= BARE_SHORT_MIN:
                    alone.add(a.abbreviation)
        heads = tables.load_table("organs/heads.csv").records("head", "needs")
        return cls(
            text=TextTables.shipped(),
            cores=dict(sorted(cores.items())),
            alone=frozenset(alone),
            heads={row["head"]: row["needs"] for row in heads},
            subunits=longest_words_first(tables.words(UNITS, "attach")),
            place_units=longest_words_first(tables.words(UNITS, "place")),
            generic=frozenset(tables.words(ORGAN_WORDS, "generic")),
            verbs=frozenset(tables.words(ORGAN_WORDS, "verb")),
            central_cues=longest_words_first(tables.words(ORGAN_WORDS, "central_cue")),
            academies=longest_words_first(tables.words(ORGAN_WORDS, "academy")),
            office_parents=tables.words(ORGAN_WORDS, "office_parent"),
            model_suffixes=tables.words(ORGAN_WORDS, "model_suffix"),
            admin_chars="".join(tables.words(PLACE_WORDS, "admin_char")),
            committee_chars="".join(tables.words(PLACE_WORDS, "county_up")),
            # punctuation before a bare 市/县 also shows a name starts there (…由市人社局…)
            before_bare=frozenset(tables.words(PLACE_WORDS, "before_bare"))
            | frozenset("、，。；：“”（）《》,.;:() \n"),
            quantity=tables.chars("quantity"),
            institute=tables.pattern("institute"),
            village_suffixes=tables.words(PLACE_WORDS, "strip_village"),
            ordinals=tables.chars("ordinal"),
            level_chars="".join(w.word for w in tables.place_words("level") if len(w.word) == 1),
            bare_words=longest_words_first(bare_level_words()),
            terms=tables.words(ORGAN_WORDS, "term"),
            list_marks=tables.words(ORGAN_WORDS, "list_mark"),
            bare_heads=tables.words(ORGAN_WORDS, "bare_head"),
            bare_units=tuple(u for u in tables.words(UNITS, "bare") if len(u) >= BARE_UNIT_MIN),
            ordinal_mark="".join(tables.words(ORGAN_WORDS, "ordinal_mark")),
        )

    @cached_property
    def core_names(self) -> Dictionary:
        """The organ names and abbreviations as an automaton: ``name -> standalone``."""
        return Dictionary(sorted(self.cores.items()))

    @cached_property
    def head_nouns(self) -> re.Pattern[str]:
        """Any head noun, longest first."""
        return re.compile("|".join(re.escape(h) for h in sorted(self.heads, key=len, reverse=True)))

    @cached_property
    def term(self) -> re.Pattern[str]:
        """The term of an elected body ending a text (第六届, 十一届)."""
        words = "|".join(map(re.escape, self.terms)) or "(?!)"
        return re.compile(f"{self.ordinal_mark or '(?!)'}?[{self.ordinals}]+(?:{words})$")

    @cached_property
    def head_lengths(self) -> tuple[int, ...]:
        """The lengths of the head nouns, longest first."""
        return tuple(sorted({len(h) for h in self.heads}, reverse=True))

    @cached_property
    def core_lengths(self) -> tuple[int, ...]:
        """The lengths of the table organs and their short forms, longest first."""
        return tuple(sorted({len(c) for c in self.cores}, reverse=True))

    @cached_property
    def institutes(self) -> re.Pattern[str]:
        """An academy's institute by its short name (沙地所), not 所属/所有 after the academy."""
        return re.compile(self.institute)

    @cached_property
    def tier(self) -> re.Pattern[str]:
        """A quantity before 级: a tier of bodies (三级党群服务中心), not one."""
        return re.compile(f"[{self.quantity}]级")


@dataclass(frozen=True)
class OrgOptions:
    """Settings of the organisation recogniser (its pipeline config)."""

    max_name_chars: int = 10  # the longest name before a head noun


# LAC's parts of speech that end a name read backwards from its head: prepositions,
# conjunctions, particles, punctuation, adverbs, pronouns, times, measure words
BREAK_TAGS = frozenset({"p", "c", "u", "w", "d", "r", "xc", "t", "TIME", "q", "vd", "ad"})
VERB_TAGS = frozenset({"v"})  # a verb is in a name only right before its head (建设集团)
NUMBER_TAG = "m"  # a number is in a name only as an ordinal (第二实验小学)


@dataclass(frozen=True)
class OrgDoc:
    """What the organisation rules read of one document."""

    text: str
    tables: OrgTables
    gazetteer: Gazetteer
    tok_starts: set[int]
    tok_ends: set[int]
    tok_text: dict[int, str]  # token text by start offset
    place_end: dict[int, int]  # end of a PLACE span -> the earliest start of one ending there
    max_name_chars: int  # the longest name before a head noun
    words: tuple[Word, ...] = ()  # LAC's words with their tags (empty under another segmenter)

    def is_name_char(self, ch: str) -> bool:
        """Whether ``ch`` can be part of a name."""
        return self.tables.text.is_name_char(ch)

    @cached_property
    def word_ending(self) -> dict[int, Word]:
        """LAC's words by where they end."""
        return {w.end: w for w in self.words}

    @cached_property
    def word_at(self) -> dict[int, Word]:
        """LAC's word covering each character offset."""
        return {i: w for w in self.words for i in range(w.start, w.end)}


def tagged_start(doc: OrgDoc, begin: int, head: int) -> int:
    """Where a name ending at ``head`` starts at the latest, by LAC's tags of ``text[begin:head]``.

    A preposition, conjunction, particle, adverb, pronoun or time word ends it
    (随着｜谊来鲍鱼制品公司); so does a verb, unless it stands right before the
    head (建设集团, not 重建｜木兰陂纪念馆), and a number that is no ordinal (2015｜学年).
    """
    if not doc.words:
        return begin
    cut = begin
    pos = head
    while pos > begin:
        w = doc.word_at.get(pos - 1)
        if w is None:
            break
        start = max(w.start, begin)
        if w.tag in BREAK_TAGS or _breaks(doc, w, head):
            cut = max(begin, w.end)
            break
        pos = start
    return cut


def _breaks(doc: OrgDoc, w: Word, head: int) -> bool:
    if w.tag in VERB_TAGS:
        return w.end < head
    if w.tag == NUMBER_TAG:
        return not doc.text.startswith(doc.tables.ordinal_mark, w.start)
    return False


def bare_level_words() -> list[str]:
    """Level words of two or more characters printed alone for the article's place.

    街道 (a bare word of places/words.csv above the community) and the
    autonomous levels' type words (自治区, 自治州, 自治县): 自治区党委 is the party
    committee of the article's region.
    """
    town = tables.rank("town")
    bare = [
        w.word for w in tables.place_words("bare")
        if len(w.word) >= 2 and tables.rank(w.level) <= town
    ]  # fmt: skip
    generic = {w.word for w in tables.place_words("generic")}
    typed = [
        w.word for w in tables.place_words("level")
        if len(w.word) >= 2 and tables.rank(w.level) < town and w.word not in generic
    ]  # fmt: skip
    return bare + [w for w in typed if w not in bare]


def is_ancestor_name(doc: OrgDoc, a: str, b: str) -> bool:
    """Whether place name ``a`` can stand before ``b`` in a name chain (昭通市 → 昭阳区)."""
    gaz = doc.gazetteer
    ua = gaz.full_name_uids(a) + gaz.short_name_uids(a)
    ub = gaz.full_name_uids(b) + gaz.short_name_uids(b)
    ub += [u for suffix in doc.tables.village_suffixes for u in gaz.full_name_uids(b + suffix)]
    if not ua or not ub:
        return True  # an area or village the gazetteer lacks: trust the text
    ua_set = set(ua)
    return any(ua_set.intersection(gaz.ancestors(u)) for u in ub[:50])


def _starts_name(doc: OrgDoc, before: str, at: int) -> bool:
    """Whether a bare level word at ``at`` after the character ``before`` starts a name."""
    return before in doc.tables.before_bare or not CJK.match(before) or at in doc.tok_starts


def bare_prefix(doc: OrgDoc, pos: int) -> int | None:
    """Start of a bare 市/县/省/区/街道 standing for the article's place right before ``pos``."""
    text, t = doc.text, doc.tables
    levels = text[pos - 1 : pos + 1]  # 乡镇, 县区: two levels named together
    if (
        pos > 0
        and text[pos - 1] in t.admin_chars
        and not (levels[-1:] in t.admin_chars and levels in t.text.common_words)
    ):
        before = text[pos - 2] if pos >= 2 else "\n"
        if before in t.admin_chars:
            return None  # 市县乡三级…, 各乡镇…: levels, not one body
        if _starts_name(doc, before, pos - 1):
            return pos - 1
        if any(text[pos - 1 - n : pos - 1] in t.verbs for n in (2, 3, 4)):
            return pos - 1  # 联合县人社局: a verb, then the bare 县
    for word in t.bare_words:  # 街道党工委, 自治区党委
        if text.startswith(word, pos - len(word)):
            at = pos - len(word)
            before = text[at - 1] if at >= 1 else "\n"
            return at if _starts_name(doc, before, at) else None
    return None


def term_start(doc: OrgDoc, pos: int) -> int:
    """Where the term of an elected body ending at ``pos`` starts (市｜六届｜人大), else ``pos``."""
    m = doc.tables.term.search(doc.text, max(0, pos - 8), pos)
    return m.start() if m else pos


def chain_start(doc: OrgDoc, pos: int, org_end: dict[int, int]) -> int | None:
    """Start of the places and organisations that end right at ``pos`` (昭通市昭阳区…)."""
    text = doc.text
    start = None
    later = None  # the place after the current one in the chain
    while pos in doc.place_end or pos in org_end:
        if pos in doc.place_end:
            ps = doc.place_end[pos]
            if later is not None and not is_ancestor_name(doc, text[ps:pos], later):
                break
            later = text[ps:pos]
            pos = ps
        else:
            pos = org_end[pos]
            later = None
        start = pos
    if (
        start is not None
        and text.startswith("中国", start - 4)
        and doc.is_name_char(text[start - 1])
    ):
        start -= 4  # a national brand before the branch's place: 中国联通昭通市…
    return start


def prefix_start(doc: OrgDoc, pos: int, org_end: dict[int, int]) -> int | None:
    """Start of a place chain or a bare level word ending at ``pos``, or None."""
    start = chain_start(doc, pos, org_end)
    return start if start is not None else bare_prefix(doc, pos)


def after_last_verb(doc: OrgDoc, begin: int, end: int) -> int:
    """``begin``, or the end of the last verb token in ``text[begin:end]``."""
    cut = begin
    for i in range(begin, end):
        tok = doc.tok_text.get(i)
        if tok is not None and tok in doc.tables.verbs and i + len(tok) <= end:
            cut = i + len(tok)
    return cut


def name_like(t: OrgTables, middle: str) -> bool:
    """Whether ``middle`` may stand between a place and a head noun (not 驻村, 三级, 示范型)."""
    if not middle:
        return True
    if middle[0] in t.quantity or middle.endswith(t.model_suffixes):
        return False
    if t.tier.search(middle):
        return False  # 三级党群服务中心: a tier of bodies, not one
    return (
        not any(middle.startswith(g) for g in t.generic if len(g) >= 2)
        and middle[0] not in t.generic
    )


def plain_name_start(doc: OrgDoc, start: int, *, field: bool = False) -> int | None:
    """Start of a proper name of 2–8 characters ending at ``start`` (西南林业 of 西南林业大学).

    With ``field``, the name of an internal unit's field, which may be a common
    word (律师 of 律师工作处, 教育就业 of 教育就业处).
    """
    text, t = doc.text, doc.tables
    s = start
    while s > 0 and start - s < 8 and doc.is_name_char(text[s - 1]):
        s -= 1
    s = max(after_last_verb(doc, s, start), tagged_start(doc, s, start))
    word = doc.word_at.get(start - 1)
    if word is not None and word.tag == "ORG" and s < word.start:
        s = word.start  # 集体企业｜大连鑫源实业总公司: the name LAC reads
    while s < start and s not in doc.tok_starts:
        s += 1
    name = text[s:start]
    if len(name) < 2 or (name in t.text.common_words and not field) or name in t.generic:
        return None
    if not name_like(t, name):
        return None
    if name[0] in t.admin_chars:  # a bare 市/县 would have been a prefix
        return None
    if doc.tok_text.get(s, "") in t.generic:
        return None
    return s
