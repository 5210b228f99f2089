"""Who does what: the doer of a deed, and the actor a clause, a paragraph or an article opens with.

A deed's doer is the name printed right before its verb (昭通市人社局就业局党支部
打造“就业红娘”), past adverbs and a date, not a place the deed is done in
(到黉门街社区开展); the writer's own place (我区开展…) is the article's place;
a clause that names a subject the page did not link has no known doer. A
clause's subject is the name it opens with, after what may come before a
subject (a date, ``据介绍``); a name chain (``永善县红光安置区…``) stands for
its last member, never the province it opens with. A paragraph's subject is
that of its first sentence; an article's main actor is the organ in its
header, else a place that opens a header line (秀屿区：…, not 宁夏 in
“…”让宁夏党员…) or the subject its body opens with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.lexicon import tables
from kg.link.names import clean_surface
from kg.link.spans import Key, outermost, paragraph_start, sentence_bounds
from kg.model import Article, Mention
from kg.relate.lexicon import load_tables
from kg.relate.view import PageView

CLAUSE_BREAK = "，,；;：:。！？!?\n（(）)"
# What may stand before a clause's subject: a date or time phrase (2022年以来，…).
TIME_PREFIX = re.compile(tables.pattern("time_prefix"))
TIME_WORDS = re.compile(r"[0-9０-９]+.?")  # a date (2014年, 8月) between a doer and its verb
ORGAN_REACH = 12  # characters after a place an organ's name may go on for
DEED_GAP = 4  # characters (adverbs: 率先, 扎实) between a doer and its verb
UNNAMED_MIN = 3  # characters of an unlinked subject (机关党委, 果岸咖啡) before a verb
ACTORS = ("ORG", "PLACE")
LOCATIVES = tables.terms("locative", "relate")  # 到…社区开展: where a deed is done
DOER_HEADS = tables.terms("doer_head", "relate")  # …工委以: a body kg did not link
SELF_REFERENCES = tables.terms("self_reference", "relate")  # 我区: the article's place
RELATIVE = "的"  # a verb before it makes a relative clause (市委提出的“…”)
OPENING_QUOTES = "“‘「『\"'"
LINE_MARKS = "—－-·•:： \t"  # what may open a subtitle line before its first word (——永善县…)


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
    cands = outermost(view.actors_in_span(s, m.start, labels + ("PERSON",)))
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


def clause_opener(view: PageView, s: int, end: int) -> Key | None:
    """The actor that opens the last clause of ``[s, end)`` opened by one (聚焦…要求，昭通市
    气象局党组…，被…表彰为: the doer of the passive clause that follows)."""
    text = view.text
    best: Key | None = None
    for run in _chains(outermost(view.actors_in_span(s, end, ACTORS + ("PERSON",)))):
        first, key = run[0][0], run[-1][1]
        cut = max((text.rfind(ch, s, first.start) for ch in CLAUSE_BREAK), default=-1)
        if opening(text[max(cut + 1, s) : first.start]):
            best = key
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
    cands = outermost(view.actors_in_span(s, limit, ("ORG", "PERSON", "PLACE")))
    if cands and opening(view.text[s : cands[0][0].start]):
        return cands[0][1]
    return None


def main_actor(view: PageView, art: Article) -> Key | None:
    """The organ or place an article is about (kicker organ, title place, …)."""
    header = [k for k in view.linked.headers.get(art.index, ()) if k in view.entities]
    orgs = [k for k in header if k[0] == "ORG"]
    if orgs:
        return orgs[0]
    places = _header_openers(view, art) or _kicker_places(view, art, header)
    first = first_subject(view, art)
    if places:
        place = places[0]
        if first and (first in header or first[0] == "ORG" and first[1].startswith(place[1])):
            return first  # the body names the header's place more precisely (…沙坝村坚持…)
        return place
    return first


def _header_openers(view: PageView, art: Article) -> list[Key]:
    """The places that open a header line (秀屿区：…; a chain 永善县红光安置区 by its last
    member), not those inside it (“…”让宁夏党员…)."""
    text = view.text
    heads = outermost(
        [(o, k) for o, k in view.links if art.start <= o.start < art.body_start and k[0] in ACTORS]
    )
    out: list[Key] = []
    for run in _chains(heads):
        first, (last, key) = run[0][0], run[-1]
        line = text.rfind("\n", 0, first.start) + 1
        lead = text[line : first.start].lstrip(LINE_MARKS)
        if key[0] == "PLACE" and key in view.entities and view.can_act(key) and opening(lead):
            if names_organ_after(view, last.end):
                continue  # 昭通市直机关…: a collective the place scopes, not the place
            out.append(key)
    return out


def _kicker_places(view: PageView, art: Article, header: list[Key]) -> list[Key]:
    """The most specific place a kicker names (龙头山镇沙坝村: 沙坝村), when it names one."""
    kicker = clean_surface(art.kicker or "")
    places = [k for k in header if k[0] == "PLACE" and view.can_act(k) and k[1][:2] in kicker]
    return sorted(places, key=lambda k: -kicker.find(k[1][:2]))[:1]  # a chain's last


def first_subject(view: PageView, art: Article) -> Key | None:
    """The actor an article's body opens with (a chain by its last member)."""
    first = art.body_start + len(art.body) - len(art.body.lstrip())
    s, e = sentence_bounds(view.text, first)
    s = max(s, art.body_start)
    cands = outermost(view.actors_in_span(s, e, ACTORS + ("PERSON",)))
    for run in _chains(cands):
        if not opening(view.text[s : run[0][0].start]):
            break
        key = run[-1][1]
        return key if key[0] in ACTORS and not names_organ_after(view, run[-1][0].end) else None
    for m, _k in cands:
        subj = clause_subject(view, m)
        if subj:
            return subj
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


