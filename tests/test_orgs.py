"""Tests of kg.recognise.orgs and kg.recognise.org_names: the ORG component and its rules."""

from __future__ import annotations

import pytest

from kg.recognise.org_names import bare_prefix, name_like
from kg.recognise.orgs import Found
from kg.recognise.spans import SPANS_KEY


def spans(nlp, text: str, label: str) -> list[str]:
    doc = nlp(text)
    return [s.text for s in doc.spans[SPANS_KEY] if s.label_ == label]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("曲靖市人力资源和社会保障局", ["曲靖市人力资源和社会保障局"]),
        ("县发改委党组召开会议", ["县发改委党组"]),
        ("大理州委", ["大理州委"]),
        ("市委组织部", ["市委组织部"]),
        ("由市人社局牵头", ["市人社局"]),
        # the place recogniser takes 北京 where it opens LAC's ORG word
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
        pytest.param(
            "全县28个乡镇共建成党群服务中心",
            [],
            marks=pytest.mark.xfail(
                strict=True,
                reason="LAC tokens, not pkuseg's: the statistical candidates of issue 16 bring it back",
            ),
        ),
        ("水富市委书记", ["水富市委"]),
        pytest.param(
            "辽宁省农科院沙地所专家王海新",
            ["辽宁省农科院沙地所"],
            marks=pytest.mark.xfail(
                strict=True,
                reason="LAC tokens, not pkuseg's: the statistical candidates of issue 16 bring it back",
            ),
        ),
        pytest.param(
            "省农科院植保所研究员",
            ["省农科院植保所"],
            marks=pytest.mark.xfail(
                strict=True,
                reason="LAC tokens, not pkuseg's: the statistical candidates of issue 16 bring it back",
            ),
        ),
        pytest.param(
            "省农科院所属研究所",
            ["省农科院"],
            marks=pytest.mark.xfail(
                strict=True,
                reason="LAC tokens, not pkuseg's: the statistical candidates of issue 16 bring it back",
            ),
        ),
        ("石门法庭巡回审判", ["石门法庭"]),
        ("会泽农商银行发放贷款", ["会泽农商银行"]),
    ],
)
def test_orgs_found_in_text(nlp, text, expected):
    assert spans(nlp, text, "ORG") == expected


@pytest.mark.parametrize(
    ("text", "pos", "start"),
    [
        ("由市人社局牵头", 2, 1),  # 由 before the bare 市
        ("联合县人社局", 3, 2),  # a verb, then the bare 县
        ("县委书记", 1, 0),  # at the start of the text
        ("街道党工委", 2, 0),  # a bare 街道
        ("市县乡三级联动", 2, None),  # levels named together, not one body
        ("各乡镇", 3, None),
    ],
)
def test_orgs_bare_prefix_rule(nlp, text, pos, start):
    assert bare_prefix(nlp.get_pipe("kg_orgs").context(nlp.make_doc(text)), pos) == start


@pytest.mark.parametrize(
    ("middle", "ok"),
    [
        ("", True),
        ("城关", True),
        ("西南林业", True),
        ("三级", False),  # a tier of bodies
        ("驻村", False),  # a generic word
        ("各", False),
        ("示范型", False),  # a model, not a name
    ],
)
def test_orgs_name_like_rule(nlp, middle, ok):
    assert name_like(nlp.get_pipe("kg_orgs").tables, middle) is ok


@pytest.mark.parametrize(
    ("text", "kept"),
    [("县公安局", True), ("驻村工作队", False), ("枫桥式派出所", False)],
)
def test_orgs_found_drops_task_forces_and_models(text, kept):
    found = Found(text)
    found.add(0, len(text))
    assert (found.spans == [(0, len(text))]) is kept
    assert (found.org_end == {len(text): 0}) is kept
