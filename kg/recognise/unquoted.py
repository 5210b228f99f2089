"""Unquoted terms: programmes and documents by head noun, honours after award verbs.

A named programme (…工程, …专项行动, …平台) or document (…条例, …实施方案
after 印发) ends in a head noun on a token boundary; its left boundary is
found by walking left over the segmenter's tokens. Honours follow an award
verb (荣立集体三等功, 评选出先进个人). Well-known documents have a short
name (党章), and a quoted programme may recur without its quotes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Token

from kg.recognise.lac import Word, words_of
from kg.recognise.spans import spans_of, text_of, token_texts
from kg.recognise.term_lexicon import TermRules
from kg.recognise.term_text import (
    ABBREVIATED,
    ALL_PUNCT,
    Term,
    clause_before,
    cut,
    overlaps,
    strip_quotes,
)

ATTRIBUTIVE = "的"  # a modifier ending in it describes the head (支部的学习教育)
DOCUMENT_VERB_REACH = 8  # characters before a document's name its issuing verb may stand in
TIME_TAG = "TIME"  # LAC's tag of a time word
DOCUMENT_KINDS = ("document_head", "named_document_head")
LIST_MARK = "、"  # between the items of a list
HONOUR_WINDOW = 24
HONOUR_SCOPE_REACH = 10  # characters between an honour's scope word and its head  # how far after an award verb an honour may end
LEVELS_SEPARATOR = re.compile(r"[、]")  # 全国、全省先进基层党组织: one title at several levels


class Holding:
    """For a character offset, the index of the span (a token, a word) holding it.

    Found by bisection over the spans' starts, so nothing is made per character.
    """

    def __init__(self, starts: list[int], ends: list[int]) -> None:
        self._starts, self._ends = starts, ends

    def get(self, at: int) -> int | None:
        """The span holding ``at``, or None (white space between tokens, or no span)."""
        i = bisect_right(self._starts, at) - 1
        return i if i >= 0 and at < self._ends[i] else None

    def __contains__(self, at: int) -> bool:
        return self.get(at) is not None

    def __getitem__(self, at: int) -> int:
        i = self.get(at)
        if i is None:
            raise KeyError(at)
        return i


@dataclass(frozen=True)
class TermDoc:
    """What the unquoted rules read of one document."""

    doc: Doc
    text: str
    blocked: bytearray  # characters inside a title or a quote
    token_at: Holding  # the token holding each character
    token_ends: set[int]
    tokens: dict[int, str]  # each token's text by its start (no Token objects: they are slow)
    name_starts: set[int]  # starts of the places and organisations found before
    words: tuple[Word, ...] = ()  # the segmenter's words, with their part of speech
    dates: frozenset[int] = frozenset()  # starts of the time words that hold a digit (2015年)

    @classmethod
    def of(cls, doc: Doc, blocked: bytearray, spans_key: str) -> TermDoc:
        """The context of ``doc``, whose titles and quotes are marked in ``blocked``."""
        text = text_of(doc)
        tokens = token_texts(doc)  # read as arrays: Token objects are slow
        ends = [s + len(w) for s, w in tokens.items()]
        words = words_of(doc)
        dates = {
            w.start
            for w in words
            if w.tag == TIME_TAG and any(ch.isdigit() for ch in text[w.start : w.end])
        }
        return cls(
            doc,
            text,
            blocked,
            Holding(list(tokens), ends),
            set(ends),
            tokens,
            {s for s, _ in spans_of(doc, "PLACE", "ORG", key=spans_key)},
            words,
            frozenset(dates),
        )

    @cached_property
    def _word_at(self) -> Holding:
        return Holding([w.start for w in self.words], [w.end for w in self.words])

    def tag(self, tok: Token) -> str:
        """The part of speech the segmenter gave the word ``tok`` starts in ("" unknown)."""
        i = self._word_at.get(tok.idx)
        return self.words[i].tag if i is not None else ""


# -- named by a head noun ----------------------------------------------------------------


def _stops_modifier(
    rules: TermRules, context: TermDoc, tok: Token, start: int, head_start: int
) -> bool:
    """Whether the token ``tok`` left of a modifier starting at ``start`` ends the walk."""
    word = tok.text
    if not word.strip() or word in rules.set("boundary_stop"):
        return True
    if any(ch in ALL_PUNCT for ch in word):
        return True
    if any(ch.isdigit() for ch in word):  # 500万元…工程: amounts are not names
        return True
    if tok.whitespace_ and tok.idx + len(word) < start:
        return True
    tag = context.tag(tok)
    if tag in rules.set("boundary_tag"):
        return True  # a preposition, conjunction, particle, pronoun … ends a name
    if tag in rules.set("boundary_adverb_tag") and len(word) > 1:
        return True  # 成功入选…工程: an adverb (one character may be inside: 还林还草)
    if tag in rules.set("boundary_verb_tag") and len(word) > 1 and tok.i > 0:
        if context.tag(context.doc[tok.i - 1]) in rules.set("name_tag"):
            return True  # 木兰陂拥有…工程: a name and its verb are a clause, not a name
    return head_start - tok.idx > rules.options.max_modifier_len


def _walk_left(rules: TermRules, context: TermDoc, head_start: int) -> int:
    """Start of the name ending in the head at ``head_start``: walk left over tokens."""
    doc = context.doc
    i = context.token_at.get(head_start)
    if i is None:
        return head_start
    start = doc[i].idx if doc[i].idx < head_start else head_start
    j = i - 1
    while j >= 0 and not _stops_modifier(rules, context, doc[j], start, head_start):
        start = doc[j].idx
        j -= 1
    return start


def _launched_start(rules: TermRules, context: TermDoc, head_start: int, minimum: int) -> int:
    """Start of the name that is the object of a launching verb (实施新一轮…工程), or -1.

    The first launching verb of the clause whose object, up to the head, is a
    specific modifier on token bounds, with no punctuation, conjunction, stop
    word or quote in it: 实施…体系建设工程 names the whole (a name may hold a
    launching verb); a verb chain (推动建立…, 深化拓展…) names what follows its
    last verb.
    """
    if rules.launch_verbs is None:
        return -1
    text, doc = context.text, context.doc
    lo = max(0, head_start - rules.options.max_modifier_len - 4)
    ends = {m.end() for m in rules.launch_verbs.finditer(text, lo, head_start)}
    for v_at in sorted(ends):
        i = context.token_at.get(v_at)
        if i is None or doc[i].idx != v_at:
            continue
        while doc[i].idx < head_start and context.tag(doc[i]) in rules.set("object_skip_tag"):
            i += 1  # 深化拓展党史学习教育, 列入2015年度…: the name follows verbs and dates
        start = doc[i].idx
        between = text[start:head_start]
        if _plain_object(rules, context, start, head_start) and specific_modifier(
            rules, between, minimum
        ):
            return start
    return -1


def _plain_object(rules: TermRules, context: TermDoc, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` may be one name: no punctuation, list, stop word or quote."""
    between = context.text[start:end]
    if any(ch in ALL_PUNCT for ch in between) or overlaps(start, end, context.blocked):
        return False
    doc, stops = context.doc, rules.set("boundary_stop")
    k = context.token_at.get(start)
    while k is not None and k < len(doc) and doc[k].idx < end:
        word = doc[k].text
        inside = word in rules.set("name_particle") and k > 0 and len(doc[k - 1].text) == 1
        if word in stops and not inside:
            return False  # 党的群众路线…: a particle after one character may stand in a name
        k += 1
    return True


