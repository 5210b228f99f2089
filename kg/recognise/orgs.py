"""The organisation recogniser (``kg_orgs``): [place]* [qualifier]* head [unit]*.

The rules run in this order, each seeing what the ones before it found:
party committees (<place>委, a bare 市委), organs of the tables (人社局,
国务院, 市六届人大; a standard organ printed alone after a break, 、房地局),
units named by a place (莫古土村党支部), the article's own bureau and
committee printed bare (市局, 机关党委), and head nouns (局, 中心, 合唱团,
工作处, 八十三中) after a place, an organisation or a name whose start LAC's
parts of speech bound (随着｜华兴公司). Then, by the pipeline's merge policy,
LAC's ORG names fill the gaps where the head grammar vouches for them
(:mod:`kg.recognise.org_candidates`), the items of a list sharing a head are
added (市城投集团、公用集团), and each organ grows by its sub-units and the
organs chained after it. Where a name starts is
:mod:`kg.recognise.org_names`' part.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon.gazetteer import Gazetteer
from kg.recognise.component import SpanRecognizer, not_initialised
from kg.recognise.lac import words_of
from kg.recognise.matching import longest_first, longest_spans
from kg.recognise.org_candidates import ORG_NAME_MAX, head_of, lac_names, widened
from kg.recognise.org_names import (
    OrgDoc,
    OrgOptions,
    OrgTables,
    after_last_verb,
    bare_prefix,
    chain_start,
    name_like,
    plain_name_start,
    prefix_start,
    tagged_start,
    term_start,
)
from kg.recognise.spans import spans_of, text_of, token_bounds

Spans = list[tuple[int, int]]
ALONE_AFTER = frozenset({"p", "c", "w"})  # LAC's tags of words before a name
NAMED_HEADS = (
    "name",
    "field",
    "division",
)  # heads whose list items are named by a word of any kind
LIST_NAME_MIN, LIST_NAME_MAX = 2, 4


@dataclass
class Found:
    """The organisations found so far in one document, and where each ends."""

    text: str
    spans: Spans = field(default_factory=list)
    org_end: dict[int, int] = field(default_factory=dict)  # end -> the earliest start

    def add(self, start: int, end: int) -> None:
        """Keep ``[start, end)`` unless it names a task force or a model."""
        name = self.text[start:end]
        if name.startswith("驻") or self.text[start - 1 : start] == "驻" or "式" in name:
            return  # unnamed task forces (驻村工作队); models and titles (枫桥式…派出所)
        self.spans.append((start, end))
        self.org_end[end] = min(self.org_end.get(end, start), start)

    def covers(self, start: int, end: int) -> bool:
        """Whether an organisation found already contains ``[start, end)``."""
        return any(s <= start and end <= e for s, e in self.spans)


def _office_of_no_body(doc: OrgDoc, start: int, found: Found) -> bool:
    """Whether 办公室 at ``start`` is a room (派出所办公室), not a body (市委办公室)."""
    return start in found.org_end and not doc.text[:start].endswith(doc.tables.office_parents)


def party_committees(doc: OrgDoc, found: Found) -> None:
    """<place>委 (巧家县委) and a bare 市委/县委; the bare 中央 that is the Party Centre."""
    text, t = doc.text, doc.tables
    for m in re.finditer("委", text):
        pos = m.start()
        if text.startswith("委员", pos):
            continue
        if pos in doc.place_end and text[pos - 1] in t.admin_chars:
            found.add(chain_start(doc, pos, {}) or doc.place_end[pos], pos + 1)
        elif pos > 0 and text[pos - 1] in t.committee_chars:
            pre = bare_prefix(doc, pos)
            if pre is not None:
                found.add(pre, pos + 1)
    # bare 中央 where what follows shows it is the Party Centre (服从中央部署)
    for m in re.finditer("中央", text):
        before = text[m.start() - 1 : m.start()]
        if before != "党" and text.startswith(t.central_cues, m.end()):
            found.add(m.start(), m.end())


def table_organs(doc: OrgDoc, found: Found) -> None:
    """Organs the tables name (人力资源和社会保障局, 人社局, 国务院), after their place."""
    text = doc.text
    for start, end, standalone in longest_first(doc.tables.core_names.matches(text)):
        pre = prefix_start(doc, term_start(doc, start), found.org_end)
        if pre is None and start - 1 in found.org_end and bare_prefix(doc, start) is None:
            if text[start - 1 : start] in doc.tables.admin_chars:
                pre = start - 1  # 市委｜市政府: a bare level word right after an organisation
        if pre is not None and start in found.org_end and start not in doc.place_end:
            if text[start:end] == "办公室" and _office_of_no_body(doc, start, found):
                continue  # 派出所办公室 is a room; 市委办公室, 县政府办公室 are bodies
        if pre is not None:
            found.add(pre, end)
        elif standalone or _stands_alone(doc, start, end):
            found.add(start, end)


def _stands_alone(doc: OrgDoc, start: int, end: int) -> bool:
    """Whether a local organ printed without its place is the article's own (…、房地局、…).

    Its name is long enough to name one kind of organ (住房公积金管理中心, 发改委, not
    政府 or 党校) of a level above the village (村委会 alone is none), and it is a word
    of its own after a break: punctuation or a word LAC reads as a preposition,
    or conjunction, not a verb or particle (建成党群服务中心, 村里的党群服务中心: kinds), a
    level word (村妇联) or a generic one (各局).
    """
    text, t = doc.text, doc.tables
    if text[start:end] not in t.alone or not _head_ends_word(doc, start, end):
        return False
    before = doc.word_at.get(start - 1)
    if before is None:
        return start == 0 or not doc.is_name_char(text[start - 1])
    return (
        before.end == start
        and before.tag in ALONE_AFTER
        and text[before.start : before.end] not in t.generic
    )


def place_units(doc: OrgDoc, found: Found) -> None:
    """Units a place names (莫古土村党支部, 溪洛渡街道党工委) or the article's own (镇党委)."""
    text, units = doc.text, doc.tables.place_units
    for pe, ps in sorted(doc.place_end.items()):
        unit = next((u for u in units if text.startswith(u, pe)), None)
        if unit:
            found.add(chain_start(doc, pe, {}) or ps, pe + len(unit))
    for unit in units:
        for m in re.finditer(re.escape(unit), text):
            if m.start() not in doc.place_end:  # 镇党委, 街道党工委: the article's own
                pre = bare_prefix(doc, m.start())
                if pre is not None:
                    found.add(pre, m.end())


