"""Recognise programmes, honours and documents (PROGRAM, HONOR, DOCUMENT).

Three sources of mentions, all driven by the word lists in
``kg/data/programmes/terms.csv``:

* quoted terms (“…”, ‘…’, "…"): a chain of adjacent quotes is classified by
  the words around it (award verbs, programme verbs and head nouns, metaphor
  and speech cues) and by each quote's own shape (formula with digits or a
  leading numeral, slogan with commas, doctrine, metaphor stop list);
* titles in 《》 and unquoted named documents (…条例, …实施方案 after 印发 …);
* unquoted named programmes (…工程, …专项行动, …平台 …) whose left boundary is
  found on the segmenter's tokens, and honours after award verbs.

Every span is an exact character span of the doc (tokens are split where a
mention boundary falls inside one). ``span._.canonical`` holds the name
without quotes or 《》, with a head noun that belongs to it (“133”工作思路 →
``133工作思路``); ``span._.core`` is False for doctrine and national slogans.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lexicon import tables

logger = logging.getLogger(__name__)

SPANS_KEY = "kg"
LEXICON_FILE = "programmes/terms.csv"

if not Span.has_extension("canonical"):
    Span.set_extension("canonical", default=None)
if not Span.has_extension("core"):
    Span.set_extension("core", default=True)

NUMERALS = tables.chars("numeral")
HARD_PUNCT = "。；;！!？?\n"
CLAUSE_PUNCT = HARD_PUNCT + "，,：:"
ALL_PUNCT = CLAUSE_PUNCT + '、“”‘’"《》（）()【】[]…—·'
QUOTE_MARKS = "“”‘’\"'「」『』"
CHAIN_JOINERS = ("", "、", *tables.words("text/words.csv", "joins_quotes"))
FORMULA = re.compile(r"[0-9０-９+＋A-Za-z]")
REDUPLICATED_QUESTION = re.compile(tables.pattern("a_not_a"))
NUMBER_CLASSIFIER_PREFIX = re.compile(tables.pattern("count_prefix"))
GAP_BREAK = tables.chars("gap_break")  # between two quotes: they stay two names
HEAD_STOP = tables.chars("head_stop")  # no head noun is attached after these
CONTRAST = tables.words("text/words.csv", "contrast")  # “小切口”…“大变化”: a figure of speech
LABELS = ("PROGRAM", "HONOR", "DOCUMENT")


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``programmes/terms.csv``, by kind, longest first."""

    words: dict[str, tuple[str, ...]]
    head_min: dict[tuple[str, str], int]

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        """Read a lexicon table (``kind,term,min,uses,source``; kg's own by default).

        Rows whose ``uses`` do not list ``recognise`` are for other stages; a
        table without a ``uses`` column is read whole.

        Raises:
            ModelError: the file is missing or a row is malformed (file and line named).
        """
        table = tables.read_table(str(path), path=path) if path else tables.load_table(LEXICON_FILE)
        kind_at, term_at = table.index("kind"), table.index("term")
        min_at = table.index("min") if "min" in table.columns else None
        uses_at = table.index("uses") if "uses" in table.columns else None
        words: dict[str, list[str]] = defaultdict(list)
        head_min: dict[tuple[str, str], int] = {}
        for i, row in enumerate(table.rows):
            if uses_at is not None and "recognise" not in row[uses_at].split("|"):
                continue
            kind, term = row[kind_at], row[term_at]
            if not kind or not term:
                raise table.error(i, "the row lacks a kind or a term")
            words[kind].append(term)
            if min_at is not None and row[min_at]:
                if not row[min_at].isdigit():
                    raise table.error(i, f"min {row[min_at]!r} of {term!r} is not a whole number")
                head_min[(kind, term)] = int(row[min_at])
        return cls(
            words={k: tuple(sorted(set(v), key=lambda w: (-len(w), w))) for k, v in words.items()},
            head_min=head_min,
        )

    def get(self, kind: str) -> tuple[str, ...]:
        """The terms of one kind, longest first (empty when the kind is absent)."""
        return self.words.get(kind, ())


@dataclass(frozen=True)
class Term:
    """A recognised programme, honour or document before it becomes a span."""

    start: int
    end: int
    label: str
    canonical: str
    core: bool = True


def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled regex matching any of ``words`` (longest first)."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words))


