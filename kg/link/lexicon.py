"""The word lists linking reads from the lexicon (``kg.lexicon.tables``), and the gazetteer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kg.lexicon import tables
from kg.lexicon.gazetteer import Gazetteer


@dataclass(frozen=True)
class LinkTables:
    """The word lists linking reads from the lexicon (``kg.lexicon.tables``)."""

    abbreviations: tuple[tuple[str, str, str], ...]
    agencies: tuple[str, ...]
    kinds: tuple[tuple[str, str, str], ...]
    levels: tuple[tuple[str, str], ...]
    sub_units: tuple[str, ...]
    doctrine: tuple[str, ...]
    head_nouns: tuple[str, ...]
    collectives: tuple[str, ...]
    team_heads: tuple[str, ...]
    not_prefixes: tuple[str, ...] = ()  # 乡村…: a bare level word that is no place
    doctrine_prefixes: tuple[str, ...] = ()  # 习近平…
    doctrine_suffixes: tuple[str, ...] = ()  # …思想


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    """``words`` longest first, then in code point order (so the longest match wins)."""
    return tuple(sorted(words, key=lambda s: (-len(s), s)))


@lru_cache(maxsize=1)
def load_tables() -> LinkTables:
    """Load (once) the linking tables from the lexicon."""
    abbr = [(a.abbreviation, a.full, a.level) for a in tables.abbreviations() if "expand" in a.uses]
    levels = [(w.word, w.level) for w in tables.place_words("level")]
    kinds = tables.load_table("organs/kinds.csv").records("match", "text", "kind")
    return LinkTables(
        abbreviations=tuple(sorted(abbr, key=lambda r: (-len(r[0]), r[0]))),
        agencies=tuple(o.name for o in tables.organs() if "misprint" in o.uses),
        kinds=tuple((r["match"], r["text"], r["kind"]) for r in kinds),
        levels=tuple(sorted(levels, key=lambda r: (-len(r[0]), r[0]))),
        not_prefixes=tables.words("places/words.csv", "not_bare"),
        sub_units=longest_first(tables.words("organs/units.csv", "bare")),
        doctrine=tables.terms("doctrine", "link"),
        doctrine_prefixes=tables.terms("doctrine_prefix", "link"),
        doctrine_suffixes=tables.terms("doctrine_suffix", "link"),
        head_nouns=longest_first(tables.terms("attach_head", "link")),
        collectives=tables.words("places/words.csv", "collective"),
        team_heads=longest_first(tables.words("organs/units.csv", "team")),
    )


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded once."""
    return Gazetteer.load()
