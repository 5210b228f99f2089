"""Crawl files as input: one page a record, usual and mapped field names, bad records named."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from kg.cli import main
from kg.corpus.build import build
from kg.corpus.options import BuildOptions
from kg.errors import InputError
from kg.evaluate import score
from kg.graph.terms import PROV
from kg.text.crawl import iso_date, parse_field_map

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "dev"
BODY = "3月23日，昭通市政务服务管理局召开全市政务服务工作会议，部署今年重点工作。局长李明主持会议。"


def test_inputs_crawl_dev_articles_score_like_their_text(nlp, dev_report, tmp_path: Path) -> None:
    """The dev articles as one JSON Lines crawl: the same article and entity figures as the text."""
    texts = sorted((DEV / "articles").glob("*.txt"))
    crawl = tmp_path / "dev.jsonl"
    with crawl.open("w", encoding="utf-8") as fh:
        for n, path in enumerate(texts):
            title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
            record = {"title": title, "content": body, "date": "2024-02-29 10:00",
                      "source": "开发集", "url": f"https://example.gov.cn/news/{n}.html"}  # fmt: skip
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    out = tmp_path / "out"
    report = build([crawl], out, nlp=nlp, formats=["turtle"])
    assert report.skipped == [] and report.pages_ok == len(texts)
    pairs = [
        (
            json.loads((DEV / "gold" / f"{path.stem}.json").read_text(encoding="utf-8")),
            json.loads((out / "pages" / f"dev#{n + 1}.json").read_text(encoding="utf-8")),
        )
        for n, path in enumerate(texts)
    ]
    by_crawl = score(pairs)
    for part in ("ent", "art"):
        assert by_crawl[part]["ALL"]["f1"] == pytest.approx(dev_report[part]["ALL"]["f1"], abs=0.01)
    graph = Graph().parse(out / "graph.ttl")
    assert URIRef("https://example.gov.cn/news/0.html") in set(
        graph.objects(None, PROV.hadPrimarySource)
    )


def test_inputs_crawl_csv_with_chinese_headers(nlp, tmp_path: Path) -> None:
    """标题/发布时间/来源/正文/链接 are read; the date written 2023年3月24日 is the page's date."""
    crawl = tmp_path / "crawl.csv"
    with crawl.open("w", encoding="gb18030", newline="") as fh:  # as Excel saves it
        writer = csv.writer(fh)
        writer.writerow(["标题", "发布时间", "来源", "正文", "链接"])
        writer.writerow(
            ["全市政务服务工作会议召开", "2023年3月24日", "昭通日报", BODY, "http://x.cn/1"]
        )
    report = build([tmp_path], tmp_path / "out", nlp=nlp, formats=["turtle"])
    assert sorted(report.pages) == ["crawl#1"] and report.skipped == []
    page = json.loads((tmp_path / "out" / "pages" / "crawl#1.json").read_text(encoding="utf-8"))
    assert (page["newspaper"], page["date"]) == ("昭通日报", "2023-03-24")
    assert page["articles"][0]["title"] == "全市政务服务工作会议召开"
    assert "昭通市政务服务管理局" in {e["canonical"] for e in page["entities"]}


def test_inputs_crawl_fields_option_maps_other_names(nlp, tmp_path: Path) -> None:
    crawl = tmp_path / "export.jsonl"
    crawl.write_text(json.dumps({"headline": "会议召开", "article_body": BODY}, ensure_ascii=False))
    with pytest.raises(
        InputError, match=r"no page \(.*export\.jsonl#1: no body/content/text field.*--fields"
    ):
        build([crawl], tmp_path / "out", nlp=nlp)
    fields = parse_field_map("body=article_body, title=headline")
    report = build([crawl], tmp_path / "out", nlp=nlp, formats=["turtle"], fields=fields)
    assert report.pages_ok == 1 and report.skipped == []


@pytest.mark.parametrize(
    ("spec", "why"),
    [("body", "not field=name"), ("author=writer", "'author' is not one of body")],
)
def test_inputs_crawl_fields_option_refuses_bad_mappings(spec: str, why: str) -> None:
    result = CliRunner().invoke(main, ["build", ".", "-o", "out", "--fields", spec])
    assert result.exit_code == 2 and why in result.output
    with pytest.raises(InputError, match="not among"):
        BuildOptions(fields={"author": "writer"})


def test_inputs_crawl_bad_records_are_named(nlp, tmp_path: Path) -> None:
    """A line that is not JSON, a list, an empty body, a CSV with no body column: each named."""
    src = tmp_path / "src"
    src.mkdir()
    lines = [
        json.dumps({"title": "会议召开", "body": BODY}, ensure_ascii=False),
        '{"title": "断了的记录", "body": "没有结尾',
        "",
        json.dumps(["title", "body"]),
        json.dumps({"title": "空的", "body": "  "}, ensure_ascii=False),
    ]
    (src / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "list.csv").write_text("标题,日期\n会议召开,2023-03-24\n", encoding="utf-8")
    report = build([src], tmp_path / "out", nlp=nlp, formats=["turtle"])
    assert sorted(report.pages) == ["news#1"]
    reasons = {Path(f).name: r for f, r in report.skipped}
    assert sorted(reasons) == ["list.csv", "news.jsonl#2", "news.jsonl#4", "news.jsonl#5"]
    assert "not JSON" in reasons["news.jsonl#2"]
    assert "a JSON list" in reasons["news.jsonl#4"]
    assert "empty body" in reasons["news.jsonl#5"]
    assert "no body column" in reasons["list.csv"] and "--fields" in reasons["list.csv"]


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2023-03-24", "2023-03-24"),
        ("2023/3/24 10:00:00", "2023-03-24"),
        ("2023年3月24日", "2023-03-24"),
        ("2023-02-30", None),
        ("昨天", None),
        (None, None),
    ],
)
def test_inputs_crawl_dates(written: str | None, iso: str | None) -> None:
    assert iso_date(written) == iso
