"""Unquoted terms: programmes and documents by head noun, honours after award verbs.

A named programme (…工程, …专项行动, …平台) or document (…条例, …实施方案
after 印发) ends in a head noun on a token boundary; its left boundary is
found by walking left over the segmenter's tokens. Honours follow an award
verb (荣立集体三等功, 评选出先进个人). Well-known documents have a short
name (党章), and a quoted programme may recur without its quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.recognise.spans import spans_of
from kg.recognise.term_lexicon import TermRules
from kg.recognise.term_text import ALL_PUNCT, Term, clause_before, cut, overlaps, strip_quotes

HONOUR_WINDOW = 24  # how far after an award verb an honour may end
LEVELS_SEPARATOR = re.compile(r"[、]")  # 全国、全省先进基层党组织: one title at several levels


@dataclass(frozen=True)
class TermDoc:
    """What the unquoted rules read of one document."""

    doc: Doc
    text: str
    blocked: bytearray  # characters inside a title or a quote
    token_at: dict[int, int]  # the token covering each character
    token_ends: set[int]
    name_starts: set[int]  # starts of the places and organisations found before

    @classmethod
    def of(cls, doc: Doc, blocked: bytearray, spans_key: str) -> TermDoc:
        """The context of ``doc``, whose titles and quotes are marked in ``blocked``."""
        token_at = {}
        for t in doc:
            for k in range(t.idx, t.idx + len(t.text)):
                token_at[k] = t.i
        return cls(
            doc,
            doc.text,
            blocked,
            token_at,
            {t.idx + len(t.text) for t in doc},
            {s for s, _ in spans_of(doc, "PLACE", "ORG", key=spans_key)},
        )


# -- named by a head noun ----------------------------------------------------------------


def _stops_modifier(rules: TermRules, tok: Token, start: int, head_start: int) -> bool:
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
    return head_start - tok.idx > rules.options.max_modifier_len


def left_boundary(rules: TermRules, context: TermDoc, head_start: int) -> int:
    """Start of the name ending in the head at ``head_start``: walk left over tokens."""
    doc = context.doc
    i = context.token_at.get(head_start)
    if i is None:
        return head_start
    start = doc[i].idx if doc[i].idx < head_start else head_start
    j = i - 1
    while j >= 0 and not _stops_modifier(rules, doc[j], start, head_start):
        start = doc[j].idx
        j -= 1
    return start


def _proper(rules: TermRules, context: TermDoc, start: int) -> bool:
    """Whether a name starts with a place or body (云南…平台), not a description."""
    if start in context.name_starts or context.text.startswith(rules.get("proper_prefix"), start):
        return True
    at = context.token_at
    first = context.doc[at[start]].text if start in at else ""
    return len(first) >= 2 and first.endswith(rules.get("place_suffix"))


def specific_modifier(rules: TermRules, modifier: str, minimum: int) -> bool:
    """Whether a modifier makes the head a name (not 工作机制, 这一平台)."""
    if rules.count_prefix.fullmatch(modifier):
        return True
    rest = modifier
    for word in rules.get("generic_modifier"):
        rest = rest.replace(word, "")
    return len(modifier) >= minimum and len(rest) >= 2


def _head_term(rules: TermRules, context: TermDoc, m: re.Match[str], kind: str) -> Term | None:
    """The programme or document whose head noun ``m`` (of lexicon ``kind``) ends, or None."""
    text = context.text
    hs, he = m.span()
    label = "DOCUMENT" if kind == "document_head" else "PROGRAM"
    if he not in context.token_ends or overlaps(hs, he, context.blocked):
        return None
    if label == "PROGRAM" and text.startswith(rules.get("document_suffix"), he):
        return None  # …三年行动方案 is a document, not the programme
    start = left_boundary(rules, context, hs)
    if label == "DOCUMENT" and not clause_before(text, start, 6).endswith(
        rules.get("document_before")
    ):
        return None
    if not specific_modifier(rules, text[start:hs], rules.lex.head_min.get((kind, m.group()), 4)):
        return None
    if m.group().endswith(rules.get("platform_head")) and not _proper(rules, context, start):
        return None
    return Term(start, he, label, text[start:he])


def named_by_head(rules: TermRules, context: TermDoc) -> list[Term]:
    """Named programmes and documents found by head noun and token boundaries."""
    out = []
    for pattern, kind in (
        (rules.program_heads, "unquoted_program_head"),
        (rules.document_heads, "document_head"),
    ):
        if pattern is None:
            continue
        for m in pattern.finditer(context.text):
            term = _head_term(rules, context, m, kind)
            if term is not None:
                out.append(term)
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


def known_documents(rules: TermRules, context: TermDoc) -> list[Term]:
    """Well-known documents named by a short word (党章), as whole tokens."""
    known = rules.known_documents
    return [
        Term(t.idx, t.idx + len(t.text), "DOCUMENT", known[t.text])
        for t in context.doc
        if t.text in known and not overlaps(t.idx, t.idx + len(t.text), context.blocked)
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
    starts = {t.idx for t in context.doc}
    out = []
    for m in pattern.finditer(text):
        s, e = m.span()
        if s in starts and e in context.token_ends and not overlaps(s, e, context.blocked):
            t = names[m.group()]
            out.append(Term(s, e, t.label, t.canonical, t.core))
    return out
