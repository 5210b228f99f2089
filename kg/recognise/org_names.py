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

import ahocorasick

from kg.lexicon import tables
from kg.lexicon.gazetteer import Gazetteer
from kg.recognise.matching import CJK, TextTables, automaton, longest_words_first

PLACE_WORDS = "places/words.csv"
ORGAN_WORDS = "organs/words.csv"
UNITS = "organs/units.csv"


@dataclass(frozen=True)
class OrgTables:
    """The organ names, head nouns and words the organisation rules read."""

    text: TextTables
    cores: dict[str, bool]  # table organs and their abbreviations -> the bare name is one body
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

    @classmethod
    def shipped(cls) -> OrgTables:
        """The tables shipped with kg (organs/*.csv, places/words.csv, text/*)."""
        standalone = {o.name: o.standalone for o in tables.organs() if "recognise" in o.uses}
        cores = dict(standalone)
        for a in tables.abbreviations():
            if "recognise" in a.uses:
                cores[a.abbreviation] = cores.get(a.abbreviation, False) or standalone[a.full]
        heads = tables.load_table("organs/heads.csv").records("head", "needs")
        return cls(
            text=TextTables.shipped(),
            cores=dict(sorted(cores.items())),
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
        )

    @cached_property
    def core_names(self) -> ahocorasick.Automaton:
        """The organ names and abbreviations as an automaton: ``name -> standalone``."""
        return automaton(sorted(self.cores.items()))

    @cached_property
    def head_nouns(self) -> re.Pattern[str]:
        """Any head noun, longest first."""
        return re.compile("|".join(re.escape(h) for h in sorted(self.heads, key=len, reverse=True)))

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

    def is_name_char(self, ch: str) -> bool:
        """Whether ``ch`` can be part of a name."""
        return self.tables.text.is_name_char(ch)


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
    if text.startswith("街道", pos - 2):
        before = text[pos - 3] if pos >= 3 else "\n"
        if _starts_name(doc, before, pos - 2):
            return pos - 2
    return None


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


def plain_name_start(doc: OrgDoc, start: int) -> int | None:
    """Start of a proper name of 2–8 characters ending at ``start`` (西南林业 of 西南林业大学)."""
    text, t = doc.text, doc.tables
    s = start
    while s > 0 and start - s < 8 and doc.is_name_char(text[s - 1]):
        s -= 1
    s = after_last_verb(doc, s, start)
    while s < start and s not in doc.tok_starts:
        s += 1
    name = text[s:start]
    if len(name) < 2 or name in t.text.common_words or name in t.generic:
        return None
    if not name_like(t, name):
        return None
    if name[0] in t.admin_chars:  # a bare 市/县 would have been a prefix
        return None
    if doc.tok_text.get(s, "") in t.generic:
        return None
    return s
