"""Person mentions to people (kg.link.people)."""

from __future__ import annotations


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
