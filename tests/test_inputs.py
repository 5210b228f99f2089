"""A build's input: which files are pages, their names, their manifest, links out of the folders."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from kg.corpus.inputs import PageJob, Reading, collect_pages
from kg.errors import InputError
from kg.extract import page_meta, read_manifest, shown

HEADER = "file,newspaper,date,home_place\n"


def _collect(*paths: Path, follow_links: bool = False) -> tuple[list[PageJob], dict, dict]:
    problems: dict[str, str] = {}
    notes: dict[str, str] = {}
    pages = collect_pages(
        paths,
        on_problem=problems.__setitem__,
        on_note=notes.__setitem__,
        reading=Reading(follow_links=follow_links),
    )
    return pages, problems, notes


def test_inputs_upper_case_hidden_and_subfolders(tmp_path: Path) -> None:
    """*.TXT is a page; a hidden page builds under its own name; a subfolder and a file of
    another format are named, not searched."""
    (tmp_path / "A.TXT").write_text("甲", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a page", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("丙", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "d.txt").write_text("丁", encoding="utf-8")
    pages, problems, notes = _collect(tmp_path)
    assert [(p.path.name, p.stem) for p in pages] == [(".hidden.txt", ".hidden"), ("A.TXT", "A")]
    assert problems == {}
    assert list(notes) == [str(tmp_path / "sub"), str(tmp_path / "notes.md")]
    assert "not searched" in notes[str(tmp_path / "sub")]
    assert notes[str(tmp_path / "notes.md")].startswith("not a format kg reads (it reads *.txt")


def test_inputs_links_out_of_the_folders_given_are_refused(tmp_path: Path) -> None:
    src, elsewhere = tmp_path / "src", tmp_path / "elsewhere"
    src.mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("机密", encoding="utf-8")
    (src / "page.txt").write_text("页", encoding="utf-8")
    os.symlink(elsewhere / "secret.txt", src / "leak.txt")
    os.symlink("page.txt", src / "alias.txt")  # inside: a page under a second name
    pages, problems, _ = _collect(src)
    assert [p.path.name for p in pages] == ["alias.txt", "page.txt"]
    reason = problems[str(src / "leak.txt")]
    assert "outside the folders given" in reason and "--follow-links" in reason
    assert str(elsewhere / "secret.txt") in reason

    pages, problems, _ = _collect(src, follow_links=True)
    assert "leak.txt" in [p.path.name for p in pages] and problems == {}
    pages, problems, _ = _collect(src, elsewhere)  # both folders given: inside
    assert "leak.txt" in [p.path.name for p in pages] and problems == {}


def test_inputs_manifest_linked_from_outside_is_not_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (tmp_path / "other.csv").write_text(HEADER + "p.txt,泄露日报,2022-11-22,\n", encoding="utf-8")
    os.symlink(tmp_path / "other.csv", src / "manifest.csv")
    (src / "p.txt").write_text("页", encoding="utf-8")
    pages, problems, _ = _collect(src)
    assert pages[0].meta.newspaper is None
    assert "outside the folders given" in problems[str(src / "manifest.csv")]


def test_inputs_names_that_are_not_utf8_are_shown_with_escapes(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/\xb9\xfa\xbc\xd2.txt"  # 国家.txt in GBK
    with open(raw, "wb") as fh:
        fh.write("页".encode())
    pages, problems, _ = _collect(tmp_path)
    assert problems == {}
    [page] = pages
    assert page.meta.source == "\\xb9\\xfa\\xbc\\xd2.txt" == shown(page.path.name)
    assert page.stem == "\\xb9\\xfa\\xbc\\xd2"
    page.meta.source.encode("utf-8")  # printable, storable


def test_inputs_gbk_name_found_in_a_gbk_manifest(tmp_path: Path) -> None:
    with open(os.fsencode(tmp_path) + b"/\xb9\xfa\xbc\xd2.txt", "wb") as fh:
        fh.write("页".encode())
    (tmp_path / "manifest.csv").write_bytes(
        (HEADER + "国家.txt,昭通日报,2022-11-22,昭通市\n").encode("gbk")
    )
    pages, problems, _ = _collect(tmp_path)
    assert problems == {}
    assert (pages[0].meta.source, pages[0].meta.newspaper, pages[0].stem) == (
        "国家.txt",
        "昭通日报",
        "国家",
    )


@pytest.mark.parametrize(("length", "ok"), [(241, True), (250, True), (254, True), (255, False)])
def test_inputs_long_names(tmp_path: Path, length: int, ok: bool) -> None:
    """A page's file is <stem>.json: up to 254 bytes of name (with .txt) it fits in 255."""
    name = "长" * ((length - 4) // 3) + "x" * ((length - 4) % 3) + ".txt"
    assert len(name.encode()) == length
    (tmp_path / name).write_text("页", encoding="utf-8")
    pages, problems, _ = _collect(tmp_path)
    assert bool(pages) == ok
    if not ok:
        assert "255-byte limit" in problems[str(tmp_path / name)]


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("gbk"),
        lambda s: s.encode("gb18030"),
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
        lambda s: s.encode("utf-8"),
    ],
    ids=["gbk", "gb18030", "utf8-bom", "utf16", "utf8"],
)
def test_inputs_manifest_decoded_like_a_page(tmp_path: Path, encode) -> None:
    (tmp_path / "manifest.csv").write_bytes(encode(HEADER + "p.txt,昭通日报,2022-11-22,昭通市\n"))
    meta = read_manifest(tmp_path)["p.txt"]
    assert (meta.newspaper, meta.date, meta.home_place) == ("昭通日报", "2022-11-22", "昭通市")


@pytest.mark.parametrize(
    "date", ["2022-13-45", "2022-02-30", "22-11-2022", "2022/11/22", "２０２２-１１-２２"]
)
def test_inputs_manifest_bad_date_names_the_row(tmp_path: Path, date: str) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        HEADER + "a.txt,昭通日报,2022-11-22,\nb.txt,昭通日报," + date + ",昭通市\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InputError, match=rf"manifest\.csv:3: date '{date}' is not a real date.*yyyy-mm-dd"
    ):
        read_manifest(tmp_path)
    problems: list[tuple[str, str]] = []
    metas = read_manifest(tmp_path, on_problem=lambda f, r: problems.append((f, r)))
    assert problems and problems[0][0] == f"{manifest}:3" and repr(date) in problems[0][1]
    assert (
        metas["b.txt"].date is None and metas["b.txt"].home_place == "昭通市"
    )  # only the date goes
    assert metas["a.txt"].date == "2022-11-22"


def test_inputs_bad_manifest_rows_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text(
        HEADER + "../evil.txt,a,,\np.txt,甲报,,\np.txt,乙报,,\n", encoding="utf-8"
    )
    (tmp_path / "p.txt").write_text("页", encoding="utf-8")
    pages, problems, _ = _collect(tmp_path)
    assert pages[0].meta.newspaper == "甲报"
    manifest = tmp_path / "manifest.csv"
    assert sorted(problems) == [f"{manifest}:2", f"{manifest}:4"]
    assert "plain file name" in problems[f"{manifest}:2"] and "twice" in problems[f"{manifest}:4"]


def test_inputs_page_meta_without_manifest_row() -> None:
    meta = page_meta(Path("/x/y.txt"), {})
    assert meta.source == "y.txt" and meta.date is None
