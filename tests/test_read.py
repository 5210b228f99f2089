"""Reading page files: encodings detected, non-text refused with the file named."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.text.read import decode_page, read_page

TEXT = (
    "昭通市政务服务管理局党组坚持落实“围绕中心抓党建，抓好党建促业务”一条工作主线。\n"
    "中共昭通市委组织部、鲁甸县龙头山镇龙泉村党总支书记张三（化名）参加会议。\n"
) * 20

ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8-sig": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-16-le": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "gbk": TEXT.encode("gbk"),
    "gb18030": TEXT.encode("gb18030"),
}


@pytest.mark.parametrize("codec", sorted(ENCODED))
def test_read_encodings_give_same_text(tmp_path: Path, codec: str) -> None:
    path = tmp_path / f"{codec}.txt"
    path.write_bytes(ENCODED[codec])
    text, used = read_page(path)
    assert text == TEXT
    expected = {"gbk": "gb18030"}.get(codec, codec)
    assert used == expected


def test_read_gb18030_only_characters(tmp_path: Path) -> None:
    # 𠀀 (U+20000) exists in GB18030 but not in GBK
    text = "镕基与𠀀同志出席昭通市委组织部会议。" * 10
    path = tmp_path / "p.txt"
    path.write_bytes(text.encode("gb18030"))
    assert read_page(path) == (text, "gb18030")


def test_read_normalises_newlines_and_strips_controls(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    body = "党的建设" * 20
    path.write_bytes(f"第一行\r\n第二行\r第三\x07行\x1b[0m\t制表\f下一页\ufeff{body}".encode())
    text, _ = read_page(path)
    assert text == f"第一行\n第二行\n第三行[0m\t制表\n下一页{body}"


BAD = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (" \n\t\u3000\r\n".encode(), "only whitespace"),
    "png.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    "pdf.txt": (b"%PDF-1.7\n%\xe2\xe3", "PDF file"),
    "nul.txt": ("党建".encode() + b"\x00\x00" + "工作".encode(), "NUL bytes"),
    "utf16_no_bom.txt": (TEXT.encode("utf-16-le"), "NUL bytes"),
    "controls.txt": (bytes(range(1, 9)) * 100, "control characters"),
    "bad_utf8.txt": (
        TEXT[:99].encode() + b"\xff\xfe" + TEXT[99:].encode(),
        f"invalid UTF-8 at byte {len(TEXT[:99].encode())}",
    ),
    "noise.txt": (bytes((i * 7919 + 13) % 255 + 1 for i in range(5000)), "no other encoding"),
    "bad_bom.txt": (codecs.BOM_UTF8 + b"\xff\xff\xff", "byte-order mark"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_read_refuses_non_text(tmp_path: Path, name: str) -> None:
    data, reason = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_page(path)
    assert str(path) in str(err.value)
    assert reason in str(err.value)


def test_read_refuses_huge_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    with open(path, "wb") as fh:
        fh.truncate(200_000_000)  # sparse: a 200 MB dump costs no disk or memory
    with pytest.raises(InputError, match="over the 50,000,000-byte limit.*split"):
        read_page(path)


def test_read_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(ENCODED["utf-8"])
    with pytest.raises(InputError, match="limit"):
        read_page(path, max_bytes=100)


def test_read_refuses_folder_loop_and_missing(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    os.symlink("loop.txt", tmp_path / "loop.txt")
    cases = {"dir.txt": "is a folder", "loop.txt": "symbolic links", "missing.txt": "no such file"}
    for name, reason in cases.items():
        with pytest.raises(InputError, match=reason) as err:
            read_page(tmp_path / name)
        assert name in str(err.value)


def test_read_decode_keeps_cause() -> None:
    with pytest.raises(InputError) as err:
        decode_page(codecs.BOM_UTF16_LE + b"\x00\xd8", "x.txt")  # lone surrogate
    assert isinstance(err.value.__cause__, UnicodeDecodeError)
