"""Where things lie on the clean page text: sentences, paragraphs, linked mentions in a span."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.model import Mention

Key = tuple[str, str]  # Entity.key: (type, canonical name)
Link = tuple[Mention, Key]  # a mention and the entity it went to

SENTENCE_END = "。！？!?\n"


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The ``[start, end)`` of the sentence of ``text`` holding offset ``pos``."""
    start = pos
    while start > 0 and text[start - 1] not in SENTENCE_END:
        start -= 1
    end = pos
    while end < len(text) and text[end] not in SENTENCE_END:
        end += 1
    if end < len(text) and text[end] != "\n":
        end += 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def paragraph_start(text: str, pos: int) -> int:
    """The offset of the line (paragraph) of ``text`` holding ``pos``."""
    return text.rfind("\n", 0, pos) + 1


def reading_order(links: Iterable[Link]) -> tuple[Link, ...]:
    """``links`` in reading order: by start, a longer mention before one nested in it."""
    return tuple(sorted(links, key=lambda mk: (mk[0].start, -mk[0].end, mk[1])))


def in_span(links: Sequence[Link], start: int, end: int, labels: tuple[str, ...]) -> list[Link]:
    """The ``links`` whose mention lies in ``[start, end)`` and has one of ``labels``."""
    return [(m, k) for m, k in links if start <= m.start and m.end <= end and m.label in labels]


def outermost(found: Sequence[Link]) -> list[Link]:
    """Mentions not nested in a longer one (永善县 inside 永善县公安局)."""
    return [
        (m, k)
        for m, k in found
        if not any(o is not m and o.start <= m.start and m.end <= o.end
                   and o.end - o.start > m.end - m.start for o, _ in found)
    ]  # fmt: skip
