"""Terms before they become spans, and the text around them: clauses, quotes, overlaps."""

from __future__ import annotations

import re
from dataclasses import dataclass

HARD_PUNCT = "。；;！!？?\n"
CLAUSE_PUNCT = HARD_PUNCT + "，,：:"
ALL_PUNCT = CLAUSE_PUNCT + '、“”‘’"《》（）()【】[]…—·'
QUOTE_MARKS = "“”‘’\"'「」『』"
# “长防” right after X工程（简称: an abbreviation of the name before it
ABBREVIATION = re.compile(r"[（(](?:以下)?简称[“‘\"]?$")
ABBREVIATED = re.compile(r"[（(](?:以下)?简称")  # X工程（简称…: X is a name


@dataclass(frozen=True)
class Term:
    """A recognised programme, honour or document before it becomes a span."""

    start: int
    end: int
    label: str
    canonical: str
    core: bool = True


def strip_quotes(text: str) -> str:
    """The name without quotation marks, 《》 or spaces."""
    return "".join(
        ch for ch in text if ch not in QUOTE_MARKS and ch not in "《》" and not ch.isspace()
    )


def cut(text: str, marks: str) -> str:
    """``text`` up to the first of ``marks``."""
    for k, ch in enumerate(text):
        if ch in marks:
            return text[:k]
    return text


def clause_before(text: str, pos: int, width: int) -> str:
    """Up to ``width`` characters before ``pos``, within the clause."""
    window = text[max(0, pos - width) : pos]
    for k in range(len(window) - 1, -1, -1):
        if window[k] in HARD_PUNCT or window[k] in "，,":
            return window[k + 1 :]
    return window


def clause_after(text: str, pos: int, width: int) -> str:
    """Up to ``width`` characters after ``pos``, within the clause."""
    return cut(text[pos : pos + width], HARD_PUNCT)


def mask(length: int, ranges: list[tuple[int, int]]) -> bytearray:
    """One byte per character, 1 where a character lies in one of ``ranges``."""
    out = bytearray(length)
    for s, e in ranges:
        out[s:e] = b"\x01" * (e - s)
    return out


def overlaps(s: int, e: int, taken: bytearray) -> bool:
    """Whether ``[s, e)`` touches a character marked in ``taken``."""
    return 1 in taken[s:e]


def resolve(terms: list[Term]) -> list[Term]:
    """Drop overlapping terms, longest first, then by position; sorted by start."""
    kept: list[Term] = []
    taken = mask(max((t.end for t in terms), default=0), [])
    for t in sorted(set(terms), key=lambda t: (-(t.end - t.start), t.start, t.label, t.canonical)):
        if not overlaps(t.start, t.end, taken):
            kept.append(t)
            taken[t.start : t.end] = b"\x01" * (t.end - t.start)
    return sorted(kept, key=lambda t: (t.start, t.end))


def abbreviations(text: str, terms: list[Term]) -> list[Term]:
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
