"""Tests of kg.text.furniture: the page metadata and credits printed in the furniture."""

from __future__ import annotations

import pytest

from kg.text.furniture import is_furniture_line, read_furniture


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


def test_furniture_web_information_line_gives_date_and_credits() -> None:
    raw = (
        "某县召开推进会\n"
        "来源：某县人民政府办公室  作者：张明 李强  发布时间：2023-05-06 09:30:12  浏览次数：321\n"
        "正文。\n责任编辑：刘洋\n（编辑：谢 红）\n"
    )
    found, credits = read_furniture(raw)
    assert found == {"date": "2023-05-06"}
    assert [(c.role, c.name) for c in credits] == [
        ("供稿", "某县人民政府办公室"),
        ("记者", "张明"),
        ("记者", "李强"),
        ("责编", "刘洋"),
        ("责编", "谢红"),
    ]
    assert all("".join(raw[c.start : c.end].split()) == c.name for c in credits)


@pytest.mark.parametrize("source", ["本网", "本站", "原创", "网络"])
def test_furniture_source_that_names_no_organ_credits_nobody(source: str) -> None:
    _, credits = read_furniture(f"来源：{source}  发布时间：2023-05-06\n")
    assert credits == []


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("【字体：大 中 小】", True),
        ("打印本页 关闭窗口", True),
        ("【打印】【关闭】", True),
        ("上一篇：某县召开会议", True),
        ("当前位置：首页 > 新闻中心 > 工作动态", True),
        ("首页 > 新闻中心 > 工作动态", True),
        ("主办单位：某市人民政府办公室 版权所有 网站标识码1234", True),
        ("作者：张三", True),
        # body text that names a field or a widget word stays
        ("时间：2023年1月5日上午，全市召开会议。", False),
        ("大中小学生都参加了活动", False),
        ("来源于群众，服务于群众。", False),
        ("某县召开会议", False),
    ],
)
def test_furniture_web_lines(line: str, furniture: bool) -> None:
    assert is_furniture_line(line) is furniture
