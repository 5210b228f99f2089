"""The person recogniser (``kg_persons``): names by rule, and the model's names in the gaps.

Rules (they win): a name is a surname of ``people/surnames.csv`` and one or
two more characters, where a cue vouches for it: a role word before it
(局长赵刚), a speech verb or 化名 after it (陈杰说), a list closed by 等, or the
name of a leader. The model fills the gaps: LAC's PER words that pass the
grammar of a name (:mod:`kg.recognise.person_model`), and a rule's name
grows to the model's longer one (施特劳斯). Other items of a 、-list of names
(张三、李四、王五) that have a name's shape are names too. A name once found
is a name wherever it recurs; none is the author's name of a doctrine
(邓小平理论).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import tables
from kg.recognise.component import SpanRecognizer
from kg.recognise.lac import words_of
from kg.recognise.matching import CJK, Dictionary, TextTables, longest_spans
from kg.recognise.person_model import LIST_SEPARATORS, extended, model_names
from kg.recognise.spans import spans_of, text_of

Spans = set[tuple[int, int]]
# a list of two- and three-character words closed by 等: 杨太毅、易庆华等
LISTED = re.compile(r"((?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3})等")
# a run of items separated by 、 (a list of names, each item at most a title and a name)
LIST_RUN = re.compile(r"[\u4e00-\u9fff]{2,12}(?:、[\u4e00-\u9fff]{2,12})+")
LIST_NAMES_MIN = 2  # names a 、-list must hold for its other name-shaped items to be names
MODEL_LABEL = "PER"  # LAC's tag of a person's name
AFTER_ROLE = "：: \u3000”"  # between a role word and the name
NOMINAL_TAGS = frozenset({"n", "vn", "nz"})  # LAC's tags of nouns


@dataclass(frozen=True)
class PersonTables:
    """The surnames, cue words and leaders the person rules read."""

    text: TextTables
    surnames: frozenset[str]  # one character
    double_surnames: frozenset[str]  # two characters
    roles: tuple[str, ...]  # role words before a name (局长, 记者)
    after: tuple[str, ...]  # words after a name (说, 化名), longest first
    stop: frozenset[str]  # characters that end a given name (the verb 任)
    leaders: tuple[str, ...]  # names found without a cue
    address: tuple[str, ...] = ()  # forms of address after a surname (张大爷): not a name
    # titles, posts and words of address that may follow a name (局长, 同志, 老师), longest first
    titles: tuple[str, ...] = ()
    doctrine: tuple[str, ...] = ()  # after a name, names a doctrine (理论 of 邓小平理论)
    transcription: frozenset[str] = frozenset()  # characters of transcribed foreign names

    @classmethod
    def shipped(cls) -> PersonTables:
        """The tables shipped with kg (people/*.csv, text/*)."""
        surnames = tables.surnames("person")
        leaders = tables.load_table("people/leaders.csv").column("name")
        return cls(
            text=TextTables.shipped(),
            surnames=frozenset(s for s in surnames if len(s) == 1),
            double_surnames=frozenset(s for s in surnames if len(s) == 2),
            roles=tuple(sorted({r.word for r in tables.roles("before")})),
            after=tuple(sorted({r.word for r in tables.roles("after")}, key=len, reverse=True)),
            stop=frozenset(tables.chars("person_name_end")),
            leaders=tuple(sorted(set(leaders))),
            address=tuple(r.word for r in tables.roles("address")),
            titles=_titles(),
            doctrine=tuple(r.word for r in tables.roles("doctrine")),
            transcription=frozenset(
                "".join(tables.load_table("people/transcription.csv").column("chars"))
            ),
        )

    @cached_property
    def role_words(self) -> Dictionary:
        """The role words before a name, as an automaton."""
        return Dictionary((w, None) for w in self.roles)

    @cached_property
    def leader_names(self) -> Dictionary:
        """The leaders' names, as an automaton."""
        return Dictionary((w, None) for w in self.leaders)

    @cached_property
    def long_titles(self) -> tuple[str, ...]:
        """The titles of two or more characters, longest first."""
        return tuple(w for w in self.titles if len(w) > 1)

    def surname_len(self, text: str, i: int) -> int:
        """Length of the surname starting at ``i`` (2, 1), or 0."""
        if text[i : i + 2] in self.double_surnames:
            return 2
        return 1 if text[i : i + 1] in self.surnames else 0


def _titles() -> tuple[str, ...]:
    """Words that may follow a name and are no part of it: titles and posts of two or more
    characters (a one-character post or verb, 文 or 说, is too often a given name's), and
    every word of address (王总, 李哥)."""
    words = {
        r.word for use in ("before", "after", "post", "title") for r in tables.roles(use)
        if len(r.word) > 1
    }  # fmt: skip
    words |= {r.word for r in tables.roles("address")}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class PersonOptions:
    """Settings of the person recogniser (its pipeline config)."""

    max_given: int = 2  # the longest given name


@dataclass(frozen=True)
class PersonDoc:
    """What the person rules read of one document."""

    text: str
    tables: PersonTables
    covered: frozenset[int]  # characters inside an ORG or PLACE span
    role_starts: frozenset[int]
    role_ends: tuple[int, ...]  # sorted
    titled: frozenset[int]  # ends of role words printed right after a name (its title)
    max_given: int  # the longest given name
    model: tuple[tuple[int, int], ...] = ()  # the words the model (LAC) tagged PER
    bounds: frozenset[int] = frozenset()  # where the model's words start and end
    nominal_starts: frozenset[int] = frozenset()  # where the model's nouns start

    @cached_property
    def model_spans(self) -> frozenset[tuple[int, int]]:
        """The model's PER words, as a set."""
        return frozenset(self.model)

    @cached_property
    def cue_starts(self) -> frozenset[int]:
        """Where a name may start after a role word (局长赵刚, 记者：张三)."""
        out = set(self.role_ends)
        for i in self.role_ends:
            while i < len(self.text) and self.text[i] in AFTER_ROLE:
                i += 1
                out.add(i)
        return frozenset(out)


def _given_name_ends(doc: PersonDoc, end: int) -> bool:
    """Whether a given name of two or more characters stops before ``end``."""
    text, t = doc.text, doc.tables
    return (
        text[end] in t.stop
        or end in doc.role_starts
        or text.startswith(t.after, end)
        # 刘洋现场: 现场 is the next word
        or text[end : end + 2] in t.text.common_words
        and text[end + 1 : end + 2] not in t.stop
    )


def _model_name_ends(doc: PersonDoc, i: int, end: int) -> bool:
    """Whether the model's name ``[i, end)`` ends where a word of two or more characters
    starts (秘书长王芳陪同: the rule's name would cut 陪同)."""
    return (i, end) in doc.model_spans and end + 1 not in doc.bounds


def name_at(doc: PersonDoc, i: int, blocked: Collection[int] = ()) -> int | None:
    """End of a name starting at ``i`` after a cue, or None."""
    text, t = doc.text, doc.tables
    sl = t.surname_len(text, i)
    if not sl:
        return None
    end = i + sl
    for k in range(doc.max_given):
        if end >= len(text) or end in blocked:
            break
        ch = text[end]
        if not CJK.match(ch) or ch in t.text.name_stop:
            break
        if k >= 1 and (_model_name_ends(doc, i, end) or _given_name_ends(doc, end)):
            break
        end += 1
    if end - i < sl + 1:
        return None
    name = text[i:end]
    given = name[sl:]
    if "某" in given or any(given.startswith(w) for w in t.address):
        return None  # 张某, 张大爷: anonymised or a form of address, not a name
    if name in t.text.common_words or i in doc.role_starts or i + sl in doc.role_starts:
        return None  # 管理, 干部: ordinary words; 戚局长: a surname and a title
    return end


def leaders(doc: PersonDoc) -> Spans:
    """Leaders, named without a cue."""
    return {(s, e) for s, e, _ in doc.tables.leader_names.matches(doc.text)}


def _names_after_role(doc: PersonDoc, i: int) -> Spans:
    """The name at ``i`` after a role word, and the names listed after it with 、."""
    text, found = doc.text, set()
    while i not in doc.covered:
        end = name_at(doc, i)
        if text[i : i + 1] == "任" and i + 1 not in doc.covered:
            later = name_at(doc, i + 1)
            if later is not None:  # 主任任代开全: 任 is the verb, not a surname
                i, end = i + 1, later
        if end is None:
            break
        found.add((i, end))
        if not (
            end < len(text)
            and text[end] in LIST_SEPARATORS
            and doc.tables.surname_len(text, end + 1)
        ):
            break
        i = end + 1  # 通讯员 张三 李四, 先进个人肖艳梅、杨杰
    return found


def after_roles(doc: PersonDoc) -> Spans:
    """A role word (optionally with ：) then a name; then names listed after it.

    A title right after a name (习近平总书记) is that name's, not a cue for what follows.
    """
    found: Spans = set()
    for i in doc.role_ends:
        if i in doc.titled:
            continue
        while i < len(doc.text) and doc.text[i] in AFTER_ROLE:
            i += 1
        found |= _names_after_role(doc, i)
    return found


def _name_before(doc: PersonDoc, e: int) -> tuple[int, int] | None:
    """The name of two to four characters ending at ``e``, before a cue, or None."""
    text, t = doc.text, doc.tables
    for length in (3, 2, 4):
        s = e - length
        if s < 0 or any(c in t.text.name_stop or not CJK.match(c) for c in text[s:e]):
            continue
        if length == 3 and text[s] in t.stop:
            continue  # 任鲜波说: 任 is the verb
        if s > 0 and text[s - 1 : s + 1] in t.text.common_words:
            continue  # 新华社报道, 部门负责同志: the name would cut a word
        if t.surname_len(text, s) and name_at(doc, s, {e}) == e:
            return (s, e)
    return None


def before_cues(doc: PersonDoc) -> Spans:
    """A name then a speech verb or 化名: 陈杰说, 刘圆（化名）."""
    found: Spans = set()
    for cue in doc.tables.after:
        for m in re.finditer(re.escape(cue), doc.text):
            name = _name_before(doc, m.start())
            if name is not None:
                found.add(name)
    return found


def listed(doc: PersonDoc) -> Spans:
    """A list of names closed by 等 (杨太毅、易庆华等): every item must be a name."""
    found: Spans = set()
    for m in LISTED.finditer(doc.text):
        items = m.group(1).split("、")
        pos = m.start(1)
        spans = []
        for item in items:
            end = pos + len(item)
            if name_at(doc, pos, {end}) == end and _whole_words(doc, pos, end):
                spans.append((pos, end))
            pos = end + 1
        if len(spans) == len(items):
            found.update(spans)
    return found


def _whole_words(doc: PersonDoc, start: int, end: int) -> bool:
    """Whether ``[start, end)`` cuts none of the model's words (栽植云杉: 植云杉 does)."""
    return not doc.bounds or (start in doc.bounds and end in doc.bounds)


def list_mates(doc: PersonDoc, found: Spans) -> Spans:
    """Items of a 、-list that names two or more persons and that have a name's shape.

    市住建委领导周守权、罗宏图、高艺，: 高艺 is a name, like the names beside it.
    """
    text, out = doc.text, set()
    ends = {e for _, e in found}
    for m in LIST_RUN.finditer(text):
        items, pos = [], m.start()
        for item in m.group().split("、"):
            items.append((pos, pos + len(item)))
            pos += len(item) + 1
        # the first item may carry the list's title (领导周守权), the last what follows it
        named = {it for it in items if it in found or it == items[0] and it[1] in ends}
        if len(named) < LIST_NAMES_MIN:
            continue
        for k, (s, e) in enumerate(items[1:], start=1):
            if (s, e) in named:
                continue
            last = k == len(items) - 1
            end = name_at(doc, s) if last else name_at(doc, s, {e})
            # the last item's name ends it or stands before a character that ends names (等)
            if end is None or end > e or end < e and not (last and text[end] in doc.tables.stop):
                continue
            if _whole_words(doc, s, end):
                out.add((s, end))
    return out


def recurrences(text: str, found: Spans) -> Spans:
    """Every occurrence of a name once found: a name is a name wherever it recurs."""
    out: Spans = set()
    for name in sorted({text[s:e] for s, e in found}):
        out.update((m.start(), m.end()) for m in re.finditer(re.escape(name), text))
    return out


RULES: tuple[Callable[[PersonDoc], Spans], ...] = (leaders, after_roles, before_cues, listed)


class PersonRecognizer(SpanRecognizer[PersonTables, PersonOptions]):
    """Adds PERSON spans: surname + given name next to a role, a speech verb or 化名."""

    tables_type = PersonTables
    label = "PERSON"

    def context(self, doc: Doc) -> PersonDoc:
        """What the rules read of ``doc``: role words, the organisations and places found, the model's words."""
        tables, text = self.tables, text_of(doc)
        covered = frozenset(i for s, e in spans_of(doc, "ORG", "PLACE") for i in range(s, e))
        roles = tables.role_words.matches(text)
        words = words_of(doc)
        model = tuple(
            (w.start, w.start + len(text[w.start : w.end].rstrip()))
            for w in words if w.tag == MODEL_LABEL
        )  # fmt: skip
        name_ends = {e for _, e in model} | {e for _, e, _ in tables.leader_names.matches(text)}
        return PersonDoc(
            text,
            tables,
            covered,
            role_starts=frozenset(s for s, _, _ in roles),
            role_ends=tuple(sorted({e for _, e, _ in roles})),
            titled=frozenset(e for s, e, _ in roles if s in name_ends),
            max_given=self.options.max_given,
            model=model,
            bounds=frozenset(i for w in words for i in (w.start, w.end)),
            nominal_starts=frozenset(w.start for w in words if w.tag in NOMINAL_TAGS),
        )

    def find(self, doc: Doc) -> list[tuple[int, int]]:
        """Character spans of the persons in ``doc``: the rules' names, then the model's in the gaps."""
        context = self.context(doc)
        found: Spans = set()
        for rule in RULES:
            found |= rule(context)
        found = extended(context, found)
        found |= model_names(context, found)
        found |= list_mates(context, found)
        found |= recurrences(context.text, found)
        text, doctrine = context.text, context.tables.doctrine
        free = [
            (s, e) for s, e in found
            if not any(i in context.covered for i in range(s, e))
            and not text.startswith(doctrine, e)  # 邓小平理论: a doctrine, not its author
        ]  # fmt: skip
        return longest_spans(free)


@Language.factory("kg_persons", assigns=["doc.spans"], default_config={"max_given": 2})
def make_person_recognizer(nlp: Language, name: str, max_given: int) -> PersonRecognizer:
    """Build the person recogniser from its config; ``initialize`` gives it its tables."""
    return PersonRecognizer(nlp, name, options=PersonOptions(max_given))
