"""Tests of kg.text.split: article heads, bodies, credits and captions."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from conftest import gold_scorer
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import Article, CleanPage, PageMeta
from kg.text.clean import clean_page
from kg.text.split import split_articles

ROOT = Path(__file__).resolve().parent.parent
SEED_FILES = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "gold"


SCORE = gold_scorer()


def _page(text: str, source: str = "t.txt") -> CleanPage:
    return clean_page(text, PageMeta(source=source))


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[CleanPage, list[Article], dict]]:
    result = {}
    for path in SEED_FILES:
        page = _page(path.read_text(encoding="utf-8"), path.name)
        gold = json.loads((GOLD / path.with_suffix(".json").name).read_text(encoding="utf-8"))
        result[path.name] = (page, split_articles(page), gold)
    return result


def _matched(gold: dict, articles: list[Article]) -> list[tuple[dict, Article]]:
    """Gold articles with the predicted article whose title matches (score.py's rule)."""
    pairs = []
    left = list(articles)
    for g in gold["articles"]:
        if not g.get("title_printed", True):
            hit = next((a for a in left if not a.title_printed), None)
        else:
            gt = SCORE.norm(g["title"])
            hit = next(
                (
                    a
                    for a in left
                    if (pt := SCORE.norm(a.title)) and (pt == gt or SCORE.fuzzy(pt, gt))
                ),
                None,
            )
        if hit is not None:
            left.remove(hit)
            pairs.append((g, hit))
    return pairs


# ---------------------------------------------------------------- seed pages


def test_split_title_f1_on_seeds(seeds) -> None:  # type: ignore[no-untyped-def]
    tally: dict = {k: defaultdict(Counter) for k in ("ent", "rel", "art")}
    for _, articles, gold in seeds.values():
        pred = {"articles": [{"title": a.title} for a in articles]}
        SCORE.score_page({"articles": gold["articles"]}, pred, tally)
    c = tally["art"]["ALL"]
    f1 = SCORE.prf(c["tp"], c["fp"], c["fn"])["f1"]
    assert f1 >= 0.90, c


def test_split_kicker_subtitle_first_words(seeds) -> None:  # type: ignore[no-untyped-def]
    checked = wrong = 0
    for _, articles, gold in seeds.values():
        for g, a in _matched(gold, articles):
            for got, want in (
                (a.kicker, g.get("kicker")),
                (a.subtitle, g.get("subtitle")),
                (a.first_words, g.get("first_words")),
            ):
                checked += 1
                wrong += SCORE.norm(got) != SCORE.norm(want)
    assert checked >= 3 * 14
    assert wrong <= 0.05 * checked


def test_split_untitled_article(seeds) -> None:  # type: ignore[no-untyped-def]
    _, articles, _ = seeds["001_c52baf653ac99e89.txt"]
    untitled = [a for a in articles if not a.title_printed]
    assert len(untitled) == 1
    assert untitled[0].first_words.startswith("“目前，大耆老村")
    assert untitled[0].title.startswith("（标题未印出）")


def test_split_detached_titles_pair_with_their_bodies(seeds) -> None:  # type: ignore[no-untyped-def]
    page, articles, _ = seeds["000_e59ba49bd64a9ae0.txt"]
    by_title = {SCORE.norm(a.title): a for a in articles}
    a = by_title[SCORE.norm("坚持“133”工作思路 积极推进创先争优")]
    assert a.first_words.startswith("2022年以来")
    assert a.kicker == "昭通市政务服务管理局"
    assert a.title_start is not None and a.title_start > a.end  # printed after the body
    b = by_title[SCORE.norm("蔡文松：平凡人生路 为还大地一片绿")]
    assert b.body.startswith("1992年7月")
    assert "营造美好绿色家园。" in b.body
    assert "（昭通市政务服务管理局供稿）" not in a.body + b.body


def test_split_articles_in_reading_order(seeds) -> None:  # type: ignore[no-untyped-def]
    for page, articles, _ in seeds.values():
        assert [a.index for a in articles] == list(range(len(articles)))
        starts = [a.body_start for a in articles]
        assert starts == sorted(starts)
        for a in articles:
            assert page.text[a.body_start : a.body_start + len(a.body)] == a.body
            assert a.start <= a.body_start <= a.end <= len(page.text)


def test_split_subheads_are_not_articles(seeds) -> None:  # type: ignore[no-untyped-def]
    titles = {SCORE.norm(a.title) for _, arts, _ in seeds.values() for a in arts}
    for subhead in ("理清思路部署", "一份文件明方向", "合力推动服务群众措施高效落实", "凝心铸魂"):
        assert not any(subhead in t for t in titles)


def test_split_captions_are_not_articles(seeds) -> None:  # type: ignore[no-untyped-def]
    _, articles, _ = seeds["004_10eed4b3da10b3eb.txt"]
    assert "民警陪安置区老人过节。" in articles[0].captions
    assert all("民警陪安置区老人过节" not in a.title for a in articles)
    assert not articles[0].body.startswith("民警")


def test_split_credits_point_at_raw_names(seeds) -> None:  # type: ignore[no-untyped-def]
    found = set()
    for page, articles, _ in seeds.values():
        for a in articles:
            for c in a.credits:
                raw_name = "".join(page.raw[c.start : c.end].split())
                assert raw_name == c.name
                found.add((c.role, c.name))
    for credit in [
        ("通讯员", "张顺富"),
        ("通讯员", "张俊"),
        ("供稿", "昭通市政务服务管理局"),
        ("联办", "市委市直机关工委"),
        ("联办", "昭通日报社"),
        ("记者", "毛利涛"),
        ("通讯员", "瞿小英"),
        ("记者", "曲宏"),
        ("记者", "沈小平"),
        ("记者", "侯悦林"),
        ("供图", "红光派出所"),
        ("供稿", "市政服务管理局"),
    ]:
        assert credit in found


def test_split_banner_credits_go_to_the_article_they_head(seeds) -> None:  # type: ignore[no-untyped-def]
    _, articles, _ = seeds["001_c52baf653ac99e89.txt"]
    with_banner = [a.title for a in articles if any(c.role == "联办" for c in a.credits)]
    assert with_banner == ["建“五型机关”促提质提效"]


# ---------------------------------------------------------------- rules


BODY = "今年以来，某县坚持以人民为中心，创新工作思路，推进基层治理，群众满意度不断提升。" * 3


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        # title, subtitle, byline, body
        (f"奋楫扬帆启新程\n\n——某市工作综述\n\n记者 张三\n\n{BODY}", ["奋楫扬帆启新程"]),
        # kicker, title, byline with 本报讯 in the body line
        (f"某县公安局——\n\n坚持警网融合\n\n通讯员 李四\n\n{BODY}", ["坚持警网融合"]),
        (f"某县建立协作机制\n\n本报讯 记者王五报道 {BODY}", ["某县建立协作机制"]),
        (f"某县建立协作机制\n\n本报讯（记者 王五 通讯员 赵六）{BODY}", ["某县建立协作机制"]),
        (f"某县建立协作机制\n\n新华社北京11月3日电（记者王五）{BODY}", ["某县建立协作机制"]),
        # subheads inside an article are not articles
        (
            f"奋楫扬帆启新程\n\n记者 张三\n\n{BODY}\n\n铸忠诚 擦亮底色\n\n{BODY}",
            ["奋楫扬帆启新程"],
        ),
        # two articles, one after the other
        (
            f"甲县推进治理\n\n记者 张三\n\n{BODY}\n\n乙县发展产业\n\n通讯员 李四\n\n{BODY}",
            ["甲县推进治理", "乙县发展产业"],
        ),
        # no printed title
        (BODY, [None]),
    ],
)
def test_split_layout_rules(text: str, titles: list[str | None]) -> None:
    articles = split_articles(_page(text))
    assert [a.title if a.title_printed else None for a in articles] == titles
    assert all(a.first_words.startswith("今年以来") for a in articles)


