"""Post phrases next to a person, and the units they name (the last linking family).

``红光派出所所长刘永旺``: the phrase ``所长`` follows the organ it is a post of;
``西北政法大学张三教授``: the post follows the name, the organ stands before it.
A phrase may name its unit by itself: with a bare level word (``社区党委书记``
after 青松社区 is a post of 青松社区党委, an organ the page implies without
naming it, made here; ``副市长`` heads the city's 人民政府 where the page names
it, else the city), by its head (``局党组书记``, ``该行行长``: the last such body
named before; ``局长`` after ``…局党组书记、`` is the organ's own), as a title
(``总书记`` → 中共中央), or as a party unit's post (``党委书记``: the 党委 of the
organ named last, made here). People listed with 、 after one phrase share it.
Relation extraction reads the phrases and units from the ``LinkedPage`` and
only decides whose post is whose.
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
from kg.link.spans import Key, Link, LinkSpans, paragraph_start, sentence_bounds
from kg.model import CleanPage, Entity, Mention

POST_MODIFIER_MAX = 6  # characters a post word's modifier may have (驻村第一书记)
NEAR_SENTENCES = 2  # sentences before a person whose last organ a party unit may be of
ONE_PERSON = tables.pattern("one_person")  # 一名, 一位 before a post
NAME_JOINERS = tables.words("text/words.csv", "joins_names")  # 张三和李四书记
PHRASE_STOPS = '，,。；;：:、（()）“”"'  # punctuation a post phrase does not cross
PARTY = "党"  # a party sub-unit's name holds this character (党组, 机关党委)
LIST_JOINER = "、"  # between the names of people listed after one post
POSSESSIVE = "的"  # 红光派出所的民警: the post of the body before it


@lru_cache(maxsize=1)
def post_words() -> tuple[str, ...]:
    """The post words of ``people/roles.csv`` (书记, 所长…), longest first."""
    return longest_first({r.word for r in tables.roles("post")})


@lru_cache(maxsize=1)
def _person_verbs() -> tuple[str, ...]:
    """Verbs whose object is the person after the post (推荐指导员龙翔), longest first."""
    return longest_first({r.word for r in tables.roles("person_verb")})


@lru_cache(maxsize=1)
def _function_chars() -> frozenset[str]:
    """Function words no post phrase holds (在, 对, 由…): text/characters.csv's name_stop
    without 的 (红光派出所的民警) and the words joining names (和, 与)."""
    joined = "".join(NAME_JOINERS)
    return frozenset(c for c in tables.chars("name_stop") if c not in joined and c != POSSESSIVE)


@lru_cache(maxsize=1)
def government_posts() -> dict[str, str]:
    """Posts that head the people's government of their place (副市长 → 人民政府), from roles.csv."""
    return {r.word: r.body for r in tables.roles("government")}


@lru_cache(maxsize=1)
def titled_bodies() -> dict[str, str]:
    """Titles that name their body by themselves (总书记 → 中共中央), from roles.csv."""
    return {r.word: r.body for r in tables.roles("title")}


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
    t = re.sub("^" + ONE_PERSON, "", t.rsplit(POSSESSIVE, 1)[-1])
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
    after: bool = False  # printed after the name (西北政法大学张三教授, 张三局长)


