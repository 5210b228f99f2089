"""HOLDS_POST: the posts people hold, and in which body (kg.relate.posts)."""

from __future__ import annotations

import pytest
from conftest import triples


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("永善县公安局红光派出所所长刘永旺介绍了情况。",
         [("永善县公安局红光派出所", "ORG"), ("刘永旺", "PERSON")],
         {("刘永旺", "永善县公安局红光派出所", "所长")}),
        ("大耆老村驻村第一书记、工作队队长耿招敏说。",
         [("大耆老村", "PLACE"), ("耿招敏", "PERSON")],
         {("耿招敏", "大耆老村", "驻村第一书记、工作队队长")}),
        ("永善县公安局红光派出所很忙。正值交接，所长刘永旺安排工作。",
         [("永善县公安局红光派出所", "ORG"), ("刘永旺", "PERSON")],
         {("刘永旺", "永善县公安局红光派出所", "所长")}),
        ("蔡文松现任巧家县林业和草原局局长。",
         [("蔡文松", "PERSON"), ("巧家县林业和草原局", "ORG")],
         {("蔡文松", "巧家县林业和草原局", "局长")}),
        ("刘永旺正在安排工作。", [("刘永旺", "PERSON")], set()),
        ("习近平总书记强调，党中央高度重视。", [("习近平", "PERSON"), ("党中央", "ORG")],
         {("习近平", "中共中央", "总书记")}),
        ("胡锦涛总书记指出，中共中央作出部署。", [("胡锦涛", "PERSON"), ("中共中央", "ORG")],
         {("胡锦涛", "中共中央", "总书记")}),
        ("习近平总书记强调要抓落实。", [("习近平", "PERSON")], set()),
        ("信息员李进凤与楼栋长龙才康负责友善4组第67栋。",
         [("李进凤", "PERSON"), ("龙才康", "PERSON"), ("友善4组", "PLACE")],
         {("李进凤", "友善4组", "信息员"), ("龙才康", "友善4组", "楼栋长")}),
        ("网格员张三和组长李四负责新华3组的走访。",
         [("张三", "PERSON"), ("李四", "PERSON"), ("新华3组", "PLACE")],
         {("张三", "新华3组", "网格员"), ("李四", "新华3组", "组长")}),
        ("走进会泽县青山村，产业兴旺。\n村党支部书记王强介绍情况。",
         [("会泽县", "PLACE"), ("青山村", "PLACE"), ("王强", "PERSON")],
         {("王强", "青山村党支部", "书记")}),
        ("会泽县青山村和石门村结对。\n村党支部书记王强介绍情况。",
         [("会泽县", "PLACE"), ("青山村", "PLACE"), ("石门村", "PLACE"), ("王强", "PERSON")],
         set()),
        ("会泽县水务局实施工程，会泽县水务局党组牵头。局党组书记、局长张明说。",
         [("会泽县水务局", "ORG"), ("会泽县水务局党组", "ORG"), ("张明", "PERSON")],
         {("张明", "会泽县水务局党组", "书记"), ("张明", "会泽县水务局", "局长")}),
        ("石门派出所和青山银行结对。该行行长李梅说。",
         [("石门派出所", "ORG"), ("青山银行", "ORG"), ("李梅", "PERSON")],
         {("李梅", "青山银行", "行长")}),
    ],
)  # fmt: skip
def test_relate_holds_post(relate_text, text, spans, expected):
    _, facts = relate_text(text, spans)
    assert triples(facts, "HOLDS_POST") == expected


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        (
            "在凤凰街道青松社区，社区党委书记赵德明介绍情况。",
            [("凤凰街道", "PLACE"), ("青松社区", "PLACE"), ("赵德明", "PERSON")],
            ("赵德明", "青松社区党委", "书记"),
        ),
        (
            "县委组织部牵头。大关县木杆镇石门村，村党支部书记钱大勇说。",
            [
                ("县委组织部", "ORG"),
                ("大关县", "PLACE"),
                ("木杆镇", "PLACE"),
                ("石门村", "PLACE"),
                ("钱大勇", "PERSON"),
            ],
            ("钱大勇", "石门村党支部", "书记"),
        ),
        (
            "县委组织部牵头。巧家县白鹤滩镇推行新办法，镇长孙志远说。",
            [
                ("县委组织部", "ORG"),
                ("巧家县", "PLACE"),
                ("白鹤滩镇", "PLACE"),
                ("孙志远", "PERSON"),
            ],
            ("孙志远", "白鹤滩镇", "镇长"),
        ),
    ],
)
def test_relate_post_naming_its_unit_belongs_to_that_unit(relate_text, text, spans, expected):
    _, facts = relate_text(text, spans)
    posts = triples(facts, "HOLDS_POST")
    assert expected in posts
    assert all(t[1] != "昭通市委组织部" for t in posts)