# -- the doer of a deed ------------------------------------------------------------------


@dataclass(frozen=True)
class Deed:
    """Who does the deed of a verb: a linked actor, or a subject the page did not link."""

    actor: Key | None  # None: the clause names a doer (机关党委, 党员干部) that is no actor
    person: Key | None = None  # a person does it (for the body he holds a post in)


def _verb_before(view: PageView, m: Mention, verbs: tuple[str, ...]) -> int:
    """Start of the clause's main deed verb before ``m`` (the first of ``verbs``, outside
    names), or -1. A verb in a relative clause (市委提出的“A”和…“B”) governs only the
    term right after its 的."""
    text = view.text
    cs = max((text.rfind(ch, 0, m.start) for ch in CLAUSE_BREAK), default=-1) + 1
    cs = max(cs, view.sentence_start(m))
    named = [(o.start, o.end) for o, _ in view.in_span(cs, m.start, ACTORS + ("PERSON",))]
    found: list[tuple[int, int]] = []
    for v in verbs:
        at = text.find(v, cs, m.start)
        while at >= 0:
            inside = any(a < at + len(v) and at < b for a, b in named)  # 住房和城乡建设局
            if not inside and not _relative(text, at + len(v), m.start):
                found.append((at, at + len(v)))
            at = text.find(v, at + 1, m.start)
    return min(found)[0] if found else -1


def _relative_verb(view: PageView, m: Mention, verbs: tuple[str, ...]) -> int:
    """Start of the deed verb of a relative clause right before ``m`` (机关开展的“…”,
    市委提出的“…”), or -1: its doer is the term's."""
    before = view.text[: m.start].rstrip(OPENING_QUOTES)
    if not before.endswith(RELATIVE):
        return -1
    before = before[: -len(RELATIVE)]
    verb = next((v for v in verbs if before.endswith(v)), "")
    return len(before) - len(verb) if verb else -1


def _relative(text: str, verb_end: int, term_start: int) -> bool:
    """Whether the verb ending at ``verb_end`` heads a relative clause (…提出的) whose
    object is not the term at ``term_start``."""
    if not text.startswith(RELATIVE, verb_end):
        return False
    return text[verb_end + len(RELATIVE) : term_start].strip(OPENING_QUOTES) != ""


