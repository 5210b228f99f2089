"""Bylines and the credits they give: who wrote, photographed or supplied an article.

A byline is a line that opens with a role word (``记者``, ``通讯员``,
``本报讯``…), the dateline that opens a body line (``本报讯 记者X报道``,
``《某某日报》消息：``), a bare name under a commentary, the bracket that
closes a web article (``（记者 张三）``, ``（张三 李四）``) or the end of a photo
caption (``张三 摄``). The functions here read the people and bodies they
name, with offsets into the raw page.

Names printed together (``通讯员王明于文哲``) are told apart by the surname
table: a name starts with a surname, and a function word (``于``, ``和``) is
never inside one. A kind printed after names (``文/图``, ``摄``) applies to
the names before it; only a photo kind (``摄``, ``/图``) changes the role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.lexicon import tables
from kg.model import CleanPage, Credit
from kg.text.chars import SPACE, is_cjk
from kg.text.tables import (
    common_words,
    credit_roles,
    org_credit_roles,
    role_of,
    roles,
    surname_ranks,
    surnames,
)

# The dateline that opens a news item: "本报讯", "新华社北京11月3日电", "（XX电）".
_LEAD = re.compile(tables.pattern("dateline"))
# the organ a dateline credits: "《天津日报》消息：", "新华社北京1月5日电"
_NEWS_SOURCE = re.compile(tables.pattern("news_source"))
_SELF_SOURCE = re.compile(tables.pattern("self_source"))
# and the credits in brackets after it: "（记者 张三 通讯员 李四）"
_LEAD_CREDITS = re.compile(r"\s*[（(][^（()）]{2,30}[)）]")
_BRACKET_TAIL = re.compile(tables.pattern("bracket_tail"))
_CREDIT_FIELD = re.compile(tables.pattern("credit_field"))
_SOURCE = re.compile(tables.pattern("source_line"))
_PHOTO_CAPTION = re.compile(tables.pattern("photo_caption"))
_RUN = re.compile(r"[\u4e00-\u9fff·]+")
_CREDIT_KIND = frozenset(tables.chars("credit_kind"))  # 文, 图, 摄: "文并摄" is no name
_PHOTO_KIND = frozenset(tables.chars("photo_kind"))  # 摄, 图: the name took the photo
_NAME_STOP = frozenset(tables.chars("name_stop"))  # 于, 和…: never inside a name
# "文/图", "文并摄" printed right after a name, longest first
_CREDIT_SUFFIXES = tuple(
    sorted((r.word for r in tables.roles("credit_suffix")), key=len, reverse=True)
)
_KIND_JOIN = "/\\／"  # "文/图": the parts of one kind, or a kind and the name it heads
_SENTENCE_END = "。！？!?；;"
MAX_RUN = 9  # the longest run of names printed together that is read (three names)


@cache
def _byline_start_re() -> re.Pattern[str]:
    words = sorted(
        (w for w, (_, scope) in credit_roles().items() if scope == "byline"), key=len, reverse=True
    )
    return re.compile(f"^[◆◇■□●○▲△★☆]?\\s*(?:{_LEAD.pattern}|{'|'.join(map(re.escape, words))})")


def is_byline_start(line: str) -> bool:
    """A line that opens with a byline role word (``记者``, ``通讯员``, ``本报讯``…)."""
    return bool(_byline_start_re().match(line))


def is_bare_author(text: str) -> bool:
    """A line that is only a person's name (the author of a commentary)."""
    if not (2 <= len(text) <= 4 and all(is_cjk(c) for c in text)):
        return False
    single, double = surnames()
    return text[0] in single or text[:2] in double


def is_photo_caption(text: str, *, widest: int = 45) -> bool:
    """A photo caption: it opens like one (``图为…``) or ends with its photographers only.

    ``（记者 张三/文 李四/图）`` credits an article's text as well: no caption. A caption
    known only by its photographer is at most ``widest`` characters before the credit.
    """
    if _PHOTO_CAPTION.match(text):
        return True
    if not _PHOTO_KIND.intersection(text[-12:]):
        return False  # no photographer credited at the end (a quick test: most lines)
    found = _caption_names(text)
    return (
        bool(found)
        and all(role == role_of("摄影") for _, _, role in found)
        and found[0][0] <= widest + 4
    )