def left_boundary(
    rules: TermRules, context: TermDoc, head_start: int, minimum: int = 4
) -> tuple[int, bool]:
    """Start of the name ending in the head at ``head_start``, and whether a verb launches it.

    The object of a launching verb when the clause has one (a name may hold
    verbs: 破难攻坚七大行动), else the tokens left of the head up to a
    preposition, particle, adverb or stop word.
    """
    launched = _launched_start(rules, context, head_start, minimum)
    if launched >= 0:
        return launched, True
    return _walk_left(rules, context, head_start), False


def _proper(rules: TermRules, context: TermDoc, start: int) -> bool:
    """Whether a name starts with a place or body (云南…平台), not a description."""
    if start in context.name_starts or context.text.startswith(rules.get("proper_prefix"), start):
        return True
    at = context.token_at
    if start not in at:
        return False
    first = context.doc[at[start]]
    if context.tag(first) in rules.set("name_tag"):
        return True  # 京津冀…: the segmenter reads a place or body
    return len(first.text) >= 2 and first.text.endswith(rules.get("place_suffix"))


def specific_modifier(rules: TermRules, modifier: str, minimum: int) -> bool:
    """Whether a modifier makes the head a name (not 工作机制, 这一平台)."""
    if rules.count_prefix.fullmatch(modifier):
        return True
    rest = modifier
    for word in rules.get("generic_modifier"):
        rest = rest.replace(word, "")
    return len(modifier) >= minimum and len(rest) >= 2


