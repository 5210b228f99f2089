"""Write a corpus of hostile input files next to one good seed page.

Run ``python tests/hostile/make_hostile.py OUT`` to get the folders for a
manual ``kg build OUT/hostile OUT/bad_manifest OUT/z_dup -o …``; tests/test_faults.py
calls ``make_hostile`` directly. Files are generated rather than committed
because several (symlink loops, a sparse 60 MB file, a folder named x.txt)
do not survive git.

``EXPECTED`` says what the build must do with each file: ``"ok:<encoding>"``
(read and built, with the encoding named), ``"note:<words>"`` (named as not searched), or
the words the skip reason must contain. Paths are relative to the output
root; a name that is not UTF-8 is written with ``\\xNN`` escapes, as the
report shows it. ``PAGE_TIMEOUT`` is the time limit the hostile build runs
with.
"""

from __future__ import annotations

import codecs
import os
import shutil
import sys
from pathlib import Path

GOOD = "000_e59ba49bd64a9ae0.txt"
OTHER = "001_c52baf653ac99e89.txt"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
LONG_OK = "长" * 83 + "x.txt"  # 254 bytes: its page file, <stem>.json, is 255
LONG_BAD = "长" * 83 + "xy.txt"  # 255 bytes: its page file would be 256
GBK_NAME = b"\xb9\xfa\xbc\xd2.txt"  # 国家.txt in GBK, as a zip made on Chinese Windows holds it
PAGE_TIMEOUT = 30.0  # processor seconds; generous, so a slow machine builds every page

# file (relative to the output root) -> "ok:<encoding>" or the words the skip reason contains
EXPECTED: dict[str, str] = {
    f"hostile/{GOOD}": "ok:utf-8",
    "hostile/gbk.txt": "ok:gb18030",
    "hostile/utf16.txt": "ok:utf-16-le",
    "hostile/utf16be.txt": "ok:utf-16-be",
    "hostile/utf8_bom.txt": "ok:utf-8-sig",
    "hostile/control_chars.txt": "ok:utf-8",
    "hostile/furniture_only.txt": "ok:utf-8",
    f"hostile/{HOSTILE_NAME}": "ok:utf-8",
    "hostile/quotes.txt": "ok:utf-8",
    "hostile/crlf_cr.txt": "ok:utf-8",
    "hostile/empty.txt": "empty file",
    "hostile/whitespace.txt": "only whitespace",
    "hostile/png_renamed.txt": "PNG image",
    "hostile/nul_bytes.txt": "NUL bytes",
    "hostile/utf16_no_bom.txt": "NUL bytes",
    "hostile/mostly_controls.txt": "control characters",
    "hostile/long_line.txt": "more than one page holds",
    "hostile/invalid_utf8.txt": "invalid UTF-8",
    "hostile/random_bytes.txt": "no other encoding",
    "hostile/sparse_60mb.txt": "byte limit",
    "hostile/folder.txt": "is a folder",
    "hostile/loop.txt": "symbolic links",
    "hostile/dangling.txt": "no such file",
    "hostile/manifest.csv": "not_in_folder.txt",
    "bad_manifest/manifest.csv": "missing column",
    "bad_manifest/nometa.txt": "ok:utf-8",
    f"z_dup/{GOOD}": "another page named",
    # issue 17: a page that took forever, odd names, a manifest with a bad date, links out
    "hostile/repeated_name.txt": "ok:utf-8",  # 204 KB: ~2 s since every stage is linear
    "hostile/UPPER.TXT": "ok:utf-8",
    "hostile/.hidden.txt": "ok:utf-8",
    f"hostile/{LONG_OK}": "ok:utf-8",
    f"hostile/{LONG_BAD}": "255-byte limit of file names",
    "hostile/\\xb9\\xfa\\xbc\\xd2.txt": "ok:utf-8",
    "hostile/manifest.csv:4": "is not a real date",
    "hostile/leak.txt": "outside the folders given",
    "hostile/sub": "note:not searched",
    "hostile/notes.md": "note:not a format kg reads",
    "gbk_manifest/dated.txt": "ok:utf-8",
    # issue 17 item 6: one page in forms that print alike (tests/test_normalise.py)
    "hostile/unicode_plain.txt": "ok:utf-8",
    "hostile/unicode_zwj.txt": "ok:utf-8",
    "hostile/unicode_fullwidth.txt": "ok:utf-8",
    "hostile/unicode_traditional.txt": "ok:utf-8",
    "hostile/unicode_bidi.txt": "ok:utf-8",
    "hostile/unicode_marks.txt": "ok:utf-8",
}

