"""Tests of kg.text.bylines: the credits a byline gives."""

from __future__ import annotations

import pytest

from kg.model import CleanPage, PageMeta
from kg.text.bylines import byline_credits


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("记者 毛利涛 通讯员 瞿小英 文/图", [("记者", "毛利涛"), ("通讯员", "瞿小英")]),
        ("本报记者 曲宏 文并摄", [("记者", "曲宏")]),
        ("通讯员 田明", [("通讯员", "田明")]),
        ("◆通讯员张顺富", [("通讯员", "张顺富")]),
        ("通讯员张俊文/图", [("通讯员", "张俊")]),
        ("本报讯 记者侯悦林报道", [("记者", "侯悦林")]),
        ("沈小平", [("记者", "沈小平")]),
        ("记者 张三 李四", [("记者", "张三"), ("记者", "李四")]),
    ],
)
def test_bylines_credits(byline: str, expected: list[tuple[str, str]]) -> None:
    page = CleanPage(
        meta=PageMeta(source="b.txt"), raw=byline, text=byline, offsets=list(range(len(byline)))
    )
    credits = byline_credits(page, 0, len(byline))
    assert [(c.role, c.name) for c in credits] == expected
    assert all(byline[c.start : c.end] == c.name for c in credits)
