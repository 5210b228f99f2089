"""The data tables the text stage reads: credit role words, surnames, page furniture patterns.

Each is read once through the lexicon loader from ``kg/data`` (``people/roles.csv``,
``people/surnames.csv``, ``text/furniture.csv``, ``text/mastheads.csv``).
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
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """Single- and two-character surnames of bylines, from ``people/surnames.csv``."""
    words = tables.surnames("author")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


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
