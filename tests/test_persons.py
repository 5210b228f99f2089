"""Tests of kg.recognise.persons: the PERSON component and its rules."""

from __future__ import annotations

import pytest

from kg.recognise.persons import name_at, recurrences
from kg.recognise.spans import SPANS_KEY


def spans(nlp, text: str, label: str) -> list[str]:
    doc = nlp(text)
    return [s.text for s in doc.spans[SPANS_KEY] if s.label_ == label]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("记者王小明报道", ["王小明"]),
        ("村民李红说", ["李红"]),
        ("张伟（化名）今年三十岁", ["张伟"]),
        ("会议由局长赵刚主持", ["赵刚"]),
        ("副主任任代军为组长", ["代军"]),
        ("习近平总书记强调", ["习近平"]),
        ("王建所长带领民警巡逻", ["王建"]),
        ("法官刘洋现场解答", ["刘洋"]),
        ("杨开武、易红等3名群众", ["杨开武", "易红"]),
        ("老党员张大爷说", []),
        ("村民张某说", []),
        ("据新华社报道", []),
        ("提升管理水平", []),
        ("书记、局长", []),
        ("党员干部高度重视", []),
        ("医院护士长周丽娟说", ["周丽娟"]),
        ("该行行长吴敏介绍", ["吴敏"]),
    ],
)
def test_persons_found_in_text(nlp, text, expected):
    assert spans(nlp, text, "PERSON") == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("局长赵刚主持", 2, 4),
        ("法官刘洋现场解答", 2, 4),  # 现场 is the next word
        ("欧阳修说", 0, 3),  # a double surname
        ("村民张某说", 2, None),  # anonymised
        ("老党员张大爷说", 3, None),  # a form of address
        ("提升管理水平", 2, None),  # a common word that starts with a surname
        ("书记、局长", 0, None),
    ],
)
def test_persons_name_at_rule(nlp, text, start, end):
    assert name_at(nlp.get_pipe("kg_persons").context(nlp.make_doc(text)), start) == end


def test_persons_a_name_found_once_recurs():
    text = "赵刚说，赵刚和刘洋"
    assert recurrences(text, {(0, 2)}) == {(0, 2), (4, 6)}
