"""Tests of kg.text.paragraphs: which line breaks the join_lines step removes."""

from __future__ import annotations

import pytest

from kg.text.paragraphs import join_lines
from kg.text.traced import Traced

COLUMN = (
    "2022年以来，昭通市政务服务\n"
    "管理局党组坚持落实“围绕中心抓\n"
    "党建，抓好党建促业务”一条工作\n"
    "主线、聚焦“建一流队伍、创一流业\n"
    "绩、树一流形象”三项目标要求、紧\n"
    "盯“政治建设、政务服务、机关党\n"
    "建”三个重点任务的“133”工作思\n"
    "路，制定创建方案，健全工作机制。\n"
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a column paragraph becomes one line
        (COLUMN, COLUMN.replace("\n", "", COLUMN.count("\n") - 1)),
        # a break after sentence-final punctuation stays
        ("第一句话说完了。\n第二句话开始", "第一句话说完了。\n第二句话开始"),
        # short title lines keep their breaks; the body under them is joined
        (
            "理清思路部署\n开创“1+1+N”创先争优格局\n\n" + COLUMN,
            "理清思路部署\n开创“1+1+N”创先争优格局\n\n"
            + COLUMN.replace("\n", "", COLUMN.count("\n") - 1),
        ),
        # kicker and subtitle lines are never joined
        ("昭通市政务服务管理局——\n坚持工作思路", "昭通市政务服务管理局——\n坚持工作思路"),
        ("奋楫扬帆启新程\n——昭通市直机关工作综述", "奋楫扬帆启新程\n——昭通市直机关工作综述"),
        # a long paragraph line cut mid-sentence continues after the blank line
        (
            "据悉" + "平台" * 25 + "网格化管\n\n理和指挥平台。",
            "据悉" + "平台" * 25 + "网格化管理和指挥平台。",
        ),
        # an open book-title mark continues
        (
            "印发《昭通市招标投标领域公平竞争\n\n审查工作方案》。",
            "印发《昭通市招标投标领域公平竞争审查工作方案》。",
        ),
        # a short title line alone does not swallow the next paragraph
        (
            "坚持“133”工作思路 积极推进创先争优\n\n今年以来，",
            "坚持“133”工作思路 积极推进创先争优\n\n今年以来，",
        ),
        # a source line stays apart
        (
            "（昭通市政务服务管理局供稿）\n\n1992年7月，",
            "（昭通市政务服务管理局供稿）\n\n1992年7月，",
        ),
    ],
)
def test_paragraphs_join_lines(raw: str, expected: str) -> None:
    doc = join_lines(Traced.of(raw))
    assert all(raw[o] == c for o, c in zip(doc.offsets, doc.text, strict=True))
    assert doc.text == expected