def _chains(links: list[tuple[Mention, Key]]) -> list[list[tuple[Mention, Key]]]:
    """Runs of names printed next to each other (永善县红光安置区), in reading order."""
    runs: list[list[tuple[Mention, Key]]] = []
    for link in links:
        if runs and runs[-1][-1][0].end == link[0].start:
            runs[-1].append(link)
        else:
            runs.append([link])
    return runs


def _gap_ok(text: str) -> bool:
    """Whether ``text`` between a doer and its verb holds only a date and adverbs (率先)."""
    if any(ch in CLAUSE_BREAK for ch in text):
        return False
    t = TIME_WORDS.sub("", clean_surface(text))
    return len(t) <= DEED_GAP


def deed_subject(view: PageView, m: Mention, verbs: tuple[str, ...]) -> Deed | None:
    """The doer of the last of ``verbs`` before ``m`` in its clause; None without a verb
    or a doer the clause names (一是推行…, 深入开展…: the doer is the paragraph's)."""
    v_at = _relative_verb(view, m, verbs)
    if v_at < 0:
        v_at = _verb_before(view, m, verbs)
    if v_at < 0:
        return None
    text, s = view.text, view.sentence_start(m)
    end = v_at
    runs = _chains(outermost(view.actors_in_span(s, v_at, ACTORS + ("PERSON",))))
    for n in range(len(runs) - 1, -1, -1):
        first, (last, key) = runs[n][0][0], runs[n][-1]
        if not _gap_ok(text[last.end : end]):
            break
        lead = text[runs[n - 1][-1][0].end if n else s : first.start]
        place = max((lead.rfind(w) for w in LOCATIVES), default=-1)
        if place >= 0:  # 到(结对联系的)玉林街道黉门街社区开展: where, not who
            end = first.start - len(lead) + place
            continue
        return Deed(key) if key[0] in ACTORS else Deed(None, person=key)
    own = _self_reference(view, m, text[s:end])
    if own is not None:
        return Deed(own)
    if _unlinked_body(text[s:end]):
        return Deed(None)  # 自治区非公经济组织和社会组织工委以…: a doer kg did not link
    return None


def _unlinked_body(lead: str) -> bool:
    """Whether the clause before a verb ends in a body's name kg did not link (…工委以,
    结合机关开展, 各级部门认真开展), past a few adverbs."""
    t = clean_surface(lead)
    t = TIME_WORDS.sub("", t[max((t.rfind(ch) for ch in CLAUSE_BREAK), default=-1) + 1 :])
    if len(t) < UNNAMED_MIN or opening(t):
        return False
    return any(t[: len(t) - k].endswith(DOER_HEADS) for k in range(DEED_GAP + 1))


def _self_reference(view: PageView, m: Mention, lead: str) -> Key | None:
    """The article's place when the clause's doer is the writer's own (我区开展…)."""
    t = clean_surface(lead)
    t = t[max((t.rfind(ch) for ch in CLAUSE_BREAK), default=-1) + 1 :]
    for word in SELF_REFERENCES:
        at = t.find(word)
        if at >= 0 and opening(t[:at]) and _gap_ok(t[at + len(word) :]):
            return article_place(view, m.article, word[-1])
    return None


def article_place(view: PageView, index: int | None, kind: str) -> Key | None:
    """The place of type ``kind`` (区, 市) the article is about: its header's, else its
    first, else the page's home place."""
    art = view.article(index)
    header = view.linked.headers.get(index, ()) if index is not None else ()
    body = [k for o, k in view.links if o.article == index and k[0] == "PLACE"]
    for key in (*header, *body):
        if key[0] == "PLACE" and key in view.entities and key[1].endswith(kind):
            return key
    home = view.page.meta.home_place
    if art is not None and home and home.endswith(kind) and ("PLACE", home) in view.entities:
        return ("PLACE", home)
    return None
