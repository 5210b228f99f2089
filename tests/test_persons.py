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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the model's names where no cue stands, in the genre and in general news
        ("区领导王建华、李红梅、周涛，及各部门负责人参加", ["王建华", "李红梅", "周涛"]),
        ("欧阳育南发言", ["欧阳育南"]),  # a double surname
        ("梅西在比赛中打进两球，C罗表示祝贺。", ["梅西", "C罗"]),
        ("特朗普在白宫发表讲话", ["特朗普"]),  # a transcribed name, no surname of the table
        ("勒布朗·詹姆斯得到30分", ["勒布朗·詹姆斯"]),
        ("奥地利作曲家施特劳斯的作品", ["施特劳斯"]),  # longer than a rule's given name
        ("中国选手郑钦文以2比0获胜", ["郑钦文"]),  # the rule stops at 文 (张三 文/图)
        ("副主任周益群任网格长", ["周益群"]),  # the model's 周益群任 has no name's shape
        ("大家向雷锋同志学习", ["雷锋"]),
        ("调研员张红明组织干部学习", ["张红明"]),  # 组织 is the verb run into the name
        # ... and the words it took for names
        ("王副市长指出，要抓好落实。", []),  # a surname and a title
        ("会议学习了邓小平理论", []),  # a doctrine, not its author
        ("实行日巡检、周汇总、月通报制度", []),  # an item of a list of things
        ("党员干部扬帆奋进", []),  # no surname, no transcription, no cue
        ("栽植云杉、元宝枫等树木", []),  # 植云杉 cuts the model's words
        ("习近平总书记兰考重要讲话精神", ["习近平"]),  # 总书记 is his title, not a cue
        ("学校校长王芳陪同检查", ["王芳"]),  # the rule's name would cut the model's 陪同
    ],
)
def test_persons_model_names_fill_the_gaps(nlp, text, expected):
    assert spans(nlp, text, "PERSON") == expected


def test_persons_a_name_found_once_recurs():
    text = "赵刚说，赵刚和刘洋"
    assert recurrences(text, {(0, 2)}) == {(0, 2), (4, 6)}