def _head_ends_word(doc: OrgDoc, start: int, end: int) -> bool:
    """Whether a head noun at ``[start, end)`` ends a word (not 大学生, 中心城区, 好处).

    A head of one character ends a word of three or more characters or is a
    word of its own (就业处, 律师 工作处), unless a numeral numbers it (八十三中).
    """
    text = doc.text
    ends = (
        end in doc.tok_ends
        or end >= len(text)
        or not doc.is_name_char(text[end])
        or text.startswith(doc.tables.subunits, end)
    )
    inside = doc.word_at.get(end - 1)
    if ends and inside is not None and inside.end > end and inside.tag != "ORG":
        ends = text.startswith(doc.tables.subunits, end)  # 党建工作｜处于: a word goes on
    if not ends or end - start > 1 or doc.tables.heads.get(text[start:end]) == "number":
        return ends
    word = doc.word_at.get(start)
    return word is None or word.end - word.start >= 3 or word.start == start


def _head_in_word(doc: OrgDoc, start: int) -> bool:
    """Whether a head noun at ``start`` closes a common word (全局, 格局, 大局)."""
    text = doc.text
    return (
        start not in doc.tok_starts
        and start > 0
        and text[start - 1 : start + 1] in doc.tables.text.common_words
    )


def _name_before_head(doc: OrgDoc, start: int, needs: str, found: Found) -> int | None:
    """Start of the name before a head noun at ``start``: a place chain, a bare level or a name."""
    text = doc.text
    if needs == "number":
        return _numbered_start(doc, start)
    lo = tagged_start(doc, max(0, start - doc.max_name_chars), start)
    for length in range(0, start - lo + 1):
        s = start - length
        if s < 0 or length and not (doc.is_name_char(text[s]) or text[s] in "()（）"):
            break
        pre = prefix_start(doc, s, found.org_end)
        if pre is not None and (length >= 2 or needs != "place"):
            if after_last_verb(doc, s, start) == s and name_like(doc.tables, text[s:start]):
                return pre
            break
    if needs in ("name", "field", "division"):
        return plain_name_start(doc, start, field=needs != "name")
    return None


