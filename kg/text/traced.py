"""Text traced to the raw page, and the small pipeline helper that chains cleaning steps.

A cleaning step is a pure function from a :class:`Traced` text (the text
plus, for every character, its index in the raw page) to a new one, with
keyword-only options; :func:`run_steps` chains them. Steps only delete
characters (:func:`delete_spans`), so the offset map stays exact:
``raw[offsets[i]] == text[i]``.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Traced:
    """Text with the raw-page index of each of its characters."""

    text: str
    offsets: array[int]  # a compact int array: slicing and joining run at C speed

    @classmethod
    def of(cls, raw: str) -> Traced:
        """The raw page itself: every character maps to its own index."""
        return cls(raw, array("q", range(len(raw))))


Step = Callable[[Traced], Traced]


def run_steps(doc: Traced, steps: Sequence[Step]) -> Traced:
    """Apply cleaning steps in order."""
    for step in steps:
        doc = step(doc)
    return doc


def delete_spans(doc: Traced, spans: Iterable[tuple[int, int]]) -> Traced:
    """Delete ``[start, end)`` spans (sorted, non-overlapping) from a traced text."""
    text_parts: list[str] = []
    offsets: array[int] = array("q")
    pos = 0
    for start, end in spans:
        if start < pos or end <= start:
            continue
        text_parts.append(doc.text[pos:start])
        offsets.extend(doc.offsets[pos:start])
        pos = end
    if pos == 0:
        return doc
    text_parts.append(doc.text[pos:])
    offsets.extend(doc.offsets[pos:])
    return Traced("".join(text_parts), offsets)
