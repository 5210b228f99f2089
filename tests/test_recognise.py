"""Tests of kg.recognise.pipeline: the ORG / PLACE / PERSON components and exact spans."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kg.model import Article, CleanPage, PageMeta
from kg.recognise.pipeline import SPANS_KEY, mentions_of

ROOT = Path(__file__).resolve().parent.parent


def spans(nlp, text: str, label: str) -> list[str]:
    doc = nlp(text)
    return [s.text for s in doc.spans[SPANS_KEY] if s.label_ == label]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来自贵州省遵义市汇川区的代表", ["贵州省", "遵义市", "汇川区"]),
        ("云南省大理白族自治州", ["云南省", "大理白族自治州"]),
        ("在曲靖、玉溪等地考察", ["曲靖", "玉溪"]),
        ("宣威市板桥街道", ["宣威市", "板桥街道"]),
        ("金沙江流域生态保护", ["金沙江流域"]),
        ("会泽县公安局", ["会泽县"]),
        ("他们共同促进乡村振兴和城乡融合发展", []),
        ("全村群众都来了", []),
        ("盘锦市大洼区荣兴朝鲜族乡党委", ["盘锦市", "大洼区", "荣兴朝鲜族乡"]),
        ("蒙古族群众", []),
        ("本溪满族自治县小市镇", ["本溪满族自治县", "小市镇"]),
        ("威宁县某村", ["威宁县"]),
        ("楼栋长负责同心四组第54栋", ["同心四组"]),
        ("网格员走访幸福3组的住户", ["幸福3组"]),
        ("全班分为三组讨论，他们分成两组，共5组参赛", []),
        (
            "宣威市板桥街道东风社区建起议事厅。今年，东风社区被评为先进。",
            ["宣威市", "板桥街道", "东风社区", "东风社区"],
        ),
        ("县水务局联合镇团委开展巡河", []),
        ("网格员在桂馨社区，挨家走访", ["桂馨社区"]),
        ("网格员在幸福社区，挨家走访", []),
        ("在老旧社区改造中", []),
        ("宣威市板桥街道东风社区担任驻村第一书记", ["宣威市", "板桥街道", "东风社区"]),
    ],
)
def test_recognise_places(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("曲靖市人力资源和社会保障局", ["曲靖市人力资源和社会保障局"]),
        ("县发改委党组召开会议", ["县发改委党组"]),
        ("大理州委", ["大理州委"]),
        ("市委组织部", ["市委组织部"]),
        ("由市人社局牵头", ["市人社局"]),
        ("毕业于北京大学", ["北京大学"]),
        ("会泽县公安局城关派出所", ["会泽县公安局城关派出所"]),
        ("国务院印发通知", ["国务院"]),
        ("形成全局工作新格局", []),
        ("各科室、相关部门", []),
        ("驻村工作队", []),
        ("成立合作社", []),
        ("坚决服从中央部署", ["中央"]),
        ("利用中央财政项目", []),
        ("镇党委书记王强说", ["镇党委"]),
        ("省财政厅、省教育厅", ["省财政厅", "省教育厅"]),
        ("联合县人社局", ["县人社局"]),
        ("全县28个乡镇共建成党群服务中心", []),
        ("水富市委书记", ["水富市委"]),
        ("辽宁省农科院沙地所专家王海新", ["辽宁省农科院沙地所"]),
        ("省农科院植保所研究员", ["省农科院植保所"]),
        ("省农科院所属研究所", ["省农科院"]),
        ("石门法庭巡回审判", ["石门法庭"]),
        ("会泽农商银行发放贷款", ["会泽农商银行"]),
    ],
)
def test_recognise_orgs(nlp, text, expected):
    assert spans(nlp, text, "ORG") == expected


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
def test_recognise_persons(nlp, text, expected):
    assert spans(nlp, text, "PERSON") == expected


def test_recognise_spans_are_exact_even_when_segmentation_disagrees(nlp):
    doc = nlp("在中国联通曲靖市麒麟区分公司工作的赵刚说")
    got = {(s.label_, s.text) for s in doc.spans[SPANS_KEY]}
    assert ("ORG", "中国联通曲靖市麒麟区分公司") in got
    assert ("PLACE", "麒麟区") in got
    assert ("PERSON", "赵刚") in got
    for span in doc.spans[SPANS_KEY]:
        assert doc.text[span.start_char : span.end_char] == span.text


def test_recognise_mentions_carry_page_offsets_and_sentences(nlp):
    text = "前言。\n会泽县公安局民警张强说，工作很忙。"
    page = CleanPage(
        meta=PageMeta(source="x.txt"), raw=text, text=text, offsets=list(range(len(text)))
    )
    art = Article(index=0, title="t", body=text[4:], body_start=4, start=4, end=len(text))
    doc = nlp(text[art.start : art.end])
    mentions = mentions_of(doc, art, page)
    by_text = {m.text: m for m in mentions}
    assert {"会泽县", "会泽县公安局", "张强"} <= set(by_text)
    person = by_text["张强"]
    assert page.text[person.start : person.end] == "张强"
    assert person.sentence == "会泽县公安局民警张强说，工作很忙。"
    assert page.text[person.sentence_start :].startswith(person.sentence)


def _eval_module():
    spec = importlib.util.spec_from_file_location(
        "eval_recognise", ROOT / "scripts" / "eval_recognise.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Measured 2026-11-23 with scripts/eval_recognise.py (ORG 0.929, PLACE 0.917, PERSON 0.967
# mention F1), ORG again after the seed pages' own agencies left the tables (issue 16:
# 0.881); the floors leave a small margin.
FLOORS = {"ORG": 0.86, "PLACE": 0.89, "PERSON": 0.94}


def test_recognise_seed_mention_f1_floor(nlp):
    ev = _eval_module()
    result, misses = ev.scores(ev.seed_mentions(nlp), ev.gold_mentions())
    for label, floor in FLOORS.items():
        f1 = result[label][2]
        assert f1 >= floor, (
            f"{label} mention F1 {f1:.3f} < {floor}: {[m for m in misses if m[2] == label]}"
        )
