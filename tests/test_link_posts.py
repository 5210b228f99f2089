"""Post phrases before a person and the units they name (kg.link.posts)."""

from __future__ import annotations

import pytest

from kg.link.posts import PostPhrase, parse_posts, phrases_before
from kg.link.spans import LinkSpans


@pytest.mark.parametrize(
    ("text", "post"),
    [("所长", "所长"), ("驻村第一书记", "驻村第一书记"), ("法治副主任", "法治副主任"),
     ("人力资源信息员", "人力资源信息员"), ("正在执勤的民警", "民警"), ("正在安排", None),
     ("书记、", None)],
)  # fmt: skip
def test_link_posts_parse_posts(text, post):
    assert parse_posts(text) == post


@pytest.mark.parametrize(
    ("text", "spans", "person", "phrases"),
    [
        ("永善县公安局红光派出所所长刘永旺介绍了情况。",
         [("永善县公安局红光派出所", "ORG"), ("刘永旺", "PERSON")], "刘永旺",
         [(("ORG", "永善县公安局红光派出所"), "所长")]),
        ("大耆老村驻村第一书记、工作队队长耿招敏说。", [("大耆老村", "PLACE"), ("耿招敏", "PERSON")],
         "耿招敏", [(("PLACE", "大耆老村"), "驻村第一书记"), (None, "工作队队长")]),
        ("信息员李进凤与楼栋长龙才康负责。", [("李进凤", "PERSON"), ("龙才康", "PERSON")], "龙才康",
         [(None, "楼栋长")]),
        ("刘永旺正在安排工作。", [("刘永旺", "PERSON")], "刘永旺", []),
        # a verb whose object is the person is no part of the post (issue 18)
        ("派出所评选出先进个人，推荐指导员龙翔为嘉奖对象。", [("龙翔", "PERSON")], "龙翔",
         [(None, "指导员")]),
        ("支部组织委员李明发言。", [("李明", "PERSON")], "李明", [(None, "支部组织委员")]),
    ],
)  # fmt: skip
def test_link_posts_phrases_before_a_person(link_text, text, spans, person, phrases):
    linked = link_text(text, spans)
    m = next(m for m, k in linked.links if k == ("PERSON", person))
    assert phrases_before(text, LinkSpans(linked.links), m) == phrases


def _phrases(linked, person: str) -> tuple[PostPhrase, ...]:
    return next(p for m, p in linked.posts.items() if m.text == person)


def test_link_posts_a_post_implies_its_unit(link_text):
    text = "在凤凰街道青松社区，社区党委书记赵德明介绍情况。"
    linked = link_text(text, [("凤凰街道", "PLACE"), ("青松社区", "PLACE"), ("赵德明", "PERSON")])
    unit = ("ORG", "青松社区党委")
    assert _phrases(linked, "赵德明") == (PostPhrase("社区党委书记", unit=unit, word="书记"),)
    assert linked.implied == {unit: ("PLACE", "青松社区")}
    ent = linked.entities[-1]  # implied units come after the entities the page names
    assert (ent.key, ent.mentions, ent.kind) == (unit, {"社区党委"}, "party")


def test_link_posts_a_post_naming_a_place_level_unit(link_text):
    text = "巧家县白鹤滩镇推行新办法，镇长孙志远说。"
    spans = [("巧家县", "PLACE"), ("白鹤滩镇", "PLACE"), ("孙志远", "PERSON")]
    linked = link_text(text, spans)
    assert _phrases(linked, "孙志远") == (
        PostPhrase("镇长", unit=("PLACE", "白鹤滩镇"), word="镇长"),
    )
    assert linked.implied == {}


def test_link_posts_an_unresolved_unit_is_kept_without_a_body(link_text):
    linked = link_text(
        "县委组织部牵头。社区党委书记赵德明介绍情况。",
        [("县委组织部", "ORG"), ("赵德明", "PERSON")],
    )
    assert _phrases(linked, "赵德明") == (PostPhrase("社区党委书记", word="社区党委书记"),)
    assert linked.implied == {}


@pytest.mark.parametrize(
    ("text", "spans", "person", "phrase"),
    [
        ("会泽县水务局实施工程，会泽县水务局党组牵头。局党组书记张明说。",
         [("会泽县水务局", "ORG"), ("会泽县水务局党组", "ORG"), ("张明", "PERSON")], "张明",
         PostPhrase("局党组书记", unit=("ORG", "会泽县水务局党组"), word="书记")),
        ("石门派出所和青山银行结对。该行行长李梅说。",
         [("石门派出所", "ORG"), ("青山银行", "ORG"), ("李梅", "PERSON")], "李梅",
         PostPhrase("该行行长", unit=("ORG", "青山银行"), word="行长")),
    ],
)  # fmt: skip
def test_link_posts_a_post_names_its_body_by_its_head(link_text, text, spans, person, phrase):
    assert _phrases(link_text(text, spans), person) == (phrase,)
