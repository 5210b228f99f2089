"""Post phrases before a person, and the units they name (the last linking family).

``红光派出所所长刘永旺``: the phrase ``所长`` follows the organ it is a post of.
A phrase may name its unit by itself: with a bare level word (``社区党委书记``
after 青松社区 is a post of 青松社区党委, an organ the page implies without
naming it, made here), or by its head (``局党组书记``, ``该行行长``: the last
such body named before). Relation extraction reads the phrases and units
from the ``LinkedPage`` and only decides whose post is whose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.lexicon import tables
from kg.link.bare import BARE_LEVELS, NEAREST_LEVELS, bare_word, still_meant, with_place
from kg.link.lexicon import longest_first
from kg.link.names import clean_surface, org_kind
from kg.link.spans import Key, Link, in_span, paragraph_start, sentence_bounds
from kg.model import CleanPage, Entity, Mention

POST_MODIFIER_MAX = 6  # characters a post word's modifier may have (驻村第一书记)
ONE_PERSON = tables.pattern("one_person")  # 一名, 一位 before a post
NAME_JOINERS = tables.words("text/words.csv", "joins_names")  # 张三和李四书记
PHRASE_STOPS = '，,。；;：:、（()）“”"'  # punctuation a post phrase does not cross
PARTY = "党"  # a party sub-unit's name holds this character (党组, 机关党委)


@lru_cache(maxsize=1)
def post_words() -> tuple[str, ...]:
    """The post words of ``people/roles.csv`` (书记, 所长…), longest first."""
    return longest_first({r.word for r in tables.roles("post")})


@lru_cache(maxsize=1)
def party_units() -> tuple[str, ...]:
    """Party sub-units of a body (党组, 机关党委) from ``organs/units.csv``, longest first."""
    return longest_first(w for w in tables.words("organs/units.csv", "attach") if PARTY in w)


@lru_cache(maxsize=1)
def org_anaphors() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(anaphor, endings)`` of the anaphors of a body (该局, 该行), longest first."""
    rows = [(a.anaphor, a.endings) for a in tables.anaphors() if a.label == "ORG"]
    return tuple(sorted(rows, key=lambda r: (-len(r[0]), r[0])))


def parse_posts(text: str) -> str | None:
    """``text`` as a post phrase (``驻村第一书记``), or None if it does not end with a post word."""
    t = clean_surface(text)
    # 红光派出所的民警代开全, 正在执勤的民警代开全: the post is what follows 的
    t = re.sub("^" + ONE_PERSON, "", t.rsplit("的", 1)[-1])
    for post in post_words():
        if t.endswith(post) and len(t) - len(post) <= POST_MODIFIER_MAX:
            if re.fullmatch(r"[\u4e00-\u9fff（）()]+", t):
                return t
    return None


@dataclass(frozen=True)
class PostPhrase:
    """A post phrase printed before a person, and what it is a post of, where linking knows.

    ``word`` is set when the phrase names its unit by itself: then ``unit``
    is that unit (None when it could not be found, and the post has no
    body) and ``word`` the post word left (书记 of 社区党委书记).
    """

    text: str  # the phrase as printed (驻村第一书记, 社区党委书记)
    body: Key | None = None  # the organ or place printed right before it
    unit: Key | None = None
    word: str | None = None


def phrases_before(text: str, links: Sequence[Link], m: Mention) -> list[tuple[Key | None, str]]:
    """Post phrases printed right before the person ``m``, each with the body printed before it.

    ``大耆老村驻村第一书记、工作队队长耿招敏``: two phrases, the first after 大耆老村.
    Returned in printed order.
    """
    s, _ = sentence_bounds(text, m.start)
    # the longest name ending at a position wins (溪洛渡街道永红社区党委, not 永红社区)
    names = sorted(in_span(links, s, m.start, ("ORG", "PLACE")), key=lambda ok: -len(ok[0].text))
    ends: dict[int, Key] = {}
    starts_by_end: dict[int, int] = {}
    for o, k in names:
        ends.setdefault(o.end, k)
        starts_by_end.setdefault(o.end, o.start)
    # 李进凤与楼栋长龙才康: the post phrase starts after the person before and 与
    people_end = {o.end for o, k in links if k[0] == "PERSON" and s <= o.end <= m.start}
    pieces: list[tuple[Key | None, str]] = []
    pos = m.start
    while pos > s:
        lo = _phrase_start(text, s, pos, ends.keys() | people_end)
        if lo in people_end and lo not in ends:
            lo += next((len(c) for c in NAME_JOINERS if text.startswith(c, lo)), 0)
        post = parse_posts(text[lo:pos])
        if post is None:
            break  # a post word after a modifier that is itself a body's name
        tail = ends.get(lo)
        pieces.append((tail, post))
        nxt = starts_by_end[lo] if tail is not None else lo
        if not (nxt > s and text[nxt - 1] == "、"):
            break
        pos = nxt - 1
    return pieces[::-1]


def _phrase_start(text: str, s: int, pos: int, stops: set[int]) -> int:
    """Where a phrase ending at ``pos`` starts: at punctuation, a name's end or the sentence's start."""
    lo = pos
    while lo > s and text[lo - 1] not in PHRASE_STOPS and lo not in stops:
        lo -= 1
    return lo