def strip_quotes(text: str) -> str:
    """The name without quotation marks, 《》 or spaces."""
    return "".join(
        ch for ch in text if ch not in QUOTE_MARKS and ch not in "《》" and not ch.isspace()
    )


class TermRecognizer:
    """Adds PROGRAM, HONOR and DOCUMENT spans to ``doc.spans[spans_key]``."""

    def __init__(
        self,
        *,
        lexicon: Lexicon,
        spans_key: str = SPANS_KEY,
        max_quote_len: int = 60,
        max_title_len: int = 100,
        max_modifier_len: int = 24,
    ) -> None:
        self.lex = lexicon
        self.spans_key = spans_key
        self.max_quote_len = max_quote_len
        self.max_modifier_len = max_modifier_len
        n = max_quote_len
        self.quote_patterns = (
            re.compile(rf"“([^“”\n]{{1,{n}}})”"),
            re.compile(rf"‘([^‘’“”\n]{{1,{n}}})’"),
            re.compile(rf'"([^"“”\n]{{1,{n}}})"'),
        )
        self.title_pattern = re.compile(rf"《([^《》\n]{{1,{max_title_len}}})》")
        self.program_heads = _alternation(lexicon.get("unquoted_program_head"))
        self.document_heads = _alternation(lexicon.get("document_head"))
        self.honour_cues = _alternation(lexicon.get("honour_before"))
        self.doctrine_patterns = tuple(re.compile(p) for p in lexicon.get("doctrine_pattern"))
        self.sets = {k: frozenset(v) for k, v in lexicon.words.items()}
        self.known_documents = dict(
            sorted(w.split("=", 1) for w in lexicon.get("known_document") if "=" in w)
        )

    # -- spaCy -----------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        terms = self.find(doc)
        _add_spans(doc, terms, self.spans_key)
        return doc

    # -- recognition -------------------------------------------------------------

    def find(self, doc: Doc) -> list[Term]:
        """Every programme, honour and document of ``doc``, without overlaps."""
        text = doc.text
        titles = [(m.start(), m.end()) for m in self.title_pattern.finditer(text)]
        candidates = self._titles(text, titles)
        quotes = self._quotes(text, titles)
        candidates += self._quoted_terms(text, quotes)
        candidates += self._compound_programmes(text, quotes)
        blocked = _mask(len(text), titles + quotes)
        candidates += self._unquoted(doc, blocked)
        candidates += self._honours_after_cues(text, blocked)
        candidates += self._known_documents(doc, blocked)
        terms = _resolve(candidates)
        terms = _resolve(terms + self._repeats(doc, terms, blocked))
        return _abbreviations(text, terms)

    def _repeats(self, doc: Doc, terms: list[Term], blocked: bytearray) -> list[Term]:
        """Unquoted repeats of a quoted programme (“五型机关” … 五型机关建设), on token bounds."""
        text = doc.text  # spaCy joins every token's text on each call: once only
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
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t.text) for t in doc}
        out = []
        for m in pattern.finditer(text):
            s, e = m.span()
            if s in starts and e in ends and not _overlaps(s, e, blocked):
                t = names[m.group()]
                out.append(Term(s, e, t.label, t.canonical, t.core))
        return out

    def _known_documents(self, doc: Doc, blocked: bytearray) -> list[Term]:
        """Well-known documents named by a short word (党章), as whole tokens."""
        known = self.known_documents
        return [
            Term(t.idx, t.idx + len(t.text), "DOCUMENT", known[t.text])
            for t in doc
            if t.text in known and not _overlaps(t.idx, t.idx + len(t.text), blocked)
        ]

    def _titles(self, text: str, titles: list[tuple[int, int]]) -> list[Term]:
        out = []
        for s, e in titles:
            name = text[s + 1 : e - 1]
            if len(strip_quotes(name)) >= 2:
                out.append(Term(s + 1, e - 1, "DOCUMENT", strip_quotes(name)))
        return out

    def _quotes(self, text: str, titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Quoted stretches ``[start, end)`` including the marks, outside 《》, sorted."""
        found: list[tuple[int, int]] = []
        for pattern in self.quote_patterns:
            for m in pattern.finditer(text):
                found.append((m.start(), m.end()))
        found.sort()
        in_title = _mask(len(text), titles)
        out: list[tuple[int, int]] = []
        for s, e in found:
            if out and s < out[-1][1]:
                continue  # nested inside (or overlapping) a quote already kept
            if _overlaps(s, e, in_title):
                continue
            out.append((s, e))
        return out

    def _chains(self, text: str, quotes: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
        chains: list[list[tuple[int, int]]] = []
        for s, e in quotes:
            if chains and text[chains[-1][-1][1] : s] in CHAIN_JOINERS:
                chains[-1].append((s, e))
            else:
                chains.append([(s, e)])
        return chains

    def _quoted_terms(self, text: str, quotes: list[tuple[int, int]]) -> list[Term]:
        contrasted = _contrast_pairs(text, quotes)
        out = []
        for chain in self._chains(text, quotes):
            before = _clause_before(text, chain[0][0], 12)
            after = _clause_after(text, chain[-1][1], 14)
            merged = self._honour_chain(text, chain, before)
            if merged is not None:
                out.append(merged)
                continue
            for i, (s, e) in enumerate(chain):
                last = i == len(chain) - 1
                term = self._classify_quote(
                    text, s + 1, e - 1, before, after if last else text[e : e + 1], after
                )
                if term is not None and not (term.label == "PROGRAM" and s in contrasted):
                    out.append(term)
        return out

    def _compound_programmes(self, text: str, quotes: list[tuple[int, int]]) -> list[Term]:
        """One programme named by quotes and the words between them: “党建+”…“五个家”创建三年行动."""
        heads = self.lex.get("compound_program_head")
        out = []
        for i in range(len(quotes) - 1):
            j = i
            while j + 1 < len(quotes):
                gap = text[quotes[j][1] : quotes[j + 1][0]]
                if (
                    not 2 <= len(gap) <= self.max_modifier_len
                    or any(ch in ALL_PUNCT or ch in GAP_BREAK for ch in gap)
                    or any(h in gap for h in heads)
                ):
                    break
                j += 1
            if j == i:
                continue
            tail = _cut(text[quotes[j][1] : quotes[j][1] + 8], ALL_PUNCT)
            ends = [k + len(h) for h in heads for k in [tail.find(h)] if k >= 0]
            if ends:
                start, end = quotes[i][0] + 1, quotes[j][1] + min(ends)
                out.append(Term(start, end, "PROGRAM", strip_quotes(text[start:end])))
        return out

    def _honour_chain(self, text: str, chain: list[tuple[int, int]], before: str) -> Term | None:
        """One honour made of several quotes and a head: “无…”“无…”示范创建单位."""
        if not any(cue in before for cue in self.lex.get("honour_before")):
            return None
        tail = _cut(text[chain[-1][1] : chain[-1][1] + self.max_quote_len], CLAUSE_PUNCT)
        best = -1
        for head in self.lex.get("honour_head"):
            if tail.endswith(head):
                best = len(tail)
                break
        if best < 0:
            return None
        start, end = chain[0][0] + 1, chain[-1][1] + best
        name = text[start:end]
        return Term(start, end, "HONOR", strip_quotes(name))

    def _classify_quote(
        self, text: str, cs: int, ce: int, before: str, own_after: str, chain_after: str
    ) -> Term | None:
        """Classify the quote content ``text[cs:ce]`` given its chain's context."""
        lex = self.sets
        content = strip_quotes(text[cs:ce])
        if len(content) < 2 or content in lex.get("period", ()):
            return None
        if self._is_doctrine(content):
            return Term(cs, ce, "PROGRAM", content, core=False)
        if content in lex.get("metaphor", ()):
            return None
        if any(ch in content for ch in "。！？!?；;…") or REDUPLICATED_QUESTION.search(content):
            return None
        if before.endswith(self.lex.get("speech_before")) and not before.endswith("简称"):
            return None
        if own_after.startswith(self.lex.get("org_after")) or chain_after.startswith(
            self.lex.get("org_after")
        ):
            return None
        has_comma = any(ch in content for ch in "，,")
        if content.endswith(self.lex.get("document_suffix")) and not has_comma:
            return Term(cs, ce, "DOCUMENT", content)
        honour_cue = any(cue in before for cue in self.lex.get("honour_before")) or (
            chain_after.startswith(self.lex.get("honour_after"))
        )
        honour_shape = (
            not has_comma
            and "、" not in content
            and (
                content.endswith(self.lex.get("honour_head"))
                or content.startswith(self.lex.get("honour_prefix"))
            )
        )
        if honour_cue or honour_shape:
            return Term(cs, ce, "HONOR", content)
        if (
            content in lex.get("nonterm", ())
            or content.endswith(self.lex.get("nonterm_suffix"))
            or content.startswith(self.lex.get("nonterm_prefix"))
        ):
            return None
        formula = bool(FORMULA.search(content)) or content[0] in NUMERALS
        after_words = NUMBER_CLASSIFIER_PREFIX.sub("", chain_after).removeprefix("的")
        program_cue = before.endswith(self.lex.get("program_before")) or after_words.startswith(
            self.lex.get("program_after")
        )
        metaphor_cue = before.endswith(self.lex.get("metaphor_before")) or chain_after.startswith(
            self.lex.get("metaphor_after")
        )
        # “X”的… and …的“X”。 read as description or emphasis unless a cue names a programme
        attributive = (
            (before.endswith("的") and (not own_after or own_after[0] in ALL_PUNCT))
            or (own_after.startswith("的"))
            or "的" in content
        )
        if len(content) > 20 and not before.endswith(self.lex.get("program_before")):
            return None
        if (has_comma or "、" in content) and after_words.startswith(self.lex.get("slogan_after")):
            return None  # “监测精密,预报精准,服务精细”要求: a requirement or goal, not a programme
        if has_comma or "、" in content or len(content) > 20 or len(content) == 2:
            ok = program_cue and not metaphor_cue
        else:
            ok = formula or (not metaphor_cue and (program_cue or not attributive))
        if not ok:
            return None
        return Term(cs, ce, "PROGRAM", self._canonical(content, own_after, formula))

    def _is_doctrine(self, content: str) -> bool:
        if content in self.sets.get("doctrine", ()):
            return True
        return any(p.search(content) for p in self.doctrine_patterns)

    def _canonical(self, content: str, after: str, formula: bool) -> str:
        """The name plus an attached head noun for short formulas (“133”工作思路)."""
        if not (formula or len(content) <= 4):
            return content
        heads = self.lex.get("attach_head")
        for pos in range(min(len(after), 10)):
            if after[pos] in ALL_PUNCT or after[pos] in HEAD_STOP:
                break
            if after.startswith(self.lex.get("boundary_stop"), pos):
                break
            for head in heads:
                if after.startswith(head, pos):
                    return content + after[: pos + len(head)]
        return content

    def _unquoted(self, doc: Doc, blocked: bytearray) -> list[Term]:
        """Named programmes and documents found by head noun and token boundaries."""
        text = doc.text
        token_ends = {t.idx + len(t.text) for t in doc}
        token_at = {}
        for t in doc:
            for k in range(t.idx, t.idx + len(t.text)):
                token_at[k] = t.i
        name_starts = {
            s.start_char for s in doc.spans.get(self.spans_key, []) if s.label_ in ("PLACE", "ORG")
        }
        out = []
        for label, pattern, kind in (
            ("PROGRAM", self.program_heads, "unquoted_program_head"),
            ("DOCUMENT", self.document_heads, "document_head"),
        ):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                hs, he = m.span()
                if he not in token_ends or _overlaps(hs, he, blocked):
                    continue
                if label == "PROGRAM" and text.startswith(self.lex.get("document_suffix"), he):
                    continue  # …三年行动方案 is a document, not the programme
                start = self._left_boundary(doc, token_at, hs)
                modifier = text[start:hs]
                if label == "DOCUMENT" and not _clause_before(text, start, 6).endswith(
                    self.lex.get("document_before")
                ):
                    continue
                if not self._specific(modifier, self.lex.head_min.get((kind, m.group()), 4)):
                    continue
                if m.group().endswith(self.lex.get("platform_head")) and not self._proper(
                    doc, text, token_at, start, name_starts
                ):
                    continue
                out.append(Term(start, he, label, text[start:he]))
        return out

    def _left_boundary(self, doc: Doc, token_at: dict[int, int], head_start: int) -> int:
        """Start of the name ending in the head at ``head_start``: walk left over tokens."""
        stops = self.sets.get("boundary_stop", frozenset())
        i = token_at.get(head_start)
        if i is None:
            return head_start
        start = doc[i].idx if doc[i].idx < head_start else head_start
        j = i - 1 if doc[i].idx < head_start else i - 1
        while j >= 0:
            tok = doc[j]
            word = tok.text
            if not word.strip() or word in stops or any(ch in ALL_PUNCT for ch in word):
                break
            if any(ch.isdigit() for ch in word):  # 500万元…工程: amounts are not names
                break
            if tok.whitespace_ and tok.idx + len(word) < start:
                break
            if head_start - tok.idx > self.max_modifier_len:
                break
            start = tok.idx
            j -= 1
        return start

    def _proper(
        self, doc: Doc, text: str, token_at: dict[int, int], start: int, name_starts: set[int]
    ) -> bool:
        """Whether a name starts with a place or body (云南…平台), not a description."""
        if start in name_starts or text.startswith(self.lex.get("proper_prefix"), start):
            return True
        first = doc[token_at[start]].text if start in token_at else ""
        return len(first) >= 2 and first.endswith(self.lex.get("place_suffix"))

    def _specific(self, modifier: str, minimum: int) -> bool:
        """Whether a modifier makes the head a name (not 工作机制, 这一平台)."""
        if NUMBER_CLASSIFIER_PREFIX.fullmatch(modifier):
            return True
        rest = modifier
        for word in self.lex.get("generic_modifier"):
            rest = rest.replace(word, "")
        return len(modifier) >= minimum and len(rest) >= 2

    def _honours_after_cues(self, text: str, blocked: bytearray) -> list[Term]:
        """Unquoted honours after an award verb: 荣立集体三等功, 评选出先进个人."""
        if self.honour_cues is None:
            return []
        heads = self.lex.get("honour_head")
        levels = self.sets.get("level_word", frozenset())
        out = []
        for m in self.honour_cues.finditer(text):
            pos = m.end()
            window = text[pos : pos + 24]
            shared_level = False  # 全国、全省先进基层党组织: one title at several levels
            for segment in re.split(r"[、]", _cut(window, ALL_PUNCT.replace("、", ""))):
                best = -1
                for head in heads:
                    k = segment.find(head)
                    if k >= 0:
                        best = max(best, k + len(head))
                s, e = pos, pos + best
                if segment in levels:
                    shared_level = True
                elif shared_level:
                    level = next(
                        (w for w in self.lex.get("level_word") if segment.startswith(w)), ""
                    )
                    s += len(level)
                if best >= 2 and e - s >= 2 and not _overlaps(s, e, blocked):
                    out.append(Term(s, e, "HONOR", text[s:e]))
                pos += len(segment) + 1
        return out


def _contrast_pairs(text: str, quotes: list[tuple[int, int]], *, reach: int = 24) -> set[int]:
    """Starts of short “小X” … “大Y” quotes that answer each other: a figure of speech."""
    out: set[int] = set()
    for (s1, e1), (s2, e2) in zip(quotes, quotes[1:], strict=False):
        a, b = text[s1 + 1 : e1 - 1], text[s2 + 1 : e2 - 1]
        if s2 - e1 > reach or not (2 <= len(a) <= 3 and 2 <= len(b) <= 3):
            continue
        if {a[0], b[0]} == set(CONTRAST):
            out.update((s1, s2))
    return out


def _cut(text: str, marks: str) -> str:
    """``text`` up to the first of ``marks``."""
    for k, ch in enumerate(text):
        if ch in marks:
            return text[:k]
    return text


def _clause_before(text: str, pos: int, width: int) -> str:
    """Up to ``width`` characters before ``pos``, within the clause."""
    window = text[max(0, pos - width) : pos]
    for k in range(len(window) - 1, -1, -1):
        if window[k] in HARD_PUNCT or window[k] in "，,":
            return window[k + 1 :]
    return window


def _clause_after(text: str, pos: int, width: int) -> str:
    """Up to ``width`` characters after ``pos``, within the clause."""
    return _cut(text[pos : pos + width], HARD_PUNCT)


def _mask(length: int, ranges: list[tuple[int, int]]) -> bytearray:
    """One byte per character, 1 where a character lies in one of ``ranges``."""
    mask = bytearray(length)
    for s, e in ranges:
        mask[s:e] = b"\x01" * (e - s)
    return mask


def _overlaps(s: int, e: int, mask: bytearray) -> bool:
    return 1 in mask[s:e]


def _resolve(terms: list[Term]) -> list[Term]:
    """Drop overlapping terms, longest first, then by position; sorted by start."""
    kept: list[Term] = []
    taken = _mask(max((t.end for t in terms), default=0), [])
    for t in sorted(set(terms), key=lambda t: (-(t.end - t.start), t.start, t.label, t.canonical)):
        if not _overlaps(t.start, t.end, taken):
            kept.append(t)
            taken[t.start : t.end] = b"\x01" * (t.end - t.start)
    return sorted(kept, key=lambda t: (t.start, t.end))


ABBREVIATION = re.compile(r"[（(](?:以下)?简称[“‘\"]?$")


def _abbreviations(text: str, terms: list[Term]) -> list[Term]:
    """Give “长防” in X工程（简称“长防”工程） the canonical name of X工程."""
    by_end = {t.end: t for t in terms}
    out = []
    for t in terms:
        m = ABBREVIATION.search(text, max(0, t.start - 8), t.start)
        full = by_end.get(m.start()) if m else None
        if full is not None and full.label == t.label:
            t = Term(t.start, t.end, t.label, full.canonical, full.core)
        out.append(t)
    return out


def _add_spans(doc: Doc, terms: list[Term], key: str) -> None:
    """Append ``terms`` as exact spans to ``doc.spans[key]``, splitting tokens if needed."""
    bounds = {t.idx for t in doc} | {t.idx + len(t.text) for t in doc}
    cuts = sorted({p for t in terms for p in (t.start, t.end)} - bounds)
    if cuts:
        _split_tokens(doc, cuts)
    group = list(doc.spans[key]) if key in doc.spans else []
    for t in terms:
        span = doc.char_span(t.start, t.end, label=t.label, alignment_mode="strict")
        if span is None:  # a boundary inside white space; keep going without it
            logger.warning("term %r at %d-%d has no token boundary", t.canonical, t.start, t.end)
            continue
        span._.canonical = t.canonical
        span._.core = t.core
        group.append(span)
    doc.spans[key] = group


def _split_tokens(doc: Doc, cuts: list[int]) -> None:
    """Split tokens at character offsets ``cuts``, keeping every span group's spans."""
    saved = {
        k: [(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_) for s in g]
        for k, g in doc.spans.items()
    }
    attrs = {k: dict(g.attrs) for k, g in doc.spans.items()}
    by_token: dict[int, list[int]] = defaultdict(list)
    for c in cuts:
        span = doc.char_span(c, c + 1, alignment_mode="expand")
        if span is None or not len(span):
            continue
        tok = span[0]
        if tok.idx < c < tok.idx + len(tok.text):
            by_token[tok.i].append(c - tok.idx)
    with doc.retokenize() as retokenizer:
        for i in sorted(by_token):
            tok = doc[i]
            offsets = [0, *sorted(set(by_token[i])), len(tok.text)]
            orths = [tok.text[a:b] for a, b in zip(offsets, offsets[1:], strict=False)]
            retokenizer.split(tok, orths, heads=[(tok, 0)] * len(orths))
    for k, spans in saved.items():
        rebuilt = []
        for s, e, label, kb_id, span_id in spans:
            span = doc.char_span(s, e, label=label, kb_id=kb_id, span_id=span_id)
            if span is not None:
                rebuilt.append(span)
        doc.spans[k] = rebuilt
        doc.spans[k].attrs.update(attrs[k])


@Language.factory(
    "kg_terms",
    assigns=["doc.spans"],
    default_config={
        "spans_key": SPANS_KEY,
        "lexicon_path": None,
        "max_quote_len": 60,
        "max_modifier_len": 24,
    },
)
def make_term_recognizer(
    nlp: Language,
    name: str,
    spans_key: str,
    lexicon_path: str | None,
    max_quote_len: int,
    max_modifier_len: int,
) -> TermRecognizer:
    """Build the term recogniser from its config (the lexicon shipped with kg by default)."""
    return TermRecognizer(
        lexicon=Lexicon.load(Path(lexicon_path) if lexicon_path else None),
        spans_key=spans_key,
        max_quote_len=max_quote_len,
        max_modifier_len=max_modifier_len,
    )