def lead_byline(text: str) -> int:
    """Length of a byline that opens a body line, e.g. ``本报讯 记者X报道 ``.

    A dateline (``本报讯``, ``新华社北京1月5日电``) with the credits in brackets
    after it, or credits in brackets alone (``（记者 张三）``), or ``记者X报道``.
    """
    head = text[:60]
    m = _LEAD.match(head)
    end = m.end() if m else 0
    credits = _LEAD_CREDITS.match(head, end)
    if credits and (
        any(word in credits.group() for word, _ in roles("byline"))
        or (m and _all_names(credits.group().strip(SPACE)[1:-1]))
    ):
        end = credits.end()
    else:
        reported = head.find("报道", end)
        byline = head[end:reported]
        if (
            reported >= 0
            and any(w in byline for w, _ in roles("byline"))
            # without a dateline, only "记者张三报道": a role word and names, nothing else
            and (m or is_credit_line(byline))
        ):
            end = reported + 2
    if not end:
        return 0
    while end < len(text) and text[end] in SPACE + "：:，,":
        end += 1
    return end


def credit(page: CleanPage, role: str, start: int, end: int) -> Credit:
    """The credit of the name at ``[start, end)`` of the clean text, its offsets in the raw page."""
    name = "".join(c for c in page.text[start:end] if c not in SPACE)
    raw_start, raw_end = page.raw_span(start, end)
    return Credit(role, name, raw_start, raw_end)


# ---------------------------------------------------------------- names


def _name_ok(name: str, *, trusted: bool) -> bool:
    """``name`` can be a person's name: two to four characters, no function word after the first.

    An untrusted name (no role word before it) must also start with a surname and not
    be a common word.
    """
    if not 2 <= len(name) <= 4 or any(c in _NAME_STOP for c in name[1:]):
        return False
    ranks = surname_ranks()
    double = name[:2] in ranks and len(name[:2]) == 2
    if len(name) == 4 and not double:
        return False  # four characters: a double surname and a given name (欧阳小明)
    if trusted:
        return True
    return (name[0] in ranks or double) and name not in common_words()


def split_names(run: str, *, trusted: bool = True) -> list[tuple[int, int]]:
    """Spans of the names in a run of characters printed together (``王明于文哲``).

    Every name after the first starts with a surname; of several readings the one
    with fewest names, then the commonest surnames, wins. Empty when the run
    cannot be read as names.
    """
    if "·" in run:  # a name of a minority people (买买提·艾力): one name, never cut
        return [(0, len(run))] if trusted and 3 <= len(run) <= 20 else []
    if len(run) > MAX_RUN:
        return []
    ranks = surname_ranks()
    best: tuple[tuple[int, int], list[tuple[int, int]]] | None = None
    for spans in _readings(run, 0):
        if not all(_name_ok(run[s:e], trusted=trusted or k > 0) for k, (s, e) in enumerate(spans)):
            continue
        later = [run[s:e] for s, e in spans[1:]]
        if not all(n[0] in ranks or n[:2] in ranks for n in later):
            continue
        cost = (len(spans), sum(min(ranks.get(n[:1], 999), ranks.get(n[:2], 999)) for n in later))
        if best is None or cost < best[0]:
            best = (cost, spans)
    return best[1] if best else []


def _readings(run: str, start: int) -> list[list[tuple[int, int]]]:
    """Every way to cut ``run[start:]`` into pieces of two to four characters."""
    if start == len(run):
        return [[]]
    found: list[list[tuple[int, int]]] = []
    for size in (2, 3, 4):
        if start + size <= len(run):
            found.extend([(start, start + size), *rest] for rest in _readings(run, start + size))
    return found


@dataclass
class _Name:
    start: int
    end: int
    kind: str = ""  # the credit kind printed with it: 文, 文/图, 摄…


def _strip_kind(run: str, after: str) -> tuple[str, str]:
    """A name run and the credit kind printed right after it (``张俊文/图`` → 张俊, 文)."""
    for suffix in _CREDIT_SUFFIXES:
        if run.endswith(suffix) and len(run) - len(suffix) >= 2:
            photo = not set(suffix) - _PHOTO_KIND
            if not after or after[0] in _KIND_JOIN + "、）)" or (photo and after[0] in SPACE):
                return run[: -len(suffix)], suffix
    return run, ""


