"""PROMOTES, AWARDED, ISSUED (kg.relate.terms)."""

from __future__ import annotations

import pytest
from conftest import triples


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


def heads_of(facts, relation: str, tail: str) -> set[str]:
    return {f.head[1] for f in facts if f.relation == relation and f.tail and f.tail[1] == tail}


@pytest.mark.parametrize(
    ("text", "spans", "tail", "heads"),
    [
        # the doer printed right before the deed verb, not the article's credited body
        ("“局长直播带货”是市人社局就业局党支部打造“就业红娘”党建品牌。",
         [("局长直播带货", "PROGRAM"), ("市人社局就业局党支部", "ORG"), ("就业红娘", "PROGRAM")],
         "就业红娘", {"昭通市就业局党支部"}),
        # a place the deed is done in is not its doer
        ("市司法局到结对联系的黉门街社区开展“双报到”活动。",
         [("市司法局", "ORG"), ("黉门街社区", "PLACE"), ("双报到", "PROGRAM")],
         "双报到", {"昭通市司法局"}),
        # a doer kg did not link is not the article's actor
        ("自治区非公经济组织和社会组织工委以“531”归口党建为抓手。", [("531", "PROGRAM")],
         "531", set()),
        # a relative clause names the owner (市委提出的“…”), not the sentence's subject
        ("工委紧扣市委提出的“五类民生实事”。", [("市委", "ORG"), ("五类民生实事", "PROGRAM")],
         "五类民生实事", {"昭通市委"}),
        # the writer's own place is the article's
        ("宁夏党员学习。我区开展“三查三树”对照学。", [("宁夏", "PLACE"), ("三查三树", "PROGRAM")],
         "三查三树", {"宁夏回族自治区"}),
    ],
)  # fmt: skip
def test_relate_terms_promotes_goes_to_the_doer(relate_text, text, spans, tail, heads):
    _, facts = relate_text(text, spans, kicker="市委市直机关工委")
    assert heads_of(facts, "PROMOTES", tail) == heads


def test_relate_terms_awarded_records_who_conferred_it(relate_text):
    text = "昭通市气象局党组发挥作用，被中国气象局表彰为“全国气象部门先进单位”。"
    spans = [("昭通市气象局党组", "ORG"), ("中国气象局", "ORG"), ("全国气象部门先进单位", "HONOR")]
    _, facts = relate_text(text, spans)
    (fact,) = [f for f in facts if f.relation == "AWARDED"]
    assert fact.head[1] == "昭通市气象局党组" and fact.attrs.get("by") == "中国气象局"


def test_relate_terms_awarded_across_listed_honours(relate_text):
    text = (
        "刘家村先后荣获“乡村旅游示范村”“休闲农业特色村”以及协会颁发的“游客喜爱的美丽乡村”等称号。"
    )
    spans = [("刘家村", "PLACE"), ("乡村旅游示范村", "HONOR"), ("休闲农业特色村", "HONOR"),
             ("游客喜爱的美丽乡村", "HONOR")]  # fmt: skip
    _, facts = relate_text(text, spans)
    assert heads_of(facts, "AWARDED", "游客喜爱的美丽乡村") == {"刘家村"}


@pytest.mark.parametrize(
    ("text", "spans", "tail", "heads"),
    [
        ("认真落实党中央、国务院《关于支持海西建设的若干意见》。",
         [("党中央", "ORG"), ("国务院", "ORG"), ("关于支持海西建设的若干意见", "DOCUMENT")],
         "关于支持海西建设的若干意见", {"中共中央", "国务院"}),
        ("西北政法大学教授围绕新修订的《大气污染防治法》作讲座。",
         [("西北政法大学", "ORG"), ("大气污染防治法", "DOCUMENT")],
         "中华人民共和国大气污染防治法", set()),  # a law the clause only talks about
        ("电影《平凡的足球》由西安中环影视文化有限公司于2015年在延安进行拍摄。",
         [("平凡的足球", "DOCUMENT"), ("西安中环影视文化有限公司", "ORG")],
         "平凡的足球", {"西安中环影视文化有限公司"}),
    ],
)  # fmt: skip
def test_relate_terms_issued_by_whom(relate_text, text, spans, tail, heads):
    _, facts = relate_text(text, spans)
    assert heads_of(facts, "ISSUED", tail) == heads
