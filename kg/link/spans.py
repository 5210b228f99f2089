"""Where things lie on the clean page text: sentences, paragraphs, linked mentions in a span."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kg.intervals import Intervals
from kg.model import Mention

Key = tuple[str, str]  # Entity.key: (type, canonical name)
Link = tuple[Mention, Key]  # a mention and the entity it went to

SENTENCE_END = "。！？!?\n"
_SENTENCE_END = re.compile(f"[{SENTENCE_END}]")
# Real sentences are far shorter (the longest of the seed and dev pages has 343 characters).
SENTENCE_REACH = 1000


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The ``[start, end)`` of the sentence of ``text`` holding offset ``pos``.

    A run with no sentence end is cut ``SENTENCE_REACH`` characters either side of ``pos``.
    """
    lo = max(pos - SENTENCE_REACH, 0)
    start = max(max(text.rfind(c, lo, pos) for c in SENTENCE_END) + 1, lo)
    found = _SENTENCE_END.search(text, pos, pos + SENTENCE_REACH)
    if found is None:
        end = min(pos + SENTENCE_REACH, len(text))
    else:
        end = found.start() + (found.group() != "\n")  # the end mark is the sentence's
    while start < end and text[start].isspace():
        start += 1
    return start, end


def paragraph_start(text: str, pos: int) -> int:
    """The offset of the line (paragraph) of ``text`` holding ``pos``."""
    return text.rfind("\n", 0, pos) + 1


def reading_order(links: Iterable[Link]) -> tuple[Link, ...]:
    """``links`` in reading order: by start, a longer mention before one nested in it."""
    return tuple(sorted(links, key=lambda mk: (mk[0].start, -mk[0].end, mk[1])))


class LinkSpans:
    """Links found by where their mentions lie, in the order given (:class:`kg.intervals.Intervals`)."""

    def __init__(self, links: Iterable[Link]) -> None:
        self._index = Intervals(links, lambda mk: (mk[0].start, mk[0].end))

    def in_span(self, start: int, end: int, labels: tuple[str, ...]) -> list[Link]:
        """The links whose mention lies in ``[start, end)`` and has one of ``labels``."""
        return [(m, k) for m, k in self._index.within(start, end) if m.label in labels]

    def ending_in(self, start: int, end: int, labels: tuple[str, ...]) -> list[Link]:
        """The links whose mention ends in ``[start, end)`` and has one of ``labels``."""
        return [
            (m, k)
            for m, k in self._index.overlapping(start - 1, end - 1)
            if start <= m.end < end and m.label in labels
        ]


def outermost(found: Sequence[Link]) -> list[Link]:
    """Mentions not nested in a longer one (永善县 inside 永善县公安局)."""
    nested: set[int] = set()
    widest = (-1, 0)  # (end, -start) of the widest-reaching mention read so far
    for m, _ in sorted(found, key=lambda mk: (mk[0].start, -mk[0].end)):
        end, neg_start = widest
        if end > m.end or (end == m.end and -neg_start < m.start):
            nested.add(id(m))
        widest = max(widest, (m.end, -m.start))
    return [(m, k) for m, k in found if id(m) not in nested]