def test_split_title_printed_after_its_body() -> None:
    body_a = "沙坝村坚持加强党建引领，做大做强青花椒产业，群众增收致富，花椒品牌越来越响。" * 3
    body_b = "大耆老村建设数字乡村平台，宽带端口覆盖全村，智能监控守护平安，数字治理见实效。" * 3
    text = (
        f"{body_a}\n\n{body_b}\n\n"
        "数字乡村建设助力大耆老村治理\n通讯员 李四\n\n"
        "沙坝村青花椒产业鼓起钱袋子\n通讯员 张三\n"
    )
    articles = split_articles(_page(text))
    assert [(a.title, a.first_words[:3]) for a in articles] == [
        ("沙坝村青花椒产业鼓起钱袋子", "沙坝村"),
        ("数字乡村建设助力大耆老村治理", "大耆老"),
    ]
    assert [c.name for c in articles[0].credits] == ["张三"]


def test_split_empty_page() -> None:
    assert split_articles(_page("")) == []
    assert split_articles(_page("\n\n \n")) == []


def test_split_pathological_input() -> None:
    cases = [
        "—" * 100_000,
        "记者\n" * 5_000,
        "标题\n" * 5_000,
        "（" * 30_000,
        "。\n\n" * 20_000,
        ("短标题\n——副题\n通讯员 张三\n" * 2_000),
    ]
    began = time.perf_counter()
    for text in cases:
        page = _page(text)
        for a in split_articles(page):
            assert page.text[a.body_start : a.body_start + len(a.body)] == a.body
    assert time.perf_counter() - began < 20