def _dated_start(context: TermDoc, start: int) -> int:
    """``start`` moved left over a date printed right before it (2015年…招生计划)."""
    i = context.token_at.get(start)
    while i is not None and i > 0 and context.doc[i - 1].idx in context.dates:
        i -= 1
    return context.doc[i].idx if i is not None else start


def _counted(rules: TermRules, modifier: str) -> bool:
    """Whether the modifier ends in a count (破难攻坚七大行动, 三项机制)."""
    return any(rules.count_prefix.fullmatch(modifier[k:]) for k in range(len(modifier)))


def _head_term(
    rules: TermRules, context: TermDoc, m: re.Match[str], kind: str, listed: int = -1
) -> Term | None:
    """The programme or document whose head noun ``m`` (of lexicon ``kind``) ends, or None.

    ``listed``: the end of a programme of the same head printed just before,
    a list's first item (实施A工程、B工程: B is launched with A).
    """
    text = context.text
    hs, he = m.span()
    label = "DOCUMENT" if kind in DOCUMENT_KINDS else "PROGRAM"
    if he not in context.token_ends or overlaps(hs, he, context.blocked):
        return None
    if label == "PROGRAM" and text.startswith(rules.get("document_suffix"), he):
        return None  # …三年行动方案 is a document, not the programme
    minimum = rules.lex.head_min.get((kind, m.group()), 4)
    if listed >= 0 and not any(ch in ALL_PUNCT for ch in text[listed + 1 : hs]):
        start, launched = listed + 1, True  # the next item of a launched list
    else:
        start, launched = left_boundary(rules, context, hs, minimum)
    issuing = clause_before(text, _dated_start(context, start), DOCUMENT_VERB_REACH)
    if label == "DOCUMENT" and not any(v in issuing for v in rules.get("document_before")):
        return None  # a document is named where it is issued (印发, 编印的2015年…)
    modifier = text[start:hs]
    if not specific_modifier(rules, modifier, minimum) or modifier.endswith(ATTRIBUTIVE):
        return None  # 工作机制, 所在支部的学习教育: not a name
    if kind == "named_document_head":
        start = _dated_start(context, start)
    named = (
        _proper(rules, context, start)
        or _counted(rules, modifier)
        or bool(ABBREVIATED.match(text, he))  # X工程（简称“长防”工程）
    )
    if kind == "named_document_head" and not (named or start in context.dates):
        return None  # 制定乡村绿化规划: a plan; 京津冀协同发展规划, 2015年…招生计划: a title
    if kind == "named_program_head" or m.group().endswith(rules.get("platform_head")):
        if not named:
            return None  # 协调机制: a description; 京津冀…会商机制, 七大行动: a name
    elif kind == "launched_program_head" and not (named or launched):
        return None  # 大型水利工程, 陂首枢纽工程: a work or a part, not a programme
    return Term(start, he, label, text[start:he])


def named_by_head(rules: TermRules, context: TermDoc) -> list[Term]:
    """Named programmes and documents found by head noun and token boundaries."""
    out = []
    for pattern, kind in (
        (rules.program_heads, "unquoted_program_head"),
        (rules.launched_heads, "launched_program_head"),
        (rules.named_heads, "named_program_head"),
        (rules.document_heads, "document_head"),
        (rules.named_document_heads, "named_document_head"),
    ):
        if pattern is None:
            continue
        listed = -1
        for m in pattern.finditer(context.text):
            term = _head_term(rules, context, m, kind, listed)
            listed = -1
            if term is not None:
                out.append(term)
                if context.text.startswith(LIST_MARK, term.end):
                    listed = term.end
    return out


