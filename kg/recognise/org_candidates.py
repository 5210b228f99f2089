"""LAC's organisation names as candidates where the head grammar vouches for them.

The merge policy of :mod:`kg.recognise.pipeline`: rules win; a name LAC tags
ORG fills a gap when it ends in an organisation head noun (局, 学校,
合唱团, 酒店…) with what that head needs before it, trimmed back to its last
head (三正半山温泉酒店｜凌云厅) or grown through the nominal words after it
to one (CGV星聚汇影城 西安 胡家庙 店). It never crosses a rule's span; it may
hold one rule organisation and widen it (纽威数控装备｜苏州有限公司), never
join two (市委市政府).
"""

from __future__ import annotations

from kg.intervals import Intervals
from kg.recognise.lac import Word
from kg.recognise.org_names import OrgDoc, bare_prefix, tagged_start

Span = tuple[int, int]
ORG_TAG = "ORG"
# the words a LAC name grows through to reach its head: nouns, names, places
GROW_TAGS = frozenset({"n", "nz", "nw", "vn", "LOC", "ORG", "s"})
GROW_WORDS = 3  # at most this many words
NAME_MIN = 2  # characters of name a head that needs one wants before it
# The longest organisation name kg reads: the longest organ of the gold sets has
# 28 characters (…研究所驻莫古土村扶贫工作队); this leaves room. A longer run
# (a name printed over and over with no break) names no one organisation.
ORG_NAME_MAX = 48


def head_of(doc: OrgDoc, s: int, e: int) -> tuple[str, str] | None:
    """The head noun ``text[s:e]`` ends with and what it needs before it (longest first).

    A standard organ's name or short form counts as a head that needs nothing.
    """
    t = doc.tables
    name = doc.text[s:e]
    for n in t.head_lengths:
        if n < len(name) and name[-n:] in t.heads:
            return name[-n:], t.heads[name[-n:]]
    for n in t.core_lengths:
        if n <= len(name) and name[-n:] in t.cores:
            return name[-n:], "any"
    return None


def vouched(doc: OrgDoc, s: int, e: int, org_starts: frozenset[int] = frozenset()) -> bool:
    """Whether the head grammar accepts ``text[s:e]`` as an organisation's name.

    A name that opens with an organisation a rule found may stand where a place
    is needed (西安职业技术学院｜生命科学院).
    """
    found = head_of(doc, s, e)
    if found is None:
        return False
    head, needs = found
    before = e - len(head) - s
    if needs == "any":  # a standard organ: alone, one that names the article's own (发改委)
        return before > 0 or doc.tables.cores[head] or head in doc.tables.alone
    if needs in ("place", "place0"):
        placed = s in org_starts or _opens_with_place(doc, s)
        return placed and (needs == "place0" or before >= 1)
    if needs == "number":  # 西安市八十三中, not 十八届三中、四中全会
        numeral = before >= 1 and doc.text[e - len(head) - 1] in doc.tables.ordinals
        return numeral and _opens_with_place(doc, s)
    if needs == "model":
        common = doc.tables.text.common_words
        if doc.text[e - len(head) - 1 : e] in common or doc.text[s : e - len(head)] in common:
            return False  # 武警｜部队: the head closes a common word; 先锋｜队: no name
    return before >= NAME_MIN  # name, field, division, model


def _opens_with_place(doc: OrgDoc, s: int) -> bool:
    starts = set(doc.place_end.values())
    return s in starts or bare_prefix(doc, s + 1) == s


def candidate(doc: OrgDoc, w: Word, org_starts: frozenset[int] = frozenset()) -> Span | None:
    """The organisation LAC's ORG word ``w`` stands for, trimmed or grown to its head."""
    if w.end - w.start > ORG_NAME_MAX:
        return None
    s = _after_verb(doc, max(w.start, tagged_start(doc, w.start, w.end)))
    e = w.end
    if s > 0 and doc.text[s - 1] in doc.tables.level_chars:
        return None  # 村｜妇联: the body of a place the word leaves out
    best = _grown(doc, s, e)
    if best is not None:
        return best
    if vouched(doc, s, e, org_starts):
        return (s, e)
    for k in range(e - 1, s + 1, -1):  # back to the last head inside (酒店｜凌云厅)
        if vouched(doc, s, k, org_starts):
            # an organisation, then a unit of it (西安职业技术学院｜生命科学院)
            whole = head_of(doc, k, e) is not None and vouched(doc, s, e, frozenset({s}))
            return (s, e) if whole else (s, k)
    return None


