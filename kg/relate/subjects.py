"""Who does what: the actor a clause, a paragraph or an article opens with.

A clause's subject is the name it opens with, after what may come before
a subject (a date, ``据介绍``); a name chain (``永善县红光安置区…``) stands
for its last member. A paragraph's subject is that of its first sentence;
an article's main actor is the organ in its header, else the place in its
header or the subject its body opens with.
"""

from __future__ import annotations

import re

from kg.lexicon import tables
from kg.link.names import clean_surface
from kg.link.spans import Key, outermost, paragraph_start, sentence_bounds
from kg.model import Article, Mention
from kg.relate.lexicon import load_tables
from kg.relate.view import PageView

CLAUSE_BREAK = "，,；;：:。！？!?\n（(）)"
# What may stand before a clause's subject: a date or time phrase (2022年以来，…).
TIME_PREFIX = re.compile(tables.pattern("time_prefix"))
ORGAN_REACH = 12  # characters after a place an organ's name may go on for


def opening(text: str) -> bool:
    """Whether ``text`` is only what may open a clause before its subject (dates, 据介绍…)."""
    t = clean_surface(text)
    for word in load_tables().cues.get("LEAD", ()):
        t = t.replace(word, "")
    return bool(TIME_PREFIX.match(t))


def adverbs_only(text: str) -> bool:
    """Whether ``text`` holds only adverbs that may stand without a subject (多次, 先后)."""
    t = clean_surface(text)
    for word in load_tables().cues.get("ADVERB", ()):
        t = t.replace(word, "")
    return bool(clean_surface(text)) and not t


def names_organ_after(view: PageView, pos: int) -> bool:
    """Whether the text at ``pos`` goes on to name an organ or a collective (…市直机关)."""
    after = view.text[pos : pos + ORGAN_REACH]
    return any(after.startswith(w) for w in load_tables().organ_starts)


def clause_subject(
    view: PageView, m: Mention, labels: tuple[str, ...] = ("ORG", "PLACE")
) -> Key | None:
    """The actor a clause before ``m`` opens with (``2022年以来，昭通市…局推行…``)."""
    s = view.sentence_start(m)
    cands = outermost(view.in_span(s, m.start, labels + ("PERSON",)))
    best: Key | None = None
    for i, (c, _key) in enumerate(cands):
        before = view.text[s : c.start]
        cut = max((before.rfind(ch) for ch in CLAUSE_BREAK), default=-1)
        lead = before[cut + 1 :] if cut >= 0 else before
        if not opening(lead) and not opening(before):
            continue
        # A name chain (永善县红光安置区…) stands for its last, most specific member.
        j = i
        while j + 1 < len(cands) and cands[j + 1][0].start == cands[j][0].end:
            j += 1
        if cands[j][0].start >= m.start:
            continue
        chosen = cands[j][1]
        if chosen[0] == "PLACE" and names_organ_after(view, cands[j][0].end):
            best = None
            continue
        best = chosen if chosen[0] in labels else None
    return best


def paragraph_subject(view: PageView, m: Mention) -> Key | None:
    """The actor the paragraph of ``m`` opens with."""
    start = paragraph_start(view.text, m.start)
    _, first_end = sentence_bounds(view.text, start)
    firsts = [(o, k) for o, k in view.links if start <= o.start < min(first_end, m.start)]
    if not firsts:
        return None
    return clause_subject(view, firsts[-1][0])


def sentence_subject(view: PageView, s: int, limit: int) -> Key | None:
    """The name a sentence opens with (after a date), if any."""
    cands = outermost(view.in_span(s, limit, ("ORG", "PERSON", "PLACE")))
    if cands and opening(view.text[s : cands[0][0].start]):
        return cands[0][1]
    return None


def main_actor(view: PageView, art: Article) -> Key | None:
    """The organ or place an article is about (kicker organ, title place, …)."""
    header = [k for k in view.linked.headers.get(art.index, ()) if k in view.entities]
    orgs = [k for k in header if k[0] == "ORG"]
    if orgs:
        return orgs[0]
    places = [k for k in header if k[0] == "PLACE"]
    first = first_subject(view, art)
    if places:
        place = places[0]
        if first and first[0] == "ORG" and first[1].startswith(place[1]):
            return first
        return place
    return first


def first_subject(view: PageView, art: Article) -> Key | None:
    """The actor an article's body opens with."""
    ms = [(m, k) for m, k in view.links if m.article == art.index and m.start >= art.body_start]
    if not ms:
        return None
    first = art.body_start + len(art.body) - len(art.body.lstrip())
    s, e = sentence_bounds(view.text, first)
    s = max(s, art.body_start)
    for m, _k in ms:
        if m.start >= e:
            break
        subj = clause_subject(view, m)
        if subj:
            return subj
    tail = [(m, k) for m, k in ms if m.start < e and k[0] in ("ORG", "PLACE")]
    if tail and opening(view.text[s : tail[0][0].start]):
        return tail[0][1]
    return None


def anaphor_ref(view: PageView, m: Mention, start: int, end: int) -> Key | None:
    """What a clause opening with an anaphor (该局, 该所) refers to: the nearest earlier match."""
    lead = clean_surface(view.text[start:end])
    for word, label, endings in load_tables().anaphors:
        at = lead.find(word)
        if at < 0 or not opening(lead[:at]) or not opening(lead[at + len(word) :]):
            continue
        found = [
            (o.start, k)
            for o, k in view.links
            if o.article == m.article and o.end <= start and k[0] == label
            and k[1].endswith(endings)
        ]  # fmt: skip
        return max(found)[1] if found else None
    return None
