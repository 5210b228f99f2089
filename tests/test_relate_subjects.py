"""The actor a clause, paragraph or article opens with (kg.relate.subjects)."""

from __future__ import annotations

import pytest

from kg.link.page import link_page
from kg.relate.subjects import (
    Deed,
    adverbs_only,
    clause_opener,
    clause_subject,
    deed_subject,
    main_actor,
    opening,
)
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


VERBS = ("开展", "打造", "推行", "列入")


@pytest.mark.parametrize(
    ("text", "spans", "deed"),
    [
        ("市人社局率先打造“就业红娘”品牌。", [("市人社局", "ORG"), ("就业红娘", "PROGRAM")],
         Deed(("ORG", "昭通市人力资源和社会保障局"))),  # adverbs between doer and verb
        ("电影已被省委宣传部列入“精品工程”。", [("省委宣传部", "ORG"), ("精品工程", "PROGRAM")],
         Deed(("ORG", "云南省委宣传部"))),  # the agent of a passive
        ("机关党委开展“书香机关”活动。", [("书香机关", "PROGRAM")], Deed(None)),  # not linked
        ("一是推行“一张网”。", [("一张网", "PROGRAM")], None),  # no doer: the paragraph's
        ("群众点赞“一张网”。", [("一张网", "PROGRAM")], None),  # no deed verb
    ],
)  # fmt: skip
def test_relate_subjects_deed_subject(one_article, text, spans, deed):
    view = _view(one_article, text, spans)
    m = next(m for m, k in view.links if k[0] == "PROGRAM")
    assert deed_subject(view, m, VERBS) == deed


def test_relate_subjects_clause_opener_is_the_last_clause_opened_by_an_actor(one_article):
    text = "聚焦要求，昭通市气象局党组发挥作用，被表彰。"
    view = _view(one_article, text, [("昭通市气象局党组", "ORG")])
    assert clause_opener(view, 0, text.index("被")) == ("ORG", "昭通市气象局党组")


@pytest.mark.parametrize(
    ("key", "level", "acts"),
    [
        (("PLACE", "昭通市"), "city", True),  # a division acts through its bodies
        (("PLACE", "红光安置区"), "area", True),  # a resettlement area has its committee
        (("PLACE", "金山工业园区"), "area", True),  # a zone run by its own committee
        (("PLACE", "某某生态公园"), "area", False),  # a park is where, not who
        (("PLACE", "某某河"), "natural", False),  # a river
        (("ORG", "昭通市委"), None, True),
    ],
)
def test_relate_subjects_which_places_can_act(key, level, acts):
    from types import MappingProxyType

    from kg.model import Entity

    view = PageView(
        page=None,  # type: ignore[arg-type]
        articles=MappingProxyType({}),
        linked=None,  # type: ignore[arg-type]
        entities=MappingProxyType({key: Entity(key[0], key[1], level=level)}),
        links=(),
    )
    assert view.can_act(key) is acts
