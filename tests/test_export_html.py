"""Tests of the interactive graph page: self-contained, escaped, deterministic, focus and caps."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import InputError
from kg.export.html import (
    HUB_LABELS,
    MAX_NAMED,
    find_node,
    layout_positions,
    relation_labels,
    render_html,
    script_json,
    write_html,
)
from kg.graph.namespaces import RELATION_PROPERTIES
from kg.graph.view import Naming
from kg.model import ENTITY_TYPES, RELATION_TYPES

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)


def synthetic(n: int, *, extra: int = 0, names: dict[int, str] | None = None) -> nx.MultiDiGraph:
    """A chain-and-hub graph of ``n`` entities with the attributes of ``kg.graph.view.to_networkx``."""
    g = nx.MultiDiGraph()
    for i in range(n):
        g.add_node(
            f"https://w3id.org/kg/id/e{i:05d}",
            label=(names or {}).get(i, f"实体{i}"),
            type=ENTITY_TYPES[i % len(ENTITY_TYPES)],
            aliases=[f"E{i}"],
            place="昭通市" if i % 3 == 0 else None,
            evidence=[f"第{i}句：昭通市推进“红旗飘飘”工程。"],
        )
    for i in range(1, n):
        hub = 0 if i % 4 == 0 else i - 1
        g.add_edge(
            f"https://w3id.org/kg/id/e{i:05d}",
            f"https://w3id.org/kg/id/e{hub:05d}",
            relation=RELATION_TYPES[i % len(RELATION_TYPES)],
            label="书记" if i % 5 == 0 else "",
            evidence=[f"边{i}"],
        )
    for j in range(extra):
        g.add_edge(
            f"https://w3id.org/kg/id/e{(7 * j) % n:05d}",
            f"https://w3id.org/kg/id/e{(13 * j + 1) % n:05d}",
            relation="PART_OF",
            label="",
            evidence=[],
        )
    return g


def page_data(page: str) -> dict:
    match = DATA.search(page)
    assert match, "the page has no embedded kg-data JSON"
    return json.loads(match.group(1))


def test_export_html_self_contained():
    page = render_html(synthetic(30))
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.IGNORECASE)
    assert "@import" not in page
    assert "sourceMappingURL" not in page
    assert "<link" not in page.lower()
    assert "cdn." not in page.lower()
    assert "vis.Network" in page  # vis-network is inlined, not fetched


def test_export_html_escapes_markup_in_names():
    g = synthetic(6, names={1: XSS_IMG, 2: XSS_SCRIPT})
    g.nodes["https://w3id.org/kg/id/e00003"]["evidence"] = [XSS_SCRIPT]
    page = render_html(g, title="<b>kg</b>")
    assert XSS_IMG not in page and "<img" not in page
    assert XSS_SCRIPT not in page
    assert page.lower().count("</script>") == 3  # data, vis-network, page script
    assert "<title>&lt;b&gt;kg&lt;/b&gt;</title>" in page
    labels = {n["label"] for n in page_data(page)["nodes"]}
    assert {XSS_IMG, XSS_SCRIPT} <= labels  # the names survive, as data


def test_export_html_script_json_has_no_markup():
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_export_html_deterministic():
    g = synthetic(40, extra=10)
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(sorted(g.nodes(data=True), reverse=True))
    shuffled.add_edges_from(sorted(g.edges(data=True), key=lambda e: (e[1], e[0]), reverse=True))
    assert render_html(g) == render_html(g) == render_html(shuffled)
    assert render_html(g, physics_limit=10) == render_html(shuffled, physics_limit=10)


def test_export_html_nodes_and_edges_carry_attributes():
    g = synthetic(12)
    data = page_data(render_html(g))
    assert len(data["nodes"]) == 12 and len(data["edges"]) == 11
    hub = next(n for n in data["nodes"] if n["iri"].endswith("e00000"))
    assert hub["label"] == "实体0" and hub["type"] == "ORG" and hub["place"] == "昭通市"
    assert hub["aliases"] == ["E0"] and hub["evidence"][0].startswith("第0句")
    assert hub["size"] > min(n["size"] for n in data["nodes"])  # sized by degree
    assert {e["rel"] for e in data["edges"]} <= set(RELATION_TYPES)
    assert any(e["label"] == "书记" for e in data["edges"])
    assert data["type_order"][:3] == ["ORG", "PLACE", "PERSON"]
    assert data["large"] is False and "x" not in hub


def test_export_html_focus_neighbourhood():
    g = synthetic(40)
    data = page_data(render_html(g, focus="实体5", depth=1))
    labels = sorted(n["label"] for n in data["nodes"])
    assert labels == ["实体4", "实体5", "实体6"]  # chain 6→5→4; 5 is not a multiple of 4
    assert data["notice"].startswith("实体5 的 1 步邻域")
    assert "Neighbourhood of 实体5" in data["notice_en"]
    by_iri = page_data(render_html(g, focus="https://w3id.org/kg/id/e00005", depth=0))
    assert [n["label"] for n in by_iri["nodes"]] == ["实体5"]


def test_export_html_focus_unknown_suggests_labels():
    with pytest.raises(InputError, match=r"'实体5号'.*close labels: 实体5,"):
        render_html(synthetic(40), focus="实体5号")


@pytest.mark.parametrize("kw", [{"depth": -1}, {"max_nodes": 0}])
def test_export_html_rejects_bad_limits(kw):
    with pytest.raises(InputError):
        render_html(synthetic(3), **kw)


def test_export_html_caps_to_highest_degree():
    g = synthetic(100)
    data = page_data(render_html(g, max_nodes=10))
    assert len(data["nodes"]) == 10
    assert "e00000" in {n["iri"][-6:] for n in data["nodes"]}  # the hub survives
    assert "Showing the 10 best-connected of 100 entities" in data["notice_en"]
    assert "只显示 100 个实体中关系最多的 10 个" in data["notice"]


def test_export_html_large_graph_gets_positions():
    g = synthetic(60)
    data = page_data(render_html(g, physics_limit=50))
    assert data["large"] is True
    xy = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(xy) > 55  # positions are spread, not stacked
    assert all(isinstance(n["x"], int) for n in data["nodes"])


def test_export_html_layout_5000_nodes_is_fast():
    g = synthetic(5000, extra=2500)
    start = time.perf_counter()
    pos = layout_positions(g, sorted(g.nodes))
    assert time.perf_counter() - start < 10
    assert pos.shape == (5000, 2)
    assert float(pos.std()) > 100  # spread over many pixels


def test_export_html_write_utf8(tmp_path):
    path = write_html(synthetic(5), tmp_path / "sub" / "graph.html", title="昭通")
    raw = path.read_bytes()
    assert "<title>昭通</title>".encode() in raw
    assert raw.decode("utf-8") == render_html(synthetic(5), title="昭通")


def test_export_html_seed_graph(seed_corpus):
    from kg.graph.rdf import build_graph, to_networkx

    view = to_networkx(build_graph(seed_corpus))
    data = page_data(render_html(view, title="seeds"))
    assert len(data["nodes"]) == view.number_of_nodes() > 50
    assert len(data["edges"]) == view.number_of_edges()
    assert set(data["type_order"]) <= set(ENTITY_TYPES)


def test_export_html_relations_carry_chinese_names_from_the_ontology():
    labels = relation_labels()
    assert set(labels) == set(RELATION_PROPERTIES)
    for code, label in labels.items():
        assert label["zh"] != code and re.search(r"[\u4e00-\u9fff]", label["zh"]), code
        assert label["en"] != code
    assert labels["HOLDS_POST"] == {
        "zh": "任职于", "en": "holds post in", "property": "kg:holdsPostIn"
    }  # fmt: skip
    assert labels["LOCATED_IN"]["zh"] == "位于" and labels["PROMOTES"]["zh"] == "推行"
    assert labels["SUB_ORG_OF"]["property"] == "org:subOrganizationOf"
    assert page_data(render_html(synthetic(5)))["relations"] == labels


def test_export_html_interface_is_chinese_with_english_tooltips():
    page = render_html(synthetic(5))
    assert (
        'placeholder="按名称或别名查找实体"' in page
        and 'title="Find an entity by name or alias"' in page
    )
    assert ">查找</button>" in page and ">显示全部</button>" in page
    styles = page_data(page)["styles"]
    assert styles["ORG"]["zh"] == "机构" and styles["ORG"]["en"] == "Organisation"


def test_export_html_shows_where_an_entity_is_named():
    """Sentences of an entity's mentions, with article date and title, beyond its facts' sentences."""
    g = synthetic(4)
    node = g.nodes["https://w3id.org/kg/id/e00001"]
    node["evidence"] = ["甲句。"]
    node["named"] = [
        Naming("2023-03-24", "建“五型机关”", "甲句。"),  # its fact's sentence: shown once
        Naming("2023-03-24", "建“五型机关”", "乙句。"),
        *(Naming("2024-01-0" + str(i), "另一篇", f"丙{i}。") for i in range(1, 9)),
    ]
    data = page_data(render_html(g))
    item = data["nodes"][1]
    assert len(item["named"]) == MAX_NAMED
    first = item["named"][0]
    assert first[1] == "乙句。" and data["articles"][first[0]] == ["2023-03-24", "建“五型机关”"]
    assert [data["articles"][a][0] for a, _ in item["named"][1:]] == [
        "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"
    ]  # fmt: skip
    assert data["nodes"][2]["named"] == []  # a graph without mentions (attribute absent)


def test_export_html_hubs_are_the_best_connected():
    g = synthetic(80)
    data = page_data(render_html(g))
    degree = {i: g.degree(n["iri"]) for i, n in enumerate(data["nodes"])}
    assert len(data["hubs"]) == HUB_LABELS
    assert 0 in data["hubs"]  # the hub of the synthetic graph
    cut = min(degree[i] for i in data["hubs"])
    assert all(degree[i] <= cut for i in degree if i not in data["hubs"])
    assert page_data(render_html(synthetic(1)))["hubs"] == []  # no relation: no hub


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("实体5", "e00005"),
        ("e7", "e00007"),
        ("E7", "e00007"),
        ("体3", "e00003"),
        ("实体1", "e00001"),
    ],
)
def test_export_html_focus_finds_names_as_the_search_box_does(name, found):
    """Exact name, then alias, then part of a name or alias (case-insensitive), first by IRI."""
    assert find_node(synthetic(40), name).endswith(found)


def test_export_html_cli_sets_title_and_focuses_an_alias(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.graph.rdf import build_graph

    sys.path.insert(0, str(Path(__file__).parent))
    from golden.handmade import handmade_corpus

    build_graph(handmade_corpus()).serialize(tmp_path / "graph.ttl", format="turtle")
    out = tmp_path / "page.html"
    args = ["html", str(tmp_path), "-o", str(out), "--focus", "市政服务管理局", "--depth", "0"]
    done = CliRunner().invoke(main, [*args, "--title", "昭通 <党建>"])
    assert done.exit_code == 0, done.output
    page = out.read_text(encoding="utf-8")
    assert "<title>昭通 &lt;党建&gt;</title>" in page
    assert [n["label"] for n in page_data(page)["nodes"]] == ["昭通市政务服务管理局"]


def test_export_html_cli_build_passes_the_title(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import kg.corpus.build
    from kg.cli import main

    seen = {}

    class Report:
        skipped: list = []

        def summary(self) -> str:
            return "built"

    def fake_build(paths, out_dir, *, options):
        seen["title"] = options.html_title
        return Report()

    monkeypatch.setattr(kg.corpus.build, "build", fake_build)
    done = CliRunner().invoke(
        main, ["build", str(tmp_path), "-o", str(tmp_path / "o"), "--title", "昭通"]
    )
    assert done.exit_code == 0, done.output
    assert seen == {"title": "昭通"}


def test_export_html_build_writes_the_title(tmp_path, nlp):
    from conftest import SEEDS

    from kg.corpus.build import build

    build(
        [SEEDS / "000_e59ba49bd64a9ae0.txt"],
        tmp_path,
        nlp=nlp,
        html_title="昭通日报",
        formats=["turtle"],
    )
    assert "<title>昭通日报</title>" in (tmp_path / "graph.html").read_text(encoding="utf-8")
