"""Tests of kg.text.clean: each step on a case table (join_lines: test_paragraphs.py), properties, and the seed pages."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import CleanPage, PageMeta
from kg.text.clean import (
    clean_page,
    clean_traced,
    drop_furniture,
    normalise_whitespace,
    rebuild_vertical,
    remove_layout_spaces,
)
from kg.text.normalise import character_table
from kg.text.traced import Traced

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _run(step, text: str) -> str:  # type: ignore[no-untyped-def]
    doc = step(Traced.of(text))
    assert all(text[o] == c for o, c in zip(doc.offsets, doc.text, strict=True))
    return doc.text


def _read_from(page: CleanPage) -> bool:
    """Every clean character is the raw one at its offset, or what normalisation made of it."""
    table = character_table()
    for o, c in zip(page.offsets, page.text, strict=True):
        # invisible format characters go first, so a mark after one still composes
        visible = "".join(ch for ch in page.raw[o : o + 8] if unicodedata.category(ch) != "Cf")
        folded = visible.translate(table)
        composed = unicodedata.normalize("NFC", folded)[0] if folded else ""
        if c not in (page.raw[o], page.raw[o].translate(table), composed):
            return False
    return True


def _cjk(text: str) -> Counter[str]:
    return Counter(c for c in text if "\u4e00" <= c <= "\u9fff")


# ---------------------------------------------------------------- case tables


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  正文  \r\n下一行\u3000\n", "正文\n下一行\n"),
        ("\ufeff标题\n", "标题\n"),
        ("a b\n", "a b\n"),
    ],
)
def test_clean_normalise_whitespace(raw: str, expected: str) -> None:
    assert _run(normalise_whitespace, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("32022年11月22日 星期二\n正文。\n", "正文。\n"),
        (" 4 2023年3月24日 星期五 阅读昭通·党建\n正文。\n", "正文。\n"),
        ("阅读昭通·党建\n正文。\n", "正文。\n"),
        ("ZHAOTONG RIBAO\n正文。\n", "正文。\n"),
        ("前沿观察 GUANCHUA\n正文。\n", "正文。\n"),
        ("责编：毛利涛 组版：谢 红 校对：王文富 投稿电话：0870-3191969\n正文。\n", "正文。\n"),
        ("看直播 扫码关注\n正文。\n", "正文。\n"),
        # body text that only mentions a date or a role stays
        ("2022年11月22日，市委召开会议。\n", "2022年11月22日，市委召开会议。\n"),
        ("责编毛利涛说，版面已定。\n", "责编毛利涛说，版面已定。\n"),
        # a web page's information line and widgets go
        ("来源：某县人民政府  发布时间：2023-05-06\n正文。\n", "正文。\n"),
        ("【字体：大 中 小】 【打印本页】\n正文。\n", "正文。\n"),
        ("责编：毛利涛\n正文。\n", "正文。\n"),
        ("市委市直机关工委 昭通日报社 联办\n", "市委市直机关工委 昭通日报社 联办\n"),
    ],
)
def test_clean_drop_furniture(raw: str, expected: str) -> None:
    assert _run(drop_furniture, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("蔡\n文\n松\n：\n平\n凡\n\n正文", "蔡文松：平凡\n\n正文"),
        ("◆\n通\n讯\n员\n", "◆通讯员\n"),
        ("文\\\n图\n", "文\\\n图\n"),  # two lines are not a vertical title
        ("甲\n乙\n", "甲\n乙\n"),
    ],
)
def test_clean_rebuild_vertical(raw: str, expected: str) -> None:
    assert _run(rebuild_vertical, raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("组版：谢 红", "组版：谢红"),
        ("全市办件 127.95 万件，", "全市办件127.95万件，"),
        ("评 价 119.55 万 件 ，主 动 评 价 率", "评价119.55万件，主动评价率"),
        ("驻 村 工 作 队 帮 扶", "驻村工作队帮扶"),
        ("实 ，依 托 综 治 中 心", "实，依托综治中心"),
        ("机关党建 3 个方面", "机关党建3个方面"),
        # spaces between words stay
        ("对标先进 争创一流", "对标先进 争创一流"),
        ("记者 毛利涛 通讯员 瞿小英 文/图", "记者 毛利涛 通讯员 瞿小英 文/图"),
        ("“永善 App”信息化平台", "“永善 App”信息化平台"),
        ("Hello world 2022", "Hello world 2022"),
    ],
)
def test_clean_remove_layout_spaces(raw: str, expected: str) -> None:
    assert _run(remove_layout_spaces, raw) == expected


# ---------------------------------------------------------------- page metadata


def test_clean_page_fills_only_missing_meta() -> None:
    raw = "YUNNAN RIBAO\n32022年11月22日 星期二\n正文。\n"
    page = clean_page(raw, PageMeta(source="x.txt", date="2020-01-01"))
    assert page.meta.date == "2020-01-01"  # given metadata wins
    assert page.meta.newspaper == "云南日报"
    assert page.meta.page_no == "3"
    assert page.text == "正文。"


def test_clean_banner_gives_column() -> None:
    page = clean_page("前沿观察 GUANCHUA\n\n正文。\n", PageMeta(source="x.txt"))
    assert page.meta.column == "前沿观察"
    assert page.text == "正文。"


def test_clean_empty_page() -> None:
    page = clean_page("", PageMeta(source="empty.txt"))
    assert page.text == ""
    assert page.offsets == []
    page = clean_page("\n \n\u3000\n", PageMeta(source="blank.txt"))
    assert page.text == ""


# ---------------------------------------------------------------- seed pages


@pytest.fixture(scope="module")
def seed_pages():  # type: ignore[no-untyped-def]
    return {
        p.name: clean_page(p.read_text(encoding="utf-8"), PageMeta(source=p.name))
        for p in SEED_FILES
    }


def test_clean_seed_offsets_map_to_raw(seed_pages) -> None:  # type: ignore[no-untyped-def]
    for page in seed_pages.values():
        assert len(page.offsets) == len(page.text)
        assert _read_from(page)
        assert page.offsets == sorted(set(page.offsets))


def test_clean_seed_furniture_gone(seed_pages) -> None:  # type: ignore[no-untyped-def]
    for page in seed_pages.values():
        for furniture in ("ZHAOTONG RIBAO", "星期", "投稿电话", "GUANCHUA", "扫码观看"):
            assert furniture not in page.text


def test_clean_seed_meta(seed_pages) -> None:  # type: ignore[no-untyped-def]
    meta = seed_pages["000_e59ba49bd64a9ae0.txt"].meta
    # the seed paper's masthead is not in text/mastheads.csv (it was the answer, not knowledge)
    assert (meta.newspaper, meta.date, meta.page_no, meta.column) == (
        None,
        "2022-11-22",
        "3",
        "党建",
    )
    meta = seed_pages["001_c52baf653ac99e89.txt"].meta
    assert (meta.date, meta.page_no) == ("2023-03-24", "4")
    assert seed_pages["003_3d028b8c8d2b6744.txt"].meta.column == "前沿观察"


def test_clean_seed_text_joined(seed_pages) -> None:  # type: ignore[no-untyped-def]
    text = seed_pages["000_e59ba49bd64a9ae0.txt"].text
    assert "昭通市政务服务管理局党组坚持落实" in text  # broken across column lines in the raw page
    assert "蔡文松：平凡人生路为还大地一片绿" in text  # set vertically in the raw page
    assert "评价119.55万件，主动评价率" in text
    assert "\n\n理清思路部署\n" in text  # a subhead keeps its line
    text = seed_pages["001_c52baf653ac99e89.txt"].text
    assert "“目前，大耆老村范围内已建设宽带端口184个" in text


def test_clean_seed_idempotent(seed_pages) -> None:  # type: ignore[no-untyped-def]
    for page in seed_pages.values():
        assert clean_traced(page.text).text.strip("\n") == page.text


def test_clean_pathological_input_is_fast() -> None:
    import time

    cases = ["—" * 200_000, "蔡\n" * 50_000, " " * 100_000 + "字", "（" * 50_000, "a \n" * 50_000]
    began = time.perf_counter()
    for raw in cases:
        page = clean_page(raw, PageMeta(source="bad.txt"))
        assert _read_from(page)
    assert time.perf_counter() - began < 10


# ---------------------------------------------------------------- properties

CJK = "的是在不了有和人中大为上国以要时来们生到地出就对成会主发年动同工也能下过子说产"
PUNCT = "，。、“”：；！？（）"
BODY = st.text(alphabet=CJK + PUNCT + " \u3000\n", max_size=400)
ANY = st.text(
    alphabet=st.sampled_from(
        CJK + PUNCT + " \u3000\n\r\t—《》·ABCZ 0123456789年月日星期二编责：联办"
        "國會務１Ａ＋\u200d\u00ad\u202e\u0301\ufe0f"
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(ANY)
def test_clean_offsets_invariant_property(raw: str) -> None:
    page = clean_page(raw, PageMeta(source="h.txt"))
    assert len(page.offsets) == len(page.text)
    assert _read_from(page)
    assert page.offsets == sorted(set(page.offsets))


@settings(max_examples=200, deadline=None)
@given(BODY)
def test_clean_never_loses_cjk_property(raw: str) -> None:
    assert _cjk(clean_page(raw, PageMeta(source="h.txt")).text) == _cjk(raw)


@settings(max_examples=200, deadline=None)
@given(ANY)
def test_clean_steps_idempotent_property(raw: str) -> None:
    for step in (normalise_whitespace, drop_furniture, remove_layout_spaces):
        once = step(Traced.of(raw)).text
        assert step(Traced.of(once)).text == once
    once = rebuild_vertical(normalise_whitespace(Traced.of(raw))).text
    assert rebuild_vertical(Traced.of(once)).text == once


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        # a slogan printed beside the masthead is the page head, not a title
        (
            "3 2021年5月6日 星期四 要闻\n团结奋进 共创美好未来\n\nXIANGYANG RIBAO\n\n正文第一段。\n",
            "正文第一段。",
        ),
        # no masthead among the first lines: nothing above is dropped for it
        ("团结奋进 共创美好未来\n正文第一段，还有第二句。\n", "团结奋进 共创美好未来"),
        # a sentence above the masthead is text, so the head is not taken as a block
        ("他说，今天很好。\nXIANGYANG RIBAO\n正文。\n", "他说，今天很好。"),
    ],
)
def test_clean_drops_the_page_head_down_to_the_masthead(raw: str, kept: str) -> None:
    text = clean_page(raw, PageMeta(source="p.txt")).text
    assert text.startswith(kept)
