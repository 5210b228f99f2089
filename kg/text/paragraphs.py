"""Rejoin sentences and words the page layout broke across lines (the ``join_lines`` step).

A column of justified text breaks every line at the same width, whatever the
sentence; a title, a kicker or a short last line of a paragraph breaks where
it ends. The step tells them apart by the width of the column around each
line, by final punctuation and by the lines that mark an article head.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from kg.text.bylines import is_byline_start
from kg.text.chars import SPACE, line_spans, width
from kg.text.tables import credit_roles
from kg.text.traced import Traced, delete_spans

SENTENCE_END = "。！？!?…；;"
CLOSERS = "”’」』）)》〉】\"'"
# Lines at least this wide (CJK characters) that break without punctuation are
# paragraphs cut by the layout, even when they stand alone between blank lines.
LONG_LINE = 40.0
_BRACKETS = (("《", "》"), ("“", "”"), ("（", "）"), ("(", ")"), ("「", "」"), ("【", "】"))


def _unbalanced(line: str) -> bool:
    return any(line.count(a) > line.count(b) for a, b in _BRACKETS if a != b)


def _protected(line: str) -> bool:
    """Lines that mark an article head or banner, never joined to their neighbours."""
    if line[:1] in "（(" and line[-1:] in "）)":
        return True  # a source line "（X供稿）"
    return line.startswith("——") or line.endswith("——") or line.endswith(_banner_words())


@cache
def _banner_words() -> tuple[str, ...]:
    return tuple(sorted(w for w, (_, scope) in credit_roles().items() if scope == "banner"))


_WORD_SPACE = re.compile(f"[\u4e00-\u9fff”》）]{{2}}[{SPACE}]+[“《（\u4e00-\u9fff]{{2}}")


def _has_word_space(line: str) -> bool:
    """A space between two words of CJK text (title halves), not a layout space."""
    return bool(_WORD_SPACE.search(line))


def _ends_sentence(line: str) -> bool:
    return line[-1] in SENTENCE_END or (
        line[-1] in CLOSERS and len(line) > 1 and line[-2] in SENTENCE_END
    )


class _LocalWidths:
    """The median width of nearby column lines, per line (0 where there are none)."""

    def __init__(self, rows: list[int], widths: list[float], window: int) -> None:
        self.rows, self.widths, self.window = rows, widths, window
        self.memo: dict[int, float] = {}

    def __getitem__(self, i: int) -> float:
        if i not in self.memo:
            lo = bisect.bisect_left(self.rows, i - self.window)
            hi = bisect.bisect_right(self.rows, i + self.window)
            near = sorted(self.widths[r] for r in self.rows[lo:hi])
            self.memo[i] = near[len(near) // 2] if near else 0.0
        return self.memo[i]


def _blocks(lines: list[str]) -> list[list[int]]:
    """Runs of consecutive non-blank lines, as line indices."""
    blocks: list[list[int]] = []
    for i, line in enumerate(lines):
        if line:
            if i and lines[i - 1]:
                blocks[-1].append(i)
            else:
                blocks.append([i])
    return blocks


def _column_lines(blocks: list[list[int]], widths: list[float]) -> list[int]:
    """All but the last line of blocks of four or more lines of even width."""
    return [
        i
        for b in blocks
        if len(b) > 3 and max(widths[i] for i in b[1:-1]) - min(widths[i] for i in b[1:-1]) <= 4
        for i in b[:-1]
    ]


class _Layout:
    """The lines of a text, their blocks and the width of the column around each line."""

    def __init__(self, text: str, window: int) -> None:
        self.text = text
        self.spans = line_spans(text)
        self.lines = [text[s:e] for s, e in self.spans]
        self.widths = [width(x) for x in self.lines]
        self.blocks = _blocks(self.lines)
        self.column = _LocalWidths(_column_lines(self.blocks, self.widths), self.widths, window)

    def full(self, i: int) -> bool:
        """Line ``i`` runs the full width of its column."""
        # the first line of a paragraph lost its two-character indent
        first = i == 0 or not self.lines[i - 1]
        column = self.column[i]
        lo = column - (3.5 if first else 2.5)
        # a line far wider than the column is a paragraph already joined, not column text
        return column > 0 and lo <= self.widths[i] <= column * 2 + 1

    def keeps_break(self, i: int, j: int) -> bool:
        """The break between lines ``i`` and ``j`` ends a sentence or sets off a head."""
        a, b = self.lines[i], self.lines[j]
        if _ends_sentence(a):
            return True
        if _protected(a) or _protected(b) or (is_byline_start(b) and width(b) < 30):
            return True
        return b[0] in "（(" and b[-1] in "）)" and width(b) < 30  # a source line "（X供稿）"

    def joins(self, i: int, j: int) -> bool:
        """Lines ``i`` and ``j`` of one block are one sentence cut by the column."""
        return not self.keeps_break(i, j) and (self.full(i) or _unbalanced(self.lines[i]))

    def joins_across(self, block: list[int], after: list[int]) -> bool:
        """The blank lines between ``block`` and the block ``after`` it cut a sentence."""
        last = block[-1]
        if self.keeps_break(last, after[0]):
            return False
        line = self.lines[last]
        if _has_word_space(line):
            return False  # a title or banner line: "对标先进 争创一流"
        body_like = self.full(block[-2]) if len(block) > 1 else len(after) > 1
        justified = self.full(last) and body_like
        if line[-1] in "，、,：:" and (self.full(last) or self.column[last] == 0):
            justified = True
        long_alone = len(block) == 1 and self.widths[last] >= LONG_LINE
        return justified or long_alone or _unbalanced(line)

    def join_span(self, i: int, j: int) -> tuple[int, int]:
        """What to delete to join line ``i`` to line ``j``: the breaks, unless two Latin words meet."""
        end_of_line, start_of_next = self.spans[i][1], self.spans[j][0]
        before, after = self.text[end_of_line - 1], self.text[start_of_next]
        if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
            return end_of_line + 1, start_of_next  # keep one newline as the word space
        return end_of_line, start_of_next


def join_lines(doc: Traced, *, keep_paragraphs: bool = True, window: int = 12) -> Traced:
    """Remove line breaks the layout put inside sentences and words.

    A break stays after sentence-final punctuation, after a line clearly
    shorter than its column (a paragraph end or a title line), and around
    kicker and subtitle lines (ending or starting with ——). Blank lines are
    crossed only when the text before them is cut mid-sentence: a full
    column line of a justified block, a long paragraph line, or an open
    bracket.
    """
    layout = _Layout(doc.text, window)
    blocks = layout.blocks
    cut: list[tuple[int, int]] = []
    for bi, block in enumerate(blocks):
        for i, j in zip(block, block[1:], strict=False):
            if layout.joins(i, j):
                cut.append(layout.join_span(i, j))
        if keep_paragraphs and bi + 1 < len(blocks) and layout.joins_across(block, blocks[bi + 1]):
            cut.append(layout.join_span(block[-1], blocks[bi + 1][0]))
    return delete_spans(doc, cut)
