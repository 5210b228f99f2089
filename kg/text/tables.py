"""The data tables the text stage reads: credit role words, surnames, page furniture patterns.

Each is loaded once from ``kg/data`` (``credit_roles.csv``,
``credit_surnames.txt``, ``furniture_*``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from kg.errors import ModelError
from kg.resources import data_path


@dataclass(frozen=True)
class Furniture:
    """Patterns of page furniture, loaded from ``kg/data/furniture_*``."""

    date: re.Pattern[str]
    pagename: re.Pattern[str]
    masthead: re.Pattern[str]
    banner: re.Pattern[str]
    lines: re.Pattern[str]
    mastheads: dict[str, str]
    page_roles: dict[str, str]


def _data_rows(name: str) -> list[list[str]]:
    path = data_path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ModelError(f"data file {path} is unreadable; expected it in kg/data") from e
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    delimiter = "\t" if name.endswith(".tsv") else ","
    return [row for row in csv.reader(rows, delimiter=delimiter)]


@cache
def credit_roles() -> dict[str, tuple[str, str]]:
    """Role words of credits: word -> (role, scope), from ``credit_roles.csv``."""
    rows = _data_rows("credit_roles.csv")[1:]
    return {word: (role, scope) for word, role, scope in rows}


@cache
def roles(scope: str) -> tuple[tuple[str, str], ...]:
    """(word, role) of one credit scope, longest word first."""
    pairs = [(w, r) for w, (r, s) in credit_roles().items() if s == scope]
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """Single- and two-character surnames of bylines, from ``credit_surnames.txt``."""
    words = [
        w.strip()
        for w in data_path("credit_surnames.txt").read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    ]
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@cache
def furniture() -> Furniture:
    """The furniture patterns and tables."""
    by_kind: dict[str, list[str]] = {}
    for kind, pattern in _data_rows("furniture_patterns.tsv"):
        by_kind.setdefault(kind, []).append(pattern)
    try:
        compiled = {
            kind: re.compile("|".join(f"(?:{p})" for p in pats)) for kind, pats in by_kind.items()
        }
    except re.error as e:
        raise ModelError(f"bad pattern in furniture_patterns.tsv: {e}") from e
    mastheads = {p: n for p, n in _data_rows("furniture_mastheads.csv")[1:]}
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