# -- honours, known documents, repeats ---------------------------------------------------


def honour_end(heads: tuple[str, ...], segment: str) -> int:
    """End of the last head noun in ``segment``, or -1."""
    best = -1
    for head in heads:
        k = segment.find(head)
        if k >= 0:
            best = max(best, k + len(head))
    return best


def _honours_at(rules: TermRules, context: TermDoc, pos: int) -> list[Term]:
    """The honours listed right after an award verb ending at ``pos``."""
    text, out = context.text, []
    window = cut(text[pos : pos + HONOUR_WINDOW], ALL_PUNCT.replace("、", ""))
    shared_level = False  # 全国、全省先进基层党组织: one title at several levels
    for segment in LEVELS_SEPARATOR.split(window):
        best = honour_end(rules.get("honour_head"), segment)
        s, e = pos, pos + best
        if segment in rules.set("level_word"):
            shared_level = True
        elif shared_level:
            s += len(next((w for w in rules.get("level_word") if segment.startswith(w)), ""))
        if best >= 2 and e - s >= 2 and not overlaps(s, e, context.blocked):
            out.append(Term(s, e, "HONOR", text[s:e]))
        pos += len(segment) + 1
    return out


def honours_after_cues(rules: TermRules, context: TermDoc) -> list[Term]:
    """Unquoted honours after an award verb: 荣立集体三等功, 评选出先进个人."""
    if rules.honour_cues is None:
        return []
    out = []
    for m in rules.honour_cues.finditer(context.text):
        out += _honours_at(rules, context, m.end())
    return out


def honours_by_shape(rules: TermRules, context: TermDoc) -> list[Term]:
    """Unquoted honours named by a scope and an honour's head (国家卫生城市, 全国重点文物保护
    单位): a national or provincial title, with or without an award verb."""
    if rules.honour_heads is None:
        return []
    text, out = context.text, []
    for m in rules.honour_heads.finditer(text):
        hs, he = m.span()
        if he not in context.token_ends or overlaps(hs, he, context.blocked):
            continue
        window = text[max(0, hs - HONOUR_SCOPE_REACH) : hs]
        for k in range(len(window)):
            s = hs - len(window) + k
            rest = text[s:hs]
            if any(ch in ALL_PUNCT for ch in rest) or not text.startswith(
                rules.get("honour_scope"), s
            ):
                continue
            if text[s - 1 : s] == LIST_MARK:
                break  # 全国、全省先进…: one title at several levels (honours_after_cues)
            if s in context.token_at and context.doc[context.token_at[s]].idx == s:
                out.append(Term(s, he, "HONOR", text[s:he]))
                break
    return out


def known_documents(rules: TermRules, context: TermDoc) -> list[Term]:
    """Well-known documents named by a short word (党章), as whole tokens."""
    known = rules.known_documents
    return [
        Term(s, s + len(word), "DOCUMENT", known[word])
        for s, word in context.tokens.items()
        if word in known and not overlaps(s, s + len(word), context.blocked)
    ]


def repeats(context: TermDoc, terms: list[Term]) -> list[Term]:
    """Unquoted repeats of a quoted programme (“五型机关” … 五型机关建设), on token bounds."""
    text = context.text  # spaCy joins every token's text on each call: once only
    names: dict[str, Term] = {}
    for t in terms:
        name = text[t.start : t.end]
        if t.label == "PROGRAM" and len(name) >= 3 and name == strip_quotes(name):
            names.setdefault(name, t)
    if not names:
        return []
    pattern = re.compile(
        "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))[:500])
    )
    out = []
    for m in pattern.finditer(text):
        s, e = m.span()
        if s in context.tokens and e in context.token_ends and not overlaps(s, e, context.blocked):
            t = names[m.group()]
            out.append(Term(s, e, t.label, t.canonical, t.core))
    return out