# The plain page of the Unicode cases, and each variant's (plain, printed-alike) replacements:
# invisible joiners and a soft hyphen, full-width digits and letters, traditional characters,
# bidi controls, combining marks and a variation selector. Each must give the plain page's
# entities, and no IRI may hold a bidi control or another format character.
UNICODE_PLAIN = (
    "昭通市政务服务管理局推进“1+1+N”工作机制\n\n"
    "本报讯（记者 张三 通讯员 王五）11月20日，昭通市政务服务管理局党组召开会议，"
    "研究推进“1+1+N”党建工作机制。会议由局党组书记、局长李明主持，"
    "中共昭通市委组织部有关负责同志到会指导。会议要求，各党支部要结合实际抓好落实。\n"
)
UNICODE_VARIANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "unicode_zwj.txt": (
        ("政务服务", "政务\u200d服务"),
        ("组织部", "组\u2060织部"),
        ("张三", "张\u200c三"),
        ("党建", "党\u00ad建"),
        ("本报讯", "\ufeff本报讯"),
    ),
    "unicode_fullwidth.txt": (("1+1+N", "１＋１＋Ｎ"), ("11月20日", "１１月２０日")),
    "unicode_traditional.txt": (
        ("政务服务管理局", "政務服務管理局"),
        ("组织部", "組織部"),
        ("会议", "會議"),
        ("张三", "張三"),
        ("党", "黨"),
    ),
    "unicode_bidi.txt": (
        ("昭通市委组织部", "\u202b昭通市委组织部\u202c"),
        ("张三", "\u2067张三\u2069\u200f"),
        ("1+1+N", "1+1\u202e+N\u202c"),
        ("管理局", "管理\u200e局\u061c"),
    ),
    "unicode_marks.txt": (
        ("昭通市", "昭\u0301通市"),
        ("组织部", "组织\u0323部\ufe0f"),
        ("王五", "王\u0300五"),
        ("N", "N\u034f"),
    ),
}


def make_hostile(root: Path, seeds: Path) -> dict[str, str]:
    """Write the hostile folders under ``root``; returns ``EXPECTED``."""
    good = (seeds / GOOD).read_text(encoding="utf-8")
    other = (seeds / OTHER).read_text(encoding="utf-8")
    # One article of another seed: enough text to exercise each encoding.
    sample = other[:2500]
    h = root / "hostile"
    if h.exists():
        shutil.rmtree(h)
    h.mkdir(parents=True)
    manifest_row = next(
        line
        for line in (seeds / "manifest.csv").read_text(encoding="utf-8").splitlines()
        if line.startswith(GOOD)
    )
    (h / "manifest.csv").write_text(
        "file,newspaper,date,home_place\n"
        f"{manifest_row}\n"
        "not_in_folder.txt,昭通日报,2022-11-22,昭通市\n"
        "furniture_only.txt,昭通日报,2022-13-45,昭通市\n",
        encoding="utf-8",
    )
    (h / GOOD).write_text(good, encoding="utf-8")
    (h / "gbk.txt").write_bytes(sample.encode("gbk"))
    (h / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + sample.encode("utf-16-le"))
    (h / "utf16be.txt").write_bytes(codecs.BOM_UTF16_BE + sample.encode("utf-16-be"))
    (h / "utf8_bom.txt").write_bytes(codecs.BOM_UTF8 + sample.encode("utf-8"))
    (h / "utf16_no_bom.txt").write_bytes(sample.encode("utf-16-le"))
    (h / "control_chars.txt").write_text(
        "\x1b[31m" + sample[:800].replace("。", "。\x07\x0b") + "\x1b[0m", encoding="utf-8"
    )
    (h / "crlf_cr.txt").write_bytes(sample[:800].replace("\n", "\r\n").encode("utf-8"))
    furniture = "\n".join(good.splitlines()[:14])  # masthead, date, 责编 line, banner
    (h / "furniture_only.txt").write_text(furniture + "\n", encoding="utf-8")
    (h / HOSTILE_NAME).write_text(
        "<img src=x onerror=alert(1)>党支部开展主题党日活动\n\n"
        "本报讯 近日，中共<img src=x onerror=alert(1)>县委组织部</script><script>alert(1)</script>"
        "召开会议，“</script><script>alert(2)</script>工程”持续推进。"
        "\u202e倒序文字\u202c由{{7*7}}和${jndi:ldap://x}组成的&lt;b&gt;党委&amp;。\n",
        encoding="utf-8",
    )
    (h / "quotes.txt").write_text("“”" * 50_000, encoding="utf-8")
    (h / "empty.txt").write_bytes(b"")
    (h / "whitespace.txt").write_text(" \n\t\u3000\n  \r\n", encoding="utf-8")
    (h / "png_renamed.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
        b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
    )
    (h / "nul_bytes.txt").write_bytes(
        sample[:300].encode() + b"\x00" * 50 + sample[300:600].encode()
    )
    (h / "mostly_controls.txt").write_bytes(bytes(range(1, 9)) * 500 + "党建".encode())
    (h / "long_line.txt").write_text("党" * 350_000, encoding="utf-8")  # ~1 MB, one line
    raw = sample.encode("utf-8")
    (h / "invalid_utf8.txt").write_bytes(raw[:900] + b"\xff\xfe\xc0" + raw[900:])
    (h / "random_bytes.txt").write_bytes(bytes((i * 7919 + 13) % 255 + 1 for i in range(20_000)))
    with open(h / "sparse_60mb.txt", "wb") as fh:
        fh.truncate(60_000_000)  # sparse: no disk used, still over the size limit
    (h / "folder.txt").mkdir()
    os.symlink("loop.txt", h / "loop.txt")
    os.symlink("nowhere/missing.txt", h / "dangling.txt")
    (h / "notes.md").write_text("not a page: named as not read\n", encoding="utf-8")
    _issue17(root, h, sample)

    b = root / "bad_manifest"
    if b.exists():
        shutil.rmtree(b)
    b.mkdir(parents=True)
    (b / "manifest.csv").write_text(
        "file,newspaper,date\n" + GOOD + ",昭通日报,2022-11-22\n", encoding="utf-8"
    )
    (b / "nometa.txt").write_text(sample, encoding="utf-8")  # built without metadata
    d = root / "z_dup"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / GOOD).write_text(good, encoding="utf-8")  # same name as the good page: reported
    return dict(EXPECTED)


