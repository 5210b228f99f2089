"""Split a clean page into its articles, in reading order.

PDF extraction scatters an article's parts: a title may come right before its
body, or far after it (all titles of a page collected at its end). The
splitter therefore works in three passes over the lines of the clean text:

1. classify each line by layout cues (width, final punctuation, dashes,
   byline role words, blank lines around it, the raw column width):
   ``kg.text.lines``;
2. find article *heads* (kicker, title, subtitle, byline) and body *starts*
   (the first body line of the page, the line after a head or after a source
   line ``（X供稿）``, a change of column width where the topic changes):
   ``kg.text.heads``;
3. pair heads with starts by position and by the words a head shares with the
   opening of a body, weighted by how rare they are on the page; a head left
   over searches the whole page for its opening; a start left over is an
   article whose title is not printed: ``kg.text.pairing``.

This module assembles the articles: each body runs to the next start, and
captions, source lines and banners go to the article they belong to, with the
credits they print (a photo caption's photographers, the bracket that closes a
web article: ``（记者 张三）``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from kg.model import Article, CleanPage, Credit
from kg.text.bylines import (
    byline_credits,
    caption_credits,
    credit,
    lead_credits,
    trailing_credits,
)
from kg.text.chars import SPACE
from kg.text.heads import Head, find_heads, find_starts, head_lines
from kg.text.lines import CAPTION_MAX, Line, page_lines, source_line
from kg.text.pairing import Overlap, bigrams, head_text, pair_heads, stops
from kg.text.tables import roles

logger = logging.getLogger(__name__)

UNPRINTED = "（标题未印出）"


@dataclass
class _Draft:
    start_line: int
    head: Head | None = None
    end_line: int = 0
    captions: list[int] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)


def split_articles(page: CleanPage) -> list[Article]:
    """The articles of a page, in reading order (empty for an empty page)."""
    lines = page_lines(page)
    if not lines:
        return []
    heads = find_heads(lines)
    starts = find_starts(lines, heads)
    if not starts:
        logger.info("page %s: no article body found", page.meta.source)
        return []
    overlap = Overlap(lines)
    pairs = pair_heads(lines, heads, starts, overlap)
    drafts = _drafts(lines, pairs, stops(lines, heads))
    _Extras(page, lines, drafts, heads, overlap).attach()
    return [_article(page, lines, k, d) for k, d in enumerate(drafts)]


def _drafts(lines: list[Line], pairs: dict[int, Head | None], stop_lines: set[int]) -> list[_Draft]:
    """One draft per start: its head and its body lines, up to the next start."""
    order = sorted(pairs)
    drafts: list[_Draft] = []
    for k, s in enumerate(order):
        nxt = order[k + 1] if k + 1 < len(order) else len(lines)
        end = s
        while end + 1 < nxt and end + 1 not in stop_lines:
            end += 1
        # photo captions set apart by blank lines, or reading as such, at the end are not body
        while end > s and (
            lines[end].photo
            or lines[end].width <= CAPTION_MAX
            and (lines[end].gap >= 2 or (lines[end].kind == "short" and lines[end - 1].gap >= 2))
        ):
            end -= 1
        drafts.append(_Draft(start_line=s, head=pairs[s], end_line=end))
    return drafts


class _Extras:
    """Give captions, source lines and banners to their articles."""

    def __init__(
        self,
        page: CleanPage,
        lines: list[Line],
        drafts: list[_Draft],
        heads: list[Head],
        overlap: Overlap,
    ) -> None:
        self.page, self.lines, self.drafts, self.overlap = page, lines, drafts, overlap
        self.covered: dict[int, _Draft] = {}
        for d in drafts:
            for i in range(d.start_line, d.end_line + 1):
                self.covered[i] = d
        self.in_head = head_lines(heads)
        self._words: dict[int, set[str]] = {}

    def attach(self) -> None:
        """Go down the lines once, giving each extra line to its article."""
        for i, line in enumerate(self.lines):
            if line.kind == "source":
                self._source(i)
            elif line.kind == "banner":
                self._banner(i)
            elif i in self.in_head:
                continue
            elif i in self.covered:
                if line.kind == "caption" and (line.gap >= 2 or line.photo):
                    self.covered[i].captions.append(i)
            else:
                self._loose(i)

    def by_words(self, text: str) -> _Draft:
        """The article whose head and body share most of ``text``'s words."""

        def score(k: int) -> float:
            if k not in self._words:
                d = self.drafts[k]
                body = "".join(x.text for x in self.lines[d.start_line : d.end_line + 1])
                self._words[k] = bigrams((head_text(self.lines, d.head) if d.head else "") + body)
            return self.overlap(text, self._words[k])

        return self.drafts[max(range(len(self.drafts)), key=score)]

    def _source(self, i: int) -> None:
        """A source line ``（X供稿）`` credits the article above it."""
        line = self.lines[i]
        before = [d for d in self.drafts if d.end_line < i]
        if not before:
            return
        d = max(before, key=lambda d: d.end_line)
        m = source_line(line.text)
        assert m is not None
        role = "供图" if m["pic"] or m["role"] == "供图" else "供稿"
        start, end = line.start + m.start("name"), line.start + m.end("name")
        # （通讯员 周敏 供稿）: a person with a byline role, not a body named 通讯员周敏
        named = byline_credits(self.page, start, end)
        d.credits.extend(named or [credit(self.page, role, start, end)])

    def _banner(self, i: int) -> None:
        """Co-organisers of a column banner ``A B 联办`` credit the article under it."""
        lines = self.lines
        line = lines[i]
        word = next(w for w, _ in roles("banner") if line.text.endswith(w))
        role = dict(roles("banner"))[word]
        body = line.text[: -len(word)]
        names = [(m.start(), m.end()) for m in re.finditer(r"[^\s\u3000]+", body)]
        after = [d for d in self.drafts if d.start_line > i]
        below = min(after, key=lambda d: d.start_line) if after else None
        if (
            below is not None
            and all(
                lines[j].kind in ("caption", "short", "banner")
                for j in range(i + 1, below.start_line)
            )
            and below.start_line - i <= 2
        ):
            target = below
        else:
            head_line = lines[i - 1].text if i and lines[i - 1].kind == "short" else ""
            target = self.by_words(head_line + body)
        for s, e in names:
            target.credits.append(credit(self.page, role, line.start + s, line.start + e))

    def _loose(self, i: int) -> None:
        """A line outside every head and body: a caption of the article above or alike, or nothing."""
        lines = self.lines
        line = lines[i]
        over_banner = i + 1 < len(lines) and lines[i + 1].kind == "banner"
        if line.photo or (line.width <= CAPTION_MAX and line.kind in ("caption", "short")):
            if over_banner:
                return  # the banner's first line ("对标先进 争创一流")
            j = i - 1
            while j >= 0 and lines[j].kind == "caption" and j not in self.covered:
                j -= 1
            under = [d for d in self.drafts if d.head is not None and d.head.last == j]
            (under[0] if under else self.by_words(line.text)).captions.append(i)
        elif not (line.kind == "short" and over_banner):
            logger.debug("line %d belongs to no article: %r", i, line.text[:20])


