"""Quoted terms (“…”, ‘…’, "…") and titles in 《》: which quotes name a term, and which kind.

A chain of adjacent quotes is classified by the words around it (award
verbs, programme verbs and head nouns, metaphor and speech cues) and by each
quote's own shape (a formula with digits or a leading numeral, a slogan with
commas, the doctrine, the metaphor stop list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.recognise.term_lexicon import TermRules
from kg.recognise.term_text import (
    ALL_PUNCT,
    CLAUSE_PUNCT,
    Term,
    clause_after,
    clause_before,
    cut,
    mask,
    overlaps,
    strip_quotes,
)

FORMULA = re.compile(r"[0-9０-９+＋A-Za-z]")
SENTENCE_END = "。！？!?；;…"  # a quote holding one is quoted speech, not a name
COMMAS = "，,"
ATTRIBUTIVE = "的"  # the particle of an attributive (…要求的“X”, “X”的魄力)
ETC = "等"  # “X”“Y”等活动: the head noun follows the list's closing particle
CLAUSE_REACH = 24  # how far back in its clause a launching verb may govern a quote
APPOSITION = "——：:"  # 中央财政项目——“…”: a quote in apposition to a head noun
Ranges = list[tuple[int, int]]


@dataclass(frozen=True)
class Around:
    """The words around one quote of a chain."""

    before: str  # the clause before the chain
    own_after: str  # what follows this quote (the chain's clause, for the last quote)
    chain_after: str  # the clause after the chain
    clause: str = ""  # the whole clause before the chain (a launching verb may open it)
    owned: bool = False  # printed right after an organisation's name (市委“六大战略”)


def titles(rules: TermRules, text: str, spans: Ranges) -> list[Term]:
    """Documents named in 《》 (``spans`` include the marks); not songs, plays or papers."""
    works = _performed_works(rules, text, spans)
    out = []
    for s, e in spans:
        name = strip_quotes(text[s + 1 : e - 1])
        if len(name) >= 2 and name not in works:
            out.append(Term(s + 1, e - 1, "DOCUMENT", name))
    return out


def _performed_works(rules: TermRules, text: str, spans: Ranges) -> set[str]:
    """Names of the titles that are performed works or periodicals, not documents.

    A title after a genre word (交响乐《…》, 独唱《…》), ending like a song or a
    paper (…歌, …曲, …日报), or listed right after such a title (…以及《…》); a
    name read so once is so wherever the page prints it.
    """
    works: set[str] = set()
    previous_end = -1
    for s, e in spans:
        name = strip_quotes(text[s + 1 : e - 1])
        before = clause_before(text, s, 8)
        listed = previous_end >= 0 and text[previous_end:s] in rules.tables.chain_joiners
        if (
            before.endswith(rules.get("work_before"))
            or name.endswith(rules.get("work_suffix"))
            or name.endswith(rules.get("media_suffix"))
            or listed
        ):
            works.add(name)
            previous_end = e
        else:
            previous_end = -1
    return works


def quotes(rules: TermRules, text: str, title_spans: Ranges) -> Ranges:
    """Quoted stretches ``[start, end)`` including the marks, outside 《》, sorted."""
    found: Ranges = []
    for pattern in rules.quote_patterns:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end()))
    found.sort()
    in_title = mask(len(text), title_spans)
    out: Ranges = []
    for s, e in found:
        if out and s < out[-1][1]:
            continue  # nested inside (or overlapping) a quote already kept
        if overlaps(s, e, in_title):
            continue
        out.append((s, e))
    return out


def _chains(rules: TermRules, text: str, spans: Ranges) -> list[Ranges]:
    """Quotes that follow each other with nothing or a joiner between: “四有”“八对标”."""
    chains: list[Ranges] = []
    for s, e in spans:
        if chains and text[chains[-1][-1][1] : s] in rules.tables.chain_joiners:
            chains[-1].append((s, e))
        else:
            chains.append([(s, e)])
    return chains


def _contrast_pairs(rules: TermRules, text: str, spans: Ranges, *, reach: int = 24) -> set[int]:
    """Starts of short “小X” … “大Y” quotes that answer each other: a figure of speech."""
    out: set[int] = set()
    for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
        a, b = text[s1 + 1 : e1 - 1], text[s2 + 1 : e2 - 1]
        if s2 - e1 > reach or not (2 <= len(a) <= 3 and 2 <= len(b) <= 3):
            continue
        if {a[0], b[0]} == set(rules.tables.contrast):
            out.update((s1, s2))
    return out


def _contrast_chains(rules: TermRules, text: str, chains: list[Ranges]) -> set[int]:
    """Starts of the quotes of two chains set against each other: 变“A”为“B”, 从“A”到“B”."""
    out: set[int] = set()
    for first, second in zip(chains, chains[1:], strict=False):
        gap = text[first[-1][1] : second[0][0]]
        opened = clause_before(text, first[0][0], 2).endswith(rules.get("contrast_open"))
        if opened and gap in rules.set("contrast_gap"):
            out.update(s for s, _ in first + second)
    return out


def quoted_terms(
    rules: TermRules, text: str, spans: Ranges, org_ends: frozenset[int] = frozenset()
) -> list[Term]:
    """The terms the quotes ``spans`` name, chain by chain (``org_ends``: where names of
    organisations end)."""
    chains = _chains(rules, text, spans)
    contrasted = _contrast_pairs(rules, text, spans) | _contrast_chains(rules, text, chains)
    out = []
    for chain in chains:
        before = clause_before(text, chain[0][0], 12)
        clause = clause_before(text, chain[0][0], CLAUSE_REACH)
        owned = chain[0][0] in org_ends
        after = clause_after(text, chain[-1][1], 14)
        merged = _honour_chain(rules, text, chain, before)
        if merged is not None:
            out.append(merged)
            continue
        for i, (s, e) in enumerate(chain):
            own_after = after if i == len(chain) - 1 else text[e : e + 1]
            term = classify_quote(
                rules, text, (s + 1, e - 1), Around(before, own_after, after, clause, owned)
            )
            if term is not None and not (term.label == "PROGRAM" and s in contrasted):
                out.append(term)
    return out


def _programme_end(rules: TermRules, text: str, spans: Ranges, i: int) -> int:
    """Index of the last quote that one programme named from quote ``i`` on takes in."""
    heads = rules.get("compound_program_head")
    j = i
    while j + 1 < len(spans):
        gap = text[spans[j][1] : spans[j + 1][0]]
        if (
            not 2 <= len(gap) <= rules.options.max_modifier_len
            or any(ch in ALL_PUNCT or ch in rules.tables.gap_break for ch in gap)
            or any(h in gap for h in heads)
        ):
            break
        j += 1
    return j


def compound_programmes(rules: TermRules, text: str, spans: Ranges) -> list[Term]:
    """One programme named by quotes and the words between them: “党建+”…“五个家”创建三年行动."""
    heads = rules.get("compound_program_head")
    out = []
    for i in range(len(spans) - 1):
        j = _programme_end(rules, text, spans, i)
        if j == i:
            continue
        tail = cut(text[spans[j][1] : spans[j][1] + 8], ALL_PUNCT)
        ends = [k + len(h) for h in heads for k in [tail.find(h)] if k >= 0]
        if ends:
            start, end = spans[i][0] + 1, spans[j][1] + min(ends)
            out.append(Term(start, end, "PROGRAM", strip_quotes(text[start:end])))
    return out


def quoted_documents(rules: TermRules, text: str, spans: Ranges) -> list[Term]:
    """A document named by a quote and the words up to a document head after it
    (“两学一做”学习教育实施方案)."""
    out = []
    for s, e in spans:
        if strip_quotes(text[s + 1 : e - 1]) in rules.set("period"):
            continue  # “十三五”规划: the period's plan, named by its title elsewhere
        tail = cut(text[e : e + rules.options.max_modifier_len], ALL_PUNCT + rules.tables.gap_break)
        ends = [k + len(h) for h in rules.get("document_head") for k in [tail.find(h)] if k >= 0]
        if ends:
            start, end = s + 1, e + min(ends)
            out.append(Term(start, end, "DOCUMENT", strip_quotes(text[start:end])))
    return out


def _honour_chain(rules: TermRules, text: str, chain: Ranges, before: str) -> Term | None:
    """One honour made of several quotes and a head: “无…”“无…”示范创建单位."""
    if not any(cue in before for cue in rules.get("honour_before")):
        return None
    tail = cut(text[chain[-1][1] : chain[-1][1] + rules.options.max_quote_len], CLAUSE_PUNCT)
    if not any(tail.endswith(head) for head in rules.get("honour_head")):
        return None
    start, end = chain[0][0] + 1, chain[-1][1] + len(tail)
    return Term(start, end, "HONOR", strip_quotes(text[start:end]))


# -- one quote ---------------------------------------------------------------------------


def _speech_or_figure(rules: TermRules, content: str, around: Around) -> bool:
    """Whether the quote is a metaphor, quoted speech, or names an organisation after it."""
    if content in rules.set("metaphor"):
        return True
    if any(ch in content for ch in SENTENCE_END) or rules.a_not_a.search(content):
        return True
    if around.before.endswith(rules.get("speech_before")) and not around.before.endswith("简称"):
        return True
    org_after = rules.get("org_after")
    return around.own_after.startswith(org_after) or around.chain_after.startswith(org_after)


def _document_or_honour(rules: TermRules, content: str, around: Around) -> str | None:
    """DOCUMENT for a document's name, HONOR after an award cue or in an honour's shape."""
    has_comma = any(ch in content for ch in COMMAS)
    if content.endswith(rules.get("document_suffix")) and not has_comma:
        return "DOCUMENT"
    honour_cue = any(cue in around.before for cue in rules.get("honour_before")) or (
        around.chain_after.removeprefix(ETC).startswith(rules.get("honour_after"))
    )
    honour_shape = (
        not has_comma
        and "、" not in content
        and (
            content.endswith(rules.get("honour_head"))
            or content.startswith(rules.get("honour_prefix"))
        )
    )
    return "HONOR" if honour_cue or honour_shape else None


def _not_a_term(rules: TermRules, content: str) -> bool:
    """Whether the quote is one of the words that name no term."""
    return (
        content in rules.set("nonterm")
        or content.endswith(rules.get("nonterm_suffix"))
        or content.startswith(rules.get("nonterm_prefix"))
    )


def _head_after(rules: TermRules, after_words: str) -> str:
    """The longest programme head noun ``after_words`` opens with, or ""."""
    return next((h for h in rules.heads_after if after_words.startswith(h)), "")


def _launched(rules: TermRules, clause: str) -> bool:
    """Whether a launching verb earlier in the clause governs the quote (开展…“回头看”).

    Not across an attributive 的: in 落实…要求的“第一方阵” the verb has another object.
    """
    at = max((clause.rfind(v) for v in rules.get("program_before")), default=-1)
    return at >= 0 and ATTRIBUTIVE not in clause[at:]


def _negative_frame(rules: TermRules, around: Around, head: str) -> bool:
    """Whether the words around the quote make it a problem or a description, not a name."""
    before, after = around.before, around.chain_after
    if before.endswith(rules.get("problem_before")) or after.startswith(rules.get("problem_after")):
        return True  # 防止“带病提拔”, “X”难题: a problem to be fought
    if after.startswith(rules.get("description_after")):
        return True  # 以“…”为主题, 享有“…”美誉
    return before.endswith(rules.get("description_before")) and not head


def _programme_ok(rules: TermRules, content: str, around: Around, formula: bool) -> bool:
    """Whether the quote names a programme: only on positive evidence, never in a figure."""
    before, chain_after = around.before, around.chain_after
    after_words = rules.count_prefix.sub("", chain_after.removeprefix(ETC)).removeprefix(
        ATTRIBUTIVE
    )
    head = _head_after(rules, after_words)
    if _negative_frame(rules, around, head):
        return False
    common = content in rules.tables.common_words
    program_before = before.endswith(rules.get("program_before"))
    launched = _launched(rules, around.clause)
    strong = (
        program_before
        or launched
        or around.owned
        or before.rstrip(APPOSITION).endswith(rules.get("program_head"))
        or (bool(head) and head not in rules.set("weak_cue"))
        or content.endswith(rules.get("program_head"))
    )
    if common:  # a word of the language (两会, 一把手) names a programme only before a head
        strong = bool(head) and head not in rules.set("weak_cue")
    cue = strong or (bool(head) and not common)  # “…”工作 names a coined term only
    metaphor_cue = before.endswith(rules.get("metaphor_before")) or chain_after.startswith(
        rules.get("metaphor_after")
    )
    listed = any(ch in content for ch in COMMAS) or "、" in content
    if len(content) > 20 and not program_before:
        return False
    if listed and after_words.startswith(rules.get("slogan_after")):
        return False  # “监测精密,预报精准,服务精细”要求: a requirement or goal, not a programme
    if listed or len(content) > 20 or len(content) == 2:
        return cue and not metaphor_cue
    described = chain_after.startswith(ATTRIBUTIVE) and not head  # 要有“…”的魄力
    return (formula and not common or cue and not described) and not metaphor_cue


def classify_quote(
    rules: TermRules, text: str, content_span: tuple[int, int], around: Around
) -> Term | None:
    """The term the quote content ``text[cs:ce]`` names, given its chain's context, or None."""
    cs, ce = content_span
    content = strip_quotes(text[cs:ce])
    if len(content) < 2 or content in rules.set("period"):
        return None
    if rules.is_doctrine(content):
        return Term(cs, ce, "PROGRAM", content, core=False)
    if _speech_or_figure(rules, content, around):
        return None
    label = _document_or_honour(rules, content, around)
    if label is not None:
        return Term(cs, ce, label, content)
    if _not_a_term(rules, content):
        return None
    formula = bool(FORMULA.search(content)) or content[0] in rules.tables.numerals
    if not _programme_ok(rules, content, around, formula):
        return None
    # 践行“三严三实”要求: a requirement set from above, not the actors' own programme
    imposed = around.chain_after.removeprefix(ETC).startswith(rules.get("requirement_after"))
    name = canonical(rules, content, around.own_after, formula)
    return Term(cs, ce, "PROGRAM", name, core=not imposed)


def canonical(rules: TermRules, content: str, after: str, formula: bool) -> str:
    """The name plus an attached head noun for short formulas (“133”工作思路)."""
    if not (formula or len(content) <= 4):
        return content
    heads = rules.get("attach_head")
    for pos in range(min(len(after), 10)):
        if after[pos] in ALL_PUNCT or after[pos] in rules.tables.head_stop:
            break
        if pos and after[pos] in rules.tables.numerals:
            break  # “红黑榜”两大管理制度: the head after a count is a set of its own
        if after.startswith(rules.get("boundary_stop"), pos):
            break
        for head in heads:
            if after.startswith(head, pos):
                return content + after[: pos + len(head)]
    return content