def phrases_before(text: str, links: LinkSpans, m: Mention) -> list[tuple[Key | None, str]]:
    """Post phrases printed right before the person ``m``, each with the body printed before it.

    ``大耆老村驻村第一书记、工作队队长耿招敏``: two phrases, the first after 大耆老村.
    Returned in printed order.
    """
    s, _ = sentence_bounds(text, m.start)
    # the longest name ending at a position wins (溪洛渡街道永红社区党委, not 永红社区)
    names = sorted(links.in_span(s, m.start, ("ORG", "PLACE")), key=lambda ok: -len(ok[0].text))
    ends: dict[int, Key] = {}
    starts_by_end: dict[int, int] = {}
    for o, k in names:
        ends.setdefault(o.end, k)
        starts_by_end.setdefault(o.end, o.start)
    # 李进凤与楼栋长龙才康: the post phrase starts after the person before and 与
    people_end = {o.end for o, _ in links.ending_in(s, m.start + 1, ("PERSON",))}
    pieces: list[tuple[Key | None, str]] = []
    pos = m.start
    while pos > s:
        lo = _phrase_start(text, s, pos, ends.keys() | people_end)
        if lo in people_end and lo not in ends:
            lo += next((len(c) for c in NAME_JOINERS if text.startswith(c, lo)), 0)
        lo, post = _phrase_from(text, lo, pos)
        if post is None:
            break  # a post word after a modifier that is itself a body's name
        tail = ends.get(lo)
        pieces.append((tail, post))
        nxt = starts_by_end[lo] if tail is not None else lo
        if not (nxt > s and text[nxt - 1] == "、"):
            break
        pos = nxt - 1
    return pieces[::-1]


def _phrase_from(text: str, lo: int, pos: int) -> tuple[int, str | None]:
    """Where the post phrase ending at ``pos`` starts, and the phrase (None if there is none).

    After a function word (在, 到…) only a plain post counts (方阵在党委书记, 找到村党支部书记:
    党委书记, 村党支部书记); else the phrase from ``lo`` (市残联教育就业处调研员), past a
    verb whose object is the person (推荐指导员龙翔: 指导员).
    """
    verb = next((v for v in _person_verbs() if text.startswith(v, lo)), None)
    if verb is not None and text[lo:pos] not in post_words():  # 推荐｜指导员, not 组织委员
        lo += len(verb)
    cut = max((i + 1 for i in range(lo, pos) if text[i] in _function_chars()), default=lo)
    if cut > lo:
        post = parse_posts(text[cut:pos])
        if post is not None and _plain_post(post):
            return cut, post
    return lo, parse_posts(text[lo:pos])


