"""The spaCy ``zh`` pipeline that recognises the six entity types.

Places, organisations and persons are found on characters (Aho-Corasick
over the gazetteer and the organ tables, compiled regexes for the rest), so
segmentation errors cannot cut a name; the tokens are then split at every
span boundary, so each span in ``doc.spans["kg"]`` is exactly the matched
text. PROGRAM, HONOR and DOCUMENT come from ``kg.recognise.terms``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

import kg.recognise.terms  # noqa: F401  (registers the kg_terms factory)
from kg.lexicon import tables
from kg.lexicon.gazetteer import RANK, VILLAGE_SUFFIXES, Gazetteer
from kg.model import Article, CleanPage, Mention
from kg.resources import pkuseg_model_dir

logger = logging.getLogger(__name__)

SPANS_KEY = "kg"
SENT_PUNCT = ["。", "！", "？", "；", "…", "!", "?", ";", "\n"]
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACE_WORDS = "places/words.csv"
ORGAN_WORDS = "organs/words.csv"
UNITS = "organs/units.csv"
# Characters a name never contains: function words and punctuation.
NAME_STOP = set(tables.chars("name_stop")) | set("、，。；：！？“”‘’《》（）()「」,.;:!? \n\t·—…")
ADMIN_CHARS = "".join(tables.words(PLACE_WORDS, "admin_char"))  # 省市县区州乡镇
TOWN_ENDINGS = tuple(w.word for w in tables.place_words("level") if w.level == "town")
# Characters before a bare 市/县 that show it starts a name (…由市人社局…).
PREFIX_OK_BEFORE = set(tables.words(PLACE_WORDS, "before_bare")) | set(
    "、，。；：“”（）《》,.;:() \n"
)
COMMITTEE_CHARS = "".join(tables.words(PLACE_WORDS, "county_up"))  # 市委, 县委: before 委
CITY_TYPE = "".join(tables.words(PLACE_WORDS, "city_type"))  # after a city's short form
COUNTY_TYPE = "".join(tables.words(PLACE_WORDS, "county_type"))  # after a county's short form
AUTONOMOUS_PLAIN = "".join(w.plain for w in tables.place_words("level") if w.plain)  # 凉山州
WATER = "".join(tables.words(PLACE_WORDS, "water"))  # 赤水河流域
QUANTITY = tables.chars("quantity")  # 三级, 两个: a tier or a count, not a name
VILLAGE_HEADS = re.compile("|".join(re.escape(s) for s in VILLAGE_SUFFIXES))  # 社区|村


# -- data tables -----------------------------------------------------------------
NUMBERED = re.compile(tables.pattern("group_number"))  # the number of a group (同心四组)
# an academy's institute by its short name (沙地所), not 所属/所有/所在 after the academy
INSTITUTE = re.compile(tables.pattern("institute"))


def _is_name_char(ch: str) -> bool:
    return bool(CJK.match(ch)) and ch not in NAME_STOP


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Frequent words of running text (text/common_words.csv): not bare names."""
    return frozenset(tables.words("text/common_words.csv"))


