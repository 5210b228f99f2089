"""Split a clean page into its articles, in reading order.

PDF extraction scatters an article's parts: a title may come right before its
body, or far after it (all titles of a page collected at its end). The
splitter therefore works in three passes over the lines of the clean text:

1. classify each line by layout cues (width, final punctuation, dashes,
   byline role words, blank lines around it, the raw column width);
2. find article *heads* (kicker, title, subtitle, byline) and body *starts*
   (the first body line of the page, the line after a head or after a source
   line ``（X供稿）``, a change of column width where the topic changes);
3. pair heads with starts by position and by the words a head shares with the
   opening of a body, weighted by how rare they are on the page; a head left
   over searches the whole page for its opening; a start left over is an
   article whose title is not printed.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from kg.lexicon import tables
from kg.model import Article, CleanPage, Credit
from kg.text.clean import SPACE, credit_roles, is_byline_start, is_cjk, width

logger = logging.getLogger(__name__)

TITLE_MAX = 40.0  # widest title line, in CJK characters
CAPTION_MAX = 45.0  # widest photo caption
UNPRINTED = "（标题未印出）"
SENTENCE_END = "。！？!?…"
# A head's pull towards the body right under it, against word overlap.
ADJACENT_BONUS = 0.3
MIN_OVERLAP = 0.15  # least share of a head's (weighted) words to pair it far away
WINDOW = 300  # most characters of a body opening compared with a head
OPENING = 80  # an opening takes whole lines until it has this many characters


@dataclass
class Line:
    """One non-empty line of the clean text with its layout features."""

    index: int
    start: int
    end: int
    text: str
    gap: int  # blank lines before it
    kind: str = "body"  # body, short, caption, byline, tail, kicker, subtitle, source, banner
    lead_byline: int = 0  # length of a byline opening a body line ("本报讯 记者X报道 ")
    column: float = 0.0  # raw column width of the lines it was joined from
    last_width: float = 0.0  # width of its last raw line

    @property
    def width(self) -> float:
        return width(self.text)


@dataclass
class Head:
    """Kicker, title, subtitle and byline lines of one article."""

    title: int
    kicker: int | None = None
    subtitle: int | None = None
    byline: int | None = None
    last: int = 0  # last line index belonging to the head
    body: int | None = None  # the body start right under it, if any

    @property
    def lines(self) -> list[int]:
        return [i for i in (self.kicker, self.title, self.subtitle, self.byline) if i is not None]


@dataclass
class _Draft:
    start_line: int
    head: Head | None = None
    end_line: int = 0
    captions: list[int] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)


@cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    words = tables.surnames("author")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@cache
def _roles(scope: str) -> tuple[tuple[str, str], ...]:
    """(word, role) of one credit scope, longest word first."""
    pairs = [(w, r) for w, (r, s) in credit_roles().items() if s == scope]
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


_SOURCE = re.compile(tables.pattern("source_line"))
_TAIL = re.compile(tables.pattern("credit_tail"))
# The dateline that opens a news item: "本报讯", "新华社北京11月3日电", "（XX电）".
_LEAD = re.compile(tables.pattern("dateline"))
# and the credits in brackets after it: "（记者 张三 通讯员 李四）"
_LEAD_CREDITS = re.compile(r"\s*[（(][^（()）]{2,30}[)）]")
_NAME = re.compile(r"[\u4e00-\u9fff·]{2,5}")
_CREDIT_KIND = tables.chars("credit_kind")  # 文, 图, 摄: "文并摄" is no name
# "文/图", "文并摄" after a name, longest first
_CREDIT_SUFFIXES = tuple(
    sorted((r.word for r in tables.roles("credit_suffix")), key=len, reverse=True)
)


def _ends_sentence(text: str) -> bool:
    s = text.rstrip("”’」』）)\"'")
    return bool(s) and s[-1] in SENTENCE_END


def _is_bare_author(text: str) -> bool:
    """A line that is only a person's name (the author of a commentary)."""
    if not (2 <= len(text) <= 4 and all(is_cjk(c) for c in text)):
        return False
    single, double = _surnames()
    return text[0] in single or text[:2] in double


