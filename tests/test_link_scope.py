"""What each article is about and the place a bare 市/县 means in it (kg.link.scope)."""

from __future__ import annotations

import pytest

from kg.link.scope import article_scope, header_parts
from kg.link.state import PageLinking
from kg.model import Article


def canon(linked, typ: str) -> list[str]:
    return sorted(e.canonical for e in linked.entities if e.type == typ)


def test_link_article_place_of_another_province(link_text):
    text = "鞍山市委高度重视。市委书记强调，要把服务做实。"
    linked = link_text(text, [("鞍山市委", "ORG"), ("市委", "ORG")], home="辽宁省",
                       title="鞍山整合资源织密党群一张网")  # fmt: skip
    assert canon(linked, "ORG") == ["鞍山市委"]
    assert linked.article_places[0] == "鞍山市"
    assert linked.article_levels[0]["city"] == "鞍山市"


@pytest.mark.parametrize(
    ("text", "spans", "title", "about", "county"),
    [
        ("永善县坚持创新。", [("永善县", "PLACE")], "永善县：坚持创新", "永善县", "永善县"),
        ("永善县坚持创新。", [("永善县", "PLACE")], "标题", "昭通市", None),  # named once: home
        ("巧家县推进工作，巧家县成效好，巧家县获表彰。", [("巧家县", "PLACE")] * 3, "标题",
         "巧家县", "巧家县"),  # a county the article names three times
    ],
)  # fmt: skip
def test_link_scope_article_place_and_levels(one_article, text, spans, title, about, county):
    page, art, mentions = one_article(text, spans, title=title)
    run = PageLinking.start(page, [art], mentions)
    for m in mentions:
        run.places.ensure(run.places.resolve(m.text, []).canonical, m.text)
    found, levels = article_scope(run, art)
    assert found == about
    assert levels.get("county") == county
    assert levels["city"] == "昭通市"


def test_link_scope_header_parts_leave_out_an_unprinted_title():
    art = Article(0, "标题", "正文", 0, 0, 2, kicker="引题", subtitle="副题", title_printed=False)
    assert header_parts(art) == ["引题", "副题"]


def test_link_scope_kicker_naming_an_organ_is_the_article_actor(link_text):
    linked = link_text("正文没有机构。", [], kicker="市政务服务管理局")
    assert linked.headers[0] == (("ORG", "昭通市政务服务管理局"),)


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("创建“三生融合，幸福温州”的战略目标，温州人民满意。", "温州市"),
        ("确保社会长治久安。", None),  # 长治 inside a word names no city
        ("温州与台州合作。", None),  # a tie names none
    ],
)
def test_link_scope_most_named_city(text, city):
    from kg.link.places import PagePlaces
    from kg.link.scope import most_named_city

    assert most_named_city(text, PagePlaces({})) == city


def test_link_scope_most_named_city_reads_the_words_of_the_docs_given(monkeypatch):
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from kg.link.places import PagePlaces
    from kg.link.scope import most_named_city
    from kg.recognise.lac import Lac

    text = "题目\n温州，温州，台州。"
    assert most_named_city(text, PagePlaces({})) == "温州市"  # LAC: 温州 twice, 台州 once
    # a doc that reads "温州，温州" as one word: only 台州 is a word of its own
    words = ["温州，温州", "，", "台州", "。"]
    doc = Doc(Vocab(), words=words, spaces=[False] * len(words))
    art = Article(0, "题目", "".join(words), 3, 3, len(text))

    def unread(*_args, **_kwargs):
        raise AssertionError("LAC read a sentence a doc holds")

    monkeypatch.setattr(Lac, "analyse_around", unread)
    assert most_named_city(text, PagePlaces({}), [(art, doc)]) == "台州市"
    # a name no doc holds (a first line that is no article's) is read by LAC
    with pytest.raises(AssertionError, match="LAC read"):
        most_named_city("温州" + text[2:], PagePlaces({}), [(art, doc)])