def _automaton(words: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for word, value in words:
        auto.add_word(word, (word, value))
    auto.make_automaton()
    return auto


def _matches(auto: ahocorasick.Automaton, text: str) -> list[tuple[int, int, Any]]:
    """``(start, end, value)`` of every dictionary word in ``text``."""
    if len(auto) == 0:
        return []
    return [(end + 1 - len(word), end + 1, value) for end, (word, value) in auto.iter(text)]


def _longest_first(cands: Sequence[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Non-overlapping candidates, the leftmost-longest first."""
    out: list[tuple[int, int, Any]] = []
    taken_until = -1
    for start, end, value in sorted(cands, key=lambda c: (c[0], -(c[1] - c[0]))):
        if start >= taken_until:
            out.append((start, end, value))
            taken_until = end
    return out


# -- exact spans -------------------------------------------------------------------


def add_exact_spans(doc: Doc, items: Iterable[tuple[int, int, str]]) -> None:
    """Add ``(start_char, end_char, label)`` spans to ``doc.spans["kg"]``, splitting tokens.

    Tokens are split at every boundary a span needs, so ``span.text`` is
    exactly the matched characters; spans already in the group are kept.
    """
    items = sorted(set(items))
    existing = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_KEY, [])]
    cuts = sorted({c for s, e, _ in items for c in (s, e)})
    splits: list[tuple[int, list[str]]] = []
    ci = 0
    for tok in doc:
        t0, t1 = tok.idx, tok.idx + len(tok.text)
        while ci < len(cuts) and cuts[ci] <= t0:
            ci += 1
        inner = []
        cj = ci
        while cj < len(cuts) and cuts[cj] < t1:
            inner.append(cuts[cj] - t0)
            cj += 1
        if inner:
            bounds = [0, *inner, len(tok.text)]
            splits.append(
                (tok.i, [tok.text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a])
            )
    if splits:
        with doc.retokenize() as retok:
            for i, orths in splits:
                tok = doc[i]
                retok.split(tok, orths, heads=[(tok, k) for k in range(len(orths))])
    group = []
    seen = set()
    for start, end, label in existing + items:
        if (start, end, label) in seen or start >= end:
            continue
        seen.add((start, end, label))
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None:
            logger.debug("no exact span for %r [%d, %d)", doc.text[start:end], start, end)
            continue
        group.append(span)
    doc.spans[SPANS_KEY] = group


def _titled(text: str) -> list[tuple[int, int]]:
    """Ranges inside 《…》: names there belong to the title, not to the article."""
    return [(m.start(), m.end()) for m in re.finditer(r"《[^《》\n]{1,80}》", text)]


def _outside_titles(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    titles = _titled(text)
    return [(s, e) for s, e in spans if not any(a <= s and e <= b for a, b in titles)]


def _token_bounds(doc: Doc) -> tuple[set[int], set[int]]:
    """Character offsets where tokens start and end (read as arrays: Token objects are slow)."""
    if not len(doc):
        return set(), set()
    idx = doc.to_array("IDX").tolist()
    length = doc.to_array("LENGTH").tolist()
    return set(idx), {i + n for i, n in zip(idx, length, strict=True)}


def _token_texts(doc: Doc) -> dict[int, str]:
    """Token text by start offset."""
    if not len(doc):
        return {}
    idx = doc.to_array("IDX").tolist()
    length = doc.to_array("LENGTH").tolist()
    text = doc.text
    return {i: text[i : i + n] for i, n in zip(idx, length, strict=True)}


def _spans_of(doc: Doc, label: str) -> list[tuple[int, int]]:
    return sorted(
        (s.start_char, s.end_char) for s in doc.spans.get(SPANS_KEY, []) if s.label_ == label
    )


# -- places --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _place_tables() -> tuple[
    ahocorasick.Automaton, frozenset[str], frozenset[str], list[tuple[str, re.Pattern[str], str]]
]:
    gaz = Gazetteer.load()
    words: dict[str, tuple[str, int]] = {}
    for surface, kind, rank in gaz.names_by_level("town"):
        if len(surface) < 2:
            continue
        if kind == "full" and rank == RANK["town"] and not surface.endswith(TOWN_ENDINGS):
            continue  # farms, forest centres, development zones: not towns in running text
        old = words.get(surface)
        if old is None or (kind == "full" and old[0] == "short"):
            words[surface] = (kind, rank)
    generic = frozenset(tables.words(PLACE_WORDS, "generic"))
    short_stop = frozenset(tables.words(PLACE_WORDS, "short_stop"))
    suffixes = [
        (row["suffix"], re.compile(row["name_pattern"]), row["level"])
        for row in tables.load_table("places/localities.csv").records(
            "suffix", "name_pattern", "level"
        )
    ]
    return _automaton(sorted(words.items())), generic, short_stop, suffixes


def _repeats(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Other occurrences of names found where context supported them.

    A village or community accepted after its town (…街道万佳社区) is the same
    place when the text names it again on its own (万佳社区被评为…).
    """
    taken = list(spans)
    out: list[tuple[int, int]] = []
    for name in sorted({text[s:e] for s, e in spans if e - s >= 3}):
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if not any(s < end and pos < e for s, e in taken):
                out.append((pos, end))
                taken.append((pos, end))
            pos = text.find(name, end)
    return out


class PlaceRecognizer:
    """Adds PLACE spans: gazetteer names, name chains, villages and named areas."""

    def __init__(
        self, *, town_short_forms: bool = True, village_needs_support: bool = True
    ) -> None:
        self.town_short_forms = town_short_forms
        self.village_needs_support = village_needs_support

    def __call__(self, doc: Doc) -> Doc:
        add_exact_spans(
            doc, [(s, e, "PLACE") for s, e in _outside_titles(doc.text, self.find(doc))]
        )
        return doc

    def find(self, doc: Doc) -> list[tuple[int, int]]:
        """Character spans of the places in ``doc``."""
        gaz = Gazetteer.load()
        auto, generic, short_stop, suffixes = _place_tables()
        words = common_words()
        text = doc.text
        tok_starts, tok_ends = _token_bounds(doc)
        raw = _matches(auto, text)
        present = {
            text[s:e]
            for s, e, (kind, rank) in raw
            if s in tok_starts
            and e in tok_ends
            or kind == "full"
            and rank <= RANK["county"]
            and e - s >= 3
        }
        accepted: list[tuple[int, int, object]] = []
        for start, end, (kind, rank) in raw:
            name = text[start:end]
            uids = gaz.full_name_uids(name) if kind == "full" else gaz.short_name_uids(name)
            supported = any(gaz.supported_by(u, present) for u in uids[:50])
            aligned = start in tok_starts and end in tok_ends
            if kind == "short" and len(name) >= 3 and name[-1] in AUTONOMOUS_PLAIN:
                kind = "full"  # 凉山州, 威宁县: the usual name of an autonomous division
            common = name in words
            enumerated = text[end : end + 1] == "、" or text[start - 1 : start] == "、"
            if kind == "full":
                if rank <= RANK["city"] and len(name) >= 3 or rank == RANK["country"]:
                    ok = True
                elif rank <= RANK["county"]:
                    ok = len(name) >= 3 or supported
                else:  # town
                    bare = name.rstrip("镇乡")
                    # 联合镇 after 县林草局 is the verb 联合: a common word needs an ancestor nearby
                    ok = len(name) >= 3 and bare not in generic
                    ok = ok and (supported or aligned and bare not in words)
            else:
                full_present = any(gaz.place(u).name in present for u in uids[:50])
                if name in short_stop or name in generic:
                    ok = full_present and aligned
                elif rank <= RANK["city"]:
                    ok = aligned or supported or end < len(text) and text[end] in CITY_TYPE
                    ok = ok or start in tok_starts and end < len(text) and text[end] == "委"
                elif rank == RANK["county"]:
                    # pkuseg often glues the short form to the next word (巧家风力)
                    ok = (full_present or supported and not common) and (
                        aligned
                        or start in tok_starts
                        or end < len(text)
                        and text[end] in COUNTY_TYPE
                    )
                else:
                    ok = (
                        self.town_short_forms
                        and aligned
                        and not common
                        and (full_present or supported and enumerated)
                    )
            if ok and text[end : end + 1] == "族":
                ok = False  # 朝鲜族, 蒙古族: a people, not the country
            if ok:
                accepted.append((start, end, rank))
        chosen = _longest_first(accepted)
        spans = [(s, e) for s, e, _ in chosen]
        villages = self._villages(text, chosen, present, tok_starts, generic)
        spans += villages
        low_ends = {e: r for _, e, r in chosen if isinstance(r, int) and r >= RANK["town"]}
        low_ends.update({e: RANK["village"] for _, e in villages})
        spans += self._named_areas(text, spans, tok_starts, generic, suffixes, low_ends)
        spans += _repeats(text, spans)
        return sorted(set(spans))

    def _villages(self, text, chosen, present, tok_starts, generic) -> list[tuple[int, int]]:
        gaz = Gazetteer.load()
        ends_at = {e for _, e, _ in chosen}
        covered = {i for s, e, _ in chosen for i in range(s, e)}
        found: list[tuple[int, int]] = []
        for m in VILLAGE_HEADS.finditer(text):
            end = m.end()
            if m.start() in covered:
                continue
            for length in range(7, m.end() - m.start() + 1, -1):
                start = end - length
                if start < 0:
                    continue
                name = text[start:end]
                bare = name[: m.start() - start]
                if (
                    not all(_is_name_char(c) for c in name)
                    or bare in generic
                    or bare[:1] in generic
                    and len(bare) <= 2
                ):
                    continue
                uids = [u for u in gaz.full_name_uids(name) if gaz.rank(u) == RANK["village"]]
                if not uids:
                    continue
                chained = start in ends_at
                if not chained and start not in tok_starts:
                    continue
                ctx = present - {bare, name}  # 幸福社区 is not backed by a 幸福镇 it names itself
                supported = chained or any(gaz.supported_by(u, ctx) for u in uids[:200])
                if supported or not self.village_needs_support and start in tok_starts:
                    found.append((start, end))
                    present.add(name)
                    bare_form = bare
                    if (
                        len(bare_form) >= 2
                    ):  # the short form (沙坝 for 沙坝村) where it stands alone
                        for b in re.finditer(re.escape(bare_form), text):
                            nxt = text[b.end() : b.end() + 2]
                            if b.start() in tok_starts and not nxt.startswith(VILLAGE_SUFFIXES):
                                found.append((b.start(), b.end()))
                    break
        return found

    @staticmethod
    def _led_village(text: str, start: int, end: int, bare: str) -> bool:
        """Whether an unlisted village follows a lead word (在保工社区，) and is no common word."""
        leads = tables.words(PLACE_WORDS, "village_lead")
        if not any(text.endswith(w, 0, start) for w in leads) or bare in common_words():
            return False
        nxt = text[end : end + 3]
        return nxt[:1] in "，,。；;、" or nxt.startswith(tables.words(UNITS, "village_body"))

    def _named_areas(
        self, text, spans, tok_starts, generic, suffixes, low_ends=None
    ) -> list[tuple[int, int]]:
        """Places named by a head word (红光安置区, 赤水河流域): the word before names them.

        ``low_ends`` maps the end of a town or village span to its rank: a village
        does not chain after a village (大火地村担任驻村), nor a town after a town.
        """
        words = common_words()
        low = low_ends or {}
        ends_at = {e for _, e in spans}
        found: list[tuple[int, int]] = []
        taken = {(s, e) for s, e in spans}
        for suffix, pattern, level in suffixes:
            for m in re.finditer(re.escape(suffix), text):
                if any(s <= m.start() and m.end() <= e for s, e in taken):
                    continue
                for length in range(2, 7):
                    start = m.start() - length
                    if start < 0 or not _is_name_char(text[start]):
                        break
                    chained = start in ends_at
                    if chained and level in ("village", "town"):
                        chained = low.get(start, RANK["county"]) < RANK[level]
                    if not (start in tok_starts or chained):
                        continue
                    bare = text[start : m.start()]
                    number = NUMBERED.search(bare)
                    word_end = m.start() - (len(number.group()) if number else 0)
                    if not chained and any(i in tok_starts for i in range(start + 1, word_end)):
                        break  # the name is one word (红光, 同心四), not a phrase (民警陪)
                    if not pattern.fullmatch(bare):
                        continue
                    river = bare[-1] in WATER and suffix == "流域"
                    if bare in generic or bare[:1] in generic or (bare in words and not river):
                        break
                    if (
                        level == "village"
                        and not chained
                        and self._led_village(text, start, m.end(), bare)
                    ):
                        found.append((start, m.end()))
                        taken.add((start, m.end()))
                        break
                    if level in ("village", "town") and not chained:
                        break
                    found.append((start, m.end()))
                    taken.add((start, m.end()))
                    break
        return found


@Language.factory(
    "kg_places",
    assigns=["doc.spans"],
    default_config={"town_short_forms": True, "village_needs_support": True},
)
def make_place_recognizer(
    nlp: Language, name: str, town_short_forms: bool, village_needs_support: bool
) -> PlaceRecognizer:
    return PlaceRecognizer(
        town_short_forms=town_short_forms, village_needs_support=village_needs_support
    )


# -- organisations ---------------------------------------------------------------------


@dataclass(frozen=True)
class OrgTables:
    cores: ahocorasick.Automaton  # table organs and their abbreviations -> standalone
    heads: dict[str, str]  # head noun -> what must come before it: place, place0, name
    head_re: re.Pattern[str]
    subunits: tuple[str, ...]  # longest first
    place_units: tuple[str, ...]  # longest first
    generic: frozenset[str]
    verbs: frozenset[str]
    central_cues: tuple[str, ...]
    academies: tuple[str, ...] = ()  # academies whose institutes are <academy>XX所
    office_parents: tuple[str, ...] = ()  # bodies whose 办公室 is a body (市委办公室)
    model_suffixes: tuple[str, ...] = ()  # 示范型, 枫桥式: a model, not a name


@lru_cache(maxsize=1)
def _org_tables() -> OrgTables:
    standalone = {o.name: o.standalone for o in tables.organs() if "recognise" in o.uses}
    words = dict(standalone)
    for a in tables.abbreviations():
        if "recognise" in a.uses:
            words[a.abbreviation] = words.get(a.abbreviation, False) or standalone[a.full]
    heads = {
        row["head"]: row["needs"]
        for row in tables.load_table("organs/heads.csv").records("head", "needs")
    }
    head_re = re.compile("|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True)))
    return OrgTables(
        cores=_automaton(sorted(words.items())),
        heads=heads,
        head_re=head_re,
        subunits=_longest_first_words(tables.words(UNITS, "attach")),
        place_units=_longest_first_words(tables.words(UNITS, "place")),
        generic=frozenset(tables.words(ORGAN_WORDS, "generic")),
        verbs=frozenset(tables.words(ORGAN_WORDS, "verb")),
        central_cues=_longest_first_words(tables.words(ORGAN_WORDS, "central_cue")),
        academies=_longest_first_words(tables.words(ORGAN_WORDS, "academy")),
        office_parents=tables.words(ORGAN_WORDS, "office_parent"),
        model_suffixes=tables.words(ORGAN_WORDS, "model_suffix"),
    )


def _longest_first_words(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


def _is_ancestor_name(a: str, b: str) -> bool:
    """Whether place name ``a`` can stand before ``b`` in a name chain (昭通市 → 昭阳区)."""
    gaz = Gazetteer.load()
    ua = gaz.full_name_uids(a) + gaz.short_name_uids(a)
    ub = gaz.full_name_uids(b) + gaz.short_name_uids(b)
    ub += [u for suffix in VILLAGE_SUFFIXES for u in gaz.full_name_uids(b + suffix)]
    if not ua or not ub:
        return True  # an area or village the gazetteer lacks: trust the text
    ua_set = set(ua)
    return any(ua_set.intersection(gaz.ancestors(u)) for u in ub[:50])


class OrgRecognizer:
    """Adds ORG spans: [place] + organ core + [sub-unit]*, party committees, named bodies."""

    def __init__(self, *, max_name_chars: int = 10) -> None:
        self.max_name_chars = max_name_chars

    def __call__(self, doc: Doc) -> Doc:
        add_exact_spans(doc, [(s, e, "ORG") for s, e in _outside_titles(doc.text, self.find(doc))])
        return doc

    def bare_prefix(self, text: str, pos: int) -> int | None:
        """Start of a bare 市/县/省/区/街道 standing for the article's place right before ``pos``."""
        levels = text[pos - 1 : pos + 1]  # 乡镇, 县区: two levels named together
        if (
            pos > 0
            and text[pos - 1] in ADMIN_CHARS
            and not (levels[-1:] in ADMIN_CHARS and levels in common_words())
        ):
            before = text[pos - 2] if pos >= 2 else "\n"
            if before in ADMIN_CHARS:
                return None  # 市县乡三级…, 各乡镇…: levels, not one body
            if before in PREFIX_OK_BEFORE or not CJK.match(before) or pos - 1 in self._tok_starts:
                return pos - 1
            if any(text[pos - 1 - n : pos - 1] in self._tables.verbs for n in (2, 3, 4)):
                return pos - 1  # 联合县人社局: a verb, then the bare 县
        if text.startswith("街道", pos - 2):
            before = text[pos - 3] if pos >= 3 else "\n"
            if before in PREFIX_OK_BEFORE or not CJK.match(before) or pos - 2 in self._tok_starts:
                return pos - 2
        return None

    def chain_start(self, text: str, pos: int, org_end: dict[int, int]) -> int | None:
        """Start of the places and organisations that end right at ``pos`` (昭通市昭阳区…)."""
        start = None
        later = None  # the place after the current one in the chain
        while pos in self._place_end or pos in org_end:
            if pos in self._place_end:
                ps = self._place_end[pos]
                if later is not None and not _is_ancestor_name(text[ps:pos], later):
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
            and _is_name_char(text[start - 1])
        ):
            start -= 4  # a national brand before the branch's place: 中国联通昭通市…
        return start

    def _prefix_start(self, text: str, pos: int, org_end: dict[int, int]) -> int | None:
        start = self.chain_start(text, pos, org_end)
        return start if start is not None else self.bare_prefix(text, pos)

    def _after_last_verb(self, text: str, begin: int, end: int) -> int:
        """``begin``, or the end of the last verb token in ``text[begin:end]``."""
        cut = begin
        for i in range(begin, end):
            tok = self._tok_text.get(i)
            if tok is not None and tok in self._tables.verbs and i + len(tok) <= end:
                cut = i + len(tok)
        return cut

    def _name_like(self, middle: str) -> bool:
        """Whether ``middle`` may stand between a place and a head noun (not 驻村, 三级, 示范型)."""
        t = self._tables
        if not middle:
            return True
        if middle[0] in QUANTITY or middle.endswith(t.model_suffixes):
            return False
        if re.search(f"[{QUANTITY}]级", middle):
            return False  # 三级党群服务中心: a tier of bodies, not one
        return (
            not any(middle.startswith(g) for g in t.generic if len(g) >= 2)
            and middle[0] not in t.generic
        )

    def _plain_name_start(self, text: str, start: int) -> int | None:
        """Start of a proper name of 2–8 characters ending at ``start`` (西南林业 of 西南林业大学)."""
        t = self._tables
        s = start
        while s > 0 and start - s < 8 and _is_name_char(text[s - 1]):
            s -= 1
        s = self._after_last_verb(text, s, start)
        while s < start and s not in self._tok_starts:
            s += 1
        name = text[s:start]
        if (
            len(name) < 2
            or name in common_words()
            or name in t.generic
            or not self._name_like(name)
        ):
            return None
        if name[0] in ADMIN_CHARS:  # a bare 市/县 would have been a prefix
            return None
        first = self._tok_text.get(s, "")
        if first in t.generic:
            return None
        return s

    def find(self, doc: Doc) -> list[tuple[int, int]]:
        """Character spans of the organisations in ``doc``."""
        self._tables = t = _org_tables()
        text = doc.text
        self._tok_starts, tok_ends = _token_bounds(doc)
        self._tok_text = _token_texts(doc)
        self._place_end: dict[int, int] = {}
        place_end = self._place_end
        for ps, pe in _spans_of(doc, "PLACE"):
            place_end[pe] = min(place_end.get(pe, ps), ps)
        cands: list[tuple[int, int]] = []
        org_end: dict[int, int] = {}

        def add(start: int, end: int) -> None:
            if text[start:end].startswith("驻") or "式" in text[start:end]:
                return  # unnamed task forces; models and titles (枫桥式…派出所)
            cands.append((start, end))
            org_end[end] = min(org_end.get(end, start), start)

        # 1. party committees: <place>委 (巧家县委), bare 市委/县委
        for m in re.finditer("委", text):
            pos = m.start()
            if text.startswith("委员", pos):
                continue
            if pos in place_end and text[pos - 1] in ADMIN_CHARS:
                add(self.chain_start(text, pos, {}) or place_end[pos], pos + 1)
            elif pos > 0 and text[pos - 1] in COMMITTEE_CHARS:
                pre = self.bare_prefix(text, pos)
                if pre is not None:
                    add(pre, pos + 1)
        # bare 中央 where what follows shows it is the Party Centre (服从中央部署)
        for m in re.finditer("中央", text):
            before = text[m.start() - 1 : m.start()]
            if before != "党" and text.startswith(t.central_cues, m.end()):
                add(m.start(), m.end())
        # 2. table organs: 人力资源和社会保障局, 人社局, 国务院 …
        for start, end, standalone in _longest_first(_matches(t.cores, text)):
            pre = self._prefix_start(text, start, org_end)
            if pre is not None and start in org_end and start not in place_end:
                if text[start:end] == "办公室" and not text[:start].endswith(t.office_parents):
                    continue  # 派出所办公室 is a room; 市委办公室, 县政府办公室 are bodies
            if pre is not None:
                add(pre, end)
            elif standalone:
                add(start, end)
        # 3. places serving as the name: 莫古土村党支部, 溪洛渡街道党工委
        for pe, ps in sorted(place_end.items()):
            unit = next((u for u in t.place_units if text.startswith(u, pe)), None)
            if unit:
                add(self.chain_start(text, pe, {}) or ps, pe + len(unit))
        for unit in t.place_units:
            for m in re.finditer(re.escape(unit), text):
                if m.start() not in place_end:  # 镇党委, 街道党工委: the article's own
                    pre = self.bare_prefix(text, m.start())
                    if pre is not None:
                        add(pre, m.end())
        # 4. head nouns: 局, 中心, 派出所, 大学, 公司 …
        for m in t.head_re.finditer(text):
            head, start, end = m.group(), m.start(), m.end()
            needs = t.heads[head]
            if any(s <= start and end <= e for s, e in cands):
                continue
            if (
                head == "办公室"
                and start in org_end
                and not text[:start].endswith(t.office_parents)
            ):
                continue  # 派出所办公室: a room of the station
            if not (
                end in tok_ends
                or end >= len(text)
                or not _is_name_char(text[end])
                or text.startswith(t.subunits, end)
            ):
                continue  # 大学生, 中心城区: the head is part of a longer word
            if (
                start not in self._tok_starts
                and start > 0
                and text[start - 1 : start + 1] in common_words()
            ):
                continue  # 全局, 格局, 大局: a word, not an organ
            begin = None
            for length in range(0, self.max_name_chars + 1):
                s = start - length
                if s < 0 or length and not (_is_name_char(text[s]) or text[s] in "()（）"):
                    break
                pre = self._prefix_start(text, s, org_end)
                if pre is not None and (length >= 2 or needs != "place"):
                    if self._after_last_verb(text, s, start) == s and self._name_like(
                        text[s:start]
                    ):
                        begin = pre
                    break
            if begin is None and needs == "name":
                begin = self._plain_name_start(text, start)
            if begin is not None:
                add(begin, end)
        # 5. sub-units and chained organs: 昭通市气象局党组, 昭通市人社局就业局党支部
        grown = []
        place_starts = set(place_end.values())
        starts_at: dict[int, int] = {}
        for s, e in cands:
            starts_at[s] = max(starts_at.get(s, e), e)
        for s, e, _ in _longest_first([(s, e, None) for s, e in sorted(set(cands))]):
            while True:
                sub = next((u for u in t.subunits if text.startswith(u, e)), None)
                institute = INSTITUTE.match(text, e) if sub is None else None
                if institute and text[s:e].endswith(t.academies):
                    sub = institute.group()  # 省农科院沙地所
                if sub is not None:
                    e += len(sub)
                elif (
                    e in starts_at
                    and starts_at[e] > e
                    and text[e] not in ADMIN_CHARS
                    and e not in place_starts
                ):
                    e = starts_at[e]
                else:
                    break
            grown.append((s, e, None))
        return [(s, e) for s, e, _ in _longest_first(grown)]


@Language.factory("kg_orgs", assigns=["doc.spans"], default_config={"max_name_chars": 10})
def make_org_recognizer(nlp: Language, name: str, max_name_chars: int) -> OrgRecognizer:
    return OrgRecognizer(max_name_chars=max_name_chars)


# -- persons -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonTables:
    surnames: frozenset[str]
    double_surnames: frozenset[str]
    roles: ahocorasick.Automaton
    after: tuple[str, ...]
    stop: frozenset[str]
    leaders: ahocorasick.Automaton
    address: tuple[str, ...] = ()  # forms of address after a surname (张大爷): not a name


@lru_cache(maxsize=1)
def _person_tables() -> PersonTables:
    surnames = tables.surnames("person")
    leaders = tables.load_table("people/leaders.csv").column("name")
    return PersonTables(
        surnames=frozenset(s for s in surnames if len(s) == 1),
        double_surnames=frozenset(s for s in surnames if len(s) == 2),
        roles=_automaton((w, None) for w in sorted({r.word for r in tables.roles("before")})),
        after=tuple(sorted({r.word for r in tables.roles("after")}, key=len, reverse=True)),
        stop=frozenset(tables.chars("person_name_end")),
        leaders=_automaton((w, None) for w in sorted(set(leaders))),
        address=tuple(r.word for r in tables.roles("address")),
    )


class PersonRecognizer:
    """Adds PERSON spans: surname + given name next to a role, a speech verb or 化名."""

    def __init__(self, *, max_given: int = 2) -> None:
        self.max_given = max_given

    def __call__(self, doc: Doc) -> Doc:
        add_exact_spans(
            doc, [(s, e, "PERSON") for s, e in _outside_titles(doc.text, self.find(doc))]
        )
        return doc

    def _surname_len(self, text: str, i: int) -> int:
        t = self._tables
        if text[i : i + 2] in t.double_surnames:
            return 2
        return 1 if text[i : i + 1] in t.surnames else 0

    def _name_at(self, text: str, i: int, blocked: set[int]) -> int | None:
        """End of a name starting at ``i`` after a cue, or None."""
        t = self._tables
        sl = self._surname_len(text, i)
        if not sl:
            return None
        end = i + sl
        for k in range(self.max_given):
            if end >= len(text) or end in blocked:
                break
            ch = text[end]
            if not CJK.match(ch) or ch in NAME_STOP:
                break
            if (
                k >= 1
                and (
                    ch in t.stop
                    or self._role_at(text, end)
                    or text.startswith(t.after, end)
                    or text[end : end + 2] in common_words()  # 刘洋现场: 现场 is the next word
                    and text[end + 1 : end + 2] not in t.stop
                )
            ):
                break
            end += 1
        if end - i < sl + 1:
            return None
        name = text[i:end]
        words = common_words()
        given = name[sl:]
        if "某" in given or any(given.startswith(w) for w in t.address):
            return None  # 张某, 张大爷: anonymised or a form of address, not a name
        if name in words or self._role_at(text, i):
            return None  # 管理, 满意度, 干部: ordinary words that start with a surname
        return end

    def _role_at(self, text: str, i: int) -> bool:
        return any(s == i for s, _e, _ in self._role_spans_from(i))

    def _role_spans_from(self, i: int) -> list[tuple[int, int, object]]:
        return self._roles_by_start.get(i, [])

    def find(self, doc: Doc) -> list[tuple[int, int]]:
        """Character spans of the persons in ``doc``."""
        self._tables = t = _person_tables()
        text = doc.text
        covered: set[int] = set()
        for s in doc.spans.get(SPANS_KEY, []):
            if s.label_ in ("ORG", "PLACE"):
                covered.update(range(s.start_char, s.end_char))
        roles = _matches(t.roles, text)
        self._roles_by_start: dict[int, list[tuple[int, int, object]]] = {}
        for r in roles:
            self._roles_by_start.setdefault(r[0], []).append(r)
        found: set[tuple[int, int]] = set()
        # leaders named without a cue
        for s, e, _ in _matches(t.leaders, text):
            found.add((s, e))
        # role word (optionally with ：) then a name; then names listed after it with 、
        role_ends = sorted({e for _, e, _ in roles})
        for e in role_ends:
            i = e
            while i < len(text) and text[i] in "：: \u3000”":
                i += 1
            while True:
                if i in covered:
                    break
                end = self._name_at(text, i, set())
                if text[i : i + 1] == "任" and i + 1 not in covered:
                    later = self._name_at(text, i + 1, set())
                    if later is not None:  # 主任任代开全: 任 is the verb, not a surname
                        i, end = i + 1, later
                if end is None:
                    break
                found.add((i, end))
                if (
                    end < len(text)
                    and text[end] in "、 \u3000"
                    and self._surname_len(text, end + 1)
                ):
                    i = end + 1  # 通讯员 张三 李四, 先进个人肖艳梅、杨杰
                    continue
                break
        # name then a speech verb or 化名: 陈杰说, 刘圆（化名）
        for cue in t.after:
            for m in re.finditer(re.escape(cue), text):
                e = m.start()
                for length in (3, 2, 4):
                    s = e - length
                    if s < 0 or any(c in NAME_STOP or not CJK.match(c) for c in text[s:e]):
                        continue
                    if length == 3 and text[s] in t.stop:
                        continue  # 任鲜波说: 任 is the verb
                    if s > 0 and text[s - 1 : s + 1] in common_words():
                        continue  # 新华社报道, 部门负责同志: the name would cut a word
                    if self._surname_len(text, s) and self._name_at(text, s, {e}) == e:
                        found.add((s, e))
                        break
        # a list of names closed by 等: 杨太毅、易庆华等
        for m in re.finditer(r"((?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3})等", text):
            items = m.group(1).split("、")
            pos = m.start(1)
            spans = []
            for item in items:
                if self._name_at(text, pos, {pos + len(item)}) == pos + len(item):
                    spans.append((pos, pos + len(item)))
                pos += len(item) + 1
            if len(spans) == len(items):
                found.update(spans)
        # a name once found is a name wherever it recurs
        names = {text[s:e] for s, e in found}
        for name in sorted(names):
            for m in re.finditer(re.escape(name), text):
                found.add((m.start(), m.end()))
        out = [(s, e) for s, e in found if not any(i in covered for i in range(s, e))]
        return [(s, e) for s, e, _ in _longest_first([(s, e, None) for s, e in out])]

    def _role_at_end(self, text: str, pos: int) -> bool:
        return any(
            e == pos
            for s in range(max(0, pos - 6), pos)
            for _s, e, _ in self._roles_by_start.get(s, [])
        )


@Language.factory("kg_persons", assigns=["doc.spans"], default_config={"max_given": 2})
def make_person_recognizer(nlp: Language, name: str, max_given: int) -> PersonRecognizer:
    return PersonRecognizer(max_given=max_given)


# -- the pipeline ----------------------------------------------------------------------------


def build_nlp(*, segmenter: str = "pkuseg", model_dir: Path | None = None) -> Language:
    """A blank ``zh`` pipeline with kg's recognisers, loaded offline."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    if segmenter == "pkuseg":
        nlp.tokenizer.initialize(pkuseg_model=str(model_dir or pkuseg_model_dir()))  # type: ignore[union-attr]
    nlp.add_pipe("sentencizer", config={"punct_chars": SENT_PUNCT})
    nlp.add_pipe("kg_places")
    nlp.add_pipe("kg_orgs")
    nlp.add_pipe("kg_persons")
    nlp.add_pipe("kg_terms")
    return nlp


def mentions_of(doc: Doc, article: Article, page: CleanPage) -> list[Mention]:
    """The mentions of ``doc`` (the text ``page.text[article.start:article.end]``)."""
    out = []
    for span in sorted(
        doc.spans.get(SPANS_KEY, []), key=lambda s: (s.start_char, -s.end_char, s.label_)
    ):
        sent = span.sent if doc.has_annotation("SENT_START") else doc[:]
        out.append(
            Mention(
                text=span.text,
                label=span.label_,
                start=article.start + span.start_char,
                end=article.start + span.end_char,
                article=article.index,
                sentence=sent.text,
                sentence_start=article.start + sent.start_char,
                canonical=span._.canonical if Span.has_extension("canonical") else None,
                core=bool(span._.core) if Span.has_extension("core") else True,
            )
        )
    return out