# ---------------------------------------------------------------- pass 1


def _lines(page: CleanPage) -> list[Line]:
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
    return lines


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


def _kind(line: Line) -> str:
    text, w = line.text, line.width
    if _SOURCE.fullmatch(text):
        return "source"
    if w <= TITLE_MAX and any(text.endswith(word) for word, _ in _roles("banner")):
        return "banner"
    if is_byline_start(text) and w < TITLE_MAX and not _ends_sentence(text):
        return "byline"
    if w > TITLE_MAX:
        line.lead_byline = _lead_byline(text)
        if line.lead_byline:
            return "body"
    if _TAIL.fullmatch(text):
        return "tail"
    if text.endswith("——") and w <= TITLE_MAX + 15:
        return "kicker"
    if text.startswith("——") and w <= TITLE_MAX + 30:
        return "subtitle"
    if w <= CAPTION_MAX and _ends_sentence(text) and text.count("。") <= 2:
        return "caption"
    if w <= TITLE_MAX and not _ends_sentence(text):
        return "short"
    return "body"


def _lead_byline(text: str) -> int:
    """Length of a byline that opens a body line, e.g. ``本报讯 记者X报道 ``."""
    head = text[:40]
    m = _LEAD.match(head)
    if not m:
        return 0
    end = m.end()
    credits = _LEAD_CREDITS.match(head, end)
    if credits and any(word in credits.group() for word, _ in _roles("byline")):
        end = credits.end()
    else:
        reported = head.find("报道", end)
        if reported >= 0 and any(w in head[end:reported] for w, _ in _roles("byline")):
            end = reported + 2
    while end < len(text) and text[end] in SPACE:
        end += 1
    return end


# ---------------------------------------------------------------- pass 2


