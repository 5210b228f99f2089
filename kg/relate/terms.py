"""PROMOTES, AWARDED, ISSUED: who runs a programme, holds an honour, issues a document.

A programme goes to the organ printed right before it or the subject of
its clause, else to its paragraph's or its article's actor; an honour to
the people listed right after it, or to the subject an award cue (被评为,
荣获) credits; a document, where its sentence has an issuing cue (印发),
to the subject of its clause or the article's actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.lexicon import tables
from kg.link.names import TERM_TYPES, clean_surface
from kg.link.spans import Key, outermost, sentence_bounds
from kg.model import Fact, Mention
from kg.relate.evidence import evidence_at
from kg.relate.facts import POST_JOINER, FactList
from kg.relate.lexicon import load_tables
from kg.relate.subjects import (
    adverbs_only,
    anaphor_ref,
    clause_opener,
    clause_subject,
    deed_subject,
    main_actor,
    opening,
    paragraph_subject,
    sentence_subject,
)
from kg.relate.view import PageView

YEAR = re.compile(r"((?:19|20)\d{2})年")
# 市直机关, 县直各部门: a bare level word that makes a collective with what follows
COLLECTIVE_LEVELS = "".join(tables.words("places/words.csv", "county_up"))
HEAD_JOINERS = ("、", *tables.words("text/words.csv", "joins_heads"))  # A、B和C被评为
AWARD_REACH = 24  # characters between an award cue and the honour it gives
OPENING_QUOTES = "“‘「『\"'"
CLOSING_QUOTES = "”’」』\"'"
PASSIVE = "被"  # the doer of a passive follows it (被中国气象局表彰为…)
RELATIVE = "的"  # a conferring verb before it names who conferred (协会颁发的“…”)
AGENT = "由"  # the doer follows it (《…》由…公司出品)
CLAUSE_ENDS = "，,。；;！？!?\n"
ISSUE_REACH = 6
AWARD_CUES = tuple(
    sorted(
        {*load_tables().cues.get("AWARDED", ()), *tables.terms("honour_before", "relate")},
        key=lambda w: (-len(w), w),
    )
)
CONFER_VERBS = tuple(
    sorted(tables.terms("confer_verb", "relate"), key=lambda w: (-len(w), w))
)  # characters before a document its issuing verb stands in
# verbs whose doer issues a document (印发, 制定, 由…出品)
ISSUE_VERBS = tuple(
    sorted(
        {*tables.terms("document_before", "relate"), *tables.terms("issue_verb", "relate")},
        key=lambda w: (-len(w), w),
    )
)
# verbs whose doer runs a programme (开展, 打造, 以…为抓手)
DEED_VERBS = tuple(
    sorted(
        {*tables.terms("launch_verb", "relate"), *tables.terms("program_before", "relate")},
        key=lambda w: (-len(w), w),
    )
)


@dataclass(frozen=True)
class TermMention:
    """A term mention, its entity and the main actor of its article."""

    mention: Mention
    key: Key
    actor: Key | None
    posts: dict[Key, set[Key]] = field(default_factory=dict)  # person -> bodies of his posts


def term_facts(view: PageView, facts: FactList) -> None:
    """PROMOTES, AWARDED and ISSUED for every term mention, in reading order."""
    actors = {idx: main_actor(view, a) for idx, a in sorted(view.articles.items())}
    posts: dict[Key, set[Key]] = {}  # the bodies each person holds a post in
    for f in facts.facts:
        if f.relation == "HOLDS_POST" and f.tail is not None and f.tail[0] == "ORG":
            posts.setdefault(f.head, set()).add(f.tail)
    rules = {"PROGRAM": promotes, "HONOR": awarded, "DOCUMENT": issued}
    for m, key in view.links:
        if key not in view.entities or key[0] not in TERM_TYPES:
            continue
        mention = TermMention(m, key, actors.get(m.article), posts)
        for fact in rules[key[0]](view, mention):
            facts.add(fact)


def promotes(view: PageView, t: TermMention) -> list[Fact]:
    """The organ or place that runs a (core) programme."""
    m = t.mention
    if not view.entities[t.key].core:
        return []
    head = owner(view, m)
    if head is None:
        deed = deed_subject(view, m, DEED_VERBS)
        if deed is not None and deed.actor is None:
            return []  # the clause names a doer kg did not link: not the article's actor
        head = deed.actor if deed is not None else clause_subject(view, m)
        if deed is not None and deed.person is not None:
            bodies = t.posts.get(deed.person, set())
            head = next(iter(bodies)) if len(bodies) == 1 else t.actor  # 局长张进率队开展…
    if head is None and collective_clause(view, m):
        return []  # 市直机关单位开展…: no named actor
    head = head or paragraph_actor(view, m, t.actor)
    if head is None:
        return []
    return [Fact("PROMOTES", head, t.key, evidence=evidence_at(view, m.start, m.article))]


def awarded(view: PageView, t: TermMention) -> list[Fact]:
    """Who holds an honour (the people right after it, else whom an award cue credits),
    when, and who conferred it where the text says (被中国气象局表彰为…): ``by``, the
    conferring bodies' names joined by 、."""
    m = t.mention
    s, _ = sentence_bounds(view.text, m.start)
    before = view.text[s : m.start]
    cue = _last_cue(before, AWARD_CUES)
    heads: list[Key] = people_after(view, m)
    if cue is not None and not heads and _within_reach(view, m, s + cue):
        heads = award_heads(view, m, s, s + cue)
    attrs: dict[str, str | None] = {}
    years = YEAR.findall(before)
    if years:
        attrs["year"] = years[-1]
    by = conferrers(view, m, s, s + cue if cue is not None else None)
    if by:
        attrs["by"] = POST_JOINER.join(k[1] for k in by)
    ev = evidence_at(view, m.start, m.article)
    return [Fact("AWARDED", h, t.key, dict(attrs), ev) for h in heads if h not in by]