def _plain_post(post: str) -> bool:
    """Whether ``post`` is a post word, after a bare level word and a party unit if any
    (局长, 党委书记, 村党支部书记)."""
    rest = post
    word = bare_word(rest)
    if word is not None:
        rest = rest[len(word) :]
    unit = next((u for u in party_units() if rest.startswith(u)), None)
    if unit is not None:
        rest = rest[len(unit) :]
    return rest in post_words() or post in post_words()


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

    def phrase(self, body: Key | None, post: str, m: Mention, *, after: bool = False) -> PostPhrase:
        """The phrase ``post`` next to the person ``m``, with the unit it names by itself if any."""
        if body is not None:
            return PostPhrase(post, body=self.government_of(body, post), after=after)
        named = (
            self.unit_of_government(post, m)
            or self.unit_of_post(post, m)
            or self.unit_by_head(post, m)
            or self.unit_of_title(post)
            or self.unit_of_party(post, m)
        )
        if named is None:
            return PostPhrase(post, after=after)
        return PostPhrase(post, unit=named[0], word=named[1], after=after)

    def government_of(self, body: Key, post: str) -> Key:
        """The people's government of the place ``body`` for a post that heads it (市长), where
        the page names that government; else ``body``."""
        heads = [g for g in government_posts() if post.endswith(g)]
        if body[0] != "PLACE" or not heads:
            return body
        org = ("ORG", body[1] + government_posts()[max(heads, key=len)])
        return org if org in self.entities else body

    def unit_of_government(self, post: str, m: Mention) -> tuple[Key | None, str] | None:
        """A post heading the government of a place its level word stands for (市长, 副区长)."""
        heads = [g for g in government_posts() if post.endswith(g)]
        if not heads:
            return None
        head = max(heads, key=len)
        word = max((w for w in BARE_LEVELS if w in head), key=len, default=None)
        if word is None or len(post) > len(head) + POST_MODIFIER_MAX:
            return None
        place = self.unit_place(BARE_LEVELS[word], m)
        if place is None:
            return (None, post)
        return (self.government_of(("PLACE", place), head), post)

    def unit_of_title(self, post: str) -> tuple[Key, str] | None:
        """A title naming its body by itself (总书记 → 中共中央), where the page names that body."""
        body = titled_bodies().get(post)
        key = ("ORG", body) if body else None
        return (key, post) if key is not None and key in self.entities else None

    def unit_of_party(self, post: str, m: Mention) -> tuple[Key, str] | None:
        """A party unit's post with no body printed (党委书记): of the organ named last before.

        The unit is made where the page does not name it; it is a unit of that organ.
        """
        unit = next((u for u in party_units() if post.startswith(u)), None)
        if unit is None or post[len(unit) :] not in post_words():
            return None
        organ = self.nearest_organ(m, unit)
        if organ is None:
            return None
        key = ("ORG", organ[1] + unit)
        if key not in self.entities:
            self.entities[key] = Entity(type="ORG", canonical=key[1], mentions={unit},
                                        kind=org_kind(key[1]))  # fmt: skip
            self.implied[key] = organ
        return (key, post[len(unit) :])

    def nearest_organ(self, m: Mention, unit: str) -> Key | None:
        """The organ named last before ``m`` in its sentence or the two before, not a party unit."""
        lo = sentence_bounds(self.text, m.start)[0]
        for _ in range(NEAR_SENTENCES):
            if lo > 0:
                lo = sentence_bounds(self.text, lo - 1)[0]
        found = [
            k for o, k in self.links
            if k[0] == "ORG" and o.article == m.article and lo <= o.start and o.end <= m.start
            and not k[1].endswith(party_units()) and k not in self.implied
        ]  # fmt: skip
        return found[-1] if found else None

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
            (o.start, body)
            for o, k in self.links
            if o.article == m.article and o.end <= m.start and k[0] == "ORG"
            for body in [k if k[1].endswith(wants) else self.parent_of_party(k, wants)]
            if body is not None
        ]  # fmt: skip
        return (max(found)[1], word) if found else None

    def parent_of_party(self, key: Key, wants: tuple[str, ...]) -> Key | None:
        """The organ whose party unit ``key`` is (…局党组 → …局), if it ends with ``wants``
        and the page names it: 局党组书记、局长 holds the second post in the organ."""
        unit = next((u for u in party_units() if key[1].endswith(u)), None)
        if unit is None:
            return None
        parent = ("ORG", key[1][: -len(unit)])
        return parent if parent[1].endswith(wants) and parent in self.entities else None

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


def phrase_after(text: str, links: LinkSpans, m: Mention) -> tuple[Key | None, str] | None:
    """A post word printed right after the person ``m``, and the organ or place right before it.

    ``西北政法大学张三教授``: (西北政法大学, 教授); ``张三局长``: (None, 局长).
    """
    post = next((p for p in post_words() if text.startswith(p, m.end)), None)
    if post is None:
        return None
    before = links.ending_in(m.start, m.start + 1, ("ORG", "PLACE"))
    if not before:
        return (None, post)
    return (max(before, key=lambda ok: ok[0].end - ok[0].start)[1], post)


def link_posts(
    page: CleanPage, links: Sequence[Link], units: PostUnits
) -> dict[Mention, tuple[PostPhrase, ...]]:
    """The post phrases next to each person of the page (``links`` in reading order).

    A person listed right after another with 、 and no phrase of its own holds the posts
    printed before the first (市住建委领导张三、李四: both are 领导 of the 住建委).
    """
    text, spans = page.text, LinkSpans(links)
    out: dict[Mention, tuple[PostPhrase, ...]] = {}
    before: Mention | None = None  # the person named last
    for m, key in links:
        if key[0] != "PERSON":
            continue
        phrases = [units.phrase(body, post, m) for body, post in phrases_before(text, spans, m)]
        if (
            not phrases and before is not None and before.end == m.start - 1
            and text[m.start - 1] == LIST_JOINER
        ):  # fmt: skip
            phrases = [p for p in out.get(before, ()) if not p.after]
        after = phrase_after(text, spans, m)
        if after is not None:
            phrases.append(units.phrase(after[0], after[1], m, after=True))
        if phrases:
            out[m] = tuple(phrases)
        before = m
    return out
