"""Tests of kg.text.normalise: one form for text that prints the same (issue 17 item 6)."""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from kg.corpus.build import build
from kg.extract import extract_page
from kg.model import CleanPage, PageMeta
from kg.text.clean import clean_page
from kg.text.normalise import IGNORABLE, character_table, normalise_characters, original_text
from kg.text.traced import Traced

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "make_hostile", ROOT / "tests/hostile/make_hostile.py"
)
assert _spec is not None and _spec.loader is not None
make_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_hostile)


def _normalised(raw: str) -> Traced:
    doc = normalise_characters(Traced.of(raw))
    assert len(doc.offsets) == len(doc.text)
    assert list(doc.offsets) == sorted(set(doc.offsets))
    return doc


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or any(lo <= ord(ch) <= hi for lo, hi in IGNORABLE)


# ---------------------------------------------------------------- case tables


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # invisible format characters and default-ignorables go
        ("政务\u200d服务\u200c管理局", "政务服务管理局"),
        ("组\u2060织\u00ad部\ufeff", "组织部"),
        ("\u202a甲\u202b乙\u202c\u202d丙\u202e丁\u2066戊\u2067己\u2068庚\u2069", "甲乙丙丁戊己庚"),
        ("\u200e左\u200f右\u061c", "左右"),
        ("党\ufe0f建\U000e0100\u034f", "党建"),
        # full-width ASCII folds; Chinese full-width punctuation stays
        ("“１＋１＋Ｎ”", "“1+1+N”"),
        ("ＡＢＣ１２３％＃＆－．", "ABC123%#&-."),
        (
            "会议，要求：一是；二是！对吗？（注）［１］～／",
            "会议，要求：一是；二是！对吗？（注）［1］～／",
        ),
        ("｢半角｣､｡", "「半角」、。"),
        # vertical and small forms become the Chinese punctuation they print as
        ("︵注︶︐︑", "（注），、"),
        # Kangxi radicals and compatibility ideographs become the unified ones
        ("⾨⼈\uf900", "门人岂"),  # 豈 (U+F900) is traditional too
        # NFKC folds that change what the text says are not made; the ideographic space stays
        ("①②㎡…㈠\u3000", "①②㎡…㈠\u3000"),
        # marks compose; on Han characters and CJK punctuation they go
        ("Cafe\u0301", "Café"),
        ("昭\u0301通\u0323\u0300市，\u0301", "昭通市，"),
        # traditional characters become simplified; standard simplified ones stay
        ("昭通市政務服務管理局", "昭通市政务服务管理局"),
        ("組織部黨組會議", "组织部党组会议"),
        ("全覆盖 显著 乾坤 慰藉 瞭望", "全覆盖 显著 乾坤 慰藉 瞭望"),
    ],
)
def test_normalise_characters(raw: str, expected: str) -> None:
    assert _normalised(raw).text == expected


def test_normalise_offsets_point_at_the_raw_characters() -> None:
    raw = "政\u200d務e\u0301１"
    doc = _normalised(raw)
    assert doc.text == "政务é1"
    assert list(doc.offsets) == [0, 2, 3, 5]  # é at its base e; the joiner and the mark gone


def test_normalise_keeps_traditional_when_asked() -> None:
    doc = normalise_characters(Traced.of("政務\u200d１"), simplify=False)
    assert doc.text == "政務1"


def test_normalise_table_applies_once() -> None:
    table = character_table()
    assert all(len(v) == 1 for v in table.values())
    assert not any(ord(v) in table for v in table.values())
    assert not any(_invisible(v) for v in table.values())


def test_normalise_original_text_quotes_the_page() -> None:
    raw = "本报讯 昭通市政務\u200d服務管理局召開會議，推進“１＋１＋Ｎ”。Cafe\u0301\n"
    page = clean_page(raw, PageMeta(source="t.txt"))
    assert page.text == "本报讯 昭通市政务服务管理局召开会议，推进“1+1+N”。Café"
    start = page.text.index("昭通市")
    assert original_text(page, start, start + 10) == "昭通市政務服務管理局"  # no joiner
    start = page.text.index("“")
    assert original_text(page, start, start + 7) == "“１＋１＋Ｎ”"
    assert original_text(page, 0, len(page.text)) == raw.replace("\u200d", "").strip("\n")


def test_normalise_furniture_credits_read_the_normalised_page() -> None:
    raw = "责编：毛\u200d利濤 组版：谢\u00ad红\n正文。\n"
    page = clean_page(raw, PageMeta(source="c.txt"))
    assert [(c.role, c.name) for c in page.credits] == [("责编", "毛利涛"), ("组版", "谢红")]
    assert [raw[c.start : c.end] for c in page.credits] == ["毛\u200d利濤", "谢\u00ad红"]


# ---------------------------------------------------------------- properties

