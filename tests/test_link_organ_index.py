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
