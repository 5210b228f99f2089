"""Bylines and the credits they give: who wrote, photographed or reported an article.

A byline is a line that opens with a role word (``记者``, ``通讯员``,
``本报讯``…), the dateline that opens a body line (``本报讯 记者X报道``), or
a bare name under a commentary; :func:`byline_credits` reads the people it
names, with offsets into the raw page.
"""

from __future__ import annotations

import re
from functools import cache

from kg.lexicon import tables
from kg.model import CleanPage, Credit
from kg.text.chars import SPACE, is_cjk
from kg.text.tables import credit_roles, roles, surnames

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


@cache
def _byline_start_re() -> re.Pattern[str]:
    words = sorted(
        (w for w, (_, scope) in credit_roles().items() if scope == "byline"), key=len, reverse=True
    )
    return re.compile(f"^[◆◇■□●○▲△★☆]?\\s*(?:本报讯|{'|'.join(map(re.escape, words))})")


def is_byline_start(line: str) -> bool:
    """A line that opens with a byline role word (``记者``, ``通讯员``, ``本报讯``…)."""
    return bool(_byline_start_re().match(line))


def is_bare_author(text: str) -> bool:
    """A line that is only a person's name (the author of a commentary)."""
    if not (2 <= len(text) <= 4 and all(is_cjk(c) for c in text)):
        return False
    single, double = surnames()
    return text[0] in single or text[:2] in double


def lead_byline(text: str) -> int:
    """Length of a byline that opens a body line, e.g. ``本报讯 记者X报道 ``."""
    head = text[:40]
    m = _LEAD.match(head)
    if not m:
        return 0
    end = m.end()
    credits = _LEAD_CREDITS.match(head, end)
    if credits and any(word in credits.group() for word, _ in roles("byline")):
        end = credits.end()
    else:
        reported = head.find("报道", end)
        if reported >= 0 and any(w in head[end:reported] for w, _ in roles("byline")):
            end = reported + 2
    while end < len(text) and text[end] in SPACE:
        end += 1
    return end


def credit(page: CleanPage, role: str, start: int, end: int) -> Credit:
    """The credit of the name at ``[start, end)`` of the clean text, its offsets in the raw page."""
    name = "".join(c for c in page.text[start:end] if c not in SPACE)
    raw_start, raw_end = page.raw_span(start, end)
    return Credit(role, name, raw_start, raw_end)


def _role_marks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of each byline role word in ``text``, left to right."""
    by_length = roles("byline")
    marks: list[tuple[int, int, str]] = []
    i = 0
    while i < len(text):
        for word, role in by_length:
            if text.startswith(word, i):
                marks.append((i, i + len(word), role))
                i += len(word)
                break
        else:
            i += 1
    return marks


def _names(segment: str) -> list[tuple[int, str]]:
    """(offset, name) of the names a role word is followed by, up to ``报道``."""
    cut = segment.find("报道")
    if cut >= 0:
        segment = segment[:cut]
    names = []
    for m in _NAME.finditer(segment):
        name = m.group()
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
        names.append((m.start(), name))
    return names


def byline_credits(page: CleanPage, start: int, end: int) -> list[Credit]:
    """Credits of a byline at ``[start, end)`` of the clean text (``记者 X 通讯员 Y 文/图``)."""
    text = page.text[start:end]
    marks = _role_marks(text)
    credits = []
    for k, (_, m_end, role) in enumerate(marks):
        stop = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        for offset, name in _names(text[m_end:stop]):
            s = start + m_end + offset
            credits.append(credit(page, role, s, s + len(name)))
    if not marks and is_bare_author(text.strip()):
        credits.append(credit(page, "记者", start, end))
    return credits
