"""Normalise the characters of a page: one form for text that prints the same.

Pages reach kg through PDF extraction, web pages and pasted text, which hand
the same name over in forms that look alike and compare unequal: a zero-width
joiner inside an agency name, full-width digits in ``１+１+N``, a name set in
traditional characters. Each would make an entity of its own, and an invisible
bidi control would end up inside an IRI, which RFC 3987 forbids.
:func:`normalise_characters` is the first cleaning step; it makes one form:

- invisible characters go: the format characters (Unicode category Cf: zero
  width joiner and non-joiner, word joiner, soft hyphen, byte-order mark, the
  bidi controls LRE … PDI, LRM, RLM, ALM) and the other default-ignorable code
  points (variation selectors, the combining grapheme joiner, Mongolian free
  variation selectors, Hangul fillers);
- compatibility forms fold (NFKC) where that is safe for Chinese: full-width
  ASCII (``１`` → ``1``, ``Ａ`` → ``A``, ``＋`` → ``+``), half-width CJK
  punctuation, vertical and small forms, Kangxi radicals and CJK
  compatibility ideographs. The full-width forms that are Chinese punctuation
  (``chinese_fullwidth`` of ``text/characters.csv``: ``，：；！？（）``…) stay,
  and a form that folds to one of them becomes it (``︵`` → ``（``). NFKC's
  other folds (``①`` → ``1``, ``㎡`` → ``m2``, ``…`` → ``...``) would change
  what the text says, and are not made;
- combining marks compose (NFC: ``e`` + U+0301 → ``é``); a mark left on a Han
  character or CJK punctuation goes, since Chinese puts none on them;
- traditional characters become simplified, one for one
  (``text/traditional.csv``, from jionlp), except those that are standard
  simplified characters too (``simplified_too``: 著, 覆, 乾…), so the
  recognisers and the linker read one form.

Deletions and one-for-one replacements keep the offset map (a composed
character maps to its base), so every clean character still points at the
raw character it was read from: :func:`original_text` gives back what the page
printed, for evidence that quotes the page itself.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cache

from kg.lexicon import tables
from kg.model import CleanPage
from kg.text.chars import is_cjk, is_cjk_punct
from kg.text.tables import traditional_forms
from kg.text.traced import Traced, delete_spans, map_chars, replace_spans

# Default-ignorable code points outside category Cf (Unicode's DerivedCoreProperties.txt):
# combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian free
# variation selectors, variation selectors and their supplement.
IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)
# Blocks whose compatibility forms fold: CJK radicals supplement, Kangxi radicals,
# CJK compatibility ideographs (and their supplement), vertical forms, CJK
# compatibility and small forms, half-width and full-width forms.
FOLDED = (
    (0x2E80, 0x2EFF),
    (0x2F00, 0x2FDF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE6F),
    (0xFF01, 0xFFEF),
    (0x2F800, 0x2FA1F),
)
# The planes that hold format characters and combining marks: BMP, SMP and SSP.
_SCANNED = (range(0x20000), range(0xE0000, 0xE1000))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_FULLWIDTH_SHIFT = 0xFEE0  # ``！`` (U+FF01) is ``!`` (U+0021) shifted by this


def normalise_characters(doc: Traced, *, simplify: bool = True) -> Traced:
    """Delete invisible characters, fold compatibility forms, compose marks, simplify.

    Args:
        doc: the traced text.
        simplify: map traditional characters to simplified ones.

    Returns:
        The text in one form; each character keeps the raw index of the one it came from.
    """
    doc = delete_spans(doc, (m.span() for m in _invisible().finditer(doc.text)))
    if _replaced(simplify).search(doc.text):  # most pages have nothing to replace
        doc = map_chars(doc, character_table(simplify=simplify))
    return replace_spans(doc, _composed(doc.text))


def original_text(page: CleanPage, start: int, end: int) -> str:
    """The raw characters behind ``page.text[start:end]``: what the page printed there.

    Each clean character gives back the raw character it was read from (the
    traditional or full-width one where normalisation changed it) with the
    combining marks that followed it (which NFC may have composed into it);
    what cleaning deleted between characters (invisible characters, joined
    line breaks, layout spaces) stays out.
    """
    raw, offsets = page.raw, page.offsets
    start, end = max(start, 0), min(end, len(offsets))
    parts = []
    k = start
    while k < end:
        # clean characters read from consecutive raw ones (most sentences are one such
        # run, a line joined in the middle two): their raw characters, sliced at C speed
        j = _run_end(offsets, k, end)
        stop = offsets[j] if j < len(offsets) else len(raw)
        parts.append(raw[offsets[k] : _marks_end(raw, offsets[j - 1], stop)])
        k = j
    return "".join(parts)


def _run_end(offsets: list[int], k: int, end: int) -> int:
    """The end (before ``end``) of the run of clean characters from ``k`` whose raw ones follow each other.

    Offsets rise strictly, so ``offsets[m] - offsets[k] - (m - k)`` (the raw
    characters dropped between ``k`` and ``m``) never falls: bisection finds
    the first ``m`` where it is not 0.
    """
    first = offsets[k]
    if offsets[end - 1] - first == end - 1 - k:
        return end
    return k + bisect_right(range(k, end), 0, key=lambda m: offsets[m] - first - (m - k))


def _marks_end(raw: str, o: int, stop: int) -> int:
    """The end of ``raw[o]`` and the combining marks after it, before ``stop``."""
    j = o + 1
    while j < stop and unicodedata.combining(raw[j]):
        j += 1
    return j


@cache
def character_table(*, simplify: bool = True) -> dict[int, str]:
    """The one-for-one replacements of :func:`normalise_characters`, for ``str.translate``."""
    keep = set(tables.chars("chinese_fullwidth"))
    table: dict[int, str] = {}
    for lo, hi in FOLDED:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            folded = unicodedata.normalize("NFKC", ch)
            if ch in keep or len(folded) != 1 or folded == ch or _is_ignorable(cp):
                continue
            wide = chr(ord(folded) + _FULLWIDTH_SHIFT) if "!" <= folded <= "~" else ""
            table[cp] = wide if wide in keep else folded
    if simplify:
        simple = traditional_forms()
        table = {cp: simple.get(ch, ch) for cp, ch in table.items()}
        table.update((ord(t), s) for t, s in simple.items())
    return _settled(table)


def _settled(table: dict[int, str]) -> dict[int, str]:
    """``table`` with every value replaced by its final form, so that it applies once.

    A value that leads back to itself (a cycle) leaves its key out.
    """
    out = {}
    for cp, ch in table.items():
        seen = {cp}
        while ord(ch) in table and ord(ch) not in seen:
            seen.add(ord(ch))
            ch = table[ord(ch)]
        if ord(ch) not in table and ch != chr(cp):
            out[cp] = ch
    return out


def _is_ignorable(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in IGNORABLE)


def _composed(text: str) -> Iterator[tuple[int, int, str]]:
    """Edits that compose each character and its combining marks, or drop marks on Han text."""
    for m in _marks(astral=_ASTRAL.search(text) is not None).finditer(text):
        s, e = m.start() - 1, m.end()
        if s < 0:
            continue  # marks with no character to sit on stay
        base = text[s]
        if _is_han(base) or is_cjk_punct(base):
            yield s + 1, e, ""
            continue
        nfc = unicodedata.normalize("NFC", text[s:e])
        if nfc != text[s:e] and len(nfc) <= e - s:
            yield s, e, nfc


def _is_han(ch: str) -> bool:
    """A Han character, extensions B to G and the compatibility ideographs included."""
    o = ord(ch)
    return is_cjk(ch) or 0x20000 <= o <= 0x3134F or 0xF900 <= o <= 0xFAFF


@cache
def _invisible() -> re.Pattern[str]:
    """Format characters (Cf) and the other default-ignorable code points."""
    cps = [cp for r in _SCANNED for cp in r if unicodedata.category(chr(cp)) == "Cf"]
    cps += [cp for lo, hi in IGNORABLE for cp in range(lo, hi + 1)]
    return re.compile(f"[{_char_class(cps)}]+")


@cache
def _replaced(simplify: bool) -> re.Pattern[str]:
    """The characters :func:`character_table` replaces."""
    return re.compile(f"[{_char_class(character_table(simplify=simplify))}]")


@cache
def _marks(*, astral: bool) -> re.Pattern[str]:
    """A run of combining marks (canonical combining class above 0).

    Only a text with characters beyond the BMP needs the marks there: the
    regular expression tests those ranges one by one, the BMP's in a bitmap.
    """
    scanned = _SCANNED if astral else (range(0x10000),)
    cps = [cp for r in scanned for cp in r if unicodedata.combining(chr(cp))]
    return re.compile(f"[{_char_class(cps)}]+")


def _char_class(cps: Iterable[int]) -> str:
    """The inside of a regular-expression character class holding the code points ``cps``."""
    parts = []
    run: list[int] = []
    for cp in sorted(set(cps)):
        if run and cp == run[-1] + 1:
            run.append(cp)
            continue
        if run:
            parts.append(_range(run[0], run[-1]))
        run = [cp]
    if run:
        parts.append(_range(run[0], run[-1]))
    return "".join(parts)


def _range(lo: int, hi: int) -> str:
    return f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}"