def _issue17(root: Path, h: Path, sample: str) -> None:
    """The reproductions of issue 17's build items."""
    # one agency name repeated: stalled linking for minutes (item 1)
    (h / "repeated_name.txt").write_text("昭通市政务服务管理局" * 6827, encoding="utf-8")
    (h / "UPPER.TXT").write_text(sample[:800], encoding="utf-8")  # item 3
    (h / ".hidden.txt").write_text(sample[:800], encoding="utf-8")
    (h / LONG_OK).write_text(sample[:800], encoding="utf-8")
    (h / LONG_BAD).write_text(sample[:800], encoding="utf-8")
    with open(os.fsencode(h) + b"/" + GBK_NAME, "wb") as fh:
        fh.write(sample[:800].encode("utf-8"))
    (h / "sub").mkdir()
    (h / "sub" / "inner.txt").write_text(sample[:800], encoding="utf-8")
    secret = root / "secret.txt"  # item 5: a link out of the folder given
    secret.write_text("绝密文件：某某某的身份证号码", encoding="utf-8")
    os.symlink(secret, h / "leak.txt")
    g = root / "gbk_manifest"  # item 4: a manifest saved by Excel on Chinese Windows
    if g.exists():
        shutil.rmtree(g)
    g.mkdir(parents=True)
    (g / "manifest.csv").write_bytes(
        "file,newspaper,date,home_place\ndated.txt,昭通日报,2022-11-22,昭通市\n".encode("gbk")
    )
    (g / "dated.txt").write_text(sample, encoding="utf-8")
    write_unicode_pages(h)


def write_unicode_pages(folder: Path) -> list[Path]:
    """The plain Unicode page and its printed-alike variants (issue 17 item 6), plain first."""
    paths = [folder / "unicode_plain.txt"]
    paths[0].write_text(UNICODE_PLAIN, encoding="utf-8")
    for name, replacements in UNICODE_VARIANTS.items():
        text = UNICODE_PLAIN
        for plain, alike in replacements:
            text = text.replace(plain, alike)
        paths.append(folder / name)
        paths[-1].write_text(text, encoding="utf-8")
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-out")
    make_hostile(out, Path(__file__).resolve().parents[2] / "seeds")
    sys.stdout.write(
        f"wrote {out}/hostile, {out}/bad_manifest, {out}/z_dup and {out}/gbk_manifest\n"
    )
