"""Saved web pages as input: main text only, metadata from the page, mixed folders, bad pages."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from pdf_pages import page_pdf
from rdflib import Graph, URIRef

from kg.corpus.build import build
from kg.errors import InputError
from kg.graph.terms import PROV
from kg.model import PageMeta
from kg.text.clean import clean_page
from kg.text.split import split_articles

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SITE = "昭通市人民政府"
DATE = "2023-03-24"
ADDRESS = "http://www.zt.gov.cn/xwzx/gzdt/202303/t20230324_{n}.html"
# Names the template prints and the seed pages do not: none may become an entity.
TEMPLATE_NAMES = ("威信县", "镇雄县", "林草局", "水田花坝", "运维中心", "ICP", "公网安备", "首页",
                  "政务公开", "javascript", "/a/", "html", "nav", "footer")  # fmt: skip


def gov_page(title: str, body: str, *, n: int = 1) -> str:
    """An article as a government site serves it: nav, breadcrumbs, sidebar, footer, script, style."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    t = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{t}_{SITE}</title>
<meta name="ArticleTitle" content="{t}">
<meta name="PubDate" content="{DATE} 09:30">
<meta property="og:site_name" content="{SITE}">
<meta property="article:published_time" content="{DATE}T09:30:00+08:00">
<link rel="canonical" href="{ADDRESS.format(n=n)}">
<link rel="stylesheet" href="/css/main.css">
<style>body{{font-family:SimSun}} .nav a{{color:#c00}} footer{{background:#eee}}</style>
<script type="text/javascript">var _hmt = _hmt || [];
document.write('<a href="/a/1.html">访问统计</a>');</script>
</head><body>
<div class="header"><img src="/images/logo.png" alt="{SITE}门户网站"><div class="search">
<input type="text" placeholder="请输入关键字"><button>搜索</button></div></div>
<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/xwzx/">新闻中心</a></li><li><a href="/bsfw/">办事服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjzt/">走进昭通</a></li></ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt;
<a href="/xwzx/gzdt/">工作动态</a></div>
<div class="main"><div class="article">
<h1>{t}</h1>
<div class="info">发布时间：{DATE} 09:30 来源：{SITE} 浏览次数：1024 字号：[大 中 小]</div>
<div class="content" id="zoom">
{paragraphs}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> 【打印本页】【关闭窗口】</div>
<div class="prevnext">上一篇：<a href="/a/6.html">威信县召开林长制工作推进会</a><br>
下一篇：<a href="/a/7.html">镇雄县开展安全生产大检查</a></div>
</div>
<aside class="sidebar"><h3>相关新闻</h3><ul>
<li><a href="/a/2.html">威信县水田花坝景区迎来游客高峰</a></li>
<li><a href="/a/3.html">镇雄县委书记调研乡村振兴示范点</a></li>
<li><a href="/a/4.html">市林草局开展森林防火宣传月活动</a></li>
<li><a href="/a/5.html">镇雄县人民医院开展义诊活动</a></li>
</ul><h3>热点专题</h3><ul><li><a href="/zt/1/">学习贯彻党的二十大精神</a></li></ul></aside>
</div>
<footer class="footer"><p>主办：{SITE}办公室 承办：昭通市政府网站运维中心</p>
<p><a href="https://beian.miit.gov.cn/">滇ICP备05000826号-1</a> 滇公网安备53060202000123号</p>
<p>网站标识码：5306000001 联系电话：0870-2125678</p>
<script>(function(){{var bp=document.createElement('script');bp.src='/js/push.js';}})();</script>
</footer>
</body></html>
"""


def _seed_articles() -> list[tuple[str, str, str]]:
    """(name, title, body) of the articles of two seed pages whose title is printed."""
    found = []
    for seed in ("000_e59ba49bd64a9ae0", "001_c52baf653ac99e89"):
        page = clean_page((SEEDS / f"{seed}.txt").read_text(encoding="utf-8"), PageMeta(seed))
        for art in split_articles(page):
            if art.title_printed:
                found.append((f"{seed[:3]}_{art.index}", art.title, art.body.strip()))
    return found


def _entities(out: Path) -> set[tuple[str, str]]:
    return {
        (e["type"], e["canonical"])
        for p in (out / "pages").glob("*.json")
        for e in json.loads(p.read_text(encoding="utf-8"))["entities"]
    }


def test_inputs_web_seed_articles_build_as_their_text(nlp, tmp_path: Path) -> None:
    """Each seed article on a government page: the entities of its text, none of the template."""
    web, text = tmp_path / "web", tmp_path / "text"
    web.mkdir()
    text.mkdir()
    articles = _seed_articles()
    for name in TEMPLATE_NAMES:
        assert all(name not in title + body for _, title, body in articles)
    assert len(articles) >= 4
    for n, (name, title, body) in enumerate(articles):
        (web / f"{name}.html").write_text(gov_page(title, body, n=n), encoding="utf-8")
        (text / f"{name}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    by_web = build([web], tmp_path / "out_web", nlp=nlp, formats=["turtle"])
    by_text = build([text], tmp_path / "out_text", nlp=nlp, formats=["turtle"])
    assert by_web.skipped == [] and by_web.pages_ok == len(articles)
    assert _entities(tmp_path / "out_web") == _entities(tmp_path / "out_text")
    assert by_web.entities == by_text.entities and by_web.facts == by_text.facts
    names = " ".join(
        " ".join([e["canonical"], *e.get("mentions", [])])
        for p in (tmp_path / "out_web" / "pages").glob("*.json")
        for e in json.loads(p.read_text(encoding="utf-8"))["entities"]
    )
    assert [n for n in TEMPLATE_NAMES if n in names] == []
    # the page's metadata: site, date, headline, address
    page = json.loads((tmp_path / "out_web" / "pages" / f"{articles[0][0]}.json").read_text())
    assert (page["newspaper"], page["date"]) == (SITE, DATE)
    assert page["articles"][0]["title"] == articles[0][1]
    graph = Graph().parse(tmp_path / "out_web" / "graph.ttl")
    assert URIRef(ADDRESS.format(n=0)) in set(graph.objects(None, PROV.hadPrimarySource))


def test_inputs_web_page_without_main_text_is_named(nlp, tmp_path: Path) -> None:
    """A page of links only is skipped with its reason; the article beside it builds."""
    src = tmp_path / "src"
    src.mkdir()
    title, body = (
        "昭通市召开政务服务工作会议",
        "3月23日，昭通市政务服务管理局召开全市政务服务工作会议，部署今年重点工作。",
    )
    (src / "article.htm").write_text(gov_page(title, body), encoding="utf-8")
    empty = gov_page("栏目首页", "")
    (src / "index.html").write_text(empty, encoding="utf-8")
    report = build([src], tmp_path / "out", nlp=nlp, formats=["turtle"])
    assert report.pages_ok == 1
    assert [(Path(f).name, "no main text" in r) for f, r in report.skipped] == [
        ("index.html", True)
    ]


def test_inputs_web_mixed_folder_builds_in_one_run(nlp, tmp_path: Path) -> None:
    """Text, a PDF page, a web page and a crawl file in one folder: one build, each page named."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "seed.txt").write_bytes((SEEDS / "003_3d028b8c8d2b6744.txt").read_bytes())
    _, title, body = _seed_articles()[0]
    (src / "web.html").write_text(gov_page(title, body), encoding="utf-8")
    record = {"标题": title, "正文": body, "发布时间": "2023年3月24日 10:00", "来源": "昭通日报"}
    (src / "crawl.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n")
    edition = (SEEDS / "002_3cf2dafc0cf567ca.txt").read_text(encoding="utf-8")
    (src / "edition.pdf").write_bytes(page_pdf(edition, set(), columns=3))
    report = build([src], tmp_path / "out", nlp=nlp, formats=["turtle"])
    assert sorted(report.pages) == ["crawl#1", "edition.pdf", "seed.txt", "web.html"]
    assert report.pages["edition.pdf"]["entities"] > 20
    assert report.skipped == [] and report.ignored == []
    crawl = json.loads((tmp_path / "out" / "pages" / "crawl#1.json").read_text(encoding="utf-8"))
    assert (crawl["newspaper"], crawl["date"]) == ("昭通日报", DATE)


def test_inputs_web_folder_of_unread_files_names_each_and_writes_nothing(tmp_path: Path) -> None:
    """Issue 19: each file is named with its reason, and no .kg-cache appears anywhere."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "scan.pdf").write_bytes(b"%PDF-1.4 truncated")
    (src / "notes.docx").write_bytes(b"PK\x03\x04")
    existing = tmp_path / "existing"
    existing.mkdir()
    with pytest.raises(InputError) as caught:
        build([src], existing)
    message = str(caught.value)
    assert "scan.pdf" in message and "notes.docx" in message and "(0 problem" not in message
    assert "nothing was written" in message
    assert list(existing.iterdir()) == []
    with pytest.raises(InputError):
        build([src], tmp_path / "new")
    assert not (tmp_path / "new").exists()
