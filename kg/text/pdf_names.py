"""What a PDF file and its pages are called: ``x.pdf``, ``x.pdf#page=N``, the output stem ``x_pN``.

Kept apart from :mod:`kg.text.pdf` so that finding pages, and naming their
outputs, does not load pdfplumber and pdfminer (13 MB in every process); they
are imported when a PDF is read.
"""

from __future__ import annotations

import re

PDF_SUFFIX = ".pdf"
PAGE_FRAGMENT = re.compile(r"(?is)(.+\.pdf)#page=([1-9][0-9]*)")


def is_pdf(name: str) -> bool:
    """Whether a file named ``name`` is read as a PDF (``*.pdf`` in any case)."""
    return name.lower().endswith(PDF_SUFFIX)


def page_name(name: str, number: int, count: int) -> str:
    """The page name of page ``number`` of ``count`` in the PDF file ``name``."""
    return name if count == 1 else f"{name}#page={number}"


def page_number(name: str) -> int:
    """The PDF page a page name points at (1 for a file of one page)."""
    m = PAGE_FRAGMENT.fullmatch(name)
    return int(m[2]) if m else 1


def fragment_stem(name: str) -> str | None:
    """``x_pN`` for a page name ``x.pdf#page=N``; None for any other name."""
    m = PAGE_FRAGMENT.fullmatch(name)
    return f"{m[1][: -len(PDF_SUFFIX)]}_p{m[2]}" if m else None