def _numbered_start(doc: OrgDoc, start: int) -> int | None:
    """Start of a numbered school (西安市八十三中): its numeral, after a place or a bare level."""
    text, t = doc.text, doc.tables
    s = start
    while s > 0 and text[s - 1] in t.ordinals:
        s -= 1
    if s == start:
        return None
    if text[s - 1 : s] == t.ordinal_mark:
        s -= 1
    return prefix_start(doc, s, {})


def bare_bureaus(doc: OrgDoc, found: Found) -> None:
    """市局, 县局: a bare level word and 局 name the bureau the article is about (市局党组);
    机关党委 printed alone is the party committee of the organ named before it."""
    text = doc.text
    for unit in doc.tables.bare_units:
        for m in re.finditer(re.escape(unit), text):
            word = doc.word_at.get(m.start())
            if word is not None and word.start == m.start() and not found.covers(*m.span()):
                before = text[m.start() - 1 : m.start()]
                if not before or not doc.is_name_char(before):
                    found.add(m.start(), m.end())
    for head in doc.tables.bare_heads:
        for m in re.finditer(re.escape(head), text):
            word = doc.word_at.get(m.start())
            pre = bare_prefix(doc, m.start())
            if pre is None or word is None or (word.start, word.end) != (pre, m.end()):
                continue  # 市局 is a word of its own (not 市局面)
            found.add(pre, m.end())


def head_nouns(doc: OrgDoc, found: Found) -> None:
    """Organs named by a head noun (局, 中心, 派出所, 大学, 公司) after a place or a name."""
    for m in doc.tables.head_nouns.finditer(doc.text):
        head, start, end = m.group(), m.start(), m.end()
        if found.covers(start, end):
            continue
        if head == "办公室" and _office_of_no_body(doc, start, found):
            continue  # 派出所办公室: a room of the station
        if doc.tables.heads[head] == "model":
            continue  # only LAC's names end with it (kg.recognise.org_candidates)
        numbered = doc.tables.heads[head] == "number"
        if not _head_ends_word(doc, start, end) or (_head_in_word(doc, start) and not numbered):
            continue
        begin = _name_before_head(doc, start, doc.tables.heads[head], found)
        if begin is not None:
            found.add(begin, end)


def list_items(doc: OrgDoc, spans: Spans) -> Spans:
    """The items of a list that share the head of an organisation before them.

    市城投集团、公用集团、名城集团: an item of a list of organisations with the same head
    noun is one too, whatever its name (公用, 建设 are common words).
    """
    text, out = doc.text, []
    for s, e in sorted(spans):
        found = head_of(doc, s, e)
        if found is None or found[1] not in NAMED_HEADS:
            continue
        head = found[0]
        while text.startswith(doc.tables.list_marks, e):
            nxt = _list_item(doc, e + 1, head)
            if nxt is None:
                break
            out.append((e + 1, nxt))
            e = nxt
    return out


def _list_item(doc: OrgDoc, start: int, head: str) -> int | None:
    """The end of an item ``name + head`` starting at ``start`` (2–4 characters of name)."""
    for n in range(LIST_NAME_MIN, LIST_NAME_MAX + 1):
        end = start + n + len(head)
        name = doc.text[start : start + n]
        if doc.text.startswith(head, start + n) and all(doc.is_name_char(c) for c in name):
            return end if tagged_start(doc, start, start + n) == start else None
    return None