def _after_verb(doc: OrgDoc, s: int) -> int:
    """``s``, or past a verb a LAC word opens with before a place (联合｜市政府, not 联合国)."""
    for n in (4, 3, 2):
        at = s + n
        if doc.text[s:at] in doc.tables.verbs and (
            at in doc.place_end.values() or bare_prefix(doc, at + 1) == at
        ):
            return at
    return s


def _grown(doc: OrgDoc, s: int, e: int) -> Span | None:
    """``[s, e)`` grown through the nominal words after it to a head (…影城 西安 胡家庙 店)."""
    best = None
    end = e
    for _ in range(GROW_WORDS):
        nxt = doc.word_at.get(end)
        if nxt is None or nxt.start != end or nxt.tag not in GROW_TAGS:
            break
        end = nxt.end
        if vouched(doc, s, end):
            best = (s, end)
    return best


def lac_names(doc: OrgDoc, spans: list[Span]) -> list[Span]:
    """LAC's vouched organisation names that fill gaps the rules left, given their ``spans``."""
    places = Intervals([(ps, pe) for pe, ps in doc.place_end.items()])
    orgs = Intervals(spans)
    org_starts = frozenset(s for s, _ in spans)
    out = []
    for w in doc.words:
        if w.tag != ORG_TAG:
            continue
        cand = candidate(doc, w, org_starts)
        if cand is None:
            continue
        near = orgs.overlapping(*cand)
        if any(_crosses(cand, p) for p in [*places.overlapping(*cand), *near]):
            continue  # never across a rule's span
        held = [o for o in near if cand[0] <= o[0] and o[1] <= cand[1]]
        if len(held) > 1 or any(o == cand for o in held):
            continue  # two organisations named together, or nothing new
        if held and not _unit_after(doc, held[0][1], cand[1]):
            continue  # 省农科院｜所属研究所: no unit of its own
        if any(o[0] <= cand[0] and cand[1] <= o[1] for o in near):
            continue
        out.append(cand)
    return out


def _unit_after(doc: OrgDoc, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, after an organisation, names a unit of it (…｜童声合唱团)."""
    if start == end:
        return True
    if bare_prefix(doc, start + 1) == start or start in doc.place_end.values():
        return False  # 市委｜市政府: a second organisation, not a unit
    found = head_of(doc, start, end)
    if doc.tables.heads.get(doc.text[start:end]) == "model" or (found and found[1] == "model"):
        return False  # 市残联｜组织 (a verb): no unit of it
    name = doc.text[start : end - len(found[0])] if found else ""
    return not name or name not in doc.tables.generic


def _crosses(a: Span, b: Span) -> bool:
    """Whether ``a`` and ``b`` overlap without one holding the other."""
    overlap = a[0] < b[1] and b[0] < a[1]
    nested = (a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])
    return overlap and not nested


def widened(doc: OrgDoc, spans: list[Span]) -> list[Span]:
    """Rule spans that start inside a LAC ORG word ending in them, widened to its start.

    纽威数控装备苏州有限公司: the rule finds 苏州有限公司 after the place; LAC's
    word shows the name starts before it.
    """
    out = []
    for s, e in spans:
        w = doc.word_at.get(s)
        if w is not None and w.tag == ORG_TAG and w.start < s and w.end <= e:
            wider = min(s, _after_verb(doc, w.start))
            if not any(wider <= a and b <= s for a, b in spans):  # 市委｜市政府 stay two
                s = wider
        out.append((s, e))
    return out
