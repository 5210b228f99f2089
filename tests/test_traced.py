"""Tests of kg.text.traced: deleting spans keeps the offset map to the raw page."""

from __future__ import annotations

from kg.text.traced import Traced, delete_spans


def test_traced_delete_spans_keeps_offsets() -> None:
    doc = delete_spans(Traced.of("abcdef"), [(1, 2), (3, 5)])
    assert doc.text == "acf"
    assert list(doc.offsets) == [0, 2, 5]