def _heads(lines: list[Line]) -> list[Head]:
    """Article heads, found from bylines, kickers and subtitles."""
    n = len(lines)
    used: set[int] = set()
    heads: list[Head] = []

    def titleish(i: int) -> bool:
        return 0 <= i < n and i not in used and lines[i].kind == "short"

    def close(head: Head, after: int) -> Head:
        j = after + 1
        # byline tails ("文\", "图") and a short column tag ("思考") under a byline
        while (
            j < n
            and j not in used
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
        used.update(range(min(head.lines), head.last + 1))
        heads.append(head)
        return head

    for i, line in enumerate(lines):
        if i in used:
            continue
        bare = (
            line.kind == "short"
            and _is_bare_author(line.text)
            and titleish(i - 1)
            and i + 1 < n
            and not _is_bare_author(lines[i - 1].text)
        )
        if line.kind == "byline" or bare or (line.lead_byline and titleish(i - 1)):
            j = i - 1
            sub = None
            if 0 <= j and j not in used and lines[j].kind == "subtitle":
                sub, j = j, j - 1
            if not titleish(j) and not (0 <= j and lines[j].kind == "kicker"):
                continue
            if lines[j].kind == "kicker":
                continue  # handled from the kicker
            head = Head(title=j, subtitle=sub)
            k = j - 1
            if k >= 0 and k not in used and lines[k].kind == "kicker":
                head.kicker = k
            elif (
                titleish(k)
                and lines[j].gap <= 1
                and lines[k].width <= TITLE_MAX
                and not (k > 0 and lines[k - 1].kind == "kicker")
                and (k == 0 or lines[k].gap >= 1)
            ):
                head.kicker = k  # a lead-in line printed without a dash
            if line.lead_byline:
                used.update(head.lines)
                head.last = i - 1
                heads.append(head)
                continue
            head.byline = i
            close(head, i)
        elif line.kind == "kicker" and titleish(i + 1):
            head = Head(title=i + 1, kicker=i)
            j = i + 2
            if j < n and lines[j].kind == "subtitle":
                head.subtitle, j = j, j + 1
            if j < n and (
                lines[j].kind == "byline"
                or (lines[j].kind == "short" and _is_bare_author(lines[j].text))
            ):
                head.byline = j
                close(head, j)
            else:
                close(head, j - 1)
        elif line.kind == "subtitle" and titleish(i - 1):
            head = Head(title=i - 1, subtitle=i)
            if i + 1 < n and lines[i + 1].kind == "byline":
                head.byline = i + 1
                close(head, i + 1)
            else:
                close(head, i)
    heads.sort(key=lambda h: h.title)
    return heads


def _is_body(line: Line) -> bool:
    return line.kind == "body" or (line.kind == "caption" and line.gap < 2)


def _starts(lines: list[Line], heads: list[Head]) -> list[int]:
    """Strong body starts: page top, under a head, after a source line, column change."""
    in_head = {i for h in heads for i in range(min(h.lines), h.last + 1)}
    starts: list[int] = []
    first = next((i for i, x in enumerate(lines) if x.kind == "body" and i not in in_head), None)
    if first is not None:
        starts.append(first)
    for head in heads:
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
            if ratio >= 1.5 and _ends_sentence(lines[i - 1].text) and not flowed:
                result.append(i)
        if line.column:
            prev = line
    return result


# ---------------------------------------------------------------- pass 3


_NOT_WORD = re.compile(r"[\W_]+")


def _bigrams(text: str) -> set[str]:
    """Pairs of adjacent word characters (CJK, letters, digits), punctuation dropped."""
    kept = _NOT_WORD.sub("", text)
    return set(map(str.__add__, kept, kept[1:]))


class _Overlap:
    """Share of a head's words found in a text, weighted by rarity on the page."""

    def __init__(self, lines: list[Line]) -> None:
        self.text = "\n".join(line.text for line in lines)
        self.n = max(1, len(lines))
        self.weights: dict[str, float] = {}

    def weight(self, gram: str) -> float:
        """Inverse frequency of a word pair on the page."""
        if gram not in self.weights:
            self.weights[gram] = math.log(1 + self.n / (1 + self.text.count(gram)))
        return self.weights[gram]

    def __call__(self, head_text: str, text: str | set[str]) -> float:
        grams = _bigrams(head_text)
        if not grams:
            return 0.0
        weight = {g: self.weight(g) for g in sorted(grams)}  # sorted: sums reproducible
        found = _bigrams(text) if isinstance(text, str) else text
        total = sum(weight.values())
        return sum(w for g, w in weight.items() if g in found) / total if total else 0.0


def _opening(lines: list[Line], i: int, stops: set[int]) -> str:
    """The first characters of the body text from line ``i`` on."""
    text: list[str] = []
    size = 0
    while i < len(lines) and size < OPENING and (not text or i not in stops):
        text.append(lines[i].text)
        size += len(lines[i].text)
        i += 1
    return "".join(text)[:WINDOW]


def _head_text(lines: list[Line], head: Head) -> str:
    return "".join(lines[i].text for i in head.lines if i != head.byline)


def _pair(
    lines: list[Line], heads: list[Head], starts: list[int], overlap: _Overlap
) -> dict[int, Head | None]:
    """Map each body start to its head (None: title not printed)."""
    stops = _stops(lines, heads)
    openings = {s: _opening(lines, s, stops) for s in starts}
    scored = []
    for hi, head in enumerate(heads):
        text = _head_text(lines, head)
        for s in starts:
            score = overlap(text, openings[s])
            adjacent = head.body == s
            if adjacent:
                score += ADJACENT_BONUS
            if adjacent or score >= MIN_OVERLAP:
                scored.append((-score, s, hi))
    scored.sort()
    pairs: dict[int, Head | None] = {}
    done: set[int] = set()
    for _, s, hi in scored:
        if s in pairs or hi in done:
            continue
        pairs[s] = heads[hi]
        done.add(hi)
    for hi, head in enumerate(heads):
        if hi in done:
            continue
        found = _search(lines, head, overlap, stops, set(pairs) | set(starts))
        if found is not None:
            pairs[found] = head
            done.add(hi)
    # heads still without a body take the starts still without a title, in order
    left = [s for s in starts if s not in pairs]
    for hi, head in enumerate(heads):
        if hi not in done:
            if not left:
                logger.debug("no body found for title %r", lines[head.title].text)
                continue
            pairs[left.pop(0)] = head
    for s in starts:
        pairs.setdefault(s, None)
    return pairs


def _stops(lines: list[Line], heads: list[Head]) -> set[int]:
    """Lines a body never runs into: heads, banners, source lines."""
    stops = {i for h in heads for i in range(min(h.lines), h.last + 1)}
    return stops | {i for i, x in enumerate(lines) if x.kind in ("banner", "source")}


def _search(
    lines: list[Line], head: Head, overlap: _Overlap, stops: set[int], taken: set[int]
) -> int | None:
    """The earliest body line that opens like the head's words, anywhere on the page."""
    text = _head_text(lines, head)
    scores = []
    for i, line in enumerate(lines):
        if i in stops or i in taken or line.kind != "body":
            continue
        prev = lines[i - 1] if i else None
        if prev is not None and prev.kind == "body" and not _ends_sentence(prev.text):
            continue
        scores.append((i, overlap(text, _opening(lines, i, stops))))
    if not scores:
        return None
    best = max(s for _, s in scores)
    if best < MIN_OVERLAP:
        return None
    return next(i for i, s in scores if s >= 0.8 * best)


# ---------------------------------------------------------------- assembly


def split_articles(page: CleanPage) -> list[Article]:
    """The articles of a page, in reading order (empty for an empty page)."""
    lines = _lines(page)
    if not lines:
        return []
    heads = _heads(lines)
    starts = _starts(lines, heads)
    if not starts:
        logger.info("page %s: no article body found", page.meta.source)
        return []
    overlap = _Overlap(lines)
    pairs = _pair(lines, heads, starts, overlap)
    stops = _stops(lines, heads)
    order = sorted(pairs)
    drafts: list[_Draft] = []
    for k, s in enumerate(order):
        nxt = order[k + 1] if k + 1 < len(order) else len(lines)
        end = s
        while end + 1 < nxt and end + 1 not in stops:
            end += 1
        # photo captions set apart by blank lines at the end are not body
        while (
            end > s
            and lines[end].width <= CAPTION_MAX
            and (lines[end].gap >= 2 or (lines[end].kind == "short" and lines[end - 1].gap >= 2))
        ):
            end -= 1
        drafts.append(_Draft(start_line=s, head=pairs[s], end_line=end))
    _attach_extras(page, lines, drafts, heads, overlap)
    return [_article(page, lines, k, d) for k, d in enumerate(drafts)]


def _attach_extras(
    page: CleanPage, lines: list[Line], drafts: list[_Draft], heads: list[Head], overlap: _Overlap
) -> None:
    """Give captions, source lines and banners to their articles."""
    covered: dict[int, _Draft] = {}
    for d in drafts:
        for i in range(d.start_line, d.end_line + 1):
            covered[i] = d
    in_head = {i for h in heads for i in range(min(h.lines), h.last + 1)}
    words: dict[int, set[str]] = {}

    def by_words(text: str) -> _Draft:
        def score(k: int) -> float:
            if k not in words:
                d = drafts[k]
                body = "".join(x.text for x in lines[d.start_line : d.end_line + 1])
                words[k] = _bigrams((_head_text(lines, d.head) if d.head else "") + body)
            return overlap(text, words[k])

        return drafts[max(range(len(drafts)), key=score)]

    for i, line in enumerate(lines):
        if line.kind == "source":
            before = [d for d in drafts if d.end_line < i]
            if before:
                d = max(before, key=lambda d: d.end_line)
                m = _SOURCE.fullmatch(line.text)
                assert m is not None
                role = "供图" if m["pic"] or m["role"] == "供图" else "供稿"
                start, end = line.start + m.start("name"), line.start + m.end("name")
                # （通讯员 周敏 供稿）: a person with a byline role, not a body named 通讯员周敏
                named = byline_credits(page, start, end)
                d.credits.extend(named or [_credit(page, role, start, end)])
            continue
        if line.kind == "banner":
            _banner_credits(page, lines, i, drafts, by_words)
            continue
        if i in in_head:
            continue
        if i in covered:
            if line.kind == "caption" and line.gap >= 2:
                covered[i].captions.append(i)
            continue
        if line.width <= CAPTION_MAX and line.kind in ("caption", "short"):
            if i + 1 < len(lines) and lines[i + 1].kind == "banner":
                continue  # the banner's first line ("对标先进 争创一流")
            j = i - 1
            while j >= 0 and lines[j].kind == "caption" and j not in covered:
                j -= 1
            under = [d for d in drafts if d.head is not None and d.head.last == j]
            (under[0] if under else by_words(line.text)).captions.append(i)
        elif line.kind == "short" and i + 1 < len(lines) and lines[i + 1].kind == "banner":
            continue
        else:
            logger.debug("line %d belongs to no article: %r", i, line.text[:20])


def _banner_credits(
    page: CleanPage,
    lines: list[Line],
    i: int,
    drafts: list[_Draft],
    by_words: Callable[[str], _Draft],
) -> None:
    """Co-organisers of a column banner ``A B 联办`` credit the article under it."""
    line = lines[i]
    word = next(w for w, _ in _roles("banner") if line.text.endswith(w))
    role = dict(_roles("banner"))[word]
    body = line.text[: -len(word)]
    names = [(m.start(), m.end()) for m in re.finditer(r"[^\s\u3000]+", body)]
    after = [d for d in drafts if d.start_line > i]
    below = min(after, key=lambda d: d.start_line) if after else None
    if (
        below is not None
        and all(
            lines[j].kind in ("caption", "short", "banner") for j in range(i + 1, below.start_line)
        )
        and below.start_line - i <= 2
    ):
        target = below
    else:
        head_line = lines[i - 1].text if i and lines[i - 1].kind == "short" else ""
        target = by_words(head_line + body)
    for s, e in names:
        target.credits.append(_credit(page, role, line.start + s, line.start + e))


def _credit(page: CleanPage, role: str, start: int, end: int) -> Credit:
    name = "".join(c for c in page.text[start:end] if c not in SPACE)
    raw_start, raw_end = page.raw_span(start, end)
    return Credit(role, name, raw_start, raw_end)


def byline_credits(page: CleanPage, start: int, end: int) -> list[Credit]:
    """Credits of a byline at ``[start, end)`` of the clean text (``记者 X 通讯员 Y 文/图``)."""
    text = page.text[start:end]
    roles = _roles("byline")
    marks: list[tuple[int, int, str]] = []
    i = 0
    while i < len(text):
        for word, role in roles:
            if text.startswith(word, i):
                marks.append((i, i + len(word), role))
                i += len(word)
                break
        else:
            i += 1
    credits = []
    for k, (_, m_end, role) in enumerate(marks):
        stop = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        segment = text[m_end:stop]
        cut = segment.find("报道")
        if cut >= 0:
            segment = segment[:cut]
        for m in _NAME.finditer(segment):
            name, s = m.group(), m_end + m.start()
            if not name.strip(_CREDIT_KIND):
                continue  # "文并摄": the credit's kind, not a name
            # "文/图", "文并摄" after the name are not part of it
            for suffix in _CREDIT_SUFFIXES:
                if (
                    name.endswith(suffix)
                    and len(name) - len(suffix) >= 2
                    and (m.end() == len(segment) or segment[m.end()] in "/\\／、")
                ):
                    name = name[: -len(suffix)]
                    break
            credits.append(_credit(page, role, start + s, start + s + len(name)))
    if not marks and _is_bare_author(text.strip()):
        credits.append(_credit(page, "记者", start, end))
    return credits


def _gist(body: str) -> str:
    """A descriptive title for an article printed without one: its first long clause."""
    plain = "".join(c for c in "".join(body.split()) if c not in "“”‘’\"'《》")
    clauses = [c for c in re.split(r"[，。！？；：、,.!?;:（）()]", plain) if c]
    long_ = [c for c in clauses if len(c) >= 6]
    return (long_ or clauses or [""])[0][:16]


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
        credits.extend(byline_credits(page, first.start, body_start))
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
        credits=credits + d.credits,
        captions=[lines[i].text for i in sorted(set(d.captions))],
        title_printed=printed,
        title_start=title_start,
    )
