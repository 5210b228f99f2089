"""Sentences, paragraphs and linked mentions on the page text (kg.link.spans)."""

from __future__ import annotations

import pytest

from kg.link.spans import in_span, outermost, paragraph_start, reading_order, sentence_bounds
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
    assert in_span(links, 0, 6, ("ORG", "PLACE")) == [outer, inner]
    assert outermost(links) == [outer, person]
