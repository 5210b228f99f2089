"""Tests of kg.text.bylines: the credits a byline gives."""

from __future__ import annotations

import pytest

from kg.model import CleanPage, PageMeta
from kg.text.bylines import (
    byline_credits,
    caption_credits,
    credited_names,
    is_photo_caption,
    lead_byline,
    lead_credits,
    split_names,
    trailing_credits,
)


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
        # names printed together, told apart by the surname table
        ("通讯员王芳于文哲", [("通讯员", "王芳"), ("通讯员", "于文哲")]),
        ("记者 张明李强", [("记者", "张明"), ("记者", "李强")]),
        # a photo kind makes the name a photographer's, a text kind keeps the role
        ("记者 张三/文 李四/图", [("记者", "张三"), ("摄影", "李四")]),
        ("记者 张三 摄", [("摄影", "张三")]),
        ("本报记者 张三 文并摄", [("记者", "张三")]),
    ],
)
def test_bylines_credits(byline: str, expected: list[tuple[str, str]]) -> None:
    credits = byline_credits(_page(byline), 0, len(byline))
    assert [(c.role, c.name) for c in credits] == expected
    assert all(byline[c.start : c.end] == c.name for c in credits)


def _page(text: str) -> CleanPage:
    return CleanPage(
        meta=PageMeta(source="b.txt"), raw=text, text=text, offsets=list(range(len(text)))
    )


@pytest.mark.parametrize(
    ("run", "names"),
    [
        ("王芳于文哲", ["王芳", "于文哲"]),  # 于 is a function word inside a name: it opens one
        ("张明李强", ["张明", "李强"]),
        ("毛利涛", ["毛利涛"]),
        ("欧阳小明", ["欧阳小明"]),  # a double surname: one name of four
        ("王明刘小红陈刚", ["王明", "刘小红", "陈刚"]),
        ("张", []),
        ("一二三四五六七八九十", []),
    ],
)
def test_bylines_split_names(run: str, names: list[str]) -> None:
    assert [run[s:e] for s, e in split_names(run)] == names


@pytest.mark.parametrize(
    ("text", "role", "expected"),
    [
        ("张三 李四", "供稿", [("供稿", "张三"), ("供稿", "李四")]),
        ("文/陈晓 图/林峰", "供稿", [("记者", "陈晓"), ("摄影", "林峰")]),
        ("张三 李四 摄", "", [("摄影", "张三"), ("摄影", "李四")]),
        ("张三 李四", "", []),  # no role and no kind: nobody is credited
    ],
)
def test_bylines_credited_names(text: str, role: str, expected: list[tuple[str, str]]) -> None:
    found = credited_names(text, role)
    assert found is not None
    assert [(r, text[s:e]) for s, e, r in found] == expected


@pytest.mark.parametrize("text", ["上接第一版", "完", "2023年", "图片来自网络", "市委书记"])
def test_bylines_brackets_without_names_credit_nobody(text: str) -> None:
    assert not credited_names(text, "供稿")
    page = _page(f"会议结束。（{text}）")
    assert trailing_credits(page, 0, len(page.text)) == []


@pytest.mark.parametrize(
    ("line", "lead", "expected"),
    [
        ("本报讯 记者张三报道 近日，某县召开会议。", "本报讯 记者张三报道 ", [("记者", "张三")]),
        (
            "本报某某讯（通讯员 王芳于文哲）近日，",
            "本报某某讯（通讯员 王芳于文哲）",
            [("通讯员", "王芳"), ("通讯员", "于文哲")],
        ),
        ("《某某日报》消息：近日，", "《某某日报》消息：", [("供稿", "某某日报")]),
        (
            "新华社北京1月5日电（张三 李四）近日，",
            "新华社北京1月5日电（张三 李四）",
            [("供稿", "新华社"), ("记者", "张三"), ("记者", "李四")],
        ),
        ("（记者 张三）近日，", "（记者 张三）", [("记者", "张三")]),
        ("本报记者从市通讯管理局获悉，", "", []),
        ("12月5日电商节开幕，", "", []),
        ("近日，某县召开会议。", "", []),
    ],
)
def test_bylines_lead(line: str, lead: str, expected: list[tuple[str, str]]) -> None:
    n = lead_byline(line)
    assert line[:n] == lead
    page = _page(line)
    assert [(c.role, c.name) for c in lead_credits(page, 0, n)] == expected


@pytest.mark.parametrize(
    ("caption", "photo", "expected"),
    [
        ("图为活动现场。张三 李四摄", True, [("摄影", "张三"), ("摄影", "李四")]),
        ("群众在咨询法律问题。（记者 张三 摄）", True, [("摄影", "张三")]),
        ("图为活动现场", True, []),
        ("电影正在紧张拍摄", False, []),
        ("会议结束。（记者 张三/文 李四/图）", False, [("记者", "张三"), ("摄影", "李四")]),
    ],
)
def test_bylines_photo_captions(caption: str, photo: bool, expected: list[tuple[str, str]]) -> None:
    assert is_photo_caption(caption) is photo
    page = _page(caption)
    assert [(c.role, c.name) for c in caption_credits(page, 0, len(caption))] == expected
