"""The data tables the text stage reads: credit role words, surnames, page furniture patterns,
traditional characters.

Each is read once through the lexicon loader from ``kg/data`` (``people/roles.csv``,
``people/surnames.csv``, ``text/furniture.csv``, ``text/mastheads.csv``,
``text/traditional.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.errors import ModelError
from kg.lexicon import tables


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
    fields: str  # the names of a web page's information fields, a pattern (发布时间|浏览次数…)
    widgets: str  # web page widgets printed as text, a pattern (打印本页|关闭窗口…)
    webdate: re.Pattern[str]  # the date of a web page's information line; groups y, m, d
    jump: re.Pattern[str]  # a line sending the reader to or from another page (下转第2版)
    jump_on: re.Pattern[str]  # one sending the reader on (下转第2版), not back (上接第1版)


@cache
def credit_roles() -> dict[str, tuple[str, str]]:
    """Role words of credits: word -> (role, scope), from ``people/roles.csv``."""
    return {r.word: (r.credit_role, r.credit_scope) for r in tables.roles("credit")}


@cache
def roles(scope: str) -> tuple[tuple[str, str], ...]:
    """(word, role) of one credit scope, longest word first."""
    pairs = [(w, r) for w, (r, s) in credit_roles().items() if s == scope]
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


@cache
def org_credit_roles() -> frozenset[str]:
    """Credit roles that credit an organisation, not a person (供稿, 联办)."""
    return frozenset(r.credit_role for r in tables.roles("org_credit"))


@cache
def role_of(word: str) -> str:
    """The credit role a credit word gives (``摄影`` → 摄影, ``供稿`` → 供稿)."""
    return credit_roles()[word][0]


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """Single- and two-character surnames of bylines, from ``people/surnames.csv``."""
    words = tables.surnames("author")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@cache
def surname_ranks() -> dict[str, int]:
    """Every surname of ``people/surnames.csv`` and its place in the table (commonest first)."""
    table = tables.load_table("people/surnames.csv").column("surname")
    return {w: k for k, w in reversed(list(enumerate(table)))}


@cache
def common_words() -> frozenset[str]:
    """Common words of two to four characters (``text/common_words.csv``, from jionlp)."""
    return frozenset(tables.words("text/common_words.csv"))


@cache
def traditional_forms() -> dict[str, str]:
    """Traditional characters and their simplified forms (``text/traditional.csv``, from jionlp).

    The characters that are standard simplified characters too (``simplified_too`` of
    ``text/characters.csv``: 著名, 覆盖) are left out: they stay as they are.
    """
    table = tables.load_table("text/traditional.csv")
    keep = set(tables.chars("simplified_too"))
    pairs = zip(table.column("traditional"), table.column("simplified"), strict=True)
    return {t: s for t, s in pairs if t not in keep and len(t) == len(s) == 1}


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
        fields="|".join(f"(?:{p})" for p in by_kind["field"]),
        widgets="|".join(f"(?:{p})" for p in by_kind["widget"]),
        webdate=compiled["webdate"],
        jump=re.compile(f"{compiled['jump_on'].pattern}|{compiled['jump'].pattern}"),
        jump_on=compiled["jump_on"],
    )