def _names_in(segment: str, *, trusted: bool) -> list[_Name] | None:
    """The names of a credit segment with their kinds, or None when a word in it is no name.

    A kind (``文``, ``/图``, ``摄``) applies to the names before it back to the last kind;
    a kind followed by ``/`` and a name heads that name (``文/张三 图/李四``).
    """
    names: list[_Name] = []
    open_from = 0  # the first name the next kind applies to
    runs = list(_RUN.finditer(segment))
    for k, m in enumerate(runs):
        run, after = m.group(), segment[m.end() :]
        if not set(run) - _CREDIT_KIND:  # a kind: 文, 图, 文并摄, 摄影
            heads_next = after[:1] in _KIND_JOIN and k + 1 < len(runs)
            heads_next = heads_next and bool(set(runs[k + 1].group()) - _CREDIT_KIND)
            if heads_next and (not names or segment[m.start() - 1 : m.start()] not in _KIND_JOIN):
                names.append(_Name(-1, -1, run))  # a placeholder: the kind of the next name
                continue
            for n in names[open_from:]:
                n.kind = n.kind + run if n.kind else run
            open_from = len(names)
            continue
        run, kind = _strip_kind(run, after)
        spans = split_names(run, trusted=trusted)
        if not spans:
            return None
        head = names.pop().kind if names and names[-1].start < 0 else ""
        for s, e in spans:
            names.append(_Name(m.start() + s, m.start() + e, head))
        if kind:
            for n in names[open_from:]:
                n.kind = n.kind or kind
            open_from = len(names)
    return [n for n in names if n.start >= 0]


def _role_of_kind(kind: str, role: str, *, marked: bool) -> str:
    """The role a name printed with ``kind`` gets: a photo kind makes it 摄影.

    Without a role word, a text kind (``文/张三``) names the writer (记者).
    """
    if kind and not set(kind) - _PHOTO_KIND:
        return role_of("摄影")
    if kind and not marked:
        return role_of("记者")
    return role


@cache
def _role_mark_re() -> tuple[re.Pattern[str], dict[str, str]]:
    by_length = roles("byline")  # longest first: the alternation tries them in that order
    return re.compile("|".join(re.escape(w) for w, _ in by_length)), dict(by_length)


