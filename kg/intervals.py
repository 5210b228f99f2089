"""Spans of text found by where they lie, without reading every span each time.

Recognisers and linkers ask, for each name, which other names overlap it or
lie inside a stretch of text. Asked by scanning all names, that costs the
square of a page's names: a page of one name printed 20,000 times never
finishes. ``Intervals`` answers from the spans sorted by start, reading only
those that start within reach of the question (names are short).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")
Span = tuple[int, int]


def _identity(span: Span) -> Span:
    return span


class Intervals(Generic[T]):
    """Items with a ``[start, end)`` span each; answers come in the order the items were added.

    Args:
        items: the items.
        span: the ``(start, end)`` of an item (the item itself when it is a span).
    """

    def __init__(
        self,
        items: Iterable[T] = (),
        span: Callable[[T], Span] = _identity,  # type: ignore[assignment]
    ) -> None:
        self._span = span
        self._items: list[T] = list(items)
        spans = [span(it) for it in self._items]
        self._keys = sorted((s, k) for k, (s, _) in enumerate(spans))  # (start, order added)
        self._longest = max((e - s for s, e in spans), default=0)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: T) -> None:
        """Add ``item``."""
        s, e = self._span(item)
        insort(self._keys, (s, len(self._items)))
        self._items.append(item)
        self._longest = max(self._longest, e - s)

    def _starting(self, lo: int, hi: int) -> list[T]:
        """Items starting in ``[lo, hi)``, in the order added."""
        a = bisect_left(self._keys, (lo, -1))
        b = bisect_left(self._keys, (hi, -1))
        return [self._items[k] for k in sorted(k for _, k in self._keys[a:b])]

    def overlapping(self, start: int, end: int) -> list[T]:
        """Items sharing a character with ``[start, end)``."""
        return [
            it
            for it in self._starting(start - self._longest, end)
            if self._span(it)[0] < end and start < self._span(it)[1]
        ]

    def within(self, start: int, end: int) -> list[T]:
        """Items lying inside ``[start, end)``."""
        return [it for it in self._starting(start, end + 1) if self._span(it)[1] <= end]

    def holding(self, start: int, end: int) -> list[T]:
        """Items whose span holds ``[start, end)``."""
        return [
            it for it in self._starting(end - self._longest, start + 1) if self._span(it)[1] >= end
        ]
