"""Read one page file safely: detect its encoding, refuse what is not text.

Pages come from PDF extraction, scanners' software and web archives, so they
arrive as UTF-8 (with or without a BOM), UTF-16 with a BOM, or GBK/GB18030.
``read_page`` tries, in order: a byte-order mark, strict UTF-8, strict
GB18030 (a superset of GBK and GB2312) when the result reads as Chinese
text, and finally charset-normalizer's best guess if it is confident.
Anything else (binary files, empty files, text that decodes to noise, files
too large to be one page) is an ``InputError`` naming the file and the reason.

A concatenated dump of many pages (hundreds of MB) is refused, not streamed:
one page is tens of kB, so a file over ``max_bytes`` (50 MB by default) is not
a page, and the message says to split it into one file per page. Refusing
keeps memory bounded without guessing where pages end.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import stat
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from kg.errors import InputError

logger = logging.getLogger(__name__)

MAX_BYTES = 50_000_000
# Share of characters that must look like ordinary Chinese/Latin text for a
# legacy (GB18030 or guessed) decoding to be believed.
MIN_PLAUSIBLE = 0.95
# Share of control characters above which a decoded file is binary, not text.
MAX_CONTROL = 0.05
# charset-normalizer "chaos" (0 = clean text, 1 = noise) we still accept.
MAX_CHAOS = 0.2

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF file (name it *.pdf to read its pages)"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
)
# Control characters other than \n and \t; \r is handled by newline
# normalisation first. Includes DEL, C1 controls, BOM/ZWNBSP and noncharacters.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")


def read_page(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """The text of a page file and the encoding it was read with.

    Newlines are normalised to ``\\n`` and control characters other than
    ``\\n`` and ``\\t`` are removed.

    Raises:
        InputError: the file is missing, not a regular file, empty, too large,
            binary, or in no encoding that yields readable text.
    """
    data = read_page_bytes(path, max_bytes=max_bytes)
    text, encoding = decode_page(data, path)
    logger.debug("%s: read as %s", path, encoding)
    return text, encoding


def read_page_bytes(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a page file, after checking it is a regular file of sane size.

    Raises:
        InputError: the file is missing, a folder, a symlink loop, unreadable,
            empty or larger than ``max_bytes``.
    """
    try:
        st = os.stat(path)
    except OSError as e:
        raise InputError(f"{path}: cannot open ({_os_reason(e)})") from e
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a folder, expected a page file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: is not a regular file (device, pipe or socket)")
    if st.st_size > max_bytes:
        raise InputError(
            f"{path}: {st.st_size:,} bytes is over the {max_bytes:,}-byte limit for one page; "
            "a dump of many pages must be split into one file per page"
        )
    try:
        with open(path, "rb") as fh:
            # Read one byte past the limit: the file may have grown since stat.
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({_os_reason(e)})") from e
    if len(data) > max_bytes:
        raise InputError(f"{path}: over the {max_bytes:,}-byte limit for one page")
    if not data:
        raise InputError(f"{path}: empty file, expected page text")
    return data


def decode_page(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode the bytes of a page, normalise newlines and drop control characters.

    Raises:
        InputError: the bytes are binary or no encoding gives readable text.
    """
    text, encoding = _decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL * max(len(text), 1):
        raise InputError(
            f"{path}: {controls} control characters in {len(text)} is binary data, expected text"
        )
    if controls:
        logger.warning("%s: removed %d control characters", path, controls)
        text = _CONTROL.sub("", text)
    if not text.strip():
        raise InputError(f"{path}: only whitespace, expected page text")
    return text, encoding


def _decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """The text of ``data`` and its encoding: by byte-order mark, else UTF-8, else a legacy one."""
    by_bom = _decode_bom(data, path)
    if by_bom is not None:
        return by_bom
    _refuse_binary(data, path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    _refuse_damaged_utf8(data, path, utf8_error)
    legacy = _decode_legacy(data, path)
    if legacy is not None:
        return legacy
    raise InputError(
        f"{path}: not valid UTF-8 (byte {utf8_error.start}), UTF-16 or GB18030, "
        "and no other encoding gives readable text"
    )


def _decode_bom(data: bytes, path: Path | str) -> tuple[str, str] | None:
    """The text and encoding a byte-order mark announces, or None without one.

    Raises:
        InputError: the bytes after the mark are not in its encoding.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{path}: starts with a {codec} byte-order mark but is not valid "
                    f"{codec} at byte {e.start}"
                ) from e
            return text.lstrip("\ufeff"), "utf-8-sig" if codec == "utf-8-sig" else _bom_name(bom)
    return None


def _refuse_binary(data: bytes, path: Path | str) -> None:
    """Raise InputError for a known binary format or NUL bytes."""
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(f"{path}: is {what}, expected page text")
    if b"\x00" in data:
        raise InputError(
            f"{path}: contains NUL bytes (binary, or UTF-16 without a byte-order mark), "
            "expected page text"
        )


def _refuse_damaged_utf8(data: bytes, path: Path | str, error: UnicodeDecodeError) -> None:
    """Raise InputError for mostly-valid UTF-8 with a few broken bytes: a damaged file, not GBK.

    Read as GB18030 it would turn into plausible-looking nonsense.
    """
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    wide = sum(1 for c in lossy if ord(c) > 0x7F) - bad
    if wide >= 10 * bad:
        raise InputError(
            f"{path}: invalid UTF-8 at byte {error.start} "
            f"({bad} bad sequence(s) in otherwise UTF-8 text); expected UTF-8, UTF-16 or GB18030"
        )


def _decode_legacy(data: bytes, path: Path | str) -> tuple[str, str] | None:
    """GB18030, else charset-normalizer's confident guess, when it reads as Chinese text."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _plausible(text) >= MIN_PLAUSIBLE:
            return text, "gb18030"
    best = from_bytes(data).best()
    if best is not None and best.chaos <= MAX_CHAOS:
        text = str(best)
        if _plausible(text) >= MIN_PLAUSIBLE:
            logger.info("%s: guessed encoding %s (chaos %.2f)", path, best.encoding, best.chaos)
            return text, best.encoding
    return None


def _plausible(text: str) -> float:
    """Share of characters that are common in Chinese news text."""
    if not text:
        return 0.0
    good = 0
    for c in text:
        o = ord(c)
        if (
            o < 0x80
            or 0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
            or 0x3400 <= o <= 0x4DBF  # extension A
            or 0x20000 <= o <= 0x3134F  # extensions B to G
            or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
            or 0x3000 <= o <= 0x303F  # CJK punctuation
            or 0xFF00 <= o <= 0xFFEF  # full-width forms
            or 0x2000 <= o <= 0x206F  # general punctuation
            or unicodedata.category(c) in ("Zs", "Po", "Pd", "Ps", "Pe", "Pi", "Pf")
        ):
            good += 1
    return good / len(text)


def _bom_name(bom: bytes) -> str:
    return {
        codecs.BOM_UTF16_LE: "utf-16-le",
        codecs.BOM_UTF16_BE: "utf-16-be",
        codecs.BOM_UTF32_LE: "utf-32-le",
        codecs.BOM_UTF32_BE: "utf-32-be",
    }[bom]


def _os_reason(e: OSError) -> str:
    if e.errno is not None and os.strerror(e.errno):
        return os.strerror(e.errno).lower()
    return str(e)