def _role_marks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of each byline role word in ``text``, left to right."""
    pattern, role = _role_mark_re()
    return [(m.start(), m.end(), role[m.group()]) for m in pattern.finditer(text)]


def credited_names(
    text: str, bare_role: str, *, trusted: bool = False
) -> list[tuple[int, int, str]] | None:
    """(start, end, role) of the names a credit text gives, None when it is not a credit.

    After a role word every name takes its role, up to ``报道``. A text without role
    words must be names only and they take ``bare_role`` (with an empty ``bare_role``,
    only names printed with a kind are credited); unless ``trusted`` (the text follows
    a role, as in ``作者：张三``), each of them must start with a surname.
    """
    marks = _role_marks(text)
    pieces = [
        (e, marks[k + 1][0] if k + 1 < len(marks) else len(text), r)
        for k, (_, e, r) in enumerate(marks)
    ] or [(0, len(text), bare_role)]
    found = []
    for a, b, role in pieces:
        segment = text[a:b]
        cut = segment.find("报道")
        names = _names_in(segment[:cut] if cut >= 0 else segment, trusted=trusted or bool(marks))
        if names is None:
            if not marks:
                return None
            continue
        for n in names:
            got = _role_of_kind(n.kind, role, marked=bool(marks) or trusted)
            if got:
                found.append((a + n.start, a + n.end, got))
    return found


def _all_names(text: str) -> bool:
    """``text`` is only names, each with a surname (``张三 李四``)."""
    return bool(credited_names(text, role_of("记者")))


def credited_organ(text: str) -> tuple[int, int] | None:
    """The span of the organ a ``来源：`` value names, None when it names none (本网, 原创).

    ``人民网－中国共产党新闻网``: a site and its channel; the site is credited.
    """
    name = re.split(r"\s*[－—-]+\s*", text.strip(SPACE))[0]
    if not 2 <= len(name) <= 30 or _SELF_SOURCE.match(name) or not any(map(is_cjk, name)):
        return None
    start = text.index(name)
    return start, start + len(name)


# ---------------------------------------------------------------- credits


def _credits(page: CleanPage, start: int, found: list[tuple[int, int, str]]) -> list[Credit]:
    return [credit(page, role, start + s, start + e) for s, e, role in found]


def byline_credits(page: CleanPage, start: int, end: int) -> list[Credit]:
    """Credits of a byline at ``[start, end)`` of the clean text (``记者 X 通讯员 Y 文/图``)."""
    text = page.text[start:end]
    if not _role_marks(text) and is_bare_author(text.strip()):
        return [credit(page, role_of("记者"), start, end)]
    return _credits(page, start, credited_names(text, "") or [])


def is_credit_line(text: str) -> bool:
    """A line of credits only: role words or kinds, and names (``记者 张三``, ``文/张三 图/李四``)."""
    inner = text.strip(SPACE + "（()）")
    if not _CREDIT_KIND.intersection(inner) and not _role_marks(inner):
        return False
    found = credited_names(inner, "")
    if not found:
        return False
    left = list(inner)
    for s, e, *_ in [*found, *_role_marks(inner)]:
        left[s:e] = [" "] * (e - s)
    return all(c in SPACE or c in _CREDIT_KIND or c in _KIND_JOIN + "、，," for c in left)


def lead_credits(page: CleanPage, start: int, end: int) -> list[Credit]:
    """Credits of the dateline that opens a body line: the organ it names and the people.

    ``《某某日报》消息：`` and ``某某社北京1月5日电`` credit the paper or agency as the
    article's supplier (供稿); the reporters in brackets after it are 记者 unless a
    role word says otherwise.
    """
    text = page.text[start:end]
    found: list[Credit] = []
    m = _NEWS_SOURCE.match(text)
    if m:
        group = "paper" if m["paper"] else "agency"
        found.append(credit(page, role_of("供稿"), start + m.start(group), start + m.end(group)))
    lead = _LEAD.match(text)
    rest = lead.end() if lead else 0
    bracket = _LEAD_CREDITS.match(text, rest)
    if bracket and not _role_marks(bracket.group()):
        inner = bracket.group().strip(SPACE)
        offset = bracket.end() - len(inner) + 1
        names = credited_names(inner[1:-1], role_of("记者")) or []
        return found + _credits(page, start + offset, names)
    return found + byline_credits(page, start + rest, end)


def trailing_credits(page: CleanPage, start: int, end: int) -> list[Credit]:
    """Credits in the bracket that closes a paragraph: ``（记者 张三）``, ``（张三 李四）``.

    Names in brackets without a role word are the article's suppliers (供稿); a
    bracket that holds anything but names is no credit.
    """
    text = page.text[start:end].rstrip(SPACE)
    m = _BRACKET_TAIL.search(text)
    if not m:
        return []
    source = _SOURCE.fullmatch(m.group())
    if source:  # "（某局供稿）", "（通讯员 张三 供稿）"
        s, e = start + m.start() + source.start("name"), start + m.start() + source.end("name")
        role = role_of("供图") if source["pic"] or source["role"] == "供图" else role_of("供稿")
        return byline_credits(page, s, e) or [credit(page, role, s, e)]
    inner = start + m.start("inner")
    field = _CREDIT_FIELD.match(m["inner"])
    if field and field["word"] in credit_roles():  # "（责任编辑：张三）", "（来源：某某报）"
        role, base = role_of(field["word"]), inner + field.start("value")
        if role in org_credit_roles():
            span = credited_organ(field["value"])
            return [credit(page, role, base + span[0], base + span[1])] if span else []
        return _credits(page, base, credited_names(field["value"], role, trusted=True) or [])
    return _credits(page, inner, credited_names(m["inner"], role_of("供稿")) or [])


def _caption_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of the people a caption's last words credit (``张三 李四 摄``)."""
    text = text.rstrip(SPACE)
    cut = max((text.rfind(p) for p in _SENTENCE_END), default=-1) + 1
    tail = text[cut:]
    inner = tail.strip(SPACE + "（()）")
    if not inner or len(inner) > 40:
        return []
    offset = cut + tail.index(inner)
    found = credited_names(inner, "")
    return [(offset + s, offset + e, r) for s, e, r in found or []]


def caption_credits(page: CleanPage, start: int, end: int) -> list[Credit]:
    """Credits of a photo caption at ``[start, end)``: its photographers (``张三 摄``)."""
    return _credits(page, start, _caption_names(page.text[start:end]))