class PostUnits:
    """The units post phrases name by themselves, made where the page implies them."""

    def __init__(self, text: str, links: Sequence[Link], entities: dict[Key, Entity],
                 article_levels: Mapping[int, Mapping[str, str]]) -> None:  # fmt: skip
        self.text = text
        self.links = links  # in reading order
        self.entities = entities  # the page's entities; an implied unit is added
        self.article_levels = article_levels
        self.implied: dict[Key, Key] = {}  # unit made here -> the place it is in

    def phrase(self, body: Key | None, post: str, m: Mention) -> PostPhrase:
        """The phrase ``post`` before the person ``m``, with the unit it names by itself if any."""
        if body is not None:
            return PostPhrase(post, body=body)
        named = self.unit_of_post(post, m) or self.unit_by_head(post, m)
        if named is None:
            return PostPhrase(post)
        return PostPhrase(post, unit=named[0], word=named[1])

    def unit_of_post(self, post: str, m: Mention) -> tuple[Key | None, str] | None:
        """The unit a post phrase names with a bare level word (社区党委书记, 镇长), and the post word.

        None when the phrase names no unit; ``(None, post)`` when it names one that
        cannot be resolved (then the post is left out rather than given a wrong body).
        """
        word = bare_word(post)
        if word is None:
            return None
        rest = post[len(word) :]
        posts = post_words()
        ends = sorted((p for p in posts if rest.endswith(p)), key=len)
        if not ends and post not in posts:
            return None
        place = self.unit_place(BARE_LEVELS[word], m)
        if place is None:
            return (None, post)
        # the shortest post word leaving an organ name (党委 + 书记), else the place itself
        organ = next(
            (rest[: len(rest) - len(p)] for p in ends
             if len(p) < len(rest) and org_kind(place + rest[: len(rest) - len(p)])),
            None,
        )  # fmt: skip
        if organ is None:
            if ends and ends[-1] != rest:
                return (None, post)
            return (("PLACE", place), post)
        return (self.implied_unit(word + organ, word, place), rest[len(organ) :])

    def implied_unit(self, printed: str, word: str, place: str) -> Key:
        """The organ ``printed`` with its bare ``word`` standing for ``place``, made if new."""
        name = with_place(printed, word, place)
        key = ("ORG", name)
        if key not in self.entities:
            self.entities[key] = Entity(type="ORG", canonical=name, mentions={printed},
                                        kind=org_kind(name))  # fmt: skip
            self.implied[key] = ("PLACE", place)
        return key

    def unit_by_head(self, post: str, m: Mention) -> tuple[Key, str] | None:
        """The body a post names by its head (局党组书记, 局长, 该行行长): the nearest earlier one.

        ``局党组书记`` goes to the last …局党组 named before (post 书记), ``局长`` and
        ``该局局长`` to the last …局; heads and name endings are those of text/anaphors.csv.
        """
        wants, word = _head_wants(post)
        if not wants:
            return None
        found = [
            (o.start, k)
            for o, k in self.links
            if o.article == m.article and o.end <= m.start and k[0] == "ORG"
            and k[1].endswith(wants)
        ]  # fmt: skip
        return (max(found)[1], word) if found else None

    def unit_place(self, level: str, m: Mention) -> str | None:
        """The place a bare level word before ``m`` stands for: the last of that level named."""
        para = paragraph_start(self.text, m.start)
        best = None
        earlier: set[str] = set()
        for o, k in self.links:
            ent = self.entities.get(k) if k[0] == "PLACE" else None
            if ent is None or o.article != m.article or o.end > m.start or ent.level != level:
                continue
            earlier.add(k[1])
            if still_meant(level, o.start, para):
                best = k[1]
        if best is None and len(earlier) == 1:
            best = next(iter(earlier))  # the one village the article names, paragraphs before
        if best is None and level not in NEAREST_LEVELS:
            best = self.article_levels.get(m.article, {}).get(level)
        if best is None or ("PLACE", best) not in self.entities:
            return None
        return best


def _head_wants(post: str) -> tuple[tuple[str, ...], str]:
    """The name endings a post's head asks for (局 → …局, 局党组 → …局党组), and the post word."""
    posts = post_words()
    anaphors = org_anaphors()
    heads = {a[1:]: ends for a, ends in anaphors}
    said = next((a for a, _ in anaphors if post.startswith(a)), None)
    if said is not None:  # 该行行长: the anaphor, then the post
        post = post[len(said) :]
    for n in (2, 1):
        endings = heads.get(post[:n])
        if endings is None:
            continue
        rest = post[n:]
        sub = next(
            (u for u in party_units() if rest.startswith(u) and rest[len(u) :] in posts), None
        )
        if sub is not None:
            return tuple(e + sub for e in endings), rest[len(sub) :]
        return (endings if post in posts else ()), post
    return (), post


def link_posts(
    page: CleanPage, links: Sequence[Link], units: PostUnits
) -> dict[Mention, tuple[PostPhrase, ...]]:
    """The post phrases before each person of the page (``links`` in reading order)."""
    out: dict[Mention, tuple[PostPhrase, ...]] = {}
    for m, key in links:
        if key[0] != "PERSON":
            continue
        found = phrases_before(page.text, links, m)
        if found:
            out[m] = tuple(units.phrase(body, post, m) for body, post in found)
    return out
