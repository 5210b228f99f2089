"""A PDF page's characters, with their boxes, read as page text in reading order.

A newspaper page is set in columns, with headlines in a larger font that may
span several of them, a masthead across the top and titles set vertically
(one character a line). ``page_text`` cuts the page recursively (an XY-cut):
first into columns where a vertical gutter runs through the whole region,
else into horizontal bands where the gutters change (a headline or masthead
across the columns ends one band); a region that cannot be cut is read top
to bottom. The text it returns has the shape of the seed pages, which are
text extracted from such PDFs: one line of text a printed line, a blank line
between paragraphs, a headline on a line of its own with blank lines around
it (a headline wrapped over several printed lines is joined), a vertical
title joined into one line, and jump lines (``下转第2版``, ``上接第1版``; the
``jump`` patterns of ``kg/data/text/furniture.csv``), which are no part of any
article's body, left out. ``page_regions`` keeps them in place (with each
line's kind) for ``kg.text.pdf_jumps``, which joins an article with its
continuation on another page of the file; ``render`` makes the text.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from kg.text.tables import furniture

# A gutter between columns is at least this many character widths (of the
# page's body size); characters of one line are closer (CJK type is set solid).
GUTTER = 0.9
SPACE = 0.15  # a gap of this many character widths inside a line is a space
HEADLINE = 1.2  # a line in a font this much larger than the body's is a headline
# A gap between lines this much (in body character heights) above the usual is a paragraph break;
# a wider one (a picture's place) is a blank line a line's height of space, up to MAX_BLANK.
PARAGRAPH_GAP = 0.6
MAX_BLANK = 3
HEAD, BODY, JUMP = "head", "body", "jump"  # the kinds of a region's lines
Spans = list[tuple[float, float]]  # disjoint intervals, left to right or top to bottom


@dataclass(frozen=True)
class Glyph:
    """One character on the page: its text and box (PDF points, top-down) and font size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(frozen=True)
class Segment:
    """A run of characters on one printed line with no gutter inside it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


Box = TypeVar("Box", Glyph, Segment)


@dataclass(frozen=True, eq=False)
class Line:
    """A text line of a region: ``""`` a blank line; ``kind`` ``body``, ``head`` or ``jump``.

    Jump lines are kept in their place (``render`` leaves them out) so that
    ``kg.text.pdf_jumps`` can join an article with its continuation. Lines
    compare by identity: two blank lines are two places.
    """

    text: str
    kind: str = "body"
    size: float = 0.0


@dataclass
class Region:
    """A part of a page that cannot be cut further: its lines, and whether it stands
    beside the region before it (the next column goes on; a band below starts anew)."""

    lines: list[Line]
    beside: bool


def page_text(glyphs: Iterable[Glyph]) -> str:
    """The text of a page's characters, column by column, top to bottom (see the module)."""
    return render(page_regions(glyphs))


def page_regions(glyphs: Iterable[Glyph]) -> list[Region]:
    """A page's regions in reading order, each with its text lines (jump lines kept)."""
    glyphs = [g for g in glyphs if g.text.strip()]
    if not glyphs:
        return []
    body = statistics.median_low(g.size for g in glyphs)
    regions: list[Region] = []
    previous: list[Segment] | None = None
    for region in _cut(_segments(glyphs, body), GUTTER * body):
        beside = previous is not None and min(s.top for s in region) < max(
            s.bottom for s in previous
        )
        regions.append(Region(_region_lines(region, body), beside))
        previous = region
    return regions


def render(regions: list[Region]) -> str:
    """The page text of ``regions``: jump lines left out, blank lines between bands."""
    text = ""
    for i, region in enumerate(regions):
        lines = "\n".join(line.text for line in region.lines if line.kind != JUMP)
        if i:
            blank = max(len(lines) - len(lines.lstrip("\n")), 0 if region.beside else 1)
            text += "\n" * (blank + 1)
        text += lines.lstrip("\n")
    if not regions:
        return ""
    most = "\n" * (MAX_BLANK + 1)
    return re.sub(most + "\n+", most, text).strip("\n") + "\n"


def _rows(items: list[Box]) -> list[list[Box]]:
    """Items grouped into printed lines (their vertical middles close), each sorted left to right."""
    rows: list[list[Box]] = []
    for item in sorted(items, key=lambda g: ((g.top + g.bottom) / 2, g.x0)):
        middle = (item.top + item.bottom) / 2
        if rows:
            last = rows[-1][-1]
            if abs(middle - (last.top + last.bottom) / 2) <= 0.3 * min(item.size, last.size):
                rows[-1].append(item)
                continue
        rows.append([item])
    return [sorted(row, key=lambda g: g.x0) for row in rows]


def _segments(glyphs: list[Glyph], body: float) -> list[Segment]:
    """The page's runs of characters: its printed lines cut at every gutter."""
    segments: list[Segment] = []
    for row in _rows(glyphs):
        run: list[Glyph] = [row[0]]
        for g in row[1:]:
            if g.x0 - run[-1].x1 >= GUTTER * max(body, min(g.size, run[-1].size)):
                segments.append(_segment(run))
                run = []
            run.append(g)
        segments.append(_segment(run))
    return segments


