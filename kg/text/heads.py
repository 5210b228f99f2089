"""Article heads and body starts (splitting's second pass).

A head is a title with the kicker above it, the subtitle under it and the
byline that closes it; it is found from its byline, its kicker or its
subtitle, or, on a page that opens with its headline (a web article: headline,
blank line, body), from its place. A body starts at the page's first body
line, right under a head, after a source line ``（X供稿）``, or where the
column width changes with the topic.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.text.bylines import is_bare_author
from kg.text.lines import TITLE_MAX, Line, ends_sentence

HEADLINE_MAX = 64.0  # widest headline a web article opens with (CJK characters)
QUESTION_OR_EXCLAMATION = "？！?!"  # how a headline may end; a sentence ends with 。


@dataclass
class Head:
    """Kicker, title, subtitle and byline lines of one article."""

    title: int
    kicker: int | None = None
    subtitle: int | None = None
    byline: int | None = None
    last: int = 0  # last line index belonging to the head
    body: int | None = None  # the body start right under it, if any
    top: bool = False  # the headline the page opens with: the body under it is its text

    @property
    def lines(self) -> list[int]:
        return [i for i in (self.kicker, self.title, self.subtitle, self.byline) if i is not None]


def head_lines(heads: list[Head]) -> set[int]:
    """Every line index the heads cover, from their first line to their last."""
    return {i for h in heads for i in range(min(h.lines), h.last + 1)}


class _HeadFinder:
    """One pass down the lines, taking each head found and the lines it uses."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.n = len(lines)
        self.used: set[int] = set()
        self.heads: list[Head] = []

    def kind(self, i: int) -> str | None:
        return self.lines[i].kind if 0 <= i < self.n else None

    def titleish(self, i: int) -> bool:
        return 0 <= i < self.n and i not in self.used and self.lines[i].kind == "short"

    def find(self) -> list[Head]:
        for i, line in enumerate(self.lines):
            if i in self.used:
                continue
            if (
                line.kind == "byline"
                or self._bare_author(i)
                or (line.lead_byline and self.titleish(i - 1))
            ):
                self._from_byline(i)
            elif line.kind == "kicker" and self.titleish(i + 1):
                self._from_kicker(i)
            elif line.kind == "subtitle" and self.titleish(i - 1):
                self._from_subtitle(i)
        self._from_top()
        self.heads.sort(key=lambda h: h.title)
        return self.heads

    def _headline(self, i: int) -> bool:
        """Line ``i`` can be a web article's headline: title-like, or long but no sentence."""
        if not 0 <= i < self.n or i in self.used:
            return False
        line = self.lines[i]
        if line.kind == "short":
            return True
        set_off = i + 1 < self.n and self.lines[i + 1].gap >= 1
        if line.kind == "caption":  # a question or exclamation: "这个村凭什么火了？"
            return set_off and line.text[-1] in QUESTION_OR_EXCLAMATION and "。" not in line.text
        return (
            line.kind == "body"
            and set_off
            and not line.lead_byline
            and line.width <= HEADLINE_MAX
            and not ends_sentence(line.text)
        )

    def _from_top(self) -> None:
        """The head a page opens with, when the article's text follows it.

        A web article prints its headline (a kicker line may stand above it) on the
        first line, then a blank line or the body; photo captions, a ``原标题`` or
        ``编者按`` line may come between. A head found otherwise that opens the page
        is marked too: its text is all under it, short paragraphs included.
        """
        lines = self.lines
        opening = next((h for h in self.heads if min(h.lines) == 0), None)
        if opening is not None:
            opening.top = self._opens_body(opening.last + 1)
            return
        if not self._headline(0):
            return
        title = 0
        if self.titleish(1) and lines[1].gap == 0 and self._opens_body(2):
            title = 1  # a kicker above the headline
        elif not self._opens_body(1):
            return
        head = Head(title=title, kicker=0 if title else None, top=True)
        self._close(head, title)

    def _opens_body(self, i: int) -> bool:
        """Line ``i`` opens an article's text: body, after photo captions and notes."""
        lines = self.lines
        i = skip_to_text(lines, i)
        if i >= self.n or i in self.used:
            return False
        if lines[i].kind in ("body", "caption"):
            return True
        # a section heading that opens the text ("一、基本情况")
        return lines[i].kind == "short" and i + 1 < self.n and lines[i + 1].kind == "body"

    def _bare_author(self, i: int) -> bool:
        """A name alone under a title-like line: the author of a commentary."""
        lines = self.lines
        return (
            lines[i].kind == "short"
            and is_bare_author(lines[i].text)
            and self.titleish(i - 1)
            and i + 1 < self.n
            and not is_bare_author(lines[i - 1].text)
        )

    def _from_byline(self, i: int) -> None:
        """The head that line ``i`` (a byline, or a body line opening with one) closes."""
        j = i - 1
        sub = None
        if 0 <= j and j not in self.used and self.lines[j].kind == "subtitle":
            sub, j = j, j - 1
        if not self.titleish(j):
            return  # a kicker here is handled from the kicker
        head = Head(title=j, subtitle=sub, kicker=self._kicker_above(j))
        if self.lines[i].lead_byline:
            self.used.update(head.lines)
            head.last = i - 1
            self.heads.append(head)
            return
        head.byline = i
        self._close(head, i)

    def _kicker_above(self, title: int) -> int | None:
        """The kicker over a title: a line ending in ——, or a lead-in printed without the dash."""
        k = title - 1
        lines = self.lines
        if k >= 0 and k not in self.used and lines[k].kind == "kicker":
            return k
        if (
            self.titleish(k)
            and lines[title].gap <= 1
            and lines[k].width <= TITLE_MAX
            and not (k > 0 and lines[k - 1].kind == "kicker")
            and (k == 0 or lines[k].gap >= 1)
        ):
            return k
        return None

    def _from_kicker(self, i: int) -> None:
        """The head a kicker opens: the title under it, then a subtitle and a byline if any."""
        head = Head(title=i + 1, kicker=i)
        j = i + 2
        if self.kind(j) == "subtitle":
            head.subtitle, j = j, j + 1
        if self.kind(j) == "byline" or (
            self.kind(j) == "short" and is_bare_author(self.lines[j].text)
        ):
            head.byline = j
            self._close(head, j)
        else:
            self._close(head, j - 1)

    def _from_subtitle(self, i: int) -> None:
        """The head of a title and the subtitle under it, and the byline under that if any."""
        head = Head(title=i - 1, subtitle=i)
        if self.kind(i + 1) == "byline":
            head.byline = i + 1
            self._close(head, i + 1)
        else:
            self._close(head, i)

    def _close(self, head: Head, after: int) -> None:
        """End the head after line ``after`` and the byline tails and column tag under it."""
        lines, n = self.lines, self.n
        j = after + 1
        # byline tails ("文\", "图") and a short column tag ("思考") under a byline
        while (
            j < n
            and j not in self.used
            and (
                lines[j].kind == "tail"
                or (
                    head.byline is not None
                    and lines[j].kind == "short"
                    and len(lines[j].text) <= 4
                    and j + 1 < n
                    and lines[j + 1].kind == "body"
                )
            )
        ):
            j += 1
        head.last = j - 1
        self.used.update(range(min(head.lines), head.last + 1))
        self.heads.append(head)


