"""Newspaper-like PDF pages made from page text, for the PDF input tests and the benchmark.

The text is set as an e-edition sets it: masthead lines across the top, the
rest in columns, headlines and subtitles (``——…``) in larger fonts (wrapped to
the column), a
paragraph gap for every blank line, a jump line at the foot of the first
column, and optionally the first headline set vertically, one character a
line, beside the first column. reportlab's built-in CID font STSong-Light
needs no font file (it draws no U+00B7 MIDDLE DOT, so that one is lost).
"""

from __future__ import annotations

import io
import math

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
BODY, SUBTITLE, HEAD = 9.0, 11.0, 15.0
LEADING = 1.5
COLUMN = 22 * BODY  # 22 characters a column line: a seed page's lines fit
GUTTER = 1.5 * BODY
MARGIN = 20.0
JUMP = "（下转第2版）"

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(line: str, size: float) -> list[str]:
    out, cur = [], ""
    for ch in line:
        if cur and pdfmetrics.stringWidth(cur + ch, FONT, size) > COLUMN:
            out.append(cur)
            cur = ""
        cur += ch
    return out + [cur] if cur else out


def _flow(
    lines: list[str], titles: set[str], *, vertical: bool
) -> tuple[list[tuple[str, float, int]], str | None]:
    """The printed lines ``(text, size, lines kept with it)`` ("" a gap), and a vertical title."""
    flow: list[tuple[str, float, int]] = []
    vertical_title = None
    for line in lines:
        if not line.strip():
            flow.append(("", BODY, 1))
        elif line.strip().startswith("——"):  # a subtitle, set larger than the body
            parts = _wrap(line.strip(), SUBTITLE)
            flow.extend((part, SUBTITLE, len(parts) - k) for k, part in enumerate(parts))
        elif line.strip() in titles:
            if vertical and vertical_title is None:
                vertical_title = line.strip().replace(" ", "")
                continue
            parts = _wrap(line.strip(), HEAD)
            flow.extend((part, HEAD, len(parts) - k) for k, part in enumerate(parts))
        else:
            flow.extend((part, BODY, 1) for part in _wrap(line, BODY))
    return flow, vertical_title


def pages_pdf(pages: list[tuple[str, set[str], dict]]) -> bytes:
    """A PDF of one page a ``(text, titles, options of draw_page)``."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1)
    for text, titles, options in pages:
        draw_page(pdf, text, titles, **options)
    pdf.save()
    return buf.getvalue()


def page_pdf(text: str, titles: set[str], **options: object) -> bytes:
    """A PDF of one page of ``text`` (see ``draw_page``)."""
    return pages_pdf([(text, titles, options)])


def draw_page(
    pdf: canvas.Canvas,
    text: str,
    titles: set[str],
    *,
    columns: int = 4,
    masthead: int = 2,
    vertical: bool = False,
    jump: bool = True,
) -> None:
    """Draw ``text`` as one page; lines in ``titles`` are headlines (see the module)."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip() in titles), len(lines))
    top = [i for i, line in enumerate(lines[:first]) if line.strip()][:masthead]
    rest = [line.rstrip() for i, line in enumerate(lines) if i not in top]
    flow, vertical_title = _flow(rest, titles, vertical=vertical)
    height = sum(size * LEADING for _, size, _ in flow)
    col_height = math.ceil(height / columns) + 3 * HEAD * LEADING
    left = MARGIN + (2 * HEAD if vertical_title else 0)
    width = left + columns * (COLUMN + GUTTER) + MARGIN
    mast_height = masthead * BODY * LEADING + BODY
    page_height = MARGIN * 2 + mast_height + col_height
    pdf.setPageSize((width, page_height))
    y = page_height - MARGIN
    for i in top:
        y -= BODY * LEADING
        pdf.setFont(FONT, BODY)
        pdf.drawString(MARGIN, y, lines[i].strip())
    col_top = y - BODY
    if vertical_title:
        for k, ch in enumerate(vertical_title):
            pdf.setFont(FONT, HEAD)
            pdf.drawString(MARGIN, col_top - (k + 1) * HEAD * 1.2, ch)
    col, y = 0, col_top
    for part, size, kept in flow:
        step = size * LEADING
        if y - kept * step < MARGIN:  # a headline is never split between columns
            if jump and col == 0:
                pdf.setFont(FONT, BODY)
                pdf.drawString(left + COLUMN - 6 * BODY, MARGIN - BODY, JUMP)
            col, y = col + 1, col_top
            if not part:
                continue
        y -= step
        if part:
            pdf.setFont(FONT, size)
            pdf.drawString(left + col * (COLUMN + GUTTER), y, part)
    pdf.showPage()
