"""Tests of kg.recognise.quotes: which quote names a term, of which kind (no pipeline needed)."""

from __future__ import annotations

import pytest

from kg.recognise.quotes import Around, canonical, classify_quote, compound_programmes, quotes
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
    return classify_quote(
        rules, text, (s + 1, e - 1), Around(clause_before(text, s, 12), after, after)
    )


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
    ],
)
def test_quotes_classification_rule(rules, text, label):
    term = classify(rules, text)
    assert (term.label if term else None) == label


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
