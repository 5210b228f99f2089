"""Tests of kg.text.furniture: the page metadata and credits printed in the furniture."""

from __future__ import annotations

from kg.text.furniture import read_furniture


def test_furniture_read_meta_and_credits() -> None:
    raw = (
        "\n32022年11月22日 星期二\n\n"
        "责编：毛利涛 组版：谢 红 校对：王文富 投稿电话：0870-3191969\n\n"
        "阅读昭通·党建\nYUNNAN RIBAO\n"
    )
    found, credits = read_furniture(raw)
    assert found == {
        "date": "2022-11-22",
        "page_no": "3",
        "column": "党建",
        "newspaper": "云南日报",
    }
    assert [(c.role, c.name) for c in credits] == [
        ("责编", "毛利涛"),
        ("组版", "谢红"),
        ("校对", "王文富"),
    ]
    assert [raw[c.start : c.end] for c in credits] == ["毛利涛", "谢 红", "王文富"]
