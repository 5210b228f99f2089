"""Sentences, paragraphs and linked mentions on the page text (kg.link.spans)."""

from __future__ import annotations

import pytest

from kg.intervals import Intervals
from kg.link.spans import LinkSpans, outermost, paragraph_start, reading_order, sentence_bounds
from kg.model import Mention


@pytest.mark.parametrize(
    ("text", "pos", "sentence"),
    [("甲。乙丙！丁", 3, "乙丙！"), ("第一行\n第二行。", 5, "第二行。"), ("单句", 0, "单句"),
     ("甲。  乙", 4, "乙")],
)  # fmt: skip
def test_link_spans_sentence_bounds(text, pos, sentence):
    s, e = sentence_bounds(text, pos)
    assert text[s:e] == sentence


def test_link_spans_paragraph_start():
    assert paragraph_start("甲\n乙丙\n丁", 3) == 2
    assert paragraph_start("甲乙", 1) == 0


def _m(start: int, end: int, label: str = "ORG") -> Mention:
    return Mention("x" * (end - start), label, start, end, 0, "", 0)


def test_link_spans_reading_order_puts_the_longer_mention_first():
    inner, outer, later = (
        (_m(0, 3), ("PLACE", "a")),
        (_m(0, 6), ("ORG", "b")),
        (_m(7, 9), ("ORG", "c")),
    )
    assert reading_order([later, inner, outer]) == (outer, inner, later)


def test_link_spans_in_span_and_outermost():
    inner, outer, person = (_m(0, 3, "PLACE"), ("PLACE", "a")), (_m(0, 6), ("ORG", "b")), (
        _m(6, 8, "PERSON"), ("PERSON", "c"))  # fmt: skip
    links = [outer, inner, person]
    spans = LinkSpans(links)
    assert spans.in_span(0, 6, ("ORG", "PLACE")) == [outer, inner]
    assert spans.in_span(0, 8, ("PERSON",)) == [person]
    assert spans.ending_in(6, 7, ("ORG", "PLACE")) == [outer]
    assert spans.ending_in(3, 6, ("ORG", "PLACE")) == [inner]
    assert outermost(links) == [outer, person]
    assert outermost([inner, (_m(0, 3), ("ORG", "d"))]) == [inner, (_m(0, 3), ("ORG", "d"))]


def test_link_spans_sentence_reach_bounds_a_run_with_no_sentence_end():
    text = "甲" * 5000
    assert sentence_bounds(text, 2500) == (1500, 3500)


def test_intervals_answer_as_a_scan_would_in_the_order_given():
    spans = [(5, 9), (0, 3), (2, 6), (0, 12), (7, 8), (3, 3)]
    index = Intervals(spans)
    for a in range(0, 13):
        for b in range(a, 14):
            assert index.overlapping(a, b) == [s for s in spans if s[0] < b and a < s[1]]
            assert index.within(a, b) == [s for s in spans if a <= s[0] and s[1] <= b]
            assert index.holding(a, b) == [s for s in spans if s[0] <= a and b <= s[1]]
