"""Relation extraction: the eight relation types, each with its evidence sentence."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kg.extract import to_gold_json
from kg.link.page import link_page
from kg.model import Article, CleanPage, Credit, Mention, PageMeta
from kg.relate.page import parse_posts, relate_page, sentence_bounds

GOLD = Path(__file__).resolve().parent / "gold"


def extract(text: str, spans: list[tuple[str, str]], *, title: str = "标题",
            kicker: str | None = None, home: str = "昭通市", credits=()):  # fmt: skip
    """Link and relate hand-made mentions (name, label), found in order in ``text``."""
    raw = "  " + text  # the raw page has two more characters in front
    page = CleanPage(meta=PageMeta(source="p.txt", home_place=home), raw=raw, text=text,
                     offsets=[i + 2 for i in range(len(text))])  # fmt: skip
    art = Article(index=0, title=title, body=text, body_start=0, start=0, end=len(text),
                  kicker=kicker, credits=list(credits))  # fmt: skip
    seen: dict[str, int] = {}
    ms = []
    for name, label in spans:
        pos = -1
        for _ in range(seen.get(name, 0) + 1):
            pos = text.index(name, pos + 1)
        seen[name] = seen.get(name, 0) + 1
        ms.append(Mention(name, label, pos, pos + len(name), 0, "", 0))
    linked = link_page(page, [art], ms)
    return page, relate_page(page, [art], [], linked)


def triples(facts, relation: str) -> set[tuple]:
    return {
        (f.head[1], f.tail[1] if f.tail else None, f.attrs.get("post") or f.attrs.get("year"))
        for f in facts
        if f.relation == relation
    }


@pytest.mark.parametrize(
    ("text", "pos", "sentence"),
    [("甲。乙丙！丁", 3, "乙丙！"), ("第一行\n第二行。", 5, "第二行。"), ("单句", 0, "单句")],
)
def test_relate_sentence_bounds(text, pos, sentence):
    s, e = sentence_bounds(text, pos)
    assert text[s:e] == sentence


@pytest.mark.parametrize(
    ("text", "post"),
    [("所长", "所长"), ("驻村第一书记", "驻村第一书记"), ("法治副主任", "法治副主任"),
     ("人力资源信息员", "人力资源信息员"), ("正在执勤的民警", "民警"), ("正在安排", None),
     ("书记、", None)],
)  # fmt: skip
def test_relate_parse_posts(text, post):
    assert parse_posts(text) == post


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("永善县公安局红光派出所所长刘永旺介绍了情况。",
         [("永善县公安局红光派出所", "ORG"), ("刘永旺", "PERSON")],
         {("刘永旺", "永善县公安局红光派出所", "所长")}),
        ("大耆老村驻村第一书记、工作队队长耿招敏说。",
         [("大耆老村", "PLACE"), ("耿招敏", "PERSON")],
         {("耿招敏", "大耆老村", "驻村第一书记、工作队队长")}),
        ("永善县公安局红光派出所很忙。正值交接，所长刘永旺安排工作。",
         [("永善县公安局红光派出所", "ORG"), ("刘永旺", "PERSON")],
         {("刘永旺", "永善县公安局红光派出所", "所长")}),
        ("蔡文松现任巧家县林业和草原局局长。",
         [("蔡文松", "PERSON"), ("巧家县林业和草原局", "ORG")],
         {("蔡文松", "巧家县林业和草原局", "局长")}),
        ("刘永旺正在安排工作。", [("刘永旺", "PERSON")], set()),
        ("习近平总书记强调，党中央高度重视。", [("习近平", "PERSON"), ("党中央", "ORG")],
         {("习近平", "中共中央", "总书记")}),
        ("胡锦涛总书记指出，中共中央作出部署。", [("胡锦涛", "PERSON"), ("中共中央", "ORG")],
         {("胡锦涛", "中共中央", "总书记")}),
        ("习近平总书记强调要抓落实。", [("习近平", "PERSON")], set()),
        ("信息员李进凤与楼栋长龙才康负责友善4组第67栋。",
         [("李进凤", "PERSON"), ("龙才康", "PERSON"), ("友善4组", "PLACE")],
         {("李进凤", "友善4组", "信息员"), ("龙才康", "友善4组", "楼栋长")}),
        ("网格员张三和组长李四负责新华3组的走访。",
         [("张三", "PERSON"), ("李四", "PERSON"), ("新华3组", "PLACE")],
         {("张三", "新华3组", "网格员"), ("李四", "新华3组", "组长")}),
        ("走进会泽县青山村，产业兴旺。\n村党支部书记王强介绍情况。",
         [("会泽县", "PLACE"), ("青山村", "PLACE"), ("王强", "PERSON")],
         {("王强", "青山村党支部", "书记")}),
        ("会泽县青山村和石门村结对。\n村党支部书记王强介绍情况。",
         [("会泽县", "PLACE"), ("青山村", "PLACE"), ("石门村", "PLACE"), ("王强", "PERSON")],
         set()),
        ("会泽县水务局实施工程，会泽县水务局党组牵头。局党组书记、局长张明说。",
         [("会泽县水务局", "ORG"), ("会泽县水务局党组", "ORG"), ("张明", "PERSON")],
         {("张明", "会泽县水务局党组", "书记"), ("张明", "会泽县水务局", "局长")}),
        ("石门派出所和青山银行结对。该行行长李梅说。",
         [("石门派出所", "ORG"), ("青山银行", "ORG"), ("李梅", "PERSON")],
         {("李梅", "青山银行", "行长")}),
    ],
)  # fmt: skip
def test_relate_holds_post(text, spans, expected):
    _, facts = extract(text, spans)
    assert triples(facts, "HOLDS_POST") == expected


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("2022年,红光派出所被评为“枫桥式公安派出所”。",
         [("红光派出所", "ORG"), ("枫桥式公安派出所", "HONOR")],
         {("红光派出所", "枫桥式公安派出所", "2022")}),
        ("昭通市财政局第一党支部成绩突出,被昭通市委表彰为“全市先进基层党组织”。",
         [("昭通市财政局第一党支部", "ORG"), ("昭通市委", "ORG"), ("全市先进基层党组织", "HONOR")],
         {("昭通市财政局第一党支部", "昭通市先进基层党组织", None)}),
        ("2022年,昭通市6家单位被命名为“模范机关创建示范单位”。",
         [("昭通市", "PLACE"), ("模范机关创建示范单位", "HONOR")], set()),
        ("全国“最美快递员”刘平来感受最深。",
         [("最美快递员", "HONOR"), ("刘平来", "PERSON")], {("刘平来", "最美快递员", None)}),
        ("红光派出所开展“先进个人”评选。", [("红光派出所", "ORG"), ("先进个人", "HONOR")], set()),
        ("现任高级工程师的蔡文松，多次被评为“先进工作者”。",
         [("蔡文松", "PERSON"), ("先进工作者", "HONOR")], {("蔡文松", "先进工作者", None)}),
        ("县林业局的张明，先后荣获“优秀共产党员”称号。",
         [("张明", "PERSON"), ("优秀共产党员", "HONOR")], {("张明", "优秀共产党员", None)}),
        ("他见过蔡文松，今天讨论被评为“先进工作者”的条件。",
         [("蔡文松", "PERSON"), ("先进工作者", "HONOR")], set()),
        ("石门派出所开展巡逻。2023年，该所被评为“平安单位”。",
         [("石门派出所", "ORG"), ("平安单位", "HONOR")], {("石门派出所", "平安单位", "2023")}),
        ("石门派出所和青山村共建。该村2021年荣获“文明村”称号。",
         [("石门派出所", "ORG"), ("青山村", "PLACE"), ("文明村", "HONOR")],
         {("青山村", "文明村", "2021")}),
        ("石门派出所开展巡逻。该局被评为“平安单位”。",
         [("石门派出所", "ORG"), ("平安单位", "HONOR")], set()),
        ("青山法庭2022年被省高院评为“先进法庭”。",
         [("青山法庭", "ORG"), ("先进法庭", "HONOR")], {("青山法庭", "先进法庭", "2022")}),
    ],
)  # fmt: skip
def test_relate_awarded(text, spans, expected):
    _, facts = extract(text, spans)
    assert triples(facts, "AWARDED") == expected


def test_relate_issued_and_promotes_with_actors():
    text = (
        "2022年以来，市委印发《关于加强机关党建的实施意见》。\n"
        "一是推行“133”工作思路。市人社局推出“就业红娘”服务。"
    )
    spans = [("市委", "ORG"), ("关于加强机关党建的实施意见", "DOCUMENT"), ("133", "PROGRAM"),
             ("市人社局", "ORG"), ("就业红娘", "PROGRAM")]  # fmt: skip
    _, facts = extract(text, spans, kicker="市政务服务管理局")
    assert triples(facts, "ISSUED") == {("昭通市委", "关于加强机关党建的实施意见", None)}
    assert triples(facts, "PROMOTES") == {
        ("昭通市政务服务管理局", "133工作思路", None),  # no subject: the kicker's agency
        ("昭通市人力资源和社会保障局", "就业红娘", None),  # the clause's own subject
    }


def test_relate_structure_from_names():
    text = "鲁甸县龙头山镇沙坝村党建好。永善县公安局红光派出所和永善县公安局联动，市政务服务管理局党组推进。"
    spans = [("鲁甸县", "PLACE"), ("龙头山镇", "PLACE"), ("沙坝村", "PLACE"),
             ("永善县公安局红光派出所", "ORG"), ("永善县公安局", "ORG"),
             ("市政务服务管理局党组", "ORG")]  # fmt: skip
    _, facts = extract(text, spans)
    assert triples(facts, "PART_OF") >= {
        ("沙坝村", "龙头山镇", None),
        ("龙头山镇", "鲁甸县", None),
    }
    assert triples(facts, "SUB_ORG_OF") == {("永善县公安局红光派出所", "永善县公安局", None)}
    assert triples(facts, "LOCATED_IN") >= {
        ("永善县公安局", "永善县", None),
        ("永善县公安局红光派出所", "永善县", None),
        ("昭通市政务服务管理局党组", "昭通市", None),
    }
    located = Counter(f.head for f in facts if f.relation == "LOCATED_IN")
    assert max(located.values()) == 1  # the most specific place only


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("曲靖市麒麟区委召开会议，曲靖市麒麟区委组织部部署。",
         [("曲靖市", "PLACE"), ("麒麟区", "PLACE"), ("曲靖市麒麟区委", "ORG"),
          ("曲靖市", "PLACE"), ("麒麟区", "PLACE"), ("曲靖市麒麟区委组织部", "ORG")],
         {("曲靖市麒麟区委组织部", "曲靖市麒麟区委", None)}),
        ("区委召开会议，曲靖市麒麟区委组织部部署。",
         [("区委", "ORG"), ("曲靖市", "PLACE"), ("麒麟区", "PLACE"),
          ("曲靖市麒麟区委组织部", "ORG")],
         {("曲靖市麒麟区委组织部", "麒麟区委", None)}),
    ],
)  # fmt: skip
def test_relate_sub_org_printed_with_its_place_chain(text, spans, expected):
    _, facts = extract(text, spans, home="曲靖市")
    assert triples(facts, "SUB_ORG_OF") == expected


def test_relate_credited_and_evidence_offsets():
    text = "巧家县林业和草原局推进工作。"
    credits = [Credit("通讯员", "张顺富", 0, 2), Credit("供稿", "市政务服务管理局", 0, 2)]
    page, facts = extract(text, [("巧家县林业和草原局", "ORG")], title="文章", credits=credits)
    credited = {
        (f.head, f.attrs["role"], f.attrs["article"]) for f in facts if f.relation == "CREDITED"
    }
    assert credited == {
        (("PERSON", "张顺富"), "通讯员", "文章"),
        (("ORG", "昭通市政务服务管理局"), "供稿", "文章"),
    }
    for f in facts:
        assert f.evidence is not None and f.evidence.source == "p.txt"
    located = next(f for f in facts if f.relation == "LOCATED_IN")
    assert located.evidence is not None
    assert page.raw[located.evidence.start : located.evidence.end] == text


def _scorer():
    spec = importlib.util.spec_from_file_location("gold_score", GOLD / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_relate_gold_floor(seed_results):
    score = _scorer()
    tally = {"ent": defaultdict(Counter), "rel": defaultdict(Counter),
             "art": defaultdict(Counter), "link": Counter(), "parent": Counter()}  # fmt: skip
    for gp in sorted(GOLD.glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        pred = json.loads(json.dumps(to_gold_json(seed_results[gold["doc"]]), ensure_ascii=False))
        score.score_page(gold, pred, tally)
    total: Counter[str] = Counter()
    for c in tally["rel"].values():
        total.update(c)
    p = total["tp"] / (total["tp"] + total["fp"])
    r = total["tp"] / (total["tp"] + total["fn"])
    # measured on the seed pages 2026-11-23: P 0.879, R 0.775, F1 0.824; after the entries
    # copied from the seed pages left the tables (issue 16): P 0.860, R 0.725, F1 0.786
    assert 2 * p * r / (p + r) >= 0.77
    assert tally["rel"]["CREDITED"]["fp"] <= 2


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        (
            "在凤凰街道青松社区，社区党委书记赵德明介绍情况。",
            [("凤凰街道", "PLACE"), ("青松社区", "PLACE"), ("赵德明", "PERSON")],
            ("赵德明", "青松社区党委", "书记"),
        ),
        (
            "县委组织部牵头。大关县木杆镇石门村，村党支部书记钱大勇说。",
            [
                ("县委组织部", "ORG"),
                ("大关县", "PLACE"),
                ("木杆镇", "PLACE"),
                ("石门村", "PLACE"),
                ("钱大勇", "PERSON"),
            ],
            ("钱大勇", "石门村党支部", "书记"),
        ),
        (
            "县委组织部牵头。巧家县白鹤滩镇推行新办法，镇长孙志远说。",
            [
                ("县委组织部", "ORG"),
                ("巧家县", "PLACE"),
                ("白鹤滩镇", "PLACE"),
                ("孙志远", "PERSON"),
            ],
            ("孙志远", "白鹤滩镇", "镇长"),
        ),
    ],
)
def test_relate_post_naming_its_unit_belongs_to_that_unit(text, spans, expected):
    _, facts = extract(text, spans)
    posts = triples(facts, "HOLDS_POST")
    assert expected in posts
    assert all(t[1] != "昭通市委组织部" for t in posts)


def test_relate_unit_named_by_a_post_is_located_in_its_place():
    text = "在凤凰街道青松社区，社区党委书记赵德明介绍情况。"
    _, facts = extract(text, [("凤凰街道", "PLACE"), ("青松社区", "PLACE"), ("赵德明", "PERSON")])
    assert ("青松社区党委", "青松社区", None) in triples(facts, "LOCATED_IN")


def test_relate_post_naming_an_unresolved_unit_gives_no_wrong_body():
    text = "县委组织部牵头。社区党委书记赵德明介绍情况。"
    _, facts = extract(text, [("县委组织部", "ORG"), ("赵德明", "PERSON")])
    assert not [t for t in triples(facts, "HOLDS_POST") if t[0] == "赵德明"]