def skip_to_text(lines: list[Line], i: int) -> int:
    """The first line from ``i`` on that is article text, not a caption, note or byline tail.

    A caption is a photo's, or one set apart by blank lines; a short paragraph
    that ends a sentence is text.
    """
    while i < len(lines) and (
        lines[i].photo
        or lines[i].kind in ("note", "tail")
        or (lines[i].kind == "caption" and lines[i].gap >= 2)
    ):
        i += 1
    return i


def find_heads(lines: list[Line]) -> list[Head]:
    """Article heads, found from bylines, kickers and subtitles, in line order."""
    return _HeadFinder(lines).find()


def _is_body(line: Line) -> bool:
    return line.kind == "body" or (line.kind == "caption" and line.gap < 2)


def find_starts(lines: list[Line], heads: list[Head]) -> list[int]:
    """Strong body starts: page top, under a head, after a source line, column change.

    Sets ``body`` on each head with a body right under it.
    """
    in_head = head_lines(heads)
    starts: list[int] = []
    first = next((i for i, x in enumerate(lines) if x.kind == "body" and i not in in_head), None)
    top = next((h for h in heads if h.top), None)
    if top is not None:
        # a web article's text starts right under its headline, photo captions and notes aside
        first = skip_to_text(lines, top.last + 1)
        top.body = first
    if first is not None:
        starts.append(first)
    for head in heads:
        if head.top:
            continue
        j = head.last + 1
        while j < len(lines) and lines[j].kind in ("caption", "tail"):
            j += 1
        if j < len(lines) and j not in in_head and lines[j].kind == "body":
            head.body = j
            starts.append(j)
    for i, line in enumerate(lines):
        if line.kind == "source":
            j = i + 1
            while j < len(lines) and lines[j].kind == "caption" and lines[j].gap >= 2:
                j += 1
            if j < len(lines) and j not in in_head and _is_body(lines[j]):
                starts.append(j)
    starts.extend(_column_changes(lines, in_head))
    return sorted(set(starts))


def _column_changes(lines: list[Line], in_head: set[int]) -> list[int]:
    """Body lines whose column width differs from the previous body text and topic."""
    result = []
    prev: Line | None = None
    for i, line in enumerate(lines):
        if i in in_head or line.kind != "body":
            continue
        if prev is not None and line.column and prev.column:
            ratio = max(line.column, prev.column) / min(line.column, prev.column)
            # a paragraph that already ran on at the new width continues the article
            flowed = lines[i - 1].last_width >= 0.85 * line.column
            if ratio >= 1.5 and ends_sentence(lines[i - 1].text) and not flowed:
                result.append(i)
        if line.column:
            prev = line
    return result
