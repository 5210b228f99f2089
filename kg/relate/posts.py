"""HOLDS_POST: the posts people hold, and in which body.

Linking found the post phrases next to each person and the units they name
by themselves (``kg.link.posts``); here each phrase goes to its body: the
organ or place printed before it, else the unit it names, else (for a
phrase before the name) the unit the person is in charge of or the organ
named last before. An appointment cue gives the post after an organ
(X任Y局局长).
"""

from __future__ import annotations

import re
from collections import Counter

from kg.link.posts import ONE_PERSON, parse_posts
from kg.link.spans import Key, Link, outermost, sentence_bounds
from kg.model import Evidence, Fact, Mention
from kg.relate.evidence import evidence_at
from kg.relate.facts import POST_JOINER, FactList
from kg.relate.lexicon import load_tables
from kg.relate.view import PageView

CHARGE_REACH = 8  # characters after a person a 负责 cue may stand at
APPOINTED_REACH = 3  # characters before an organ an appointment cue (任) may end at
POST_AFTER_MAX = 10  # characters after an organ its appointed post is read from
NEAR_SENTENCES = 2  # sentences before a person whose last organ the post may be of
SOLE_PERSON_MIN = 3  # times an article names its one main person


def holds_post(view: PageView, facts: FactList) -> None:
    """HOLDS_POST from post phrases next to a person, and appointments."""
    people = [(m, k) for m, k in view.links if k[0] == "PERSON"]
    for m, person in people:
        ev = evidence_at(view, m.start, m.article)
        for unit in implied_units(view, m):
            implied_unit_facts(view, facts, unit, ev)
        for tail, post in post_bodies(view, m):
            facts.add(Fact("HOLDS_POST", person, tail, {"post": post}, ev), merge_post=True)
    for m, k in outermost(view.links):
        appointed = appointment(view, m, k)
        if appointed is not None:
            ev = evidence_at(view, m.start, m.article)
            attrs: dict[str, str | None] = {"post": appointed[1]}
            facts.add(Fact("HOLDS_POST", appointed[0], k, attrs, ev), merge_post=True)


def implied_unit_facts(view: PageView, facts: FactList, unit: Key, ev: Evidence) -> None:
    """Where a unit a post implies stands: in the place its bare level word stood for
    (社区党委 of 青松社区), or under the organ it is the party unit of (…委员会党委), in
    that organ's place."""
    parent = view.linked.implied[unit]
    if parent[0] != "ORG":
        facts.add(Fact("LOCATED_IN", unit, parent, evidence=ev))
        return
    facts.add(Fact("SUB_ORG_OF", unit, parent, evidence=ev))
    place = next(
        (f.tail for f in facts.facts if f.relation == "LOCATED_IN" and f.head == parent), None
    )
    if place is not None:
        facts.add(Fact("LOCATED_IN", unit, place, evidence=ev))


def implied_units(view: PageView, m: Mention) -> list[Key]:
    """The units linking made for the post phrases before the person ``m`` (社区党委书记)."""
    units = [p.unit for p in view.linked.posts.get(m, ()) if p.unit is not None]
    return [u for u in units if u in view.linked.implied]


def post_bodies(view: PageView, m: Mention) -> list[tuple[Key, str]]:
    """The posts printed before the person ``m``, by the body each is a post of."""
    phrases = view.linked.posts.get(m, ())
    if not phrases:
        return []
    s, _ = sentence_bounds(view.text, m.start)
    out: dict[Key, list[str]] = {}
    current: Key | None = None
    for p in phrases:
        if p.after:  # a post after the name: of the body before the name, or the unit it names
            tail = p.body or p.unit
            if tail is not None:
                out.setdefault(tail, []).append(p.word or p.text)
            continue
        if p.word is not None:  # the phrase names its unit (left out if that was not found)
            if p.unit is not None:
                out.setdefault(p.unit, []).append(p.word)
            continue
        if p.body is not None:
            current = p.body
        if current is None:
            current = charge_after(view, m) or nearest_org(view, m, s)
            if current is None:
                continue
        out.setdefault(current, []).append(p.text)
    return [(k, POST_JOINER.join(v)) for k, v in out.items()]


def appointment(view: PageView, m: Mention, key: Key) -> tuple[Key, str] | None:
    """X任Y局局长: the person appointed and the post printed after the body ``key``."""
    if key[0] not in ("ORG", "PLACE"):
        return None
    text = view.text
    s, e = sentence_bounds(text, m.start)
    before = text[max(s, m.start - APPOINTED_REACH) : m.start]
    if not any(before.endswith(c) for c in load_tables().cues.get("APPOINTED", ())):
        return None
    after = re.split(r"[，,。；;、（(\s]", text[m.end : e], maxsplit=1)[0]
    after = re.sub(f"^的{ONE_PERSON}?", "", after)
    post = parse_posts(after[:POST_AFTER_MAX])
    if post is None:
        return None
    appointee = person_before(view, m, s)
    return (appointee, post) if appointee is not None else None


def person_before(view: PageView, m: Mention, s: int) -> Key | None:
    """The person named last before ``m`` in its sentence, else the article's one main person."""
    near = [k for o, k in view.links if k[0] == "PERSON" and s <= o.start < m.start]
    if near:
        return near[-1]
    counts = Counter(k for o, k in view.links if k[0] == "PERSON" and o.article == m.article)
    top = counts.most_common(2)
    if top and top[0][1] >= SOLE_PERSON_MIN and (len(top) == 1 or top[1][1] < top[0][1]):
        return top[0][0]
    return None


def charge_after(view: PageView, m: Mention) -> Key | None:
    """The unit a person is in charge of: 楼栋长龙才康负责友善4组 -> 友善4组."""
    text = view.text
    _, e = sentence_bounds(text, m.start)
    clause_end = min([i for i in (text.find(c, m.end, e) for c in "，,；;。") if i >= 0] or [e])
    for cue in load_tables().cues.get("CHARGE", ()):
        at = text.find(cue, m.end, clause_end)
        if at < 0 or at - m.end > CHARGE_REACH:
            continue
        for o, k in view.links:
            if o.start == at + len(cue) and k[0] in ("ORG", "PLACE"):
                return k
    return None


def nearest_org(view: PageView, m: Mention, s: int) -> Key | None:
    """The organ named last before ``m`` in its sentence or the two before it, in the body:
    the agency of a dateline or byline (新华社东京8月2日电) credits the article, it is
    no body of the posts in it."""
    lo = s
    for _ in range(NEAR_SENTENCES):
        if lo <= 0:
            break
        lo = sentence_bounds(view.text, max(0, lo - 2))[0]
    art = view.article(m.article)
    if art is not None and art.body_start <= m.start:
        lo = max(lo, art.body_start)
    near: list[Link] = [(o, k) for o, k in view.links
                        if k[0] == "ORG" and lo <= o.start < m.start and o.article == m.article]  # fmt: skip
    return near[-1][1] if near else None
