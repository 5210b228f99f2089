"""Articles continued on another page of a PDF file, joined into one.

A newspaper breaks an article off with a jump line (``（下转第3版）``) and goes
on on that page after a short repeated headline and ``（上接第1版）``. When both
pages are in the file, the continuation is moved to the jump line on the first
page, so the article is whole there and its entities and facts come from one
article. A page's number in a jump (its 版) is taken as its page number in the
file, which is how an e-edition file of the whole paper is made. A jump line
(furniture.csv's ``jump``) holding 转 sends the reader on; any other (上接,
接, 续) tells where the article comes from.

The continuation runs from the ``上接`` line to the first headline line at least
as large as its repeated headline (any headline line if it has none), another
jump line (an onward ``下转`` line goes with it, so a third part joins too) or
the end of its column; it flows on into the next column beside it unless that
starts with a headline. The repeated headline is dropped. The k-th jump from
page N to page M is paired with the k-th ``上接第N版`` line on page M, in
reading order. A jump without its other half is left as it was (its line
dropped, nothing joined), with a debug log.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from kg.text.pdf_layout import HEAD, JUMP, Line, Region
from kg.text.tables import furniture

logger = logging.getLogger(__name__)

Place = tuple[int, int]  # (region, line) on a page


def page_number(numeral: str) -> int:
    """The number of ``numeral``: digits (any width) or Chinese (``十二``, ``二〇``).

    Raises:
        ValueError: ``numeral`` is no number of a page (``十十``, ``百``).
    """
    values = [int(unicodedata.numeric(c)) for c in numeral]
    if values.count(10) == 1 and all(v < 10 for v in values if v != 10):
        at = values.index(10)
        tens, ones = values[:at], values[at + 1 :]
        if len(tens) <= 1 and len(ones) <= 1:
            return (tens[0] if tens else 1) * 10 + (ones[0] if ones else 0)
    if not values or any(v > 9 for v in values):
        raise ValueError(f"{numeral!r} is not a page number (digits or 一…十)")
    return int("".join(map(str, values)))


def jump(line: Line) -> tuple[str, int] | None:
    """``("onward", M)`` for a ``下转第M版`` line, ``("from", N)`` for ``上接第N版``; else None."""
    if line.kind != JUMP:
        return None
    numeral = re.search(r"\w+", "".join(c if _numeric(c) else " " for c in line.text))
    if numeral is None:
        return None
    try:
        number = page_number(numeral[0])
    except ValueError:
        return None
    onward = furniture().jump_on.fullmatch(line.text.replace(" ", ""))
    return ("onward" if onward else "from"), number


def _numeric(c: str) -> bool:
    return unicodedata.numeric(c, None) is not None


def join_jumps(pages: list[list[Region] | None], name: str = "<bytes>") -> None:
    """Move every continuation in ``pages`` (a file's pages; None one that could not be
    read) to the jump line it continues (see the module). Changes ``pages`` in place."""
    onward = [(n, line) for n, page in enumerate(pages, start=1) for line in _jumps(page, "onward")]
    pairs: list[tuple[Line, list[Line]]] = []
    for n, line in onward:
        to = jump(line)[1]  # type: ignore[index]
        target = pages[to - 1] if 1 <= to <= len(pages) and to != n else None
        incoming = [j for j in _jumps(target, "from") if jump(j) == ("from", n)]
        if target is None or not incoming:
            why = (
                "which goes on from it nowhere"
                if target is not None
                else "not read"
                if 1 <= to <= len(pages) and to != n
                else "not in the file"
            )
            logger.debug("%s: page %d jumps to page %d, %s; not joined", name, n, to, why)
            continue
        pairs.append((line, _cut(target, incoming[0])))
    for line, block in pairs:  # a block may hold the onward jump of a third part
        holders = [region.lines for page in pages for region in page or []]
        holder = next((h for h in holders if _index(h, line) is not None), None)
        if holder is None:
            holder = next((b for _, b in pairs if _index(b, line) is not None), [])
        i = _index(holder, line)
        if i is not None:
            holder[i + 1 : i + 1] = block


def _index(lines: list[Line], line: Line) -> int | None:
    return next((i for i, other in enumerate(lines) if other is line), None)


def _jumps(regions: list[Region] | None, way: str) -> list[Line]:
    lines = [line for region in regions or [] for line in region.lines]
    return [line for line in lines if (jump(line) or ("", 0))[0] == way]


def _find(regions: list[Region], line: Line) -> Place | None:
    for r, region in enumerate(regions):
        i = _index(region.lines, line)
        if i is not None:
            return r, i
    return None


def _cut(regions: list[Region], start: Line) -> list[Line]:
    """The continuation after the ``上接`` line ``start``, taken out of ``regions`` with it
    and its repeated headline; the lines returned are its text lines."""
    r, i = _find(regions, start)  # type: ignore[misc]
    heads = _headline(regions, r, i)
    size = max((line.size for line in heads), default=0.0)
    block: list[Line] = []
    taken = {id(line) for line in heads} | {id(start)}
    line_no = i + 1
    while True:
        lines = regions[r].lines
        if line_no == len(lines):
            below = regions[r + 1] if r + 1 < len(regions) else None
            if below is None or not below.beside or _starts_with_headline(below):
                break
            r, line_no = r + 1, 0
            continue
        line = lines[line_no]
        if (line.kind == HEAD and line.size >= size) or (jump(line) or ("", 0))[0] == "from":
            break
        block.append(line)
        line_no += 1
        if line.kind == JUMP:  # an onward jump: the part after it joins here too
            break
    while block and not block[-1].text:
        block.pop()  # blank lines before what follows stay with it
    while block and not block[0].text:
        block.pop(0)
    taken |= {id(line) for line in block}
    for region in regions:
        region.lines[:] = [line for line in region.lines if id(line) not in taken]
    regions[:] = [region for region in regions if region.lines]
    return block


def _headline(regions: list[Region], r: int, i: int) -> list[Line]:
    """The headline lines (and the blank lines after them) printed just before line ``i`` of
    region ``r``: the repeated headline of a continuation. None if body text comes first."""
    before = [line for region in regions[:r] for line in region.lines] + regions[r].lines[:i]
    found: list[Line] = []
    for line in reversed(before):
        if line.kind == HEAD:
            found.append(line)
        elif line.text:
            break
        elif not found:
            found.append(line)  # a blank line between the headline and the 上接 line
        else:
            break
    return found if any(line.kind == HEAD for line in found) else []


def _starts_with_headline(region: Region) -> bool:
    first = next((line for line in region.lines if line.text), None)
    return first is not None and first.kind == HEAD
