"""Read the pages of a PDF file (a newspaper's e-edition) as page text, with pdfplumber.

pdfplumber (MIT, on pdfminer.six) gives every character with its box and font
size; ``kg.text.pdf_layout`` turns them into text in reading order. PyMuPDF
would be faster but its AGPL would bind the project.

Each PDF page is one kg page. A file of one page keeps its name (``x.pdf``,
page file ``x.json``); page N of a longer file is named ``x.pdf#page=N`` (the
PDF fragment of RFC 8118; page file ``x_pN.json``). Its page number is kept as
the page's ``page_no`` unless the manifest gives one, so every fact points
back to the page it was read from. The file's pages are read together: an
article continued on another page of the file is joined on the page where it
broke off (``kg.text.pdf_jumps``), so a page's text needs the whole file.

A page that cannot be read is an ``InputError`` with the reason: no text layer
(a scanned image), characters with no Unicode mapping (``(cid:N)`` glyphs or
U+FFFD), an encrypted file, or bytes that are not a whole PDF.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
from pdfminer.layout import LTChar, LTComponent, LTContainer
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from kg.errors import InputError
from kg.text.pdf_jumps import join_jumps
from kg.text.pdf_layout import Glyph, Region, page_regions, render
from kg.text.pdf_names import PDF_SUFFIX, fragment_stem, is_pdf, page_name, page_number

__all__ = [
    "PDF_SUFFIX",
    "fragment_stem",
    "is_pdf",
    "page_name",
    "page_number",
    "pdf_page_count",
    "pdf_page_text",
    "pdf_pages_text",
]

logger = logging.getLogger(__name__)

# Share of a page's characters that may lack a Unicode mapping (dropped with a
# warning); above it the page's text is not its text.
MAX_UNMAPPED = 0.02
_UNMAPPED = re.compile(r"\(cid:[0-9]+\)|\ufffd")
KEPT_FILES = 4  # the files whose pages' text is kept (see pdf_pages_text)
_READ: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
_LOCK = threading.Lock()
# pdfminer raises these on damaged files, besides its own exceptions.
_DAMAGED = (
    PdfminerException,
    MalformedPDFException,
    PDFException,
    PSException,
    ValueError,
    KeyError,
    TypeError,
)


def pdf_page_count(data: bytes, path: Path | str = "<bytes>") -> int:
    """The number of pages of a PDF file.

    Raises:
        InputError: the file is encrypted, truncated or not a PDF, or has no page.
    """
    with _opened(data, path) as pdf:
        count = len(pdf.pages)
    if not count:
        raise InputError(f"{path}: a PDF without pages, expected newspaper pages")
    return count


def pdf_page_text(data: bytes, number: int, path: Path | str = "<bytes>") -> str:
    """The text of page ``number`` (from 1) of a PDF file, in reading order, with the
    articles continued on other pages of the file joined (``kg.text.pdf_jumps``).

    Raises:
        InputError: the file cannot be read (see ``pdf_page_count``), has no
            such page, or the page has no text layer or unmapped characters.
    """
    pages = pdf_pages_text(data, path)
    if not 1 <= number <= len(pages):
        raise InputError(f"{path}: no page {number} (the file has {len(pages)})")
    page = pages[number - 1]
    if isinstance(page, _Unreadable):
        raise InputError(page.reason)
    return page


class _Unreadable(str):
    """Why a page of a file could not be read (the ``InputError``'s message)."""

    @property
    def reason(self) -> str:
        return str(self)


def pdf_pages_text(data: bytes, path: Path | str = "<bytes>") -> list[str]:
    """The text of every page of a PDF file, jumps joined; a page that cannot be read is
    the reason (an ``_Unreadable``). The last few files' pages are kept: a build reads
    every page of a file, and each needs the others for its jumps.

    Raises:
        InputError: the file cannot be read (see ``pdf_page_count``).
    """
    key = (hashlib.sha256(data).hexdigest(), str(path))
    with _LOCK:
        if key in _READ:
            _READ.move_to_end(key)
            return _READ[key]
    with _opened(data, path) as pdf:
        pages = [_page_regions(pdf.pages[n - 1], n, path) for n in range(1, len(pdf.pages) + 1)]
    join_jumps([p if isinstance(p, list) else None for p in pages], str(path))
    texts = [render(p) if isinstance(p, list) else p for p in pages]
    with _LOCK:
        _READ[key] = texts
        while len(_READ) > KEPT_FILES:
            _READ.popitem(last=False)
    return texts


def _page_regions(page: Page, number: int, path: Path | str) -> list[Region] | _Unreadable:
    """A page's regions (``kg.text.pdf_layout``), or why it cannot be read."""
    try:
        glyphs = list(_glyphs(page.layout))
    except _DAMAGED as e:
        return _Unreadable(f"{path}: page {number} is damaged ({_reason(e)})")
    if not glyphs:
        return _Unreadable(
            f"{path}: page {number} has no text layer (a scanned image?); OCR it first"
        )
    unmapped = sum(1 for g in glyphs if _UNMAPPED.fullmatch(g.text))
    if unmapped > MAX_UNMAPPED * len(glyphs):
        return _Unreadable(
            f"{path}: page {number}: {unmapped} of {len(glyphs)} characters have no Unicode "
            "mapping ((cid:N) or U+FFFD); the PDF's fonts do not say which characters they draw"
        )
    if unmapped:
        logger.warning("%s: page %d: dropped %d unmapped characters", path, number, unmapped)
        glyphs = [g for g in glyphs if not _UNMAPPED.fullmatch(g.text)]
    return page_regions(glyphs)


def _glyphs(item: LTComponent) -> Iterator[Glyph]:
    """The characters drawn on a page (in figures too), top-down: ``top`` is minus PDF's y1.

    pdfminer's layout objects are read directly: pdfplumber's ``chars``, a dict
    of every attribute of each character, takes a third of the time again.
    """
    if isinstance(item, LTChar):
        text = item.get_text()
        if text.strip():
            yield Glyph(text, item.x0, item.x1, -item.y1, -item.y0, round(item.size, 1))
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _glyphs(child)


class _opened:
    """``pdfplumber.open`` of a file's bytes, its failures as ``InputError``s with the reason."""

    def __init__(self, data: bytes, path: Path | str) -> None:
        self.data, self.path = data, path

    def __enter__(self) -> pdfplumber.PDF:
        try:
            self.pdf = pdfplumber.open(io.BytesIO(self.data))
            _ = self.pdf.pages  # the page tree is read here: a truncated file fails now
        except _DAMAGED as e:
            cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
            if isinstance(cause, PDFPasswordIncorrect):
                raise InputError(f"{self.path}: encrypted (needs a password)") from e
            raise InputError(f"{self.path}: truncated or not a PDF ({_reason(e)})") from e
        return self.pdf

    def __exit__(self, *exc: object) -> None:
        self.pdf.close()


def _reason(e: BaseException) -> str:
    cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
    return str(cause) or type(cause).__name__