def _within_reach(view: PageView, m: Mention, cue_at: int) -> bool:
    """Whether an award cue reaches the honour ``m``: few words between them besides the
    honours listed before it (荣获“A”“B”以及…颁发的“C”)."""
    stretch = view.text[cue_at : m.start]
    for o, _ in view.in_span(cue_at, m.start, ("HONOR",)):
        stretch = stretch.replace(o.text, "")
    return len(clean_surface(stretch).strip(OPENING_QUOTES + CLOSING_QUOTES)) <= AWARD_REACH


def conferrers(view: PageView, m: Mention, s: int, cue_at: int | None) -> list[Key]:
    """The bodies that confer the honour ``m``: after 被 before the award cue (被中国气象局
    表彰为), or right before a conferring verb printed before it (协会颁发的“…”)."""
    text = view.text
    if cue_at is not None:
        bei = text.rfind(PASSIVE, s, cue_at)
        if bei >= 0:
            found = outermost(view.in_span(bei + 1, cue_at, ("ORG",)))
            if found and _joined(text, found, cue_at):
                return [k for _, k in found]
    lead = text[s : m.start].rstrip(OPENING_QUOTES).removesuffix(RELATIVE)
    verb = next((v for v in CONFER_VERBS if lead.endswith(v)), "")
    if not verb:
        return []
    end = s + len(lead) - len(verb)
    found = outermost(view.in_span(s, end, ("ORG",)))
    tail = [f for f in found if f[0].end <= end]
    return [k for _, k in tail] if tail and _joined(text, tail, end) else []


def _joined(text: str, found: list[tuple[Mention, Key]], end: int) -> bool:
    """Whether the bodies ``found`` are one list (A、B) that ends right at ``end``."""
    if found[-1][0].end != end:
        return False
    pairs = zip(found, found[1:], strict=False)
    return all(text[a.end : b.start] in HEAD_JOINERS for (a, _), (b, _) in pairs)


def issued(view: PageView, t: TermMention) -> list[Fact]:
    """Who issues a document: the bodies printed right before it (中共中央、国务院《…》),
    the doer of its issuing verb (市委印发《…》, 由…公司出品), or, where the verb
    stands right before it, the clause's or the article's actor."""
    m = t.mention
    ev = evidence_at(view, m.start, m.article)
    heads = owners(view, m) or agent_after(view, m)
    if not heads:
        deed = deed_subject(view, m, ISSUE_VERBS)
        if deed is not None and deed.actor is not None:
            heads = [deed.actor]
        elif deed is None and _issued_here(view, m):
            head = clause_subject(view, m) or t.actor
            heads = [head] if head is not None else []
    return [Fact("ISSUED", h, t.key, evidence=ev) for h in heads]


def agent_after(view: PageView, m: Mention) -> list[Key]:
    """The body after 由 right after a document whose clause then issues or makes it
    (《平凡的足球》由…公司…拍摄)."""
    text = view.text
    pos = m.end
    while pos < len(text) and text[pos] in CLOSING_QUOTES + "》":
        pos += 1
    if not text.startswith(AGENT, pos):
        return []
    pos += len(AGENT)
    ends = [i for ch in CLAUSE_ENDS if (i := text.find(ch, pos)) >= 0]
    clause_end = min(ends, default=len(text))
    if not any(v in text[pos:clause_end] for v in ISSUE_VERBS):
        return []
    return [k for o, k in view.links if o.start == pos and k[0] == "ORG"][:1]


def _issued_here(view: PageView, m: Mention) -> bool:
    """Whether an issuing verb stands right before the document (印发《…》, not 修订的《…》)."""
    before = view.text[max(0, m.start - ISSUE_REACH) : m.start].rstrip(OPENING_QUOTES + "《")
    return before.endswith(ISSUE_VERBS)


