"""The page's home place: given by manifest or --home-place, else inferred and reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.corpus.build import build
from kg.corpus.options import BuildOptions
from kg.errors import InputError
from kg.extract import extract_files
from kg.link.home import home_place_named, infer_home_place
from kg.model import PageMeta
from kg.text.clean import clean_page

# a city paper's page that names no city: its bare 市委 is the paper's city's
BARE = "市委召开常委会议\n\n　　本报讯 11月20日，市委常委会召开会议，研究部署乡村振兴工作。市委书记张明主持会议并讲话。\n"
DATELINE = "永善推进乡村振兴\n\n　　本报永善讯 11月20日，县委召开会议，部署乡村振兴工作。\n"


def _folder(tmp_path: Path, pages: dict[str, str], manifest: str | None = None) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    if manifest is not None:
        (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    return folder


def _orgs(out: Path, stem: str) -> set[str]:
    page = json.loads((out / "pages" / f"{stem}.json").read_text(encoding="utf-8"))
    return {e["canonical"] for e in page["entities"] if e["type"] == "ORG"}


@pytest.mark.parametrize(
    ("text", "newspaper", "place", "why"),
    [
        (BARE, "昭通日报", "昭通市", "newspaper 昭通日报"),
        (BARE, "人民日报", None, None),  # a national paper has no home place
        ("QUJING RIBAO\n2023年3月24日 星期五\n\n" + BARE, None, "曲靖市", "newspaper 曲靖日报"),
        (DATELINE, None, "永善县", "dateline 本报永善讯"),
        ("题目\n\n　　（昭通日报记者 李华）市委召开会议。\n", None, "昭通市", "dateline 昭通日报"),
        ("温州创新\n\n　　温州市委近日召开会议，温州各地参加。杭州代表列席。\n", None, "温州市",
         "city the page names most"),
        (BARE, None, None, None),
    ],
)  # fmt: skip
def test_link_home_inferred_from_newspaper_dateline_or_cities(text, newspaper, place, why) -> None:
    meta = PageMeta(source="p.txt", newspaper=newspaper)
    page = infer_home_place(clean_page(text, meta))
    assert (page.meta.home_place, page.meta.home_from) == (place, why)


def test_link_home_named_takes_short_names_and_refuses_unknown_ones() -> None:
    assert home_place_named("昭通") == "昭通市"
    assert home_place_named("永善县") == "永善县"
    with pytest.raises(InputError, match="火星市"):
        home_place_named("火星市")
    with pytest.raises(InputError, match="火星市"):
        BuildOptions(home_place="火星市")
    assert BuildOptions(home_place="昭通").home_place == "昭通市"


def test_link_home_build_option_sets_bare_city_and_is_reported(tmp_path: Path, nlp) -> None:
    folder = _folder(tmp_path, {"a.txt": BARE})
    out = tmp_path / "out"
    report = build([folder], out, nlp=nlp, home_place="昭通")
    assert "昭通市委" in _orgs(out, "a")
    assert report.home_places == {"a.txt": ("昭通市", "option")}
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["home_places"] == {"a.txt": {"place": "昭通市", "from": "option"}}


def test_link_home_build_manifest_row_wins_over_option(tmp_path: Path, nlp) -> None:
    folder = _folder(tmp_path, {"a.txt": BARE}, "file,newspaper,date,home_place\na.txt,,,曲靖市\n")
    report = build([folder], tmp_path / "out", nlp=nlp, home_place="昭通市")
    assert report.home_places == {"a.txt": ("曲靖市", "manifest")}


def test_link_home_build_infers_and_warns_in_report(tmp_path: Path, nlp) -> None:
    folder = _folder(tmp_path, {"a.txt": BARE, "b.txt": DATELINE})
    out = tmp_path / "out"
    report = build([folder], out, nlp=nlp)
    assert "永善县委" in _orgs(out, "b") and "市委" in _orgs(out, "a")
    summary = report.summary()
    assert "b.txt: 永善县 (from the dateline 本报永善讯)" in summary
    assert "warning: no home place for 1 page(s)" in summary and "\n  a.txt" in summary
    assert report.ok  # a warning, not a skipped page
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["home_places"]["a.txt"] == {"place": None, "from": None}


def test_link_home_extract_option(tmp_path: Path, nlp) -> None:
    folder = _folder(tmp_path, {"a.txt": BARE})
    out = tmp_path / "out"
    out.mkdir()
    assert extract_files([folder], out, nlp=nlp, home_place="昭通") == []
    page = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert page["home_place"] == "昭通市"
    assert any(e["canonical"] == "昭通市委" for e in page["entities"])


@pytest.mark.parametrize("command", ["build", "extract"])
def test_link_home_cli_unknown_place_is_an_error_naming_it(tmp_path: Path, command) -> None:
    folder = _folder(tmp_path, {"a.txt": BARE})
    args = [command, str(folder), "-o", str(tmp_path / "out"), "--home-place", "火星市"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "火星市" in result.output and "gazetteer" in result.output
    assert not (tmp_path / "out").exists()
