"""The standard organs by their printed forms, levels and years (kg.link.organ_index)."""

from __future__ import annotations

import pytest

from kg.link.organ_index import article_year, organ_index


@pytest.mark.parametrize(
    ("core", "level", "year", "full"),
    [
        ("法院", "city", None, "中级人民法院"),  # a city's court is its 中级人民法院
        ("法院", "county", None, "人民法院"),
        ("人民法院", "city", None, "中级人民法院"),
        ("人民法院", "county", None, "人民法院"),
        ("住建委", "city", None, "住房和城乡建设委员会"),
        ("国家广电总局", None, 2015, "国家新闻出版广播电影电视总局"),
        ("国家广电总局", None, None, "国家广播电视总局"),  # undated: today's body
        ("国家广电总局", None, 2010, "国家广播电影电视总局"),
        ("农业部", None, None, "农业部"),  # a full name stays itself
        ("爱心团队", None, None, None),
    ],
)
def test_link_organ_index_full_name_by_level_and_year(core, level, year, full):
    assert organ_index().full_name(core, level, year) == full


def test_link_organ_index_expands_nested_short_forms():
    assert (
        organ_index().expand("人社局就业局党支部", None, None) == "人力资源和社会保障局就业局党支部"
    )


def test_link_organ_index_committee_departments():
    index = organ_index()
    assert index.under_committee("宣传部") and index.under_committee("政法委员会")
    assert not index.under_committee("人民政府")


def test_link_organ_index_article_year_is_the_latest_named():
    assert article_year("2012年部署，2015年完成。") == 2015
    assert article_year("今年完成。") is None


@pytest.mark.parametrize(
    ("core", "full"),
    [
        ("建设工程质监站", "建设工程质量监督站"),  # a word printed short inside a state body's name
        ("广电中心", "广播电视中心"),
        ("环保志愿服务队", "环保志愿服务队"),  # not in a team's name
        ("人大附中", "人大附中"),  # not an organ's short form inside a school's name
        ("八十三中党总支", "第八十三中学党总支"),  # a numbered school
        ("政府党组", "人民政府党组"),
        ("残联教育就业处", "残疾人联合会教育就业处"),
        ("法律援助处支部", "法律援助处党支部"),  # 支部 is the party's
        ("团支部", "团支部"),  # but a 团支部 the youth league's
    ],
)
def test_link_organ_index_expands_short_words_of_state_bodies(core, full):
    assert organ_index().expand(core, None, None) == full
