"""Matching names on characters: dictionary automata, leftmost-longest choice, name characters."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from kg.lexicon import tables

CJK = re.compile(r"[\u4e00-\u9fff]")
# Punctuation and white space: besides the name_stop characters, what a name never contains.
PUNCTUATION = "、，。；：！？“”‘’《》（）()「」,.;:!? \n\t·—…"


@dataclass(frozen=True)
class TextTables:
    """What the place, organisation and person rules know of running text."""

    name_stop: frozenset[str]  # characters a name never contains: function words, punctuation
    common_words: frozenset[str]  # frequent words of running text: not bare names

    @classmethod
    def shipped(cls) -> TextTables:
        """The tables shipped with kg (text/characters.csv, text/common_words.csv)."""
        return cls(
            name_stop=frozenset(tables.chars("name_stop")) | frozenset(PUNCTUATION),
            common_words=frozenset(tables.words("text/common_words.csv")),
        )

    def is_name_char(self, ch: str) -> bool:
        """Whether ``ch`` can be part of a name (a CJK character that is no function word)."""
        return bool(CJK.match(ch)) and ch not in self.name_stop


def automaton(words: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton of ``(word, value)``; a match yields ``(word, value)``."""
    auto = ahocorasick.Automaton()
    for word, value in words:
        auto.add_word(word, (word, value))
    auto.make_automaton()
    return auto


def matches(auto: ahocorasick.Automaton, text: str) -> list[tuple[int, int, Any]]:
    """``(start, end, value)`` of every dictionary word in ``text``."""
    if len(auto) == 0:
        return []
    return [(end + 1 - len(word), end + 1, value) for end, (word, value) in auto.iter(text)]


def longest_first(cands: Sequence[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Non-overlapping candidates, the leftmost-longest first."""
    out: list[tuple[int, int, Any]] = []
    taken_until = -1
    for start, end, value in sorted(cands, key=lambda c: (c[0], -(c[1] - c[0]))):
        if start >= taken_until:
            out.append((start, end, value))
            taken_until = end
    return out


def longest_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` spans, the leftmost-longest first."""
    return [(s, e) for s, e, _ in longest_first([(s, e, None) for s, e in spans])]


def longest_words_first(words: Iterable[str]) -> tuple[str, ...]:
    """The distinct ``words``, longest first."""
    return tuple(sorted(set(words), key=len, reverse=True))