def test_relate_unit_named_by_a_post_is_located_in_its_place(relate_text):
    text = "在凤凰街道青松社区，社区党委书记赵德明介绍情况。"
    spans = [("凤凰街道", "PLACE"), ("青松社区", "PLACE"), ("赵德明", "PERSON")]
    _, facts = relate_text(text, spans)
    assert ("青松社区党委", "青松社区", None) in triples(facts, "LOCATED_IN")
    located = next(f for f in facts if f.relation == "LOCATED_IN" and f.head[1] == "青松社区党委")
    held = next(f for f in facts if f.relation == "HOLDS_POST")
    assert facts.index(located) < facts.index(held)  # stated where the post is, before it
    assert located.evidence == held.evidence


def test_relate_post_naming_an_unresolved_unit_gives_no_wrong_body(relate_text):
    text = "县委组织部牵头。社区党委书记赵德明介绍情况。"
    _, facts = relate_text(text, [("县委组织部", "ORG"), ("赵德明", "PERSON")])
    assert not [t for t in triples(facts, "HOLDS_POST") if t[0] == "赵德明"]


def test_relate_posts_one_person_two_posts_in_one_body_are_joined(relate_text):
    text = "大耆老村驻村第一书记耿招敏说。大耆老村工作队队长耿招敏说。"
    spans = [
        ("大耆老村", "PLACE"),
        ("耿招敏", "PERSON"),
        ("大耆老村", "PLACE"),
        ("耿招敏", "PERSON"),
    ]
    _, facts = relate_text(text, spans)
    assert triples(facts, "HOLDS_POST") == {("耿招敏", "大耆老村", "驻村第一书记、工作队队长")}


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        # people listed with 、 after one post phrase share it
        ("会泽县水务局领导张明、李红、王刚出席。",
         [("会泽县水务局", "ORG"), ("张明", "PERSON"), ("李红", "PERSON"), ("王刚", "PERSON")],
         {("张明", "会泽县水务局", "领导"), ("李红", "会泽县水务局", "领导"),
          ("王刚", "会泽县水务局", "领导")}),
        # ... but not one with a word of its own before the name
        ("会泽县水务局局长张明、村民李红出席。",
         [("会泽县水务局", "ORG"), ("张明", "PERSON"), ("李红", "PERSON")],
         {("张明", "会泽县水务局", "局长")}),
        # a post heading a government: the 人民政府 where the page names it, else the place
        ("市政府召开会议，市长王强主持，副市长刘洋出席。",
         [("市政府", "ORG"), ("王强", "PERSON"), ("刘洋", "PERSON")],
         {("王强", "昭通市人民政府", "市长"), ("刘洋", "昭通市人民政府", "副市长")}),
        ("巧家县召开会议，副县长刘洋出席。", [("巧家县", "PLACE"), ("刘洋", "PERSON")],
         {("刘洋", "巧家县", "副县长")}),
        ("市政府召开会议，巧家县副县长刘洋出席。",
         [("市政府", "ORG"), ("巧家县", "PLACE"), ("刘洋", "PERSON")],
         {("刘洋", "巧家县", "副县长")}),
        # titles before the name, each after its body
        ("市委常委、组织部部长王建国出席。",
         [("市委", "ORG"), ("组织部", "ORG"), ("王建国", "PERSON")],
         {("王建国", "昭通市委", "常委"), ("王建国", "昭通市委组织部", "部长")}),
        # a post after the name, the organ before it
        ("西南林业大学张红教授作报告。", [("西南林业大学", "ORG"), ("张红", "PERSON")],
         {("张红", "西南林业大学", "教授")}),
        ("张明局长率队调研。", [("张明", "PERSON")], set()),
        # a title before the name names its body
        ("总书记习近平强调，党中央高度重视。", [("习近平", "PERSON"), ("党中央", "ORG")],
         {("习近平", "中共中央", "总书记")}),
        # 党组书记、局长: the second post is the organ's own
        ("会泽县水务局党组书记、局长张明说。会泽县水务局很忙。",
         [("会泽县水务局党组", "ORG"), ("张明", "PERSON"), ("会泽县水务局", "ORG")],
         {("张明", "会泽县水务局党组", "书记"), ("张明", "会泽县水务局", "局长")}),
    ],
)  # fmt: skip
def test_relate_posts_lists_governments_titles_and_appositions(relate_text, text, spans, expected):
    _, facts = relate_text(text, spans)
    assert triples(facts, "HOLDS_POST") == expected


