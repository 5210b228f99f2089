"""Tests of kg.text.traced: deleting and replacing keep the offset map to the raw page."""

from __future__ import annotations

import pytest

from kg.text.traced import Traced, delete_spans, map_chars, replace_spans


def test_traced_delete_spans_keeps_offsets() -> None:
    doc = delete_spans(Traced.of("abcdef"), [(1, 2), (3, 5)])
    assert doc.text == "acf"
    assert list(doc.offsets) == [0, 2, 5]


def test_traced_replace_spans_maps_each_character_to_its_span() -> None:
    doc = replace_spans(Traced.of("xe\u0301yz"), [(1, 3, "é"), (3, 4, "")])
    assert doc.text == "xéz"
    assert list(doc.offsets) == [0, 1, 4]


def test_traced_replace_spans_refuses_a_longer_text() -> None:
    with pytest.raises(ValueError, match="longer than the span"):
        replace_spans(Traced.of("ab"), [(0, 1, "xy")])


def test_traced_map_chars_keeps_offsets() -> None:
    doc = map_chars(delete_spans(Traced.of("a１b"), [(0, 1)]), {ord("１"): "1"})
    assert (doc.text, list(doc.offsets)) == ("1b", [1, 2])
