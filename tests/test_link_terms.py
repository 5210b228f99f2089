"""Programme, honour and document mentions to terms, and their recogniser names (kg.link.terms)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from spacy.tokens import Span

from kg.link.page import link_page
from kg.link.terms import name_terms, national_law, scope_prefix, with_head_noun
from kg.model import Entity, Mention
from kg.recognise.spans import SPANS_KEY


def canon(linked, typ: str) -> list[str]:
    return sorted(e.canonical for e in linked.entities if e.type == typ)


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("坚持“133”工作思路推进。", [("133", "PROGRAM")], ["133工作思路"]),
        ("开展“对标先进、争创一流”和对标先进争创一流活动。",
         [("对标先进、争创一流", "PROGRAM"), ("对标先进争创一流", "PROGRAM")], ["对标先进、争创一流"]),
        ("实施新一轮退耕还林还草工程，新一轮退耕还林还草成效好。",
         [("新一轮退耕还林还草工程", "PROGRAM"), ("新一轮退耕还林还草", "PROGRAM")],
         ["新一轮退耕还林还草工程"]),
        ("织密“党群一张网”，这张“一张网”覆盖全市。",
         [("党群一张网", "PROGRAM"), ("一张网", "PROGRAM")], ["党群一张网"]),
    ],
)  # fmt: skip
def test_link_programme_canonical_and_merge(link_text, text, spans, expected):
    linked = link_text(text, spans)
    assert canon(linked, "PROGRAM") == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [("“12345”思路和“12345”工作思路", "12345", "12345工作思路"), ("推行“133”。", "133", "133"),
     ("党群一张网", "党群一张网", "党群一张网")],
)  # fmt: skip
def test_link_terms_bare_code_takes_the_longest_head_noun(text, name, expected):
    assert with_head_noun(text, name) == expected


@pytest.mark.parametrize(
    ("name", "label", "expected"),
    [("全市先进基层党组织", "HONOR", "昭通市先进基层党组织"), ("全市党建引领行动", "PROGRAM", "党建引领行动"),
     ("全国先进个人", "HONOR", "全国先进个人"), ("先进个人", "HONOR", "先进个人")],
)  # fmt: skip
def test_link_terms_scope_word(name, label, expected):
    assert scope_prefix(name, label, {"city": "昭通市"}) == expected


def test_link_term_names_from_recogniser_spans(one_article):
    import spacy

    import kg.recognise.terms  # noqa: F401  (registers the span extensions)
    from kg.recognise.pipeline import mentions_of

    text = "认真学习党章，落实“两个确立”。"
    nlp = spacy.blank("zh")
    doc = nlp(text)
    spans = []
    for name, canonical, core in (
        ("党章", "中国共产党章程", True),
        ("两个确立", "两个确立", False),
    ):
        start = text.index(name)
        span = doc.char_span(start, start + len(name), label="DOCUMENT" if core else "PROGRAM")
        assert span is not None
        span._.canonical = canonical
        if Span.has_extension("core"):
            span._.core = core
        spans.append(span)
    doc.spans[SPANS_KEY] = spans
    page, art, _ = one_article(text, [])
    linked = link_page(page, [art], mentions_of(doc, art, page))
    ents = {e.canonical: e for e in linked.entities}
    assert ents["中国共产党章程"].mentions == {"党章"}
    assert not ents["两个确立"].core
    assert {k for _, k in linked.links} == {("DOCUMENT", "中国共产党章程"), ("PROGRAM", "两个确立")}


def test_link_terms_rename_merges_what_then_shares_a_name():
    a = Mention("党章", "DOCUMENT", 0, 2, 0, "", 0, canonical="中国共产党章程")
    b = Mention("中国共产党章程", "DOCUMENT", 5, 12, 0, "", 0, canonical="中国共产党章程")
    entities = [
        Entity("DOCUMENT", "中国共产党章程", {"中国共产党章程"}),
        Entity("DOCUMENT", "党章", {"党章"}),
    ]
    links = [(a, ("DOCUMENT", "党章")), (b, ("DOCUMENT", "中国共产党章程"))]
    named, moved = name_terms(entities, links)
    assert [(e.canonical, e.mentions) for e in named] == [
        ("中国共产党章程", {"党章", "中国共产党章程"})
    ]
    assert {k for _, k in moved} == {("DOCUMENT", "中国共产党章程")}


def test_link_terms_without_recogniser_names_stay_as_linked():
    m = Mention("一张网", "PROGRAM", 0, 3, 0, "", 0)
    entities = [Entity("PROGRAM", "一张网", {"一张网"})]
    assert name_terms(entities, [(m, ("PROGRAM", "一张网"))]) == (
        entities,
        [(m, ("PROGRAM", "一张网"))],
    )


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("大气污染防治法", "中华人民共和国大气污染防治法"),  # only the state makes laws
        ("中华人民共和国大气污染防治法", "中华人民共和国大气污染防治法"),
        ("党委会的工作方法", "党委会的工作方法"),  # a method, not a law
        ("公共资源交易管理办法", "公共资源交易管理办法"),
    ],
)
def test_link_terms_a_law_takes_the_state_name(name, official):
    assert national_law(name) == official


def test_link_terms_a_numbered_formula_takes_its_head_noun(one_article):
    text = "召开“两学一做”学习教育工作会议，开设“两学一做”红色讲堂，“两学一做”专题会。"
    page, art, mentions = one_article(text, [("两学一做", "PROGRAM")] * 3)
    names = ["两学一做学习教育", "两学一做红色讲堂", "两学一做"]  # what kg_terms names them
    mentions = [replace(m, canonical=n) for m, n in zip(mentions, names, strict=True)]
    linked = link_page(page, [art], mentions)
    # the bare mention joins the name plus head noun; the hall is a programme of its own
    assert canon(linked, "PROGRAM") == ["两学一做学习教育", "两学一做红色讲堂"]
