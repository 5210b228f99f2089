"""Credits to the people and organs they name (kg.link.credits)."""

from __future__ import annotations

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