def _gist(body: str) -> str:
    """A descriptive title for an article printed without one: its first long clause."""
    plain = "".join(c for c in "".join(body.split()) if c not in "“”‘’\"'《》")
    clauses = [c for c in re.split(r"[，。！？；：、,.!?;:（）()]", plain) if c]
    long_ = [c for c in clauses if len(c) >= 6]
    return (long_ or clauses or [""])[0][:16]


def _photo_credits(page: CleanPage, lines: list[Line], d: _Draft) -> list[Credit]:
    """The photographers its photo captions name (``张三 摄``)."""
    return [
        c
        for i in sorted(set(d.captions))
        if lines[i].photo
        for c in caption_credits(page, lines[i].start, lines[i].end)
    ]


def _article(page: CleanPage, lines: list[Line], index: int, d: _Draft) -> Article:
    first = lines[d.start_line]
    body_start = first.start + first.lead_byline
    body_end = lines[d.end_line].end
    body = page.text[body_start:body_end]
    head = d.head
    credits: list[Credit] = []
    byline = None
    kicker = subtitle = None
    if first.lead_byline:
        byline = page.text[first.start : body_start].strip(SPACE)
        credits.extend(lead_credits(page, first.start, body_start))
    last = lines[d.end_line]
    credits.extend(trailing_credits(page, last.start, last.end))
    if head is None:
        title, title_start, printed = UNPRINTED + _gist(body), None, False
        start = body_start
    else:
        t = lines[head.title]
        title, title_start, printed = t.text, t.start, True
        if "——" in title.strip("—"):
            title, _, rest = title.partition("——")
            subtitle = rest.strip("—")
        if head.kicker is not None:
            k = lines[head.kicker].text.rstrip("—").strip(SPACE)
            kicker = re.split(f"[{SPACE}]+", k)[-1]
        if head.subtitle is not None:
            subtitle = lines[head.subtitle].text.lstrip("—").strip(SPACE)
        if head.byline is not None:
            b = lines[head.byline]
            tail_end = lines[head.last].end
            byline = page.text[b.start : tail_end].replace("\n", " ")
            credits.extend(byline_credits(page, b.start, b.end))
        adjacent = head.body == d.start_line or head.last + 1 == d.start_line
        start = lines[min(head.lines)].start if adjacent else body_start
    return Article(
        index=index,
        title=title.strip(SPACE),
        body=body,
        body_start=body_start,
        start=start,
        end=body_end,
        kicker=kicker,
        subtitle=subtitle or None,
        byline=byline,
        credits=credits + d.credits + _photo_credits(page, lines, d),
        captions=[lines[i].text for i in sorted(set(d.captions))],
        title_printed=printed,
        title_start=title_start,
    )
