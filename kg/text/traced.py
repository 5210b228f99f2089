"""Text traced to the raw page, and the small pipeline helper that chains cleaning steps.

A cleaning step is a pure function from a :class:`Traced` text (the text
plus, for every character, its index in the raw page) to a new one, with
keyword-only options; :func:`run_steps` chains them. Steps delete characters
(:func:`delete_spans`), replace characters one for one (:func:`map_chars`) or
replace a span by a shorter text (:func:`replace_spans`, which a deletion is a
case of), so the offset map stays exact: ``offsets`` rises strictly and
``text[i]`` is ``raw[offsets[i]]`` or what character normalisation
(:mod:`kg.text.normalise`) made of it.
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
    return replace_spans(doc, ((start, end, "") for start, end in spans))


def replace_spans(doc: Traced, edits: Iterable[tuple[int, int, str]]) -> Traced:
    """Replace ``[start, end)`` spans (sorted, non-overlapping) by texts no longer than them.

    The ``k``-th character of a replacement maps to the raw index of the span's
    ``k``-th character, so offsets keep rising. Empty or overlapping spans are
    skipped.

    Raises:
        ValueError: a replacement is longer than its span (the map has no index for it).
    """
    text_parts: list[str] = []
    offsets: array[int] = array("q")
    pos = 0
    changed = False
    for start, end, new in edits:
        if start < pos or end <= start:
            continue
        if len(new) > end - start:
            raise ValueError(f"replacement {new!r} is longer than the span [{start}, {end})")
        text_parts += (doc.text[pos:start], new)
        offsets.extend(doc.offsets[pos:start])
        offsets.extend(doc.offsets[start : start + len(new)])
        pos = end
        changed = True
    if not changed:
        return doc
    text_parts.append(doc.text[pos:])
    offsets.extend(doc.offsets[pos:])
    return Traced("".join(text_parts), offsets)


def map_chars(doc: Traced, table: dict[int, str]) -> Traced:
    """Replace characters one for one (``str.translate`` with one-character values)."""
    return Traced(doc.text.translate(table), doc.offsets)
