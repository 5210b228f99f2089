"""Tests of kg.text.chars: character classes and printed width."""

from __future__ import annotations

import pytest

from kg.text.chars import width


@pytest.mark.parametrize(
    ("line", "expected"),
    [("正文", 2.0), ("ab", 1.0), ("“1”个", 2.5), ("", 0.0)],
)
def test_chars_width(line: str, expected: float) -> None:
    assert width(line) == expected
