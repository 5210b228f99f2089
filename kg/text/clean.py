"""Clean PDF-extracted page text.

Each step is a pure function from a :class:`~kg.text.traced.Traced` text (the
text plus, for every character, its index in the raw page) to a new one, with
keyword-only options; :func:`~kg.text.traced.run_steps` chains them. Steps
delete characters or replace them one for one, so the offset map stays exact:
``text[i]`` was read from ``raw[offsets[i]]``. The steps:
:func:`~kg.text.normalise.normalise_characters` (invisible characters,
full-width and compatibility forms, combining marks, traditional characters),
:func:`normalise_whitespace`, :func:`drop_furniture`, :func:`rebuild_vertical`,
:func:`~kg.text.paragraphs.join_lines` and :func:`remove_layout_spaces`.

The page furniture (date line, page name, masthead, editor line, banners) is
read into the page metadata and credits by
:func:`~kg.text.furniture.read_furniture`, from the normalised page, before
the ``drop_furniture`` step deletes it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from functools import partial

from kg.model import CleanPage, Credit, PageMeta
from kg.text.chars import SPACE, is_cjk, is_cjk_punct, line_spans, token_len
from kg.text.furniture import is_furniture_line, is_masthead_line, read_furniture
from kg.text.normalise import normalise_characters
from kg.text.paragraphs import join_lines
from kg.text.traced import Step, Traced, delete_spans, run_steps

logger = logging.getLogger(__name__)

_INVISIBLE = re.compile("[\r\u200b\ufeff]+")
_EDGE_SPACE = re.compile(f"^[{SPACE}]+|[{SPACE}]+$", re.MULTILINE)
_SPACE_RUN = re.compile(f"[{SPACE}]+")


def normalise_whitespace(doc: Traced) -> Traced:
    """Drop carriage returns, zero-width characters and spaces at line ends."""
    doc = delete_spans(doc, [m.span() for m in _INVISIBLE.finditer(doc.text)])
    return delete_spans(doc, [m.span() for m in _EDGE_SPACE.finditer(doc.text)])


MASTHEAD_WITHIN = 5  # the masthead stands among a page's first lines
SLOGAN_MAX = 30  # the longest line a page head prints above the masthead


def drop_furniture(doc: Traced) -> Traced:
    """Delete whole lines of page furniture (with their newline).

    The head of a newspaper page, from its first line to the masthead, is
    furniture as a whole: a paper prints its slogan there beside its name.
    """
    lines = line_spans(doc.text)
    masthead = _masthead_line(doc.text, lines)
    spans = []
    for i, (start, end) in enumerate(lines):
        if i <= masthead or is_furniture_line(doc.text[start:end]):
            spans.append((start, min(end + 1, len(doc.text))))
    return delete_spans(doc, spans)


def _masthead_line(text: str, lines: list[tuple[int, int]]) -> int:
    """Index of the masthead line when the page opens with one, else -1.

    Only short lines without clause punctuation may stand above it (the date
    line, the page name, the paper's slogan), so no article text is lost.
    """
    head = [(i, text[s:e].strip(SPACE)) for i, (s, e) in enumerate(lines) if text[s:e].strip(SPACE)]
    for i, line in head[:MASTHEAD_WITHIN]:
        if is_masthead_line(line):
            return i
        if len(line) > SLOGAN_MAX or any(p in line for p in "，。；！？"):
            return -1
    return -1


def rebuild_vertical(doc: Traced, *, min_run: int = 3) -> Traced:
    """Join runs of one-character lines (titles set vertically) into one line."""
    run = re.compile(r"(?m)(?:^\S\n){" + str(max(1, min_run - 1)) + r",}^\S$")
    spans: list[tuple[int, int]] = []
    for m in run.finditer(doc.text):
        base = m.start()
        spans.extend((base + i, base + i + 1) for i in range(1, m.end() - base, 2))
    return delete_spans(doc, spans)


def remove_layout_spaces(doc: Traced) -> Traced:
    """Delete justification spaces around CJK text (``谢 红`` → ``谢红``).

    A space goes when a CJK character or CJK punctuation is on one side and,
    on the other, a single character, a digit, or CJK text or punctuation
    forming a one-character token; spaces between two words of two or more
    characters (title halves, byline parts) and between Latin words stay.
    """
    text = doc.text
    spans = []
    for m in _SPACE_RUN.finditer(text):
        s, e = m.span()
        if s == 0 or e == len(text) or text[s - 1] == "\n" or text[e] == "\n":
            continue
        if _is_layout_space(text, s, e):
            spans.append((s, e))
    return delete_spans(doc, spans)


def _is_layout_space(text: str, s: int, e: int) -> bool:
    """The space ``text[s:e]`` inside a line is justification, not a word space."""
    a, b = text[s - 1], text[e]
    a_cjk, b_cjk = is_cjk(a) or is_cjk_punct(a), is_cjk(b) or is_cjk_punct(b)
    if not (a_cjk or b_cjk):
        return False
    if is_cjk_punct(a) or is_cjk_punct(b):
        return True
    if (a_cjk and b.isdigit()) or (b_cjk and a.isdigit()):
        return True
    return a_cjk and b_cjk and (token_len(text, s - 1, -1) == 1 or token_len(text, e, 1) == 1)


# the steps after normalise_characters: they read and rebuild the layout of the page
LAYOUT_STEPS: tuple[Step, ...] = (
    normalise_whitespace,
    drop_furniture,
    partial(rebuild_vertical, min_run=3),
    join_lines,
    remove_layout_spaces,
)
DEFAULT_STEPS: tuple[Step, ...] = (normalise_characters, *LAYOUT_STEPS)


def clean_traced(raw: str, *, steps: Sequence[Step] = DEFAULT_STEPS) -> Traced:
    """Run the cleaning steps on a raw page."""
    return run_steps(Traced.of(raw), steps)


def clean_page(raw: str, meta: PageMeta) -> CleanPage:
    """Normalise characters, join broken lines, rebuild vertical titles, drop page furniture.

    Missing fields of ``meta`` (date, page number, column, newspaper) are
    filled from the furniture; the editor line gives the page credits.
    """
    doc = normalise_characters(Traced.of(raw))
    found, credits = read_furniture(doc.text)
    credits = [_raw_credit(c, doc) for c in credits]
    missing = {k: v for k, v in found.items() if getattr(meta, k) is None}
    if missing:
        meta = dataclasses.replace(meta, **missing)
    doc = run_steps(doc, LAYOUT_STEPS)
    text = doc.text.strip("\n")
    lead = len(doc.text) - len(doc.text.lstrip("\n"))
    offsets = doc.offsets[lead : lead + len(text)].tolist()
    if not text:
        logger.info("page %s has no text after cleaning", meta.source)
    return CleanPage(meta=meta, raw=raw, text=text, offsets=offsets, credits=credits)


def _raw_credit(credit: Credit, doc: Traced) -> Credit:
    """A credit read from the traced text, its offsets turned into offsets of the raw page."""
    offsets = doc.offsets
    start = offsets[credit.start] if credit.start < len(offsets) else credit.start
    end = offsets[credit.end - 1] + 1 if 0 < credit.end <= len(offsets) else start
    return dataclasses.replace(credit, start=start, end=max(start, end))