def _grown_end(
    doc: OrgDoc, s: int, e: int, starts_at: dict[int, int], place_starts: set[int]
) -> int:
    """The end of ``[s, e)`` after its sub-units and the organs chained after it.

    A chain stops before a piece it already holds (an organ is not its own
    unit: a name printed twice is two mentions) and within ``ORG_NAME_MAX``.
    """
    text, t = doc.text, doc.tables
    pieces = {text[s:e]}
    while True:
        sub = next((u for u in t.subunits if text.startswith(u, e)), None)
        institute = t.institutes.match(text, e) if sub is None else None
        if institute and text[s:e].endswith(t.academies):
            sub = institute.group()  # 省农科院沙地所
        if sub is not None:
            nxt = e + len(sub)
        elif (
            e in starts_at
            and starts_at[e] > e
            and text[e] not in t.admin_chars
            and e not in place_starts
        ):
            nxt = starts_at[e]
        else:
            return e
        if text[e:nxt] in pieces or nxt - s > ORG_NAME_MAX:
            return e
        pieces.add(text[e:nxt])
        e = nxt


def grown(doc: OrgDoc, spans: Spans) -> Spans:
    """Sub-units and chained organs: 昭通市气象局党组, 昭通市人社局就业局党支部."""
    starts_at: dict[int, int] = {}
    for s, e in spans:
        starts_at[s] = max(starts_at.get(s, e), e)
    place_starts = set(doc.place_end.values())
    kept = longest_spans(sorted(set(spans)))
    return longest_spans([(s, _grown_end(doc, s, e, starts_at, place_starts)) for s, e in kept])


RULES: tuple[Callable[[OrgDoc, Found], None], ...] = (
    party_committees,
    table_organs,
    place_units,
    bare_bureaus,
    head_nouns,
)


class OrgRecognizer(SpanRecognizer[OrgTables, OrgOptions]):
    """Adds ORG spans: [place] + organ core + [sub-unit]*, party committees, named bodies."""

    tables_type = OrgTables
    label = "ORG"

    _gazetteer: Gazetteer | None = None  # for place chains, set with the tables

    def use_tables(self, tables: OrgTables, gazetteer: Gazetteer | None = None) -> None:
        """Hold ``tables`` and ``gazetteer`` (the shared one by default), for place chains."""
        super().use_tables(tables)
        self._gazetteer = gazetteer or Gazetteer.load()

    def context(self, doc: Doc) -> OrgDoc:
        """What the rules read of ``doc``: its tokens and the places found before."""
        tables, gazetteer = self.tables, self._gazetteer
        if gazetteer is None:
            raise not_initialised(self.name)
        place_end: dict[int, int] = {}
        for ps, pe in spans_of(doc, "PLACE"):
            place_end[pe] = min(place_end.get(pe, ps), ps)
        tok_starts, tok_ends = token_bounds(doc)
        text = text_of(doc)
        ends = sorted(tok_ends)
        starts = sorted(tok_starts)
        return OrgDoc(
            text,
            tables,
            gazetteer,
            tok_starts,
            tok_ends,
            {s: text[s:e] for s, e in zip(starts, ends, strict=True)},
            place_end,
            self.options.max_name_chars,
            words_of(doc),
        )

    def find(self, doc: Doc) -> Spans:
        """Character spans of the organisations in ``doc``."""
        context = self.context(doc)
        found = Found(context.text)
        for rule in RULES:
            rule(context, found)
        spans = widened(context, found.spans)
        # LAC's names fill the gaps the rules leave (the pipeline's merge policy)
        model = Found(context.text)
        for s, e in lac_names(context, spans):
            model.add(s, e)
        listed = list_items(context, spans + model.spans)
        return grown(context, spans + model.spans + listed)


@Language.factory("kg_orgs", assigns=["doc.spans"], default_config={"max_name_chars": 10})
def make_org_recognizer(nlp: Language, name: str, max_name_chars: int) -> OrgRecognizer:
    """Build the organisation recogniser from its config; ``initialize`` gives it its tables."""
    return OrgRecognizer(nlp, name, options=OrgOptions(max_name_chars))
