"""The lines of a clean page and what each looks like (splitting's first pass).

Each non-empty line is classified by layout cues: its width, its final
punctuation, dashes, byline role words, the blank lines around it and the
width of the raw column it was joined from. The kinds: ``body``, ``short``
(a title-like line), ``caption``, ``byline``, ``tail`` (``文/图``),
``kicker``, ``subtitle``, ``source`` (``（X供稿）``), ``banner`` and ``note``
(a web article's ``原标题：…`` or ``编者按：…``, neither title nor body).
A caption that reads as a photo's (``图为…``, ``张三 摄``) is flagged
``photo``, whatever its width.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kg.lexicon import tables
from kg.model import CleanPage
from kg.text.bylines import is_byline_start, is_credit_line, is_photo_caption, lead_byline
from kg.text.chars import SPACE, width
from kg.text.tables import roles

TITLE_MAX = 40.0  # widest title line, in CJK characters
CAPTION_MAX = 45.0  # widest photo caption
SENTENCE_END = "。！？!?…"

PHOTO_MAX = 90.0  # widest line still read as a photo caption
MAX_CAPTIONS = 8  # most caption lines under a headline marked （图）
_SOURCE = re.compile(tables.pattern("source_line"))
_TAIL = re.compile(tables.pattern("credit_tail"))
_NOTE = re.compile(f"{tables.pattern('original_title')}|{tables.pattern('editor_note')}")
_ILLUSTRATED = re.compile(tables.pattern("illustrated_title"))


@dataclass
class Line:
    """One non-empty line of the clean text with its layout features."""

    index: int
    start: int
    end: int
    text: str
    gap: int  # blank lines before it
    kind: str = "body"  # body, short, caption, byline, tail, kicker, subtitle, source, banner, note
    photo: bool = False  # a photo caption ("图为…", "张三 摄")
    lead_byline: int = 0  # length of a byline opening a body line ("本报讯 记者X报道 ")
    column: float = 0.0  # raw column width of the lines it was joined from
    last_width: float = 0.0  # width of its last raw line

    @property
    def width(self) -> float:
        return width(self.text)


def ends_sentence(text: str) -> bool:
    """The text ends with sentence-final punctuation (closing quotes and brackets aside)."""
    s = text.rstrip("”’」』）)\"'")
    return bool(s) and s[-1] in SENTENCE_END


def source_line(text: str) -> re.Match[str] | None:
    """The match of a source line ``（X供稿）`` (groups ``pic``, ``name``, ``role``), or None."""
    return _SOURCE.fullmatch(text)


def page_lines(page: CleanPage) -> list[Line]:
    """The non-empty lines of the clean text, classified."""
    lines: list[Line] = []
    pos = 0
    gap = 0
    for text in page.text.split("\n"):
        if text.strip(SPACE):
            lines.append(Line(len(lines), pos, pos + len(text), text, gap))
            gap = 0
        else:
            gap += 1
        pos += len(text) + 1
    raw_lines = _raw_line_widths(page.raw)
    for line in lines:
        line.column, line.last_width = _column(page, line, raw_lines)
        line.kind = _kind(line)
    _illustrated_captions(lines)
    return lines


def _illustrated_captions(lines: list[Line]) -> None:
    """The short lines under a headline marked ``（图）`` are its photos' captions.

    Web sites mark the headline of an article that opens with photos, and print
    the captions before the text: every line up to the first one wider than a
    caption, when such a line follows.
    """
    if len(lines) < 3 or not _ILLUSTRATED.search(lines[0].text) or lines[0].width > TITLE_MAX + 5:
        return
    under = []
    for line in lines[1 : 2 + MAX_CAPTIONS]:
        if line.width > CAPTION_MAX or line.kind in ("byline", "note", "source"):
            break
        under.append(line)
    else:
        return
    if line.width > CAPTION_MAX:
        for caption in under:
            caption.kind, caption.photo = "caption", True


def _raw_line_widths(raw: str) -> tuple[list[int], list[float]]:
    starts, widths = [], []
    pos = 0
    for text in raw.split("\n"):
        starts.append(pos)
        pos += len(text) + 1
        # rough width (ASCII half): enough to tell columns apart, and fast on every raw line
        text = text.strip(SPACE)
        widths.append(len(text) - 0.5 * len(text.encode("ascii", "ignore")))
    return starts, widths


def _column(
    page: CleanPage, line: Line, raw_lines: tuple[list[int], list[float]]
) -> tuple[float, float]:
    """Median width of the raw lines a clean line was joined from, and its last one's."""
    starts, widths = raw_lines
    first = bisect.bisect_right(starts, page.offsets[line.start]) - 1
    last = bisect.bisect_right(starts, page.offsets[line.end - 1]) - 1
    spans = sorted(widths[i] for i in range(first, last) if widths[i] > 0)  # last is short
    if len(spans) < 2:
        return 0.0, widths[last]
    return spans[len(spans) // 2], widths[last]


def _marked_kind(line: Line) -> str | None:
    """The kind of a line its words mark: a source line, a note, a photo caption."""
    text = line.text
    if _SOURCE.fullmatch(text):
        return "source"
    if _NOTE.match(text):
        return "note"
    if line.width <= PHOTO_MAX and is_photo_caption(text, widest=int(CAPTION_MAX)):
        line.photo = True
        return "caption"
    return None


def _kind(line: Line) -> str:
    marked = _marked_kind(line)
    if marked:
        return marked
    text, w = line.text, line.width
    if w <= TITLE_MAX and any(text.endswith(word) for word, _ in roles("banner")):
        return "banner"
    if w < TITLE_MAX and (
        (is_byline_start(text) and not ends_sentence(text)) or is_credit_line(text)
    ):
        return "byline"
    if w > TITLE_MAX or ends_sentence(text):  # a paragraph, long or short, may open with one
        line.lead_byline = lead_byline(text)
        if line.lead_byline:
            return "body"
    if _TAIL.fullmatch(text):
        return "tail"
    if text.endswith("——") and w <= TITLE_MAX + 15:
        return "kicker"
    if text.startswith("——") and w <= TITLE_MAX + 30:
        return "subtitle"
    if w <= CAPTION_MAX and ends_sentence(text) and text.count("。") <= 2:
        return "caption"
    if w <= TITLE_MAX and not ends_sentence(text):
        return "short"
    return "body"
