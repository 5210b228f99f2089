"""Pair article heads with body starts (splitting's third pass).

A head pairs with the body right under it, or with the body whose opening
shares its words, weighted by how rare they are on the page; a head left
over searches the whole page for its opening, then takes the next start
still without a title; a start left over is an article whose title is not
printed.
"""

from __future__ import annotations

import logging
import math
import re

from kg.text.heads import Head, head_lines
from kg.text.lines import Line, ends_sentence

logger = logging.getLogger(__name__)

# A head's pull towards the body right under it, against word overlap.
ADJACENT_BONUS = 0.3
MIN_OVERLAP = 0.15  # least share of a head's (weighted) words to pair it far away
WINDOW = 300  # most characters of a body opening compared with a head
OPENING = 80  # an opening takes whole lines until it has this many characters

_NOT_WORD = re.compile(r"[\W_]+")


def bigrams(text: str) -> set[str]:
    """Pairs of adjacent word characters (CJK, letters, digits), punctuation dropped."""
    kept = _NOT_WORD.sub("", text)
    return set(map(str.__add__, kept, kept[1:]))


class Overlap:
    """Share of a head's words found in a text, weighted by rarity on the page."""

    def __init__(self, lines: list[Line]) -> None:
        self.text = "\n".join(line.text for line in lines)
        self.n = max(1, len(lines))
        self.weights: dict[str, float] = {}

    def weight(self, gram: str) -> float:
        """Inverse frequency of a word pair on the page."""
        if gram not in self.weights:
            self.weights[gram] = math.log(1 + self.n / (1 + self.text.count(gram)))
        return self.weights[gram]

    def __call__(self, head_text: str, text: str | set[str]) -> float:
        grams = bigrams(head_text)
        if not grams:
            return 0.0
        weight = {g: self.weight(g) for g in sorted(grams)}  # sorted: sums reproducible
        found = bigrams(text) if isinstance(text, str) else text
        total = sum(weight.values())
        return sum(w for g, w in weight.items() if g in found) / total if total else 0.0


def head_text(lines: list[Line], head: Head) -> str:
    """The words of a head: kicker, title and subtitle (the byline names no topic)."""
    return "".join(lines[i].text for i in head.lines if i != head.byline)


def stops(lines: list[Line], heads: list[Head]) -> set[int]:
    """Lines a body never runs into: heads, banners, source lines."""
    return head_lines(heads) | {i for i, x in enumerate(lines) if x.kind in ("banner", "source")}


def _opening(lines: list[Line], i: int, stop_lines: set[int]) -> str:
    """The first characters of the body text from line ``i`` on."""
    text: list[str] = []
    size = 0
    while i < len(lines) and size < OPENING and (not text or i not in stop_lines):
        text.append(lines[i].text)
        size += len(lines[i].text)
        i += 1
    return "".join(text)[:WINDOW]


class _Pairing:
    """The heads and starts of a page, and the pairs made so far."""

    def __init__(
        self, lines: list[Line], heads: list[Head], starts: list[int], overlap: Overlap
    ) -> None:
        self.lines, self.heads, self.starts, self.overlap = lines, heads, starts, overlap
        self.stops = stops(lines, heads)
        self.pairs: dict[int, Head | None] = {}
        self.done: set[int] = set()  # indices of the heads paired

    def by_score(self) -> None:
        """Pair heads and starts best first, by word overlap plus the pull of adjacency."""
        openings = {s: _opening(self.lines, s, self.stops) for s in self.starts}
        scored = []
        for hi, head in enumerate(self.heads):
            text = head_text(self.lines, head)
            for s in self.starts:
                score = self.overlap(text, openings[s])
                adjacent = head.body == s
                if adjacent:
                    score += ADJACENT_BONUS
                if adjacent or score >= MIN_OVERLAP:
                    scored.append((-score, s, hi))
        scored.sort()
        for _, s, hi in scored:
            if s not in self.pairs and hi not in self.done:
                self._pair(s, hi)

    def by_search(self) -> None:
        """Pair each head left with the earliest body line anywhere that opens like it."""
        for hi, head in enumerate(self.heads):
            if hi in self.done:
                continue
            found = self._search(head, set(self.pairs) | set(self.starts))
            if found is not None:
                self._pair(found, hi)

    def in_order(self) -> None:
        """Heads still without a body take the starts still without a title, in order."""
        left = [s for s in self.starts if s not in self.pairs]
        for hi, head in enumerate(self.heads):
            if hi in self.done:
                continue
            if not left:
                logger.debug("no body found for title %r", self.lines[head.title].text)
                continue
            self.pairs[left.pop(0)] = head

    def _pair(self, start: int, hi: int) -> None:
        self.pairs[start] = self.heads[hi]
        self.done.add(hi)

    def _search(self, head: Head, taken: set[int]) -> int | None:
        """The earliest body line that opens like the head's words, anywhere on the page."""
        lines = self.lines
        text = head_text(lines, head)
        scores = []
        for i, line in enumerate(lines):
            if i in self.stops or i in taken or line.kind != "body":
                continue
            prev = lines[i - 1] if i else None
            if prev is not None and prev.kind == "body" and not ends_sentence(prev.text):
                continue
            scores.append((i, self.overlap(text, _opening(lines, i, self.stops))))
        if not scores:
            return None
        best = max(s for _, s in scores)
        if best < MIN_OVERLAP:
            return None
        return next(i for i, s in scores if s >= 0.8 * best)


def pair_heads(
    lines: list[Line], heads: list[Head], starts: list[int], overlap: Overlap
) -> dict[int, Head | None]:
    """Map each body start (and each body line a head found) to its head (None: title not printed)."""
    pairing = _Pairing(lines, heads, starts, overlap)
    pairing.by_score()
    pairing.by_search()
    pairing.in_order()
    pairs = pairing.pairs
    for s in starts:
        pairs.setdefault(s, None)
    return pairs