def _segment(run: list[Glyph]) -> Segment:
    parts = [run[0].text]
    for a, b in zip(run, run[1:], strict=False):
        parts.append(" " + b.text if b.x0 - a.x1 > SPACE * min(a.size, b.size) else b.text)
    return Segment(
        text="".join(parts),
        x0=min(g.x0 for g in run),
        x1=max(g.x1 for g in run),
        top=min(g.top for g in run),
        bottom=max(g.bottom for g in run),
        size=max(g.size for g in run),
    )


def _spans(intervals: Iterable[tuple[float, float]], gap: float) -> Spans:
    """The union of ``intervals`` as disjoint spans, spans closer than ``gap`` merged."""
    spans: Spans = []
    for a, b in sorted(intervals):
        if spans and a - spans[-1][1] < gap:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


def _columns(segments: list[Segment], gutter: float) -> list[list[Segment]]:
    """``segments`` split at every vertical gutter running through all of them, left to right."""
    spans = _spans(((s.x0, s.x1) for s in segments), gutter)
    return [[s for s in segments if a <= s.x0 and s.x1 <= b] for a, b in spans]


def _bands(segments: list[Segment], gutter: float) -> list[list[Segment]]:
    """``segments`` split, top to bottom, where the columns change (a line across them)."""
    strips: list[list[Segment]] = []
    bottom = 0.0
    for s in sorted(segments, key=lambda s: (s.top, s.x0)):
        if strips and s.top < bottom:  # overlaps the strip above: a line of another column
            strips[-1].append(s)
            bottom = max(bottom, s.bottom)
        else:
            strips.append([s])
            bottom = s.bottom
    spans = [_spans(((s.x0, s.x1) for s in strip), gutter) for strip in strips]
    columns_below: list[Spans | None] = [None] * len(strips)  # the next strip that has a cut
    for i in range(len(strips) - 2, -1, -1):
        columns_below[i] = spans[i + 1] if len(spans[i + 1]) > 1 else columns_below[i + 1]
    bands: list[list[Segment]] = []
    band_spans: Spans = []
    for i, strip in enumerate(strips):
        joined = _spans(band_spans + spans[i], gutter)
        if bands and (len(joined) > 1 or _stacked(band_spans, spans[i], columns_below[i], gutter)):
            bands[-1].extend(strip)
            band_spans = joined
        else:
            bands.append(list(strip))
            band_spans = spans[i]
    return bands


def _stacked(above: Spans, line: Spans, columns: Spans | None, gutter: float) -> bool:
    """Whether an uncut line goes on the uncut text above it, not on the columns under them.

    It goes with the columns when it fits in one of them and the text above does not
    (a column's first lines under a masthead); a line across their gutters stays above.
    """
    if len(above) > 1 or len(line) > 1:
        return False
    if columns is None or len(_spans(line + columns, gutter)) == 1:
        return True
    return len(_spans(above + line + columns, gutter)) > 1


def _cut(segments: list[Segment], gutter: float) -> list[list[Segment]]:
    """The page's regions that cannot be cut further, in reading order (XY-cut)."""
    for split in (_columns, _bands):
        parts = split(segments, gutter)
        if len(parts) > 1:
            return [region for part in parts for region in _cut(part, gutter)]
    return [segments]


def _region_lines(region: list[Segment], body: float) -> list[Line]:
    """A region's printed lines as text lines: headlines joined, paragraphs split, jumps kept."""
    rows = [_line(row) for row in _rows(region)]
    jump = furniture().jump
    is_jump = [bool(jump.fullmatch(r.text.replace(" ", ""))) for r in rows]
    jumps = [(sum(1 for j in is_jump[:i] if not j), r) for i, r in enumerate(rows) if is_jump[i]]
    rows = [r for r, j in zip(rows, is_jump, strict=True) if not j]
    if len(rows) > 1 and all(len(r.text) == 1 for r in rows):  # a vertical title
        title = Line("".join(r.text for r in rows), HEAD, max(r.size for r in rows))
        return [Line(""), title, Line("")] + [Line(r.text.replace(" ", ""), JUMP) for _, r in jumps]
    gaps = [b.top - a.bottom for a, b in zip(rows, rows[1:], strict=False)]
    usual = statistics.median(gaps) if gaps else 0.0
    lines: list[Line] = []
    ends: list[int] = []  # the number of lines after each row
    for i, row in enumerate(rows):
        headline = row.size >= HEADLINE * body
        kind = HEAD if headline else BODY
        if i and gaps[i - 1] > usual + PARAGRAPH_GAP * body:
            blank = round((gaps[i - 1] - usual) / (usual + body))
            lines.extend(Line("") for _ in range(min(max(blank, 1), MAX_BLANK)))
        elif i and headline and rows[i - 1].size == row.size and lines and lines[-1].text:
            lines[-1] = Line(lines[-1].text + row.text, kind, row.size)  # a wrapped headline
            ends.append(len(lines))
            continue
        elif i and headline != (rows[i - 1].size >= HEADLINE * body):
            lines.append(Line(""))
        lines.append(Line(row.text, kind, row.size))
        ends.append(len(lines))
    for before, row in reversed(jumps):  # each jump line where it was printed
        lines.insert(ends[before - 1] if before else 0, Line(row.text.replace(" ", ""), JUMP))
    return lines


def _line(row: list[Segment]) -> Segment:
    """One printed line of a region from its segments, left to right."""
    return Segment(
        text=" ".join(s.text for s in row),
        x0=row[0].x0,
        x1=row[-1].x1,
        top=min(s.top for s in row),
        bottom=max(s.bottom for s in row),
        size=max(s.size for s in row),
    )
