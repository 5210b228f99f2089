"""Credits to the people and organs they name (kg.link.credits)."""

from __future__ import annotations

import pytest

from kg.link.credits import publisher
from kg.model import Credit


def test_link_credits_become_people_and_organs(one_article):
    from kg.link.page import link_page

    page, art, _ = one_article("正文内容。", [])
    page.credits = [Credit("责编", "毛利涛", 0, 3)]
    art.credits = [Credit("供稿", "市政务服务管理局", 0, 8), Credit("通讯员", "张 俊", 0, 3)]
    linked = link_page(page, [art], [])
    assert {(c.role, k) for c, _, k in linked.credits} == {
        ("责编", ("PERSON", "毛利涛")),
        ("供稿", ("ORG", "昭通市政务服务管理局")),
        ("通讯员", ("PERSON", "张俊")),
    }
    assert [i for _, i, _ in linked.credits] == [None, 0, 0]  # the page's, then the article's


def test_link_credits_the_name_not_the_role_says_person_or_organ(one_article):
    from kg.link.page import link_page

    page, art, _ = one_article("正文内容。", [])
    art.credits = [
        Credit("供稿", "刘洋", 0, 2),  # a person's shape, under a role that credits organs
        Credit("供稿", "欧阳明", 0, 3),  # a double surname
        Credit("供稿", "新华社", 0, 3),  # neither a person's shape nor an organ's ending: the role
        Credit("供稿", "江城日报", 0, 4),  # a newspaper: its publisher
        Credit("记者", "市委宣传部", 0, 5),  # an organ's ending, under a role that credits people
    ]
    linked = link_page(page, [art], [])
    assert {(c.name, k) for c, _, k in linked.credits} == {
        ("刘洋", ("PERSON", "刘洋")),
        ("欧阳明", ("PERSON", "欧阳明")),
        ("新华社", ("ORG", "新华通讯社")),  # the official name of the agency (organs table)
        ("江城日报", ("ORG", "江城日报社")),
        ("市委宣传部", ("ORG", "昭通市委宣传部")),
    }


@pytest.mark.parametrize(
    ("name", "organ"),
    [("江城日报", "江城日报社"), ("江城晚报", "江城晚报社"), ("江城日报社", "江城日报社"),
     ("江城电视", "江城电视台"), ("市委宣传部", "市委宣传部")],
)  # fmt: skip
def test_link_credits_a_medium_is_credited_as_its_publisher(name, organ):
    assert publisher(name) == organ
