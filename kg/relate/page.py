"""Extract the relations a page states (GUIDELINES.md), each with its evidence.

Relations come from three sources: the linked entities themselves (a place's
parent, an organ named inside another organ's name, the place in an organ's
name), the credits of the page and its articles, and cue patterns in the
sentence of a mention (appositions ``所长刘永旺``, ``被评为``, ``印发``).
Programmes, honours and documents whose sentence names no actor go to the
article's main actor (the organ in its kicker, or the place in its title).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from kg.lexicon import tables
from kg.link.page import (
    BARE_PREFIXES,
    NEAREST_LEVELS,
    LinkedPage,
    apply_term_names,
    clean_surface,
    org_kind,
    place_short,
)
from kg.link.page import load_tables as link_tables
from kg.model import Article, CleanPage, Credit, Entity, Evidence, Fact, Mention

logger = logging.getLogger(__name__)

Key = tuple[str, str]

SENTENCE_END = "。！？!?\n"
CLAUSE_BREAK = "，,；;：:。！？!?\n（(）)"
# What may stand before a clause's subject: a date or time phrase (2022年以来，…).
TIME_PREFIX = re.compile(tables.pattern("time_prefix"))
YEAR = re.compile(r"((?:19|20)\d{2})年")
POST_MODIFIER_MAX = 6
LEVEL_RANK = tables.level_rank()
ONE_PERSON = tables.pattern("one_person")  # 一名, 一位 before a post
# 市直机关, 县直各部门: a bare level word that makes a collective with what follows
COLLECTIVE_LEVELS = "".join(tables.words("places/words.csv", "county_up"))
NAME_JOINERS = tables.words("text/words.csv", "joins_names")  # 张三和李四书记
HEAD_JOINERS = ("、", *tables.words("text/words.csv", "joins_heads"))  # A、B和C被评为


@dataclass(frozen=True)
class RelateTables:
    """The word lists relation extraction reads from the lexicon (``kg.lexicon.tables``)."""

    posts: tuple[str, ...]
    cues: dict[str, tuple[str, ...]]
    titles: tuple[tuple[str, str], ...] = ()


@lru_cache(maxsize=1)
def load_tables() -> RelateTables:
    """Load (once) the post words, cue words and titles."""
    posts = {r.word for r in tables.roles("post")}
    cues: dict[str, list[str]] = defaultdict(list)
    for row in tables.load_table("text/cues.csv").records("relation", "cue"):
        cues[row["relation"]].append(row["cue"])
    titles = [(r.word, r.body) for r in tables.roles("title")]
    return RelateTables(
        posts=tuple(sorted(posts, key=lambda p: (-len(p), p))),
        cues={r: tuple(sorted(c, key=lambda x: (-len(x), x))) for r, c in sorted(cues.items())},
        titles=tuple(sorted(titles, key=lambda r: (-len(r[0]), r[0]))),
    )


@lru_cache(maxsize=1)
def anaphors() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """``(anaphor, label, endings)`` rows of ``text/anaphors.csv``, longest anaphor first."""
    rows = [(a.anaphor, a.label, a.endings) for a in tables.anaphors()]
    return tuple(sorted(rows, key=lambda r: (-len(r[0]), r[0])))


@lru_cache(maxsize=1)
def _party_units() -> tuple[str, ...]:
    """Party sub-units of a body (党组, 机关党委) from ``organs/units.csv``, longest first."""
    words = {w for w in tables.words("organs/units.csv", "attach") if "党" in w}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The ``[start, end)`` of the sentence of ``text`` holding offset ``pos``."""
    start = pos
    while start > 0 and text[start - 1] not in SENTENCE_END:
        start -= 1
    end = pos
    while end < len(text) and text[end] not in SENTENCE_END:
        end += 1
    if end < len(text) and text[end] != "\n":
        end += 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def parse_posts(text: str) -> str | None:
    """``text`` as a post phrase (``驻村第一书记``), or None if it does not end with a post word."""
    t = clean_surface(text)
    # 红光派出所的民警代开全, 正在执勤的民警代开全: the post is what follows 的
    t = re.sub("^" + ONE_PERSON, "", t.rsplit("的", 1)[-1])
    for post in load_tables().posts:
        if t.endswith(post) and len(t) - len(post) <= POST_MODIFIER_MAX:
            if re.fullmatch(r"[\u4e00-\u9fff（）()]+", t):
                return t
    return None


