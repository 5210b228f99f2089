"""The actor a clause, paragraph or article opens with (kg.relate.subjects)."""

from __future__ import annotations

import pytest

from kg.link.page import link_page
from kg.relate.subjects import adverbs_only, clause_subject, main_actor, opening
from kg.relate.view import PageView


@pytest.mark.parametrize(
    ("text", "opens"),
    [("", True), ("2022年以来，", True), ("据介绍，", True), ("红光派出所", False)],
)
def test_relate_subjects_what_may_open_a_clause(text, opens):
    assert opening(text) is opens


@pytest.mark.parametrize(
    ("text", "only"), [("多次", True), ("先后", True), ("", False), ("今天讨论", False)]
)
def test_relate_subjects_adverbs_only(text, only):
    assert adverbs_only(text) is only


def _view(one_article, text, spans, **kw) -> PageView:
    page, art, mentions = one_article(text, spans, **kw)
    return PageView.of(page, [art], link_page(page, [art], mentions))


@pytest.mark.parametrize(
    ("text", "spans", "subject"),
    [
        ("2022年以来，昭通市人社局推行“就业红娘”服务。", [("昭通市人社局", "ORG"), ("就业红娘", "PROGRAM")],
         ("ORG", "昭通市人力资源和社会保障局")),
        ("永善县红光安置区推行“一张网”。", [("永善县", "PLACE"), ("红光安置区", "PLACE"),
                                     ("一张网", "PROGRAM")], ("PLACE", "红光安置区")),  # a chain's last
        ("群众点赞“一张网”。", [("一张网", "PROGRAM")], None),
    ],
)  # fmt: skip
def test_relate_subjects_clause_subject(one_article, text, spans, subject):
    view = _view(one_article, text, spans)
    m = next(m for m, k in view.links if k[0] == "PROGRAM")
    assert clause_subject(view, m) == subject


def test_relate_subjects_main_actor_is_the_kicker_organ(one_article):
    view = _view(one_article, "永善县推进工作。", [("永善县", "PLACE")], kicker="市政务服务管理局")
    assert main_actor(view, view.articles[0]) == ("ORG", "昭通市政务服务管理局")
