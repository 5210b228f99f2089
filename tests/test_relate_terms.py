"""PROMOTES, AWARDED, ISSUED (kg.relate.terms)."""

from __future__ import annotations

import pytest


def triples(facts, relation: str) -> set[tuple]:
    return {
        (f.head[1], f.tail[1] if f.tail else None, f.attrs.get("post") or f.attrs.get("year"))
        for f in facts
        if f.relation == relation
    }


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("2022年,红光派出所被评为“枫桥式公安派出所”。",
         [("红光派出所", "ORG"), ("枫桥式公安派出所", "HONOR")],
         {("红光派出所", "枫桥式公安派出所", "2022")}),
        ("昭通市财政局第一党支部成绩突出,被昭通市委表彰为“全市先进基层党组织”。",
         [("昭通市财政局第一党支部", "ORG"), ("昭通市委", "ORG"), ("全市先进基层党组织", "HONOR")],
         {("昭通市财政局第一党支部", "昭通市先进基层党组织", None)}),
        ("2022年,昭通市6家单位被命名为“模范机关创建示范单位”。",
         [("昭通市", "PLACE"), ("模范机关创建示范单位", "HONOR")], set()),
        ("全国“最美快递员”刘平来感受最深。",
         [("最美快递员", "HONOR"), ("刘平来", "PERSON")], {("刘平来", "最美快递员", None)}),
        ("红光派出所开展“先进个人”评选。", [("红光派出所", "ORG"), ("先进个人", "HONOR")], set()),
        ("现任高级工程师的蔡文松，多次被评为“先进工作者”。",
         [("蔡文松", "PERSON"), ("先进工作者", "HONOR")], {("蔡文松", "先进工作者", None)}),
        ("县林业局的张明，先后荣获“优秀共产党员”称号。",
         [("张明", "PERSON"), ("优秀共产党员", "HONOR")], {("张明", "优秀共产党员", None)}),
        ("他见过蔡文松，今天讨论被评为“先进工作者”的条件。",
         [("蔡文松", "PERSON"), ("先进工作者", "HONOR")], set()),
        ("石门派出所开展巡逻。2023年，该所被评为“平安单位”。",
         [("石门派出所", "ORG"), ("平安单位", "HONOR")], {("石门派出所", "平安单位", "2023")}),
        ("石门派出所和青山村共建。该村2021年荣获“文明村”称号。",
         [("石门派出所", "ORG"), ("青山村", "PLACE"), ("文明村", "HONOR")],
         {("青山村", "文明村", "2021")}),
        ("石门派出所开展巡逻。该局被评为“平安单位”。",
         [("石门派出所", "ORG"), ("平安单位", "HONOR")], set()),
        ("青山法庭2022年被省高院评为“先进法庭”。",
         [("青山法庭", "ORG"), ("先进法庭", "HONOR")], {("青山法庭", "先进法庭", "2022")}),
        ("红光派出所、石门派出所和青山法庭被评为“平安单位”。",
         [("红光派出所", "ORG"), ("石门派出所", "ORG"), ("青山法庭", "ORG"), ("平安单位", "HONOR")],
         {("红光派出所", "平安单位", None), ("石门派出所", "平安单位", None),
          ("青山法庭", "平安单位", None)}),
    ],
)  # fmt: skip
def test_relate_awarded(relate_text, text, spans, expected):
    _, facts = relate_text(text, spans)
    assert triples(facts, "AWARDED") == expected


def test_relate_issued_and_promotes_with_actors(relate_text):
    text = (
        "2022年以来，市委印发《关于加强机关党建的实施意见》。\n"
        "一是推行“133”工作思路。市人社局推出“就业红娘”服务。"
    )
    spans = [("市委", "ORG"), ("关于加强机关党建的实施意见", "DOCUMENT"), ("133", "PROGRAM"),
             ("市人社局", "ORG"), ("就业红娘", "PROGRAM")]  # fmt: skip
    _, facts = relate_text(text, spans, kicker="市政务服务管理局")
    assert triples(facts, "ISSUED") == {("昭通市委", "关于加强机关党建的实施意见", None)}
    assert triples(facts, "PROMOTES") == {
        ("昭通市政务服务管理局", "133工作思路", None),  # no subject: the kicker's agency
        ("昭通市人力资源和社会保障局", "就业红娘", None),  # the clause's own subject
    }


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("市委“六大战略”深入推进。", [("市委", "ORG"), ("六大战略", "PROGRAM")],
         {("昭通市委", "六大战略", None)}),  # the organ printed right before owns it
        ("市直机关单位开展“五型机关”创建。", [("五型机关", "PROGRAM")], set()),  # a collective
        ("学习“两个确立”。", [("两个确立", "PROGRAM")], set()),  # doctrine is not core
    ],
)  # fmt: skip
def test_relate_terms_promotes(relate_text, text, spans, expected):
    _, facts = relate_text(text, spans, kicker="市政务服务管理局")
    assert triples(facts, "PROMOTES") == expected


def test_relate_terms_a_document_without_an_issuing_cue_is_not_issued(relate_text):
    text = "市委学习《关于加强机关党建的实施意见》。"
    _, facts = relate_text(text, [("市委", "ORG"), ("关于加强机关党建的实施意见", "DOCUMENT")])
    assert triples(facts, "ISSUED") == set()
