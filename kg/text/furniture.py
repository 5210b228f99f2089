"""Page furniture: the date line, page name, masthead, editor line and banners around the articles.

Web pages add an information line (``来源：某局 发布时间：2016-06-28 浏览次数：12``)
and widgets printed as text (``【字体：大 中 小】``, ``打印本页 关闭窗口``).
:func:`read_furniture` reads the page metadata and the page credits printed
in it, before the ``drop_furniture`` cleaning step deletes its lines.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache

from kg.model import Credit
from kg.text.bylines import credited_names, credited_organ
from kg.text.chars import SPACE, is_cjk, line_spans, token_len
from kg.text.tables import Furniture, credit_roles, furniture, org_credit_roles

logger = logging.getLogger(__name__)

FURNITURE_MAX = 120  # no furniture line is longer (characters)


@cache
def _editor_role_re() -> re.Pattern[str]:
    words = sorted(furniture().page_roles, key=len, reverse=True)
    return re.compile(f"({'|'.join(map(re.escape, words))})[:：]")


_META_SEPARATORS = f"[{SPACE}【】（）()|｜]*"
_SENTENCE = "。；！？"


@cache
def _meta_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A web page's information line, whole; one field of it (groups ``field``, ``value``);
    a date and time alone."""
    f = furniture()
    credit_words = sorted(credit_roles(), key=len, reverse=True)
    names = "|".join([*map(re.escape, credit_words), f.fields])
    # a value runs to the next field, a bracket or the line end; times keep their colons
    value = f"(?:[^【】（）()：:{_SENTENCE}]|(?<=\\d)[:：](?=\\d))*?"
    ahead = f"(?={_META_SEPARATORS}(?:[【】（）()|｜]|(?:{names})\\s*[：:]|$))"
    # the date printed before the fields, unnamed ("2023-05-06 09:30 来源：…")
    date = re.sub(r"\?P<\w+>", "", f.webdate.pattern) + r"日?(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?"
    item = f"(?:(?:{names})\\s*[：:]\\s*{value}{ahead}|(?:{f.widgets})|(?:{date}))"
    line = re.compile(f"{_META_SEPARATORS}{item}(?:{_META_SEPARATORS}{item})*{_META_SEPARATORS}")
    field = re.compile(f"(?P<field>{names})\\s*[：:]\\s*(?P<value>{value}){ahead}")
    return line, field, re.compile(f"\\s*{date}\\s*")


def is_meta_line(line: str) -> bool:
    """A web page's information line or widgets: fields with values, or widgets only.

    A date alone is not one (it may close a letter or a notice).
    """
    whole, _, date_only = _meta_res()
    return (
        len(line) <= FURNITURE_MAX and bool(whole.fullmatch(line)) and not date_only.fullmatch(line)
    )


def is_masthead_line(line: str) -> bool:
    """A newspaper's name in pinyin capitals (``ZHAOTONG RIBAO``)."""
    return bool(furniture().masthead.fullmatch(line.strip(SPACE)))


def is_editor_line(line: str) -> bool:
    """A page editor line: two or more page roles followed by a colon."""
    return len(_editor_role_re().findall(line)) >= 2


@lru_cache(maxsize=4096)
def is_furniture_line(line: str) -> bool:
    """A line that is page furniture only (date, page name, masthead, banner…)."""
    s = line.strip(SPACE)
    if not s or len(s) > FURNITURE_MAX:
        return False
    if is_meta_line(s):
        return True
    if any(p in s for p in "，。、；"):
        return False  # furniture has no clause punctuation; most body lines do
    f = furniture()
    if f.masthead.fullmatch(s) or f.banner.fullmatch(s) or f.lines.fullmatch(s):
        return True
    if is_editor_line(s):
        return True
    rest = f.pagename.sub("", f.date.sub("", s))
    return rest != s and not rest.strip(SPACE + "0123456789")


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
    for start, end in line_spans(raw):
        s = raw[start:end].strip(SPACE)
        if not s or not is_furniture_line(s):
            continue
        _read_meta(f, s, found)
        if is_meta_line(s):
            credits.extend(_field_credits(raw, start, end))
            _read_webdate(f, s, found)
        elif is_editor_line(s):
            credits.extend(_editor_credits(raw, start, end))
    if "column" not in found and "banner" in found:
        found["column"] = found["banner"]
    found.pop("banner", None)
    return found, credits


def _read_meta(f: Furniture, s: str, found: dict[str, str]) -> None:
    """Add to ``found`` what one furniture line ``s`` tells of the page (first value wins)."""
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


def _read_webdate(f: Furniture, s: str, found: dict[str, str]) -> None:
    """The date an information line prints (``发布时间：2016-06-28``), if none was found yet."""
    date = f.webdate.search(s)
    if date and "date" not in found:
        y, mo, d = int(date["y"]), int(date["m"]), int(date["d"])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            found["date"] = f"{y:04d}-{mo:02d}-{d:02d}"


def _field_credits(raw: str, start: int, end: int) -> list[Credit]:
    """Credits of an information line's credit fields (``来源：某局``, ``作者：张三``)."""
    roles = credit_roles()
    line = raw[start:end]
    credits = []
    for m in _meta_res()[1].finditer(line):
        if m["field"] not in roles:
            continue
        role = roles[m["field"]][0]
        base = start + m.start("value")
        if role in org_credit_roles():
            span = credited_organ(m["value"])
            found = [(span[0], span[1], role)] if span else []
        else:
            found = credited_names(m["value"], role, trusted=True) or []
            value = m["value"].strip(SPACE)
            joined = "".join(value.split())
            if not found and 2 <= len(joined) <= 4 and all(map(is_cjk, joined)):  # "编辑：谢 红"
                i = m["value"].index(value)
                found = [(i, i + len(value), role)]
        for s, e, r in found:
            name = "".join(c for c in raw[base + s : base + e] if c not in SPACE)
            credits.append(Credit(r, name, base + s, base + e))
    return credits


def _editor_credits(raw: str, start: int, end: int) -> list[Credit]:
    """Credits of an editor line ``责编：毛利涛 组版：谢 红 校对：王文富 投稿电话：…``."""
    roles = furniture().page_roles
    line = raw[start:end]
    credits = []
    for m in _editor_role_re().finditer(line):
        i, j = _name_span(line, m.end())
        name = "".join(c for c in line[i:j] if c not in SPACE)
        if 2 <= len(name) <= 4:
            credits.append(Credit(roles[m.group(1)], name, start + i, start + j))
    return credits


def _name_span(line: str, i: int) -> tuple[int, int]:
    """The name after a role at ``i``: CJK characters, single layout spaces allowed between them."""
    while i < len(line) and line[i] in SPACE:
        i += 1
    j = i
    while j < len(line) and (
        is_cjk(line[j])
        or (j > i and line[j] in SPACE and token_len(line, j + 1, 1) == 1 and is_cjk(line[j + 1]))
    ):
        j += 1
    return i, j
