"""Tests of kg.recognise.quotes: which quote names a term, of which kind (no pipeline needed)."""

from __future__ import annotations

import pytest

from kg.recognise.quotes import (
    Around,
    canonical,
    classify_quote,
    compound_programmes,
    quoted_documents,
    quoted_terms,
    quotes,
    titles,
)
from kg.recognise.term_lexicon import TermOptions, TermRules, TermTables
from kg.recognise.term_text import Term, clause_after, clause_before


@pytest.fixture(scope="module")
def rules() -> TermRules:
    return TermRules(TermTables.shipped(), TermOptions())


def classify(rules: TermRules, text: str) -> Term | None:
    """The one “…” quote of ``text``, classified as a chain of one quote."""
    s = text.index("“")
    e = text.index("”", s) + 1
    after = clause_after(text, e, 14)
    around = Around(clause_before(text, s, 12), after, after, clause_before(text, s, 24))
    return classify_quote(rules, text, (s + 1, e - 1), around)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("金融帮扶鼓起“钱袋子”，群众增收。", None),  # the metaphor stop list
        ("让产业“旺”起来。", None),  # one character
        ("编制“十四五”规划。", None),  # a period
        ("从“做没做”转变。", None),  # an A-not-A question
        ("他说：“我们多跑些腿，群众就少跑路。”", None),  # quoted speech
        ("秉承“服务有温度、办事有速度”的理念。", None),  # a slogan read as a description
        ("深入开展“我为群众办实事”实践活动。", "PROGRAM"),
        ("探索“1+1+N”工作格局。", "PROGRAM"),  # a formula
        ("该村荣获“全国文明村镇”称号。", "HONOR"),  # an award cue
        ("全国“最美快递员”刘平来到现场。", "HONOR"),  # an honour's shape
        ("印发“三年行动方案”。", "DOCUMENT"),  # a document's suffix
        # a programme only on positive evidence: a launching verb, a head noun, a numbered shape
        ("开设“红色讲堂”，采取新方式。", "PROGRAM"),  # a launching verb before
        ("扎实开展贯彻落实规定精神“回头看”。", "PROGRAM"),  # the clause's launching verb
        ("坚持“三化”并举，推进“三群”联动，拓展“三维”项目。", "PROGRAM"),  # a head noun after
        ("集于一体的“刘家生态认养项目”，游客多。", "PROGRAM"),  # its own head noun
        ("牵头推进重点工作“6+4”机制。", "PROGRAM"),  # a formula
        ("不能“放空炮”，给群众一个交代。", None),  # no cue at all
        ("引进“普龙通”全功能冻结机。", None),  # a product, not a programme
        ("争当“学习型”党员。", None),
        ("要有“学赶杭甬，比追青厦”的魄力。", None),  # a quality described
        ("切实防止“带病提拔”。", None),  # the object of 防止 is a problem
        ("破解“融资贵”难题。", None),  # a problem label
        ("地域特点为“八山半水一分田”。", None),  # a description after 为
        ("享有“近郊樱桃第一村”美誉。", None),  # a reputation
        ("该片以“足球让你成长，拼搏成就梦想”为主题。", None),  # a theme
        ("参加市“两会”的代表委员。", None),  # a common word needs a head noun
        ("着力解决“怎么看”的问题。", None),  # a question
    ],
)
def test_quotes_classification_rule(rules, text, label):
    term = classify(rules, text)
    assert (term.label if term else None) == label


def test_quotes_a_requirement_set_from_above_is_not_core(rules):
    term = classify(rules, "践行“三严三实”要求。")
    assert term is not None and term.label == "PROGRAM" and not term.core


@pytest.mark.parametrize(
    "text",
    ["推动工作从“做没做”“有没有”向“好不好”“优不优”转变。", "变“要我学”为“我要学”。"],
)
def test_quotes_contrasted_quotes_are_a_figure(rules, text):
    assert quoted_terms(rules, text, quotes(rules, text, [])) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("交响乐《春节序曲》、歌剧《茶花女》选段《饮酒歌》以及《走进春天》。", []),  # works
        ("会场响起《中华人民共和国国歌》。", []),  # a song
        ("《天津日报》消息：两市签署协议。", []),  # a newspaper is an organisation
        ("电影《平凡的足球》首映。", ["平凡的足球"]),  # a film the page's actors made
        ("落实《关于加强机关党建的实施意见》。", ["关于加强机关党建的实施意见"]),
    ],
)
def test_quotes_titles_that_name_documents(rules, text, names):
    spans = [(m.start(), m.end()) for m in rules.title_pattern.finditer(text)]
    assert [t.canonical for t in titles(rules, text, spans)] == names


def test_quotes_a_quote_and_a_document_head_are_one_document(rules):
    text = "制定了全区“1+8”学习教育实施方案。编制“十三五”规划。"
    (doc,) = quoted_documents(rules, text, quotes(rules, text, []))
    assert (doc.label, doc.canonical) == ("DOCUMENT", "1+8学习教育实施方案")


def test_quotes_doctrine_is_a_programme_but_not_core(rules):
    assert classify(rules, "坚定拥护“两个确立”，践行。") == Term(5, 9, "PROGRAM", "两个确立", False)


@pytest.mark.parametrize(
    ("content", "after", "formula", "name"),
    [
        ("133", "工作思路，制定方案。", True, "133工作思路"),
        ("第一议题", "制度。", False, "第一议题制度"),
        ("我为群众办实事", "实践活动。", False, "我为群众办实事"),  # too long to take a head
        ("133", "，工作思路", True, "133"),  # punctuation first
    ],
)
def test_quotes_canonical_name_takes_a_head_noun(rules, content, after, formula, name):
    assert canonical(rules, content, after, formula) == name


def test_quotes_outside_titles_and_not_nested(rules):
    text = "《关于“模范机关”的意见》“五型机关”‘双提升’"
    assert quotes(rules, text, [(0, 13)]) == [(13, 19), (19, 24)]


def test_quotes_one_programme_across_quotes(rules):
    text = "实施“互联网+”政务服务“一网通办”攻坚行动。"
    spans = quotes(rules, text, [])
    (term,) = compound_programmes(rules, text, spans)
    assert term.canonical == "互联网+政务服务一网通办攻坚行动"
    assert text[term.start : term.end] == "互联网+”政务服务“一网通办”攻坚行动"
