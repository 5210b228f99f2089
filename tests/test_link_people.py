"""Person mentions to people (kg.link.people)."""

from __future__ import annotations

import pytest


def test_link_person_pseudonym_and_layout_spaces(link_text):
    text = "住户刘圆（化名）与谢 红交谈。"
    linked = link_text(text, [("刘圆", "PERSON"), ("谢 红", "PERSON")])
    people = {e.canonical: e for e in linked.entities if e.type == "PERSON"}
    assert set(people) == {"刘圆", "谢红"}
    assert people["刘圆"].pseudonym and not people["谢红"].pseudonym


def test_link_people_given_name_alone_is_the_full_name(link_text):
    text = "王海新来到村里。海新说，要干实事。"
    linked = link_text(text, [("王海新", "PERSON"), ("海新", "PERSON")])
    people = {e.canonical: e for e in linked.entities if e.type == "PERSON"}
    assert set(people) == {"王海新"}
    assert people["王海新"].mentions == {"王海新", "海新"}


def test_link_people_a_homophone_misprint_is_the_same_person(link_text):
    text = "副秘书长吕朝晖陪同。吕朝晖说，要抓落实。会后吕朝辉又去了工地。"
    spans = [("吕朝晖", "PERSON"), ("吕朝晖", "PERSON"), ("吕朝辉", "PERSON")]
    linked = link_text(text, spans)
    people = {e.canonical: e.mentions for e in linked.entities if e.type == "PERSON"}
    assert people == {"吕朝晖": {"吕朝晖", "吕朝辉"}}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("吕朝晖", "吕朝辉", True),  # 晖/辉 both read hui
        ("王建国", "王建军", False),  # 国/军 read differently: two people
        ("张伟", "张炜", False),  # two characters: too short to call a misprint
        ("李明华", "刘明华", False),  # another surname
    ],
)
def test_link_people_homophone_rule(a, b, same):
    from collections import Counter

    from kg.link.people import homophone_misprints

    assert (homophone_misprints(Counter({a: 2, b: 1})) == {b: a}) is same
