"""A small hand-made corpus with known contents, for exact assertions on the graph.

Two articles of one made-up page, shaped like the seed pages (agencies,
a place chain, a post, an award, a credit, a document); the names are
general knowledge of Zhaotong's administrative divisions and made-up bodies.
"""

from __future__ import annotations

from kg.model import Article, Corpus, Entity, Evidence, Fact, Mention, PageMeta

SOURCE = "hm_001.txt"
TITLE0 = "政务服务提质增效"
TITLE1 = "红光派出所争创枫桥式派出所"
S0 = "市政务服务管理局提出“133”工作思路，推行“警网融合”。"
S1 = "红光派出所所长刘永旺介绍，派出所推行“警网融合”，2022年被评为枫桥式公安派出所。"
S2 = "市委印发《关于加强和改进全市机关党的建设的实施意见》。"


def handmade_corpus() -> Corpus:
    """The hand-made corpus (a new object each call: callers may mutate it)."""
    meta = PageMeta(
        source=SOURCE,
        newspaper="昭通日报",
        date="2022-11-22",
        home_place="昭通市",
        page_no="03",
        column="党建",
    )
    articles = [
        Article(
            index=0,
            title=TITLE0,
            body=S0 + S2,
            body_start=10,
            start=0,
            end=80,
            kicker="优化营商环境",
        ),
        Article(
            index=1,
            title=TITLE1,
            body=S1,
            body_start=100,
            start=90,
            end=180,
            subtitle="——永善县公安局基层治理见闻",
            byline="通讯员 张顺富",
        ),
    ]
    E = Entity
    entities = [
        E("PLACE", "云南省", {"云南省"}, level="province", code="530000"),
        E("PLACE", "昭通市", {"昭通市", "市"}, parent="云南省", level="city", code="530600"),
        E("PLACE", "永善县", {"永善县"}, parent="昭通市", level="county", code="530625"),
        E("PLACE", "溪洛渡街道", {"溪洛渡街道"}, parent="永善县", level="town"),
        E("PLACE", "红光安置区", {"红光安置区"}, parent="溪洛渡街道", level="area"),
        E("ORG", "昭通市政务服务管理局", {"市政务服务管理局", "市政服务管理局"}, kind="government"),
        E("ORG", "永善县公安局", {"永善县公安局"}, kind="government"),
        E("ORG", "红光派出所", {"红光派出所", "派出所"}, kind="government"),
        E("ORG", "昭通市委", {"市委"}, kind="party"),
        E("PERSON", "刘永旺", {"刘永旺"}),
        E("PERSON", "张顺富", {"张顺富"}),
        E("PROGRAM", "133工作思路", {"133"}),
        E("PROGRAM", "警网融合", {"警网融合"}),
        E("PROGRAM", "两个确立", {"两个确立"}, core=False),
        E("HONOR", "枫桥式公安派出所", {"枫桥式公安派出所"}),
        E(
            "DOCUMENT",
            "关于加强和改进全市机关党的建设的实施意见",
            {"关于加强和改进全市机关党的建设的实施意见"},
        ),
    ]
    ev0 = Evidence(SOURCE, TITLE0, S0, 12, 12 + len(S0))
    ev1 = Evidence(SOURCE, TITLE1, S1, 105, 105 + len(S1))
    ev2 = Evidence(SOURCE, TITLE0, S2, 40, 40 + len(S2))
    org = lambda n: ("ORG", n)  # noqa: E731
    place = lambda n: ("PLACE", n)  # noqa: E731
    facts = [
        Fact("PROMOTES", org("昭通市政务服务管理局"), ("PROGRAM", "133工作思路"), {}, ev0),
        Fact("PROMOTES", org("昭通市政务服务管理局"), ("PROGRAM", "警网融合"), {}, ev0),
        Fact("PROMOTES", org("红光派出所"), ("PROGRAM", "警网融合"), {}, ev1),
        Fact("LOCATED_IN", org("昭通市政务服务管理局"), place("昭通市"), {}, ev0),
        Fact("LOCATED_IN", org("红光派出所"), place("红光安置区"), {}, ev1),
        Fact("LOCATED_IN", org("永善县公安局"), place("永善县"), {}, ev1),
        Fact("SUB_ORG_OF", org("红光派出所"), org("永善县公安局"), {}, ev1),
        Fact("PART_OF", place("红光安置区"), place("溪洛渡街道"), {}, ev1),
        Fact("HOLDS_POST", ("PERSON", "刘永旺"), org("红光派出所"), {"post": "所长"}, ev1),
        Fact("AWARDED", org("红光派出所"), ("HONOR", "枫桥式公安派出所"), {"year": "2022"}, ev1),
        Fact(
            "ISSUED",
            org("昭通市委"),
            ("DOCUMENT", "关于加强和改进全市机关党的建设的实施意见"),
            {},
            ev2,
        ),
        Fact(
            "CREDITED",
            ("PERSON", "张顺富"),
            None,
            {"role": "通讯员", "article": TITLE1},
            Evidence(SOURCE, TITLE1, "通讯员 张顺富", 95, 102),
        ),
    ]
    mentions = [
        (
            Mention("市政务服务管理局", "ORG", 10, 18, 0, S0, 10),
            SOURCE,
            org("昭通市政务服务管理局"),
        ),
        (Mention("133", "PROGRAM", 21, 24, 0, S0, 10), SOURCE, ("PROGRAM", "133工作思路")),
        (Mention("红光派出所", "ORG", 100, 105, 1, S1, 100), SOURCE, org("红光派出所")),
        (Mention("刘永旺", "PERSON", 107, 110, 1, S1, 100), SOURCE, ("PERSON", "刘永旺")),
    ]
    return Corpus(
        pages=[meta], articles={SOURCE: articles}, entities=entities, facts=facts, mentions=mentions
    )