class _PageRelations:
    """The state of extracting the facts of one page."""

    def __init__(self, page: CleanPage, articles: list[Article], linked: LinkedPage) -> None:
        self.page = page
        self.articles = {a.index: a for a in articles}
        self.linked = linked
        self.entities: dict[Key, Entity] = {e.key: e for e in linked.entities}
        self.links = sorted(linked.links, key=lambda mk: (mk[0].start, -mk[0].end, mk[1]))
        self.facts: list[Fact] = []
        self.seen: dict[tuple, Fact] = {}

    # evidence ---------------------------------------------------------
    def evidence_at(self, start: int, article: int | None) -> Evidence:
        s, e = sentence_bounds(self.page.text, start)
        raw_s, raw_e = self.page.raw_span(s, e)
        art = self.articles.get(article) if article is not None else None
        return Evidence(
            source=self.page.meta.source,
            article=art.title if art else None,
            sentence=self.page.text[s:e].strip(),
            start=raw_s,
            end=raw_e,
        )

    def evidence_for(self, key: Key) -> Evidence | None:
        """Evidence of an entity: the sentence of its first mention (or of a name holding it)."""
        for m, k in self.links:
            if k == key:
                return self.evidence_at(m.start, m.article)
        names = {key[1], *self.entities[key].mentions} if key in self.entities else {key[1]}
        for m, k in self.links:
            if k[0] == "ORG" and any(n and (n in k[1] or n in m.text) for n in names):
                return self.evidence_at(m.start, m.article)
        for credit, idx, k in self.linked.credits:
            if k == key:
                return self.credit_evidence(credit, idx)
        # named in a headline (kicker, subtitle, title) only
        for idx, keys in sorted(self.linked.headers.items()):
            art = self.articles.get(idx)
            if art is None or key not in keys:
                continue
            for part in (art.kicker, art.subtitle, art.title):
                if part and any(n and n in clean_surface(part) for n in names):
                    pos = self.page.raw.find(part)
                    start, end = (pos, pos + len(part)) if pos >= 0 else (0, 0)
                    return Evidence(self.page.meta.source, art.title, part, start, end)
        return None

    def credit_evidence(self, credit: Credit, idx: int | None) -> Evidence:
        """The raw line a credit is printed on."""
        raw = self.page.raw
        ls = raw.rfind("\n", 0, credit.start) + 1
        le = raw.find("\n", credit.end)
        le = len(raw) if le < 0 else le
        art = self.articles.get(idx) if idx is not None else None
        return Evidence(
            self.page.meta.source, art.title if art else None, raw[ls:le].strip(), ls, le
        )

    def add(self, relation: str, head: Key, tail: Key | None, attrs: dict | None = None,
            evidence: Evidence | None = None, merge_post: bool = False) -> None:  # fmt: skip
        if head not in self.entities or (tail is not None and tail not in self.entities):
            return
        if head == tail:
            return
        attrs = dict(attrs or {})
        sig: tuple = (relation, head, tail)
        if relation == "CREDITED":
            sig = (relation, head, attrs.get("role"), attrs.get("article"))
        known = self.seen.get(sig)
        if known is not None:
            if merge_post and attrs.get("post"):
                posts = (known.attrs.get("post") or "").split("、")
                for p in str(attrs["post"]).split("、"):
                    if p and p not in posts:
                        posts.append(p)
                known.attrs["post"] = "、".join(p for p in posts if p)
            return
        fact = Fact(relation=relation, head=head, tail=tail, attrs=attrs, evidence=evidence)
        self.seen[sig] = fact
        self.facts.append(fact)

    # mentions ---------------------------------------------------------
    def in_span(self, start: int, end: int, labels: tuple[str, ...]) -> list[tuple[Mention, Key]]:
        return [
            (m, k) for m, k in self.links if start <= m.start and m.end <= end and m.label in labels
        ]

    def clause_subject(self, m: Mention, labels: tuple[str, ...] = ("ORG", "PLACE")) -> Key | None:
        """The actor a clause before ``m`` opens with (``2022年以来，昭通市…局推行…``)."""
        s = self.sentence_start(m)
        cands = _outermost(self.in_span(s, m.start, labels + ("PERSON",)))
        best: Key | None = None
        for i, (c, _key) in enumerate(cands):
            before = self.page.text[s : c.start]
            cut = max((before.rfind(ch) for ch in CLAUSE_BREAK), default=-1)
            lead = before[cut + 1 :] if cut >= 0 else before
            if not self.opening(lead) and not self.opening(before):
                continue
            # A name chain (永善县红光安置区…) stands for its last, most specific member.
            j = i
            while j + 1 < len(cands) and cands[j + 1][0].start == cands[j][0].end:
                j += 1
            if cands[j][0].start >= m.start:
                continue
            chosen = cands[j][1]
            if chosen[0] == "PLACE" and self.names_organ_after(cands[j][0].end):
                best = None
                continue
            best = chosen if chosen[0] in labels else None
        return best

    def opening(self, text: str) -> bool:
        """Whether ``text`` is only what may open a clause before its subject (dates, 据介绍…)."""
        t = clean_surface(text)
        for word in load_tables().cues.get("LEAD", ()):
            t = t.replace(word, "")
        return bool(TIME_PREFIX.match(t))

    def adverbs_only(self, text: str) -> bool:
        """Whether ``text`` holds only adverbs that may stand without a subject (多次, 先后)."""
        t = clean_surface(text)
        for word in load_tables().cues.get("ADVERB", ()):
            t = t.replace(word, "")
        return bool(clean_surface(text)) and not t

    def sentence_start(self, m: Mention) -> int:
        """Start of the sentence of ``m``, not before its article's body (bylines stay out)."""
        s, _ = sentence_bounds(self.page.text, m.start)
        art = self.articles.get(m.article)
        if art is not None and art.body_start <= m.start:
            s = max(s, art.body_start)
        return s

    def names_organ_after(self, pos: int) -> bool:
        """Whether the text at ``pos`` goes on to name an organ or a collective (…市直机关)."""
        after = self.page.text[pos : pos + 12]
        tables = link_tables()
        words = [*tables.agencies, *(a for a, _, _ in tables.abbreviations), *tables.collectives]
        words.append("委")
        return any(after.startswith(w) for w in words)

    def paragraph_subject(self, m: Mention) -> Key | None:
        """The actor the paragraph of ``m`` opens with."""
        text = self.page.text
        start = text.rfind("\n", 0, m.start) + 1
        _, first_end = sentence_bounds(text, start)
        firsts = [(o, k) for o, k in self.links if start <= o.start < min(first_end, m.start)]
        if not firsts:
            return None
        return self.clause_subject(firsts[-1][0]) if firsts else None

    def main_actor(self, art: Article) -> Key | None:
        """The organ or place an article is about (kicker organ, title place, …)."""
        header = [k for k in self.linked.headers.get(art.index, []) if k in self.entities]
        orgs = [k for k in header if k[0] == "ORG"]
        if orgs:
            return orgs[0]
        places = [k for k in header if k[0] == "PLACE"]
        first = self.first_subject(art)
        if places:
            place = places[0]
            if first and first[0] == "ORG" and first[1].startswith(place[1]):
                return first
            return place
        if first:
            return first
        return None

    def first_subject(self, art: Article) -> Key | None:
        ms = [(m, k) for m, k in self.links if m.article == art.index and m.start >= art.body_start]
        if not ms:
            return None
        first = art.body_start + len(art.body) - len(art.body.lstrip())
        s, e = sentence_bounds(self.page.text, first)
        s = max(s, art.body_start)
        for m, _k in ms:
            if m.start >= e:
                break
            subj = self.clause_subject(m)
            if subj:
                return subj
        tail = [(m, k) for m, k in ms if m.start < e and k[0] in ("ORG", "PLACE")]
        if tail and self.opening(self.page.text[s : tail[0][0].start]):
            return tail[0][1]
        return None

    # relations --------------------------------------------------------
    def credited(self) -> None:
        for credit, idx, key in self.linked.credits:
            art = self.articles.get(idx) if idx is not None else None
            attrs = {"role": credit.role, "article": art.title if art else None}
            self.add("CREDITED", key, None, attrs, self.credit_evidence(credit, idx))

    def part_of(self) -> None:
        for key, ent in sorted(self.entities.items()):
            if ent.type != "PLACE":
                continue
            if ent.parent and ("PLACE", ent.parent) in self.entities:
                self.add("PART_OF", key, ("PLACE", ent.parent), evidence=self.evidence_for(key))
            for area in self.linked.areas.get(key, []):
                self.add("PART_OF", key, ("PLACE", area), evidence=self.evidence_for(key))

    def org_structure(self) -> None:
        orgs = sorted(k for k in self.entities if k[0] == "ORG")
        forms = self.place_forms()
        for key in orgs:
            name = key[1]
            parents = [
                o for o in orgs if o != key and name.startswith(o[1]) and len(o[1]) < len(name)
            ]
            if not parents:
                parents = self.parents_below_chain(key, orgs)
            if parents:
                parent = max(parents, key=lambda o: len(o[1]))
                self.add("SUB_ORG_OF", key, parent, evidence=self.evidence_for(key))
            elif key in self.linked.units:
                self.add("SUB_ORG_OF", key, self.linked.units[key], evidence=self.evidence_for(key))
            place = self.place_in(name, forms)
            if place is None:
                for surface in sorted(self.entities[key].mentions):
                    place = self.place_in(surface, forms)
                    if place:
                        break
            if place is not None:
                self.add("LOCATED_IN", key, ("PLACE", place), evidence=self.evidence_for(key))

    def parents_below_chain(self, key: Key, orgs: list[Key]) -> list[Key]:
        """Parents of an organ printed with its place chain (沈阳市铁西区委组织部 → 铁西区委)."""
        name = key[1]
        places = sorted(
            (k[1] for k in self.entities if k[0] == "PLACE"), key=lambda p: (-len(p), p)
        )
        for p in places:
            short = name[len(p) :]
            if not name.startswith(p) or not any(short.startswith(q) for q in places):
                continue
            found = [
                o for o in orgs if o != key and short.startswith(o[1]) and len(o[1]) < len(short)
            ]
            if found:
                return found
        return []

    def place_forms(self) -> dict[str, str]:
        forms: dict[str, str] = {}
        for _key, ent in sorted(self.entities.items()):
            if ent.type != "PLACE":
                continue
            for f in sorted(ent.mentions | {ent.canonical}):
                if len(f) >= 2:
                    forms.setdefault(f, ent.canonical)
            short = place_short(ent.canonical)
            if short:
                forms.setdefault(short, ent.canonical)
        return forms

    def place_in(self, name: str, forms: dict[str, str]) -> str | None:
        """The most specific known place named inside an organ name."""
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(name):
            for j in range(len(name), i + 1, -1):
                if name[i:j] in forms and j - i >= 2:
                    found.append((i, j, forms[name[i:j]]))
                    i = j - 1
                    break
            i += 1
        if not found:
            return None
        return max(found, key=lambda f: (_rank(self.entities[("PLACE", f[2])].level), f[0]))[2]

    def holds_post(self) -> None:
        text = self.page.text
        people = [(m, k) for m, k in self.links if k[0] == "PERSON"]
        for m, person in people:
            for tail, post in self.posts_before(m):
                self.add("HOLDS_POST", person, tail, {"post": post},
                         self.evidence_at(m.start, m.article), merge_post=True)  # fmt: skip
        # 习近平总书记: a title after the name that names its body by itself
        for m, person in people:
            for title, body in load_tables().titles:
                if text.startswith(title, m.end):
                    self.add("HOLDS_POST", person, ("ORG", body), {"post": title},
                             self.evidence_at(m.start, m.article), merge_post=True)  # fmt: skip
                    break
        # X任Y局局长: the post after an appointment cue.
        for m, k in _outermost(self.links):
            if k[0] not in ("ORG", "PLACE"):
                continue
            s, e = sentence_bounds(text, m.start)
            before = text[max(s, m.start - 3) : m.start]
            if not any(before.endswith(c) for c in load_tables().cues.get("APPOINTED", ())):
                continue
            after = re.split(r"[，,。；;、（(\s]", text[m.end : e], maxsplit=1)[0]
            after = re.sub(f"^的{ONE_PERSON}?", "", after)
            post_after = parse_posts(after[:10])
            if post_after is None:
                continue
            appointee = self.person_before(m, s)
            if appointee is not None:
                self.add("HOLDS_POST", appointee, k, {"post": post_after},
                         self.evidence_at(m.start, m.article), merge_post=True)  # fmt: skip

    def person_before(self, m: Mention, s: int) -> Key | None:
        near = [k for o, k in self.links if k[0] == "PERSON" and s <= o.start < m.start]
        if near:
            return near[-1]
        counts = Counter(k for o, k in self.links if k[0] == "PERSON" and o.article == m.article)
        top = counts.most_common(2)
        if top and top[0][1] >= 3 and (len(top) == 1 or top[1][1] < top[0][1]):
            return top[0][0]
        return None

    def posts_before(self, m: Mention) -> list[tuple[Key, str]]:
        """Post phrases printed right before a person (``红光派出所所长刘永旺``), with their body."""
        text = self.page.text
        s, _ = sentence_bounds(text, m.start)
        # the longest name ending at a position wins (溪洛渡街道永红社区党委, not 永红社区)
        ents = sorted(self.in_span(s, m.start, ("ORG", "PLACE")), key=lambda ok: -len(ok[0].text))
        ends: dict[int, Key] = {}
        starts_by_end: dict[int, int] = {}
        for o, k in ents:
            ends.setdefault(o.end, k)
            starts_by_end.setdefault(o.end, o.start)
        # 李进凤与楼栋长龙才康: the post phrase starts after the person before and 与
        people_end = {o.end for o, k in self.links if k[0] == "PERSON" and s <= o.end <= m.start}
        pieces: list[tuple[Key | None, str]] = []
        pos = m.start
        while pos > s:
            lo = pos
            while (
                lo > s
                and text[lo - 1] not in '，,。；;：:、（()）“”"'
                and lo not in ends
                and lo not in people_end
            ):
                lo -= 1
            if lo in people_end and lo not in ends:
                lo += next((len(c) for c in NAME_JOINERS if text.startswith(c, lo)), 0)
            post = parse_posts(text[lo:pos])
            if post is None:
                # a post word after a modifier that is itself a body's name
                break
            tail = ends.get(lo)
            pieces.append((tail, post))
            nxt = starts_by_end[lo] if tail is not None else lo
            if nxt > s and text[nxt - 1] == "、":
                pos = nxt - 1
                continue
            break
        if not pieces:
            return []
        pieces.reverse()
        out: dict[Key, list[str]] = {}
        current: Key | None = None
        for tail, post in pieces:
            if tail is None:
                unit = self.unit_of_post(post, m)
                if unit is not None:
                    if unit[0] is not None:
                        out.setdefault(unit[0], []).append(unit[1])
                    continue
                headed = self.unit_by_head(post, m)
                if headed is not None:
                    out.setdefault(headed[0], []).append(headed[1])
                    continue
            if tail is not None:
                current = tail
            if current is None:
                current = self.charge_after(m) or self.nearest_org(m, s)
                if current is None:
                    continue
            out.setdefault(current, []).append(post)
        return [(k, "、".join(v)) for k, v in out.items()]

    def unit_of_post(self, post: str, m: Mention) -> tuple[Key | None, str] | None:
        """The unit a post phrase names by itself (社区党委书记, 镇长), with the post word.

        None when the phrase names no unit; ``(None, post)`` when it names one that
        cannot be resolved (then the post is left out rather than given a wrong body).
        """
        if any(post.startswith(w) for w in link_tables().not_prefixes):
            return None
        word = next((w for w, _ in BARE_PREFIXES if post.startswith(w)), None)
        if word is None:
            return None
        rest = post[len(word) :]
        posts = load_tables().posts
        ends = sorted((p for p in posts if rest.endswith(p)), key=len)
        if not ends and post not in posts:
            return None
        place = self.unit_place(dict(BARE_PREFIXES)[word], m)
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
        post_word = rest[len(organ) :]
        name = place + organ
        key = ("ORG", name)
        if key not in self.entities:
            ent = Entity(type="ORG", canonical=name, mentions={word + organ}, kind=org_kind(name))
            self.entities[key] = ent
            self.linked.entities.append(ent)
            self.add(
                "LOCATED_IN", key, ("PLACE", place), evidence=self.evidence_at(m.start, m.article)
            )
        return (key, post_word)

    def unit_by_head(self, post: str, m: Mention) -> tuple[Key, str] | None:
        """The body a post names by its head (局党组书记, 局长, 该行行长): the nearest earlier one.

        ``局党组书记`` goes to the last …局党组 named before (post 书记), ``局长`` and
        ``该局局长`` to the last …局; heads and name endings are those of text/anaphors.csv.
        """
        posts = load_tables().posts
        org_anaphors = [(a, ends) for a, label, ends in anaphors() if label == "ORG"]
        heads = {a[1:]: ends for a, ends in org_anaphors}
        said = next((a for a, _ in org_anaphors if post.startswith(a)), None)
        if said is not None:  # 该行行长: the anaphor, then the post
            post = post[len(said) :]
        wants: tuple[str, ...] = ()
        word = post
        for n in (2, 1):
            endings = heads.get(post[:n])
            if endings is None:
                continue
            rest = post[n:]
            sub = next(
                (u for u in _party_units() if rest.startswith(u) and rest[len(u) :] in posts), None
            )
            if sub is not None:
                wants, word = tuple(e + sub for e in endings), rest[len(sub) :]
            elif post in posts:
                wants = endings
            break
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
        text = self.page.text
        para = text.rfind("\n", 0, m.start) + 1
        best = None
        earlier: set[str] = set()
        for o, k in self.links:
            ent = self.entities.get(k) if k[0] == "PLACE" else None
            if ent is None or o.article != m.article or o.end > m.start or ent.level != level:
                continue
            earlier.add(k[1])
            if level in NEAREST_LEVELS and level != "town" and o.start < para:
                continue
            best = k[1]
        if best is None and len(earlier) == 1:
            best = next(iter(earlier))  # the one village the article names, paragraphs before
        if best is None and level not in NEAREST_LEVELS:
            best = self.linked.article_levels.get(m.article, {}).get(level)
        if best is None or ("PLACE", best) not in self.entities:
            return None
        return best

    def charge_after(self, m: Mention) -> Key | None:
        """The unit a person is in charge of: 楼栋长龙才康负责友善4组 -> 友善4组."""
        text = self.page.text
        _, e = sentence_bounds(text, m.start)
        clause_end = min([i for i in (text.find(c, m.end, e) for c in "，,；;。") if i >= 0] or [e])
        for cue in load_tables().cues.get("CHARGE", ()):
            at = text.find(cue, m.end, clause_end)
            if at < 0 or at - m.end > 8:
                continue
            for o, k in self.links:
                if o.start == at + len(cue) and k[0] in ("ORG", "PLACE"):
                    return k
        return None

    def nearest_org(self, m: Mention, s: int) -> Key | None:
        """The organ named last before ``m`` in its sentence or the two before it."""
        text = self.page.text
        lo = s
        for _ in range(2):
            if lo <= 0:
                break
            lo = sentence_bounds(text, max(0, lo - 2))[0]
        near = [(o, k) for o, k in self.links
                if k[0] == "ORG" and lo <= o.start < m.start and o.article == m.article]  # fmt: skip
        return near[-1][1] if near else None

    def terms(self) -> None:
        cues = load_tables().cues
        actors = {idx: self.main_actor(a) for idx, a in sorted(self.articles.items())}
        text = self.page.text
        for m, key in self.links:
            ent = self.entities.get(key)
            if ent is None or key[0] not in ("PROGRAM", "HONOR", "DOCUMENT"):
                continue
            ev = self.evidence_at(m.start, m.article)
            s, _ = sentence_bounds(text, m.start)
            before = text[s : m.start]
            if key[0] == "PROGRAM":
                if not ent.core:
                    continue
                head = self.owner(m) or self.clause_subject(m)
                if head is None and self.collective_clause(m):
                    continue  # 市直机关单位开展…: no named actor
                head = head or self.paragraph_actor(m, actors.get(m.article))
                if head is not None:
                    self.add("PROMOTES", head, key, evidence=ev)
            elif key[0] == "HONOR":
                cue = _last_cue(before, cues.get("AWARDED", ()))
                heads: list[Key] = self.people_after(m)
                if cue is not None and not heads and m.start - (s + cue) <= 24:
                    heads = self.award_heads(m, s, s + cue)
                years = YEAR.findall(before)
                attrs = {"year": years[-1]} if years else {}
                for h in heads:
                    if h is not None:
                        self.add("AWARDED", h, key, attrs, ev)
            else:
                sent = text[s : sentence_bounds(text, m.start)[1]]
                if not any(c in sent for c in cues.get("ISSUED", ())):
                    continue
                head = self.clause_subject(m) or actors.get(m.article)
                if head is not None:
                    self.add("ISSUED", head, key, evidence=ev)

    def owner(self, m: Mention) -> Key | None:
        """An organ printed right before a programme is its owner (市委“六大战略”)."""
        text = self.page.text
        pos = m.start
        while pos > 0 and text[pos - 1] in "“‘「『\"'":
            pos -= 1
        for o, k in self.links:
            if o.end == pos and k[0] == "ORG":
                return k
        return None

    def collective_clause(self, m: Mention) -> bool:
        """Whether the clause of ``m`` opens with a collective (市直机关单位, 各级党组织)."""
        text = self.page.text
        s = self.sentence_start(m)
        lead = clean_surface(text[s : m.start])
        lead = re.sub(r"^[^，,；;]*?[，,]", "", lead) if not lead[:1].isalpha() else lead
        words = link_tables().collectives
        return any(re.match(rf"^(?:全?[{COLLECTIVE_LEVELS}])?{re.escape(w)}", lead) for w in words)

    def paragraph_actor(self, m: Mention, main: Key | None) -> Key | None:
        """The paragraph's own actor, unless it is the article's actor or a unit of it."""
        para = self.paragraph_subject(m)
        if para is None or para[0] != "ORG":
            return main
        if main is not None and main[0] == "ORG" and para[1].startswith(main[1]):
            return main  # the article's organ or one of its units (…局党组)
        return para

    def award_heads(self, m: Mention, s: int, cue_at: int) -> list[Key]:
        """Who a 被评为/荣获 cue credits: the subject of its clause (or of the sentence)."""
        text = self.page.text
        clause_start = max((text.rfind(ch, s, cue_at) for ch in "，,；;。"), default=-1) + 1
        clause_start = max(clause_start, s)
        lead = text[clause_start:cue_at]
        bei = lead.rfind("被")
        if text.startswith("被", cue_at):
            bei = len(lead)
        end = clause_start + bei if bei >= 0 else cue_at
        cands = _outermost(self.in_span(clause_start, end, ("ORG", "PERSON", "PLACE")))
        if cands:
            last_m, last_k = cands[-1]
            gap = text[last_m.end : end]
            if gap.strip() and not self.opening(gap) and bei >= 0:
                return []  # 6家单位被评为…: a collective, not a named body (a date may stand)
            heads = [last_k]
            nxt = last_m
            for o, k in reversed(cands[:-1]):
                if text[o.end : nxt.start] in HEAD_JOINERS and k[0] == last_k[0]:
                    heads.append(k)
                    nxt = o
                else:
                    break
            return heads[::-1]
        if clause_start > s and self.adverbs_only(text[clause_start:end]):
            # …的蔡文松，多次被评为…: the name that ends the clause before is the subject
            before = _outermost(self.in_span(s, clause_start - 1, ("ORG", "PERSON")))
            if before and before[-1][0].end == clause_start - 1:
                return [before[-1][1]]
        ref = self.anaphor_ref(m, clause_start, end)
        if ref is not None:
            return [ref]
        if not self.opening(text[clause_start:end]) and text[clause_start:end].strip():
            return []
        subject = self.sentence_subject(s, m.start)
        return [subject] if subject is not None else []

    def anaphor_ref(self, m: Mention, start: int, end: int) -> Key | None:
        """What a clause opening with an anaphor (该局, 该所) refers to: the nearest earlier match."""
        lead = clean_surface(self.page.text[start:end])
        for word, label, endings in anaphors():
            at = lead.find(word)
            if at < 0 or not self.opening(lead[:at]) or not self.opening(lead[at + len(word) :]):
                continue
            found = [
                (o.start, k)
                for o, k in self.links
                if o.article == m.article and o.end <= start and k[0] == label
                and k[1].endswith(endings)
            ]  # fmt: skip
            return max(found)[1] if found else None
        return None

    def sentence_subject(self, s: int, limit: int) -> Key | None:
        """The name a sentence opens with (after a date), if any."""
        cands = _outermost(self.in_span(s, limit, ("ORG", "PERSON", "PLACE")))
        if cands and self.opening(self.page.text[s : cands[0][0].start]):
            return cands[0][1]
        return None

    def people_after(self, m: Mention) -> list[Key]:
        """Persons listed right after an honour (“最美快递员”刘平来, 先进个人肖艳梅、杨杰)."""
        text = self.page.text
        out: list[Key] = []
        pos = m.end
        while pos < len(text) and text[pos] in "”’」』\"'":
            pos += 1
        for o, k in self.links:
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


def _outermost(found: list[tuple[Mention, Key]]) -> list[tuple[Mention, Key]]:
    """Mentions not nested in a longer one (永善县 inside 永善县公安局)."""
    return [
        (m, k)
        for m, k in found
        if not any(o is not m and o.start <= m.start and m.end <= o.end
                   and o.end - o.start > m.end - m.start for o, _ in found)
    ]  # fmt: skip


def _last_cue(before: str, cues: tuple[str, ...]) -> int | None:
    best = None
    for c in cues:
        i = before.rfind(c)
        if i >= 0 and (best is None or i > best):
            best = i
    return best


def _rank(level: str | None) -> int:
    return LEVEL_RANK.get(level or "", 7)


def relate_page(
    page: CleanPage, articles: list[Article], docs: list[Doc], linked: LinkedPage
) -> list[Fact]:
    """The facts of one page.

    ``docs`` are the recognised articles; sentences are found on the clean
    page text itself, so the facts do not depend on the pipeline having a
    sentence splitter.
    """
    if docs:
        apply_term_names(linked, articles, docs)
    rel = _PageRelations(page, articles, linked)
    rel.credited()
    rel.part_of()
    rel.org_structure()
    rel.holds_post()
    rel.terms()
    return rel.facts