def owners(view: PageView, m: Mention) -> list[Key]:
    """The bodies printed right before a term, a list of them joined by 、/和 (中共中央、
    国务院《…》), in reading order."""
    out: list[Key] = []
    pos = m.start
    while pos > 0 and view.text[pos - 1] in OPENING_QUOTES + "《":
        pos -= 1
    by_end = {o.end: k for o, k in view.links if k[0] == "ORG" and o.article == m.article}
    starts = {o.end: o.start for o, k in view.links if k[0] == "ORG" and o.article == m.article}
    while pos in by_end:
        out.append(by_end[pos])
        pos = starts[pos]
        joiner = next((j for j in HEAD_JOINERS if view.text.endswith(j, 0, pos)), None)
        if joiner is None:
            break
        pos -= len(joiner)
    return out[::-1]


def owner(view: PageView, m: Mention) -> Key | None:
    """An organ printed right before a programme is its owner (市委“六大战略”)."""
    pos = m.start
    while pos > 0 and view.text[pos - 1] in OPENING_QUOTES:
        pos -= 1
    for o, k in view.links:
        if o.end == pos and k[0] == "ORG":
            return k
    return None


def collective_clause(view: PageView, m: Mention) -> bool:
    """Whether the clause of ``m`` opens with a collective (市直机关单位, 各级党组织)."""
    s = view.sentence_start(m)
    lead = clean_surface(view.text[s : m.start])
    lead = re.sub(r"^[^，,；;]*?[，,]", "", lead) if not lead[:1].isalpha() else lead
    words = load_tables().collectives
    return any(re.match(rf"^(?:全?[{COLLECTIVE_LEVELS}])?{re.escape(w)}", lead) for w in words)


def paragraph_actor(view: PageView, m: Mention, main: Key | None) -> Key | None:
    """The paragraph's own actor, unless it is the article's actor or a unit of it."""
    para = paragraph_subject(view, m)
    if para is None or para[0] != "ORG":
        return main
    if main is not None and main[0] == "ORG" and para[1].startswith(main[1]):
        return main  # the article's organ or one of its units (…局党组)
    return para


def award_heads(view: PageView, m: Mention, s: int, cue_at: int) -> list[Key]:
    """Who a 被评为/荣获 cue credits: the subject of its clause (or of the sentence)."""
    text = view.text
    clause_start = max((text.rfind(ch, s, cue_at) for ch in "，,；;。"), default=-1) + 1
    clause_start = max(clause_start, s)
    lead = text[clause_start:cue_at]
    bei = len(lead) if text.startswith("被", cue_at) else lead.rfind("被")
    end = clause_start + bei if bei >= 0 else cue_at
    cands = outermost(view.actors_in_span(clause_start, end, ("ORG", "PERSON", "PLACE")))
    if cands:
        gap = text[cands[-1][0].end : end]
        if gap.strip() and not opening(gap) and bei >= 0:
            return []  # 6家单位被评为…: a collective, not a named body (a date may stand)
        return _joined_heads(text, cands)
    if clause_start > s and adverbs_only(text[clause_start:end]):
        # …的蔡文松，多次被评为…: the name that ends the clause before is the subject
        before = outermost(view.in_span(s, clause_start - 1, ("ORG", "PERSON")))
        if before and before[-1][0].end == clause_start - 1:
            return [before[-1][1]]
    ref = anaphor_ref(view, m, clause_start, end)
    if ref is not None:
        return [ref]
    if not opening(text[clause_start:end]) and text[clause_start:end].strip():
        return []
    subject = sentence_subject(view, s, m.start) or clause_opener(view, s, clause_start)
    return [subject] if subject is not None else []


def _joined_heads(text: str, cands: list[tuple[Mention, Key]]) -> list[Key]:
    """The last name of a clause and the names of its type joined to it (A、B和C被评为)."""
    last_m, last_k = cands[-1]
    heads = [last_k]
    nxt = last_m
    for o, k in reversed(cands[:-1]):
        if text[o.end : nxt.start] in HEAD_JOINERS and k[0] == last_k[0]:
            heads.append(k)
            nxt = o
        else:
            break
    return heads[::-1]


def people_after(view: PageView, m: Mention) -> list[Key]:
    """Persons listed right after an honour (“最美快递员”刘平来, 先进个人肖艳梅、杨杰)."""
    text = view.text
    out: list[Key] = []
    pos = m.end
    while pos < len(text) and text[pos] in CLOSING_QUOTES:
        pos += 1
    for o, k in view.links:
        if o.start < pos or k[0] != "PERSON":
            continue
        if o.start == pos:
            out.append(k)
            pos = o.end
            if text[pos : pos + 1] in ("、", "和"):
                pos += 1
        elif o.start > pos:
            break
    return out


def _last_cue(before: str, cues: tuple[str, ...]) -> int | None:
    """Where the last of ``cues`` starts in ``before``, if any is there."""
    best = None
    for c in cues:
        i = before.rfind(c)
        if i >= 0 and (best is None or i > best):
            best = i
    return best
