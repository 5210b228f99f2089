"""Clean PDF-extracted page text.

Each step is a pure function from a :class:`Traced` text (the text plus, for
every character, its index in the raw page) to a new one, with keyword-only
options; :func:`run_steps` chains them. Steps only delete characters, so the
offset map stays exact: ``raw[offsets[i]] == text[i]``.

The page furniture (date line, page name, masthead, editor line, banners) is
read into the page metadata and credits by :func:`read_furniture` before the
``drop_furniture`` step deletes it.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial

from kg.errors import ModelError
from kg.lexicon import tables
from kg.model import CleanPage, Credit, PageMeta

logger = logging.getLogger(__name__)

# Horizontal white space (never the newline, which carries the layout).
SPACE = " \t\u3000\xa0"
SENTENCE_END = "。！？!?…；;"
CLOSERS = "”’」』）)》〉】\"'"
# Lines at least this wide (CJK characters) that break without punctuation are
# paragraphs cut by the layout, even when they stand alone between blank lines.
LONG_LINE = 40.0
FURNITURE_MAX = 120  # no furniture line is longer (characters)
_BRACKETS = (("《", "》"), ("“", "”"), ("（", "）"), ("(", ")"), ("「", "」"), ("【", "】"))


@dataclass(frozen=True)
class Traced:
    """Text with the raw-page index of each of its characters."""

    text: str
    offsets: array[int]  # a compact int array: slicing and joining run at C speed

    @classmethod
    def of(cls, raw: str) -> Traced:
        """The raw page itself: every character maps to its own index."""
        return cls(raw, array("q", range(len(raw))))


Step = Callable[[Traced], Traced]


def run_steps(doc: Traced, steps: Sequence[Step]) -> Traced:
    """Apply cleaning steps in order."""
    for step in steps:
        doc = step(doc)
    return doc


def delete_spans(doc: Traced, spans: Iterable[tuple[int, int]]) -> Traced:
    """Delete ``[start, end)`` spans (sorted, non-overlapping) from a traced text."""
    text_parts: list[str] = []
    offsets: array[int] = array("q")
    pos = 0
    for start, end in spans:
        if start < pos or end <= start:
            continue
        text_parts.append(doc.text[pos:start])
        offsets.extend(doc.offsets[pos:start])
        pos = end
    if pos == 0:
        return doc
    text_parts.append(doc.text[pos:])
    offsets.extend(doc.offsets[pos:])
    return Traced("".join(text_parts), offsets)


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class Furniture:
    """Patterns of page furniture, loaded from ``kg/data/text/furniture.csv``."""

    date: re.Pattern[str]
    pagename: re.Pattern[str]
    masthead: re.Pattern[str]
    banner: re.Pattern[str]
    lines: re.Pattern[str]
    mastheads: dict[str, str]
    page_roles: dict[str, str]


@cache
def credit_roles() -> dict[str, tuple[str, str]]:
    """Role words of credits: word -> (role, scope), from ``people/roles.csv``."""
    return {r.word: (r.credit_role, r.credit_scope) for r in tables.roles("credit")}


@cache
def furniture() -> Furniture:
    """The furniture patterns and tables."""
    by_kind: dict[str, list[str]] = {}
    patterns = tables.load_table("text/furniture.csv")
    for kind, pattern in zip(patterns.column("kind"), patterns.column("pattern"), strict=True):
        by_kind.setdefault(kind, []).append(pattern)
    try:
        compiled = {
            kind: re.compile("|".join(f"(?:{p})" for p in pats)) for kind, pats in by_kind.items()
        }
    except re.error as e:
        raise ModelError(f"bad pattern in text/furniture.csv: {e}") from e
    names = tables.load_table("text/mastheads.csv")
    mastheads = dict(zip(names.column("pinyin"), names.column("newspaper"), strict=True))
    page_roles = {w: r for w, (r, scope) in credit_roles().items() if scope == "page"}
    return Furniture(
        date=compiled["date"],
        pagename=compiled["pagename"],
        masthead=compiled["masthead"],
        banner=compiled["banner"],
        lines=compiled["line"],
        mastheads=mastheads,
        page_roles=page_roles,
    )


@cache
def _editor_role_re() -> re.Pattern[str]:
    words = sorted(furniture().page_roles, key=len, reverse=True)
    return re.compile(f"({'|'.join(map(re.escape, words))})[:：]")


# ---------------------------------------------------------------- line helpers


def width(line: str) -> float:
    """Printed width of a line in CJK characters (ASCII and curly quotes count half).

    Spaces do not count: justification spreads them over short lines.
    """
    ascii_spaces = line.count(" ") + line.count("\t")
    spaces = ascii_spaces + line.count("\u3000") + line.count("\xa0")
    half = len(line.encode("ascii", "ignore")) - ascii_spaces + line.count("“") + line.count("”")
    return len(line) - spaces - 0.5 * (half + line.count("‘") + line.count("’"))


def _lines(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each line (without its newline)."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def is_cjk(ch: str) -> bool:
    """A Han character (basic block and extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_cjk_punct(ch: str) -> bool:
    return "\u3000" < ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·"


def is_editor_line(line: str) -> bool:
    """A page editor line: two or more page roles followed by a colon."""
    return len(_editor_role_re().findall(line)) >= 2


@lru_cache(maxsize=4096)
def is_furniture_line(line: str) -> bool:
    """A line that is page furniture only (date, page name, masthead, banner…)."""
    s = line.strip(SPACE)
    if not s or len(s) > FURNITURE_MAX:
        return False
    if any(p in s for p in "，。、；"):
        return False  # furniture has no clause punctuation; most body lines do
    f = furniture()
    if f.masthead.fullmatch(s) or f.banner.fullmatch(s) or f.lines.fullmatch(s):
        return True
    if is_editor_line(s):
        return True
    rest = f.pagename.sub("", f.date.sub("", s))
    return rest != s and not rest.strip(SPACE + "0123456789")


# ---------------------------------------------------------------- steps


def normalise_whitespace(doc: Traced) -> Traced:
    """Drop carriage returns, zero-width characters and spaces at line ends."""
    doc = delete_spans(doc, [m.span() for m in _INVISIBLE.finditer(doc.text)])
    return delete_spans(doc, [m.span() for m in _EDGE_SPACE.finditer(doc.text)])


_INVISIBLE = re.compile("[\r\u200b\ufeff]+")
_EDGE_SPACE = re.compile(f"^[{SPACE}]+|[{SPACE}]+$", re.MULTILINE)


def drop_furniture(doc: Traced) -> Traced:
    """Delete whole lines of page furniture (with their newline)."""
    spans = []
    for start, end in _lines(doc.text):
        if is_furniture_line(doc.text[start:end]):
            spans.append((start, min(end + 1, len(doc.text))))
    return delete_spans(doc, spans)


def rebuild_vertical(doc: Traced, *, min_run: int = 3) -> Traced:
    """Join runs of one-character lines (titles set vertically) into one line."""
    run = re.compile(r"(?m)(?:^\S\n){" + str(max(1, min_run - 1)) + r",}^\S$")
    spans: list[tuple[int, int]] = []
    for m in run.finditer(doc.text):
        base = m.start()
        spans.extend((base + i, base + i + 1) for i in range(1, m.end() - base, 2))
    return delete_spans(doc, spans)


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


def join_lines(doc: Traced, *, keep_paragraphs: bool = True, window: int = 12) -> Traced:
    """Remove line breaks the layout put inside sentences and words.

    A break stays after sentence-final punctuation, after a line clearly
    shorter than its column (a paragraph end or a title line), and around
    kicker and subtitle lines (ending or starting with ——). Blank lines are
    crossed only when the text before them is cut mid-sentence: a full
    column line of a justified block, a long paragraph line, or an open
    bracket.
    """
    text = doc.text
    spans = _lines(text)
    lines = [text[s:e] for s, e in spans]
    n = len(lines)
    widths = [width(x) for x in lines]
    # blocks of consecutive non-blank lines
    block_of = [-1] * n
    blocks: list[list[int]] = []
    for i, line in enumerate(lines):
        if line:
            if i and lines[i - 1]:
                blocks[-1].append(i)
            else:
                blocks.append([i])
            block_of[i] = len(blocks) - 1
    # column lines: all but the last line of blocks of four or more lines of even width
    in_multi = [
        i
        for b in blocks
        if len(b) > 3 and max(widths[i] for i in b[1:-1]) - min(widths[i] for i in b[1:-1]) <= 4
        for i in b[:-1]
    ]
    column = _LocalWidths(in_multi, widths, window)

    def full(i: int) -> bool:
        # the first line of a paragraph lost its two-character indent
        first = i == 0 or not lines[i - 1]
        lo = column[i] - (3.5 if first else 2.5)
        # a line far wider than the column is a paragraph already joined, not column text
        return column[i] > 0 and lo <= widths[i] <= column[i] * 2 + 1

    def keeps_break(i: int, j: int) -> bool:
        a, b = lines[i], lines[j]
        if a[-1] in SENTENCE_END or (a[-1] in CLOSERS and len(a) > 1 and a[-2] in SENTENCE_END):
            return True
        if _protected(a) or _protected(b) or (is_byline_start(b) and width(b) < 30):
            return True
        if b[0] in "（(" and b[-1] in "）)" and width(b) < 30:
            return True  # a source line "（X供稿）"
        return False

    cut: list[tuple[int, int]] = []
    for bi, block in enumerate(blocks):
        for i, j in zip(block, block[1:], strict=False):
            if keeps_break(i, j) or not (full(i) or _unbalanced(lines[i])):
                continue
            cut.append(_join_span(text, spans[i][1], spans[j][0]))
        if not keep_paragraphs or bi + 1 >= len(blocks):
            continue
        last, nxt = block[-1], blocks[bi + 1][0]
        if keeps_break(last, nxt):
            continue
        if _has_word_space(lines[last]):
            continue  # a title or banner line: "对标先进 争创一流"
        body_like = full(block[-2]) if len(block) > 1 else len(blocks[bi + 1]) > 1
        justified = full(last) and body_like
        if lines[last][-1] in "，、,：:" and (full(last) or column[last] == 0):
            justified = True
        long_alone = len(block) == 1 and widths[last] >= LONG_LINE
        if justified or long_alone or _unbalanced(lines[last]):
            cut.append(_join_span(text, spans[last][1], spans[nxt][0]))
    return delete_spans(doc, cut)


def _join_span(text: str, end_of_line: int, start_of_next: int) -> tuple[int, int]:
    """What to delete to join two lines: the breaks, unless two Latin words meet."""
    before, after = text[end_of_line - 1], text[start_of_next]
    if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
        return end_of_line + 1, start_of_next  # keep one newline as the word space
    return end_of_line, start_of_next


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


_SPACE_RUN = re.compile(f"[{SPACE}]+")


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
        a, b = text[s - 1], text[e]
        a_cjk, b_cjk = is_cjk(a) or _is_cjk_punct(a), is_cjk(b) or _is_cjk_punct(b)
        if not (a_cjk or b_cjk):
            continue
        if _is_cjk_punct(a) or _is_cjk_punct(b):
            spans.append((s, e))
        elif (a_cjk and b.isdigit()) or (b_cjk and a.isdigit()):
            spans.append((s, e))
        elif a_cjk and b_cjk and (_token_len(text, s - 1, -1) == 1 or _token_len(text, e, 1) == 1):
            spans.append((s, e))
    return delete_spans(doc, spans)


def _token_len(text: str, i: int, step: int) -> int:
    """Length of the run of non-space characters at ``i`` going in ``step``."""
    n = 0
    while 0 <= i < len(text) and text[i] not in SPACE and text[i] != "\n":
        n += 1
        i += step
        if n > 1:
            break
    return n


# ---------------------------------------------------------------- bylines


@cache
def _byline_start_re() -> re.Pattern[str]:
    words = sorted(
        (w for w, (_, scope) in credit_roles().items() if scope == "byline"), key=len, reverse=True
    )
    return re.compile(f"^[◆◇■□●○▲△★☆]?\\s*(?:本报讯|{'|'.join(map(re.escape, words))})")


def is_byline_start(line: str) -> bool:
    """A line that opens with a byline role word (``记者``, ``通讯员``, ``本报讯``…)."""
    return bool(_byline_start_re().match(line))


# ---------------------------------------------------------------- furniture


def read_furniture(raw: str) -> tuple[dict[str, str], list[Credit]]:
    """Page metadata and page-level credits printed in the furniture.

    Returns:
        The metadata found (keys of :class:`PageMeta`: ``date``, ``page_no``,
        ``newspaper``, ``column``) and the editor-line credits, whose offsets
        point at the names in ``raw``.
    """
    f = furniture()
    found: dict[str, str] = {}
    credits: list[Credit] = []
    for start, end in _lines(raw):
        line = raw[start:end]
        s = line.strip(SPACE)
        if not s or not is_furniture_line(s):
            continue
        date = f.date.search(s)
        if date and "date" not in found:
            y, mo, d = int(date["y"]), int(date["m"]), int(date["d"])
            if 1 <= mo <= 12 and 1 <= d <= 31:
                found["date"] = f"{y:04d}-{mo:02d}-{d:02d}"
                if date["page"]:
                    found.setdefault("page_no", str(int(date["page"])))
        page = f.pagename.search(s)
        if page and page["column"]:
            found.setdefault("column", page["column"])
        mast = f.masthead.fullmatch(s)
        if mast:
            name = f.mastheads.get(s)
            if name:
                found.setdefault("newspaper", name)
            else:
                logger.info("masthead %r not in text/mastheads.csv", s)
        banner = f.banner.fullmatch(s)
        if banner and banner["column"] and not mast:
            found.setdefault("banner", banner["column"])
        if is_editor_line(s):
            credits.extend(_editor_credits(raw, start, end))
    if "column" not in found and "banner" in found:
        found["column"] = found["banner"]
    found.pop("banner", None)
    return found, credits


def _editor_credits(raw: str, start: int, end: int) -> list[Credit]:
    """Credits of an editor line ``责编：毛利涛 组版：谢 红 校对：王文富 投稿电话：…``."""
    roles = furniture().page_roles
    line = raw[start:end]
    credits = []
    marks = list(_editor_role_re().finditer(line))
    for m in marks:
        # the name: CJK characters, single layout spaces allowed between them
        i = m.end()
        while i < len(line) and line[i] in SPACE:
            i += 1
        j = i
        while j < len(line) and (
            is_cjk(line[j])
            or (
                j > i
                and line[j] in SPACE
                and _token_len(line, j + 1, 1) == 1
                and is_cjk(line[j + 1])
            )
        ):
            j += 1
        name = "".join(c for c in line[i:j] if c not in SPACE)
        if 2 <= len(name) <= 4:
            credits.append(Credit(roles[m.group(1)], name, start + i, start + j))
    return credits


# ---------------------------------------------------------------- entry


DEFAULT_STEPS: tuple[Step, ...] = (
    normalise_whitespace,
    drop_furniture,
    partial(rebuild_vertical, min_run=3),
    join_lines,
    remove_layout_spaces,
)


def clean_traced(raw: str, *, steps: Sequence[Step] = DEFAULT_STEPS) -> Traced:
    """Run the cleaning steps on a raw page."""
    return run_steps(Traced.of(raw), steps)


def clean_page(raw: str, meta: PageMeta) -> CleanPage:
    """Join broken lines, rebuild vertical titles, drop page furniture.

    Missing fields of ``meta`` (date, page number, column, newspaper) are
    filled from the furniture; the editor line gives the page credits.
    """
    found, credits = read_furniture(raw)
    missing = {k: v for k, v in found.items() if getattr(meta, k) is None}
    if missing:
        meta = dataclasses.replace(meta, **missing)
    doc = clean_traced(raw)
    text = doc.text.strip("\n")
    lead = len(doc.text) - len(doc.text.lstrip("\n"))
    offsets = doc.offsets[lead : lead + len(text)].tolist()
    if not text:
        logger.info("page %s has no text after cleaning", meta.source)
    return CleanPage(meta=meta, raw=raw, text=text, offsets=offsets, credits=credits)
