"""Tests of kg.recognise.localities: named localities by [name][generic term], and regions."""

from __future__ import annotations

import pytest

from kg.recognise.spans import SPANS_KEY


def places(nlp, text: str) -> list[str]:
    doc = nlp(text)
    return [s.text for s in doc.spans[SPANS_KEY] if s.label_ == "PLACE"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a city before a road's own name locates it; it is no part of the name
        ("修缮沧州南运河路与北京德胜路的路口", ["沧州", "南运河路", "北京", "德胜路"]),
        # a port's and a zone's own names keep their city
        ("加快建设沧州港和黄骅工业园区", ["沧州", "沧州港", "黄骅", "黄骅工业园区"]),
        # the generic term of the word before, glued by LAC (母亲河 + 楠溪江), is cut off
        ("永嘉母亲河楠溪江中游", ["永嘉", "楠溪江"]),
        ("修缮杭州湖滨路与上海南京路的路口", ["杭州", "湖滨路", "上海", "南京路"]),
        ("游客在翠屏湖公园散步", ["翠屏湖公园"]),
        ("在长沙岳麓山游玩", ["长沙", "岳麓山"]),
        # a county's short form opening the name is part of it (三江 is 三江县's)
        ("三江源国家公园正式设立", ["三江源国家公园"]),
        # a LOC word running on into letters and digits
        ("浦东国际机场T2航站楼", ["浦东国际机场"]),
        # the words after a named port describe it
        ("建设宁波港集装箱干线港", ["宁波", "宁波港"]),
    ],
)
def test_localities_found_in_text(nlp, text, expected):
    assert places(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "湿地主题公园投入使用",  # kind words and ordinary words name no locality
        "李云峰同志讲话",  # a person LAC saw, whose name ends in 峰
        "这是一条致富路、幸福路、连心路",  # counted, so not names
        "搭建人才反哺“连心桥”",  # a figure of speech in quotes
        "大家提出了很多好思路",  # an ordinary word that ends in 路
        "绿水青山就是金山银山",  # two names side by side, not one
        "加强城际铁路建设",  # ends in the ordinary word 铁路
    ],
)
def test_localities_not_found_in_text(nlp, text):
    assert places(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推动京津冀协同发展", ["京津冀"]),  # LAC tags it nz here
        ("粤港澳大湾区建设", ["粤港澳大湾区"]),
        ("皖北地区发展迅速", ["皖北地区"]),
        ("省里把辽西北的任务交给我", ["辽西北"]),  # LAC tags 辽 alone, 西北 apart
    ],
)
def test_localities_regions_by_province_abbreviations(nlp, text, expected):
    assert places(nlp, text) == expected


def test_localities_tables_find_the_longest_generic_term(nlp):
    tables = nlp.get_pipe("kg_places").tables.locality
    assert tables.head_of("昆山科技工业园区").head == "工业园区"
    assert tables.head_of("宁波港").own_place
    assert not tables.head_of("渭河").local
    assert tables.head_of("苏州") is None
    assert tables.region("黑吉辽") == ("黑龙江省", "吉林省", "辽宁省")
    assert tables.region("皖北地区") == ("安徽省",)
    assert tables.region("苏州") == ()


def test_localities_continents_and_world_regions(nlp):
    text = "中国与东南亚国家、欧洲国家加强合作，中东局势紧张。"
    assert places(nlp, text) == ["中国", "东南亚", "欧洲", "中东"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("参观了毛泽东故居", ["毛泽东故居"]),  # a person's name is a name, frequent or not
        ("全体党员来到县烈士陵园", []),  # what kind of cemetery, not which
        ("他们沿着乡间小路前行", []),  # a location word (乡间) is no name
    ],
)
def test_localities_names_of_people_and_kinds_of_places(nlp, text, expected):
    assert places(nlp, text) == expected