def test_relate_posts_a_party_unit_post_is_of_the_organ_named_last(relate_text):
    text = "会泽县水务局开展活动，党委书记、局长张明讲话。"
    spans = [("会泽县", "PLACE"), ("会泽县水务局", "ORG"), ("张明", "PERSON")]
    _, facts = relate_text(text, spans)
    assert triples(facts, "HOLDS_POST") == {
        ("张明", "会泽县水务局党委", "书记"),
        ("张明", "会泽县水务局", "局长"),
    }
    assert ("会泽县水务局党委", "会泽县水务局", None) in triples(facts, "SUB_ORG_OF")
    assert ("会泽县水务局党委", "会泽县", None) in triples(facts, "LOCATED_IN")


def test_relate_posts_a_function_word_cuts_the_phrase_from_the_organ(relate_text):
    text = "会泽县水务局队伍在党委书记、局长张明的带领下出发。"
    spans = [("会泽县", "PLACE"), ("会泽县水务局", "ORG"), ("张明", "PERSON")]
    _, facts = relate_text(text, spans)
    assert triples(facts, "HOLDS_POST") == {
        ("张明", "会泽县水务局党委", "书记"),
        ("张明", "会泽县水务局", "局长"),
    }


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("走进会泽县青山村。王强找到村党支部书记李明了解情况。",
         [("会泽县", "PLACE"), ("青山村", "PLACE"), ("王强", "PERSON"), ("李明", "PERSON")],
         {("李明", "青山村党支部", "书记")}),
        # after a function word only a plain post counts: here a verb's object is no phrase
        ("会泽县城投集团参加。刘副县长在听取水务局局长张明汇报后讲话。",
         [("会泽县城投集团", "ORG"), ("张明", "PERSON")], set()),
    ],
)  # fmt: skip
def test_relate_posts_a_phrase_starts_after_a_function_word(relate_text, text, spans, expected):
    _, facts = relate_text(text, spans)
    assert triples(facts, "HOLDS_POST") == expected


def test_relate_posts_a_dateline_agency_is_no_body_of_a_post(nlp) -> None:
    """新华社…电: the agency credits the article; a post in its body is not held there."""
    from kg.extract import extract_page
    from kg.model import PageMeta

    text = (
        "女排比赛结束\n\n新华社东京8月2日电（记者张三）2日晚，比赛结束。"
        "国际排联主席阿里·格拉萨观看了比赛。\n"
    )
    result = extract_page(text, PageMeta(source="p.txt"), nlp)
    posts = [f for f in result.facts if f.relation == "HOLDS_POST"]
    assert all(f.tail != ("ORG", "新华通讯社") for f in posts), posts
    assert ("ORG", "新华通讯社") in {e.key for e in result.entities}