HOSTILE = (
    "的是在国会务党组织１Ａ＋，：（）“”　 \n"
    "國會務黨組織\u200d\u200c\u2060\u00ad\ufeff\u202a\u202e\u2067\u2069\u200e\u061c"
    "\u0301\u0323\ufe0f\u034fe⾨\uf900︵"
)
TEXT = st.text(alphabet=st.sampled_from(HOSTILE), max_size=200)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_normalise_is_idempotent_and_leaves_nothing_invisible_property(raw: str) -> None:
    once = _normalised(raw).text
    assert _normalised(once).text == once
    assert not any(_invisible(c) for c in once)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_normalise_never_loses_a_han_character_property(raw: str) -> None:
    table = character_table()
    han = [c.translate(table) for c in raw if "\u4e00" <= c.translate(table) <= "\u9fff"]
    assert [c for c in _normalised(raw).text if "\u4e00" <= c <= "\u9fff"] == han


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_normalise_original_text_is_the_raw_characters_property(raw: str) -> None:
    doc = _normalised(raw)
    page = CleanPage(PageMeta(source="p.txt"), raw, doc.text, doc.offsets.tolist())
    text = original_text(page, 0, len(doc.text))
    visible = "".join(c for c in raw if not _invisible(c))
    # the page minus what normalisation deleted (marks on Han text come back: they were printed)
    assert text == visible or (set(visible) - set(text)) <= {"\u0301", "\u0323"}


def _original_by_character(page: CleanPage, start: int, end: int) -> str:
    """``original_text`` by its definition: each clean character's raw one, with the marks after it."""
    raw, offsets = page.raw, page.offsets
    out = []
    for k in range(max(start, 0), min(end, len(offsets))):
        stop = offsets[k + 1] if k + 1 < len(offsets) else len(raw)
        j = offsets[k] + 1
        while j < stop and unicodedata.combining(raw[j]):
            j += 1
        out.append(raw[offsets[k] : j])
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.data())
def test_normalise_original_text_of_any_stretch_is_its_characters_property(
    raw: str, data: st.DataObject
) -> None:
    doc = _normalised(raw)
    page = CleanPage(PageMeta(source="p.txt"), raw, doc.text, doc.offsets.tolist())
    start = data.draw(st.integers(-1, len(doc.text)))
    end = data.draw(st.integers(start, len(doc.text) + 1))
    assert original_text(page, start, end) == _original_by_character(page, start, end)


# ---------------------------------------------------------------- hostile pages


@pytest.fixture(scope="module")
def unicode_pages(tmp_path_factory) -> list[Path]:
    return make_hostile.write_unicode_pages(tmp_path_factory.mktemp("unicode"))


def _entities(path: Path, nlp) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    meta = PageMeta(source=path.name, home_place="昭通市")
    result = extract_page(path.read_text(encoding="utf-8"), meta, nlp)
    return sorted(e.key for e in result.entities)


def test_normalise_pages_printed_alike_give_the_plain_entities(unicode_pages, nlp) -> None:
    plain, *variants = unicode_pages
    expected = _entities(plain, nlp)
    assert ("ORG", "昭通市委组织部") in expected
    assert any(t == "PROGRAM" and name.startswith("1+1+N") for t, name in expected)
    for path in variants:
        assert _entities(path, nlp) == expected, path.name


def test_normalise_no_iri_holds_a_format_character(unicode_pages, nlp, tmp_path: Path) -> None:
    folder = unicode_pages[0].parent
    (folder / "markup.txt").write_text(
        "党支部开展主题党日活动\n\n本报讯 近日，中共某县委组织部召开会议，"
        "\u202e倒序文字\u202c由党委组成，“１＋１”工作持续推进。\n",
        encoding="utf-8",
    )
    build([folder], tmp_path / "out", nlp=nlp, cache_dir=tmp_path / "cache", formats=["turtle"])
    graph = Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert any("/org/" in i for i in iris)
    bad = sorted(i for i in iris if any(_invisible(c) for c in i))
    assert bad == []


def test_normalise_evidence_and_mention_sentences_quote_the_page_as_printed(nlp) -> None:
    from kg.extract import extract_page
    from kg.model import PageMeta

    raw = "會議召開\n\n昭通市人力資源和社會保障局召開會議，研究工作。\n"
    result = extract_page(raw, PageMeta(source="t.txt"), nlp)
    assert ("ORG", "昭通市人力资源和社会保障局") in {e.key for e in result.entities}
    sentences = {m.sentence.strip() for m, _ in result.mentions if m.label == "ORG"}
    assert sentences == {"昭通市人力資源和社會保障局召開會議，研究工作。"}


def test_normalise_format_characters_never_stand_in_an_iri() -> None:
    from kg.graph.namespaces import entity_iri

    assert "\u202e" not in str(entity_iri("ORG", "昭通\u202e市委"))
