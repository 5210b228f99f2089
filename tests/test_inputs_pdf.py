"""PDF pages as input: e-edition pages made from the seed texts build like the texts themselves."""

from __future__ import annotations

import io
import json
import logging
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS
from pdf_pages import JUMP, page_pdf, pages_pdf
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from kg.corpus.build import build
from kg.errors import InputError
from kg.evaluate import score
from kg.text.pdf import pdf_page_text

ZT = ("000_e59ba49bd64a9ae0", "001_c52baf653ac99e89")  # 昭通日报, set in 4 columns
LN = "003_3d028b8c8d2b6744"  # 辽宁, long lines wrapped to 5 columns
MANIFEST = "file,newspaper,date,home_place\n"


def _page(out: Path, stem: str) -> dict:
    return json.loads((out / "pages" / f"{stem}.json").read_text(encoding="utf-8"))


def _text(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory, nlp):
    """The text build of three seed pages, and the build of the same pages as PDFs with bad PDFs."""
    root = tmp_path_factory.mktemp("pdf")
    texts = root / "texts"
    texts.mkdir()
    rows = (SEEDS / "manifest.csv").read_text(encoding="utf-8").splitlines()
    keep = [r for r in rows[1:] if r.split(",")[0][:-4] in (*ZT, LN)]
    (texts / "manifest.csv").write_text(MANIFEST + "\n".join(keep) + "\n", encoding="utf-8")
    for stem in (*ZT, LN):
        shutil.copy(SEEDS / f"{stem}.txt", texts)
    build([texts], root / "text-out", nlp=nlp, formats=["turtle"])

    def titles(stem: str) -> set[str]:
        return {a["title"] for a in _page(root / "text-out", stem)["articles"] if a.get("title")}

    papers = root / "papers"
    papers.mkdir()
    (papers / "zt.pdf").write_bytes(
        pages_pdf(
            [
                (_text(ZT[0]), titles(ZT[0]), {"columns": 4}),
                (_text(ZT[1]), titles(ZT[1]), {"columns": 4}),
            ]
        )
    )
    (papers / "ln.pdf").write_bytes(page_pdf(_text(LN), titles(LN), columns=5))
    good = (papers / "ln.pdf").read_bytes()
    (papers / "truncated.pdf").write_bytes(good[: len(good) // 2])
    _bad_pdfs(papers)
    (papers / "manifest.csv").write_text(
        MANIFEST + "zt.pdf,昭通日报,,昭通市\nln.pdf,,,辽宁省\n", encoding="utf-8"
    )
    report = build([papers], root / "pdf-out", nlp=nlp, formats=["turtle"])
    return root / "text-out", root / "pdf-out", report


def _bad_pdfs(folder: Path) -> None:
    """A scanned page (an image, no text layer) and a page encrypted with a password."""
    scan = canvas.Canvas(str(folder / "scanned.pdf"), pagesize=(300, 400), invariant=1)
    scan.rect(20, 20, 260, 360, fill=1)
    scan.showPage()
    scan.save()
    secret = pdfencrypt.StandardEncryption("secret", ownerPassword="owner")
    locked = canvas.Canvas(str(folder / "encrypted.pdf"), encrypt=secret, invariant=1)
    locked.setFont("STSong-Light", 9)
    locked.drawString(20, 400, "昭通市政务服务管理局")
    locked.showPage()
    locked.save()


@pytest.mark.parametrize(
    ("pdf_stem", "text_stem"), [("zt_p1", ZT[0]), ("zt_p2", ZT[1]), ("ln", LN)]
)
def test_inputs_pdf_pages_build_like_their_text(builds, pdf_stem: str, text_stem: str) -> None:
    """Each PDF page's entities and articles equal the text build's (F1 ≥ 0.95), in reading order."""
    text_out, pdf_out, _ = builds
    text_page, pdf_page = _page(text_out, text_stem), _page(pdf_out, pdf_stem)
    report = score([(text_page, pdf_page)])
    assert report["ent"]["ALL"]["f1"] >= 0.95, report["ent"]
    assert report["art"]["ALL"]["f1"] >= 0.95, report["art"]
    titles = [a["title"].replace(" ", "") for a in text_page["articles"]]
    assert [a["title"].replace(" ", "") for a in pdf_page["articles"]] == titles


def test_inputs_pdf_bad_files_are_named_with_the_reason(builds) -> None:
    """A scanned, an encrypted and a truncated PDF are skipped with their reasons; the rest builds."""
    _, pdf_out, report = builds
    reasons = {Path(f).name: r for f, r in report.skipped}
    assert set(reasons) == {"scanned.pdf", "encrypted.pdf", "truncated.pdf"}
    assert "no text layer" in reasons["scanned.pdf"]
    assert "encrypted" in reasons["encrypted.pdf"]
    assert "truncated or not a PDF" in reasons["truncated.pdf"]
    assert sorted(p.name for p in (pdf_out / "pages").iterdir()) == [
        "ln.json",
        "zt_p1.json",
        "zt_p2.json",
    ]


def test_inputs_pdf_page_number_is_provenance(builds) -> None:
    """Page N of a PDF is named ``file.pdf#page=N`` and carries its page number in the graph."""
    _, pdf_out, _ = builds
    assert _page(pdf_out, "zt_p2")["doc"] == "zt.pdf#page=2"
    turtle = (pdf_out / "graph.ttl").read_text(encoding="utf-8")
    assert "page/zt.pdf%23page%3D2/article/0" in turtle
    assert 'kg:pageNumber "2"' in turtle


def test_inputs_pdf_layout_headline_vertical_title_and_jump() -> None:
    """The headline is one line between blank lines, the vertical title joined, the jump left out."""
    text = (
        "报头一行\n责编：某某\n\n竖排标题\n\n第一段正文。\n\n大字标题很长很长很长很长很长很长\n\n"
        + "正文一行。\n" * 40
    )
    data = page_pdf(
        text, {"竖排标题", "大字标题很长很长很长很长很长很长"}, columns=3, vertical=True
    )
    out = pdf_page_text(data, 1)
    assert out.startswith("报头一行\n责编：某某\n\n竖排标题\n\n第一段正文。\n")
    assert "\n\n大字标题很长很长很长很长很长很长\n\n" in out
    assert JUMP.strip("（）") not in out
    assert out.count("正文一行。") == 40


def test_inputs_pdf_unreadable_page_raises_with_the_page() -> None:
    """A page number past the end is an InputError naming the file's page count."""
    with pytest.raises(InputError, match="no page 3 \\(the file has 1\\)"):
        pdf_page_text(page_pdf("一行正文。\n", set(), masthead=0, jump=False), 3)


@pytest.mark.parametrize(("unmapped", "kept"), [(1, True), (10, False)])
def test_inputs_pdf_unmapped_characters(monkeypatch, unmapped: int, kept: bool) -> None:
    """A few (cid:N) glyphs are dropped; a page of them is refused with the reason."""
    import kg.text.pdf as pdf

    glyphs = [pdf.Glyph("党", 10.0 * i, 10.0 * i + 9, 0.0, 9.0, 9.0) for i in range(60)]
    glyphs += [pdf.Glyph("(cid:17)", 600.0 + i, 601.0 + i, 0.0, 9.0, 9.0) for i in range(unmapped)]
    monkeypatch.setattr(pdf, "_glyphs", lambda layout: iter(glyphs))
    monkeypatch.setattr(pdf, "_READ", type(pdf._READ)())  # the file is read anew
    data = page_pdf("一行正文。\n", set(), masthead=0, jump=False)
    if kept:
        assert "cid" not in pdf_page_text(data, 1)
    else:
        with pytest.raises(InputError, match="10 of 70 characters have no Unicode mapping"):
            pdf_page_text(data, 1)


CUT, END = 182, 305  # 000_e59…'s lines of the 蔡文松 article after its first part (0-based)
ONLY_CONTINUED = ("药山镇", "西南林业大学")  # named in those lines and nowhere else on the page


def _jumped_edition(zt_titles: list[set[str]]) -> bytes:
    """A two-page file: the 蔡文松 article of page 1 breaks off with 下转第2版 and goes on at
    the end of page 2 after its short headline and 上接第1版."""
    first, second = _text(ZT[0]).splitlines(), _text(ZT[1]).splitlines()
    page1 = first[:CUT] + ["（下转第2版）"] + first[END:]
    page2 = second + ["", "蔡文松", "（上接第1版）"] + first[CUT:END]
    return pages_pdf(
        [
            ("\n".join(page1) + "\n", zt_titles[0], {"jump": False}),
            ("\n".join(page2) + "\n", zt_titles[1] | {"蔡文松"}, {"jump": False}),
        ]
    )


def test_inputs_pdf_jump_joins_the_article_on_its_first_page(builds, tmp_path, nlp) -> None:
    """An article continued on page 2 of the file is whole on page 1, where it broke off."""
    text_out, _, _ = builds
    titles = [{a["title"] for a in _page(text_out, stem)["articles"]} for stem in ZT]
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "zt.pdf").write_bytes(_jumped_edition(titles))
    (papers / "manifest.csv").write_text(MANIFEST + "zt.pdf,昭通日报,,昭通市\n", encoding="utf-8")
    build([papers], tmp_path / "out", nlp=nlp, formats=["turtle"])
    for stem, pdf_stem in zip(ZT, ("zt_p1", "zt_p2"), strict=True):
        text_page, pdf_page = _page(text_out, stem), _page(tmp_path / "out", pdf_stem)
        assert [a["title"] for a in pdf_page["articles"]] == [
            a["title"] for a in text_page["articles"]
        ]
        assert score([(text_page, pdf_page)])["ent"]["ALL"]["f1"] >= 0.95
    names = [
        {m for e in _page(tmp_path / "out", stem)["entities"] for m in e["mentions"]}
        for stem in ("zt_p1", "zt_p2")
    ]
    assert all(any(name in m for m in names[0]) for name in ONLY_CONTINUED), names[0]
    assert not any(name in m for m in names[1] for name in (*ONLY_CONTINUED, "蔡文松"))
    data = (papers / "zt.pdf").read_bytes()
    whole = "".join("".join(_text(ZT[0]).splitlines()[CUT - 8 : CUT + 8]).split())
    assert whole in "".join(pdf_page_text(data, 1).split())  # joined where it broke off
    assert "蔡文松" not in pdf_page_text(data, 2)


def test_inputs_pdf_jump_to_a_page_not_in_the_file_is_left_as_it_was(caplog) -> None:
    """A jump whose other half is not in the file: its line is dropped and nothing is joined."""
    import pdfplumber

    import kg.text.pdf as pdf
    from kg.text.pdf_layout import page_text

    body = "第一篇正文一行。\n" * 30
    data = pages_pdf(
        [
            ("报头\n\n第一篇\n\n" + body + "（下转第5版）\n", {"第一篇"}, {"jump": False}),
            ("报头\n\n续篇\n（上接第3版）\n" + body, {"续篇"}, {"jump": False}),
        ]
    )
    with pdfplumber.open(io.BytesIO(data)) as opened:
        today = [page_text(pdf._glyphs(page.layout)) for page in opened.pages]
    with caplog.at_level(logging.DEBUG, logger="kg.text.pdf_jumps"):
        assert [pdf_page_text(data, n) for n in (1, 2)] == today
    assert "page 1 jumps to page 5, not in the file" in caplog.text
    assert "续篇" in today[1]
    assert "下转" not in today[0]
    assert "上接" not in today[1]


@pytest.mark.parametrize(
    ("numeral", "number"),
    [("2", 2), ("１２", 12), ("二", 2), ("十", 10), ("十二", 12), ("二十", 20)],
)
def test_inputs_pdf_jump_page_numbers(numeral: str, number: int) -> None:
    """A jump's page is read in digits of either width or in Chinese numerals."""
    from kg.text.pdf_jumps import page_number

    assert page_number(numeral) == number