def test_split_throughput(seeds) -> None:  # type: ignore[no-untyped-def]
    raws = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    size = sum(map(len, raws))
    best = float("inf")
    for _ in range(3):  # CPU time, best of three: the test machine may be busy
        began = time.process_time()
        for raw in raws:
            split_articles(_page(raw))
        best = min(best, time.process_time() - began)
    assert size / best > 150_000  # chars/s; about 1M on a loaded 2-core box


LINES = st.lists(
    st.sampled_from(
        [
            "奋楫扬帆启新程",
            "——某市工作综述",
            "某县公安局——",
            "记者 张三 通讯员 李四 文/图",
            "本报讯 记者王五报道 今年以来，某县推进治理。",
            "民警陪老人过节。",
            "市委市直机关工委 昭通日报社 联办",
            "（某局供稿）",
            "沈小平",
            BODY,
            "",
            "文\\",
            "图",
            # web articles
            "图为活动现场。赵刚 钱伟 摄",
            "会议结束。（记者 张明/文 何静/图）",
            "来源：某县人民政府  发布时间：2023-05-06",
            "原标题：凝心聚力抓落实",
            "《某某日报》消息：近日，某县召开会议。",
            "某区领导赴外地考察（图）",
        ]
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(LINES)
def test_split_never_breaks_property(lines: list[str]) -> None:
    page = _page("\n".join(lines))
    articles = split_articles(page)
    for k, a in enumerate(articles):
        assert a.index == k
        assert page.text[a.body_start : a.body_start + len(a.body)] == a.body
        assert a.start <= a.body_start <= a.end
        for c in a.credits:
            assert "".join(page.raw[c.start : c.end].split()) == c.name


def test_split_kicker_without_dash() -> None:
    text = f"\n省农科院扶贫工作队帮村建强支部\n党建引领科技富民\n\n记者 张三\n\n{BODY}"
    (article,) = split_articles(_page(text))
    assert (article.kicker, article.title) == ("省农科院扶贫工作队帮村建强支部", "党建引领科技富民")
    assert article.first_words.startswith("今年以来")


def test_split_leftover_title_takes_untitled_body() -> None:
    body_a = "沙坝村坚持加强党建引领，做大做强青花椒产业，群众增收致富，花椒品牌越来越响。" * 3
    body_b = "这里的变化有目共睹，干部群众齐心协力，日子越过越红火，大家都说好。" * 3
    text = f"{body_a}\n\n（某局供稿）\n\n{body_b}\n\n沙坝村青花椒产业鼓起钱袋子\n通讯员 张三\n\n与众不同的标题\n通讯员 李四\n"
    articles = split_articles(_page(text))
    assert [a.title for a in articles] == ["沙坝村青花椒产业鼓起钱袋子", "与众不同的标题"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("（某局供稿）", ("供稿", "某局")),
        ("（通讯员 周 敏 供稿）", ("通讯员", "周敏")),
        ("（记者 王五 供稿）", ("记者", "王五")),
    ],
)
def test_split_source_line_credits_a_person_by_their_role(source, expected) -> None:
    body = "这里的变化有目共睹，干部群众齐心协力，日子越过越红火，大家都说好。" * 3
    text = f"与众不同的标题\n\n{body}\n\n{source}\n"
    (article,) = split_articles(_page(text))
    assert [(c.role, c.name) for c in article.credits] == [expected]


# ---------------------------------------------------------------- web articles

WEB_BODY = (
    "近日，某县召开乡村振兴工作推进会，总结前一阶段工作，安排部署下一步任务，推动各项工作落地见效。"
)
DEV = ROOT.parent / "shared" / "dev"


@pytest.mark.parametrize(
    ("text", "title", "kicker", "subtitle", "first_words"),
    [
        # headline, blank line, body
        (
            f"某县召开推进会\n\n{WEB_BODY}\n{WEB_BODY}",
            "某县召开推进会",
            None,
            None,
            "近日，某县召开",
        ),
        # without the blank line
        (f"某县召开推进会\n{WEB_BODY}", "某县召开推进会", None, None, "近日，某县召开"),
        # a kicker above the headline, a subtitle under it
        (
            f"某县农业农村局\n推进数字乡村建设\n\n{WEB_BODY}",
            "推进数字乡村建设",
            "某县农业农村局",
            None,
            "近日",
        ),
        (
            f"建强支部促振兴\n——某镇党建引领纪实\n\n{WEB_BODY}",
            "建强支部促振兴",
            None,
            "某镇党建引领纪实",
            "近日",
        ),
        # 原标题 and 编者按 are neither title nor body
        (
            f"某市召开组织工作会议\n\n原标题：凝心聚力抓落实\n{WEB_BODY}",
            "某市召开组织工作会议",
            None,
            None,
            "近日",
        ),
        (
            f"某市召开组织工作会议\n\n编者按：本期聚焦基层的探索。\n{WEB_BODY}",
            "某市召开组织工作会议",
            None,
            None,
            "近日",
        ),
        # photo captions at the top: opened by 图为, or under a headline marked （图）
        (
            f"某区开展法律服务活动\n\n图为活动现场。赵刚 摄\n{WEB_BODY}",
            "某区开展法律服务活动",
            None,
            None,
            "近日",
        ),
        (
            f"某区领导赴外地考察（图）\n\n区领导在规划展示馆参观。\n与会人员合影留念。\n{WEB_BODY}",
            "某区领导赴外地考察（图）",
            None,
            None,
            "近日",
        ),
        # datelines and bylines that open the body
        (
            f"某县召开推进会\n\n本报某某讯（记者 张明）{WEB_BODY}",
            "某县召开推进会",
            None,
            None,
            "近日",
        ),
        (f"某县召开推进会\n\n《某某日报》消息：{WEB_BODY}", "某县召开推进会", None, None, "近日"),
        (
            f"某县召开推进会\n\n5月5日讯（记者 张明）{WEB_BODY}",
            "某县召开推进会",
            None,
            None,
            "近日",
        ),
        (f"某县召开推进会\n\n（记者 张明）{WEB_BODY}", "某县召开推进会", None, None, "近日"),
        (f"某县召开推进会\n\n记者张明报道：{WEB_BODY}", "某县召开推进会", None, None, "近日"),
        # a byline line under the headline: bracketed, or kinds and names only
        (f"某县召开推进会\n\n（记者 张明）\n{WEB_BODY}", "某县召开推进会", None, None, "近日"),
        (f"某县召开推进会\n文/张明 图/何静\n\n{WEB_BODY}", "某县召开推进会", None, None, "近日"),
        # the information line may open with its date, and stand above the headline
        (
            f"2023-05-06 09:30  来源：某市政府办公室\n某县召开推进会\n\n{WEB_BODY}",
            "某县召开推进会",
            None,
            None,
            "近日",
        ),
        # a headline that asks
        (f"这个村凭什么火了？\n\n{WEB_BODY}", "这个村凭什么火了？", None, None, "近日"),
        # short paragraphs are the text, not captions
        (
            "他用青春守护平安\n\n近日，派出所的灯光依然亮着。\n民警已连续值守三个夜班。",
            "他用青春守护平安",
            None,
            None,
            "近日，派出所的灯光",
        ),
        # a section heading opens the text
        (
            f"某村年度工作报告\n\n一、基本情况\n{WEB_BODY}",
            "某村年度工作报告",
            None,
            None,
            "一、基本情况近日",
        ),
        # a government site's information line, widgets and editor line
        (
            "某县召开推进会\n来源：某县人民政府办公室  发布时间：2023-05-06 09:30  浏览次数：321\n"
            f"【字体：大 中 小】 【打印本页】 【关闭窗口】\n\n{WEB_BODY}\n责任编辑：刘洋\n打印本页 关闭窗口\n",
            "某县召开推进会",
            None,
            None,
            "近日",
        ),
    ],
)
def test_split_web_article_shapes(
    text: str, title: str, kicker: str | None, subtitle: str | None, first_words: str
) -> None:
    (article,) = split_articles(_page(text))
    assert (article.title, article.kicker, article.subtitle) == (title, kicker, subtitle)
    assert article.title_printed
    assert article.first_words.startswith(first_words[:12])


HEADLINE = "某县召开推进会\n\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the bracket that closes a web article
        (f"{WEB_BODY}（记者 张明）", [("记者", "张明")]),
        (f"{WEB_BODY}（孙丽 周杰）", [("供稿", "孙丽"), ("供稿", "周杰")]),
        (f"{WEB_BODY}（记者 钱伟/文 何静/图）", [("记者", "钱伟"), ("摄影", "何静")]),
        (f"{WEB_BODY}（文/陈晓 图/林峰）", [("记者", "陈晓"), ("摄影", "林峰")]),
        (f"{WEB_BODY}（责任编辑：王刚）", [("责编", "王刚")]),
        (f"{WEB_BODY}（某县农业农村局供稿）", [("供稿", "某县农业农村局")]),
        # brackets that hold no names
        (f"{WEB_BODY}（上接第一版）", []),
        (f"{WEB_BODY}（完）", []),
        (f"{WEB_BODY}（2023年）", []),
        # photo captions at the top or the end
        (f"图为活动现场。赵刚 钱伟 摄\n{WEB_BODY}", [("摄影", "赵刚"), ("摄影", "钱伟")]),
        (f"{WEB_BODY}\n{WEB_BODY}\n图为活动现场。赵刚 摄", [("摄影", "赵刚")]),
        # datelines: the people in brackets, names printed together, the paper or agency
        (
            f"本报某某讯（记者 张明 通讯员 王芳于文哲）{WEB_BODY}",
            [("记者", "张明"), ("通讯员", "王芳"), ("通讯员", "于文哲")],
        ),
        (f"《某某日报》消息：{WEB_BODY}", [("供稿", "某某日报")]),
        (
            f"新华社北京3月8日电（记者 马超 郑红）{WEB_BODY}",
            [("供稿", "新华社"), ("记者", "马超"), ("记者", "郑红")],
        ),
        (f"本报讯 {WEB_BODY}", []),
        (f"文/张明 图/何静\n\n{WEB_BODY}", [("记者", "张明"), ("摄影", "何静")]),
    ],
)
def test_split_web_article_credits(text: str, expected: list[tuple[str, str]]) -> None:
    page = _page(HEADLINE + text)
    (article,) = split_articles(page)
    assert sorted((c.role, c.name) for c in article.credits) == sorted(expected)
    for c in article.credits:
        assert "".join(page.raw[c.start : c.end].split()) == c.name
    assert article.first_words.startswith("近日")


