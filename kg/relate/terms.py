"""PROMOTES, AWARDED, ISSUED: who runs a programme, holds an honour, issues a document.

A programme goes to the organ printed right before it or the subject of
its clause, else to its paragraph's or its article's actor; an honour to
the people listed right after it, or to the subject an award cue (被评为,
荣获) credits; a document, where its sentence has an issuing cue (印发),
to the subject of its clause or the article's actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.lexicon import tables
from kg.link.names import TERM_TYPES, clean_surface
from kg.link.spans import Key, outermost, sentence_bounds
from kg.model import Fact, Mention
from kg.relate.evidence import evidence_at
from kg.relate.facts import FactList
from kg.relate.lexicon import load_tables
from kg.relate.subjects import (
    adverbs_only,
    anaphor_ref,
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


def term_facts(view: PageView, facts: FactList) -> None:
    """PROMOTES, AWARDED and ISSUED for every term mention, in reading order."""
    actors = {idx: main_actor(view, a) for idx, a in sorted(view.articles.items())}
    rules = {"PROGRAM": promotes, "HONOR": awarded, "DOCUMENT": issued}
    for m, key in view.links:
        if key not in view.entities or key[0] not in TERM_TYPES:
            continue
        for fact in rules[key[0]](view, TermMention(m, key, actors.get(m.article))):
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
    if head is None and collective_clause(view, m):
        return []  # 市直机关单位开展…: no named actor
    head = head or paragraph_actor(view, m, t.actor)
    if head is None:
        return []
    return [Fact("PROMOTES", head, t.key, evidence=evidence_at(view, m.start, m.article))]


def awarded(view: PageView, t: TermMention) -> list[Fact]:
    """Who holds an honour: the people right after it, else whom an award cue credits."""
    m = t.mention
    s, _ = sentence_bounds(view.text, m.start)
    before = view.text[s : m.start]
    cue = _last_cue(before, load_tables().cues.get("AWARDED", ()))
    heads: list[Key] = people_after(view, m)
    if cue is not None and not heads and m.start - (s + cue) <= AWARD_REACH:
        heads = award_heads(view, m, s, s + cue)
    years = YEAR.findall(before)
    ev = evidence_at(view, m.start, m.article)
    return [
        Fact("AWARDED", h, t.key, {"year": years[-1]} if years else {}, ev)
        for h in heads
        if h is not None
    ]


def issued(view: PageView, t: TermMention) -> list[Fact]:
    """Who issues a document its sentence says is issued (印发)."""
    m = t.mention
    s, e = sentence_bounds(view.text, m.start)
    if not any(c in view.text[s:e] for c in load_tables().cues.get("ISSUED", ())):
        return []
    head = clause_subject(view, m) or t.actor
    if head is None:
        return []
    return [Fact("ISSUED", head, t.key, evidence=evidence_at(view, m.start, m.article))]


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
    cands = outermost(view.in_span(clause_start, end, ("ORG", "PERSON", "PLACE")))
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
    subject = sentence_subject(view, s, m.start)
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