def test_split_web_article_captions_are_not_body() -> None:
    text = f"{HEADLINE}图为活动现场。赵刚 摄\n{WEB_BODY}\n{WEB_BODY}\n图为群众在咨询。\n"
    (article,) = split_articles(_page(text))
    assert article.captions == ["图为活动现场。赵刚摄", "图为群众在咨询。"]
    assert "图为" not in article.body


@pytest.mark.skipif(
    not (DEV / "gold").is_dir(),
    reason="../shared/dev is absent (the dev articles are kept beside the checkout, not in it)",
)
def test_split_title_f1_on_dev() -> None:
    """Articles F1 on real web articles the rules were not written on."""
    tally: dict = {k: defaultdict(Counter) for k in ("ent", "rel", "art")}
    pages = sorted((DEV / "articles").glob("*.txt"))
    assert pages
    for path in pages:
        gold = json.loads((DEV / "gold" / path.with_suffix(".json").name).read_text("utf-8"))
        articles = split_articles(_page(path.read_text(encoding="utf-8"), path.name))
        pred = {"articles": [{"title": a.title} for a in articles]}
        SCORE.score_page({"articles": gold["articles"]}, pred, tally)
    c = tally["art"]["ALL"]
    assert SCORE.prf(c["tp"], c["fp"], c["fn"])["f1"] >= 0.95, c


def test_split_reporter_sentence_in_a_web_article_is_no_byline() -> None:
    text = (
        f"{HEADLINE}{WEB_BODY}\n二、下一步打算\n"
        "记者从会上获悉，本次会议的报道将在电视台播出，全县干部群众都将收看，反响热烈。\n"
    )
    (article,) = split_articles(_page(text))
    assert article.credits == []
    assert "记者从会上获悉" in article.body
