"""Clean PDF-extracted page text.

STUB: the clean-split helper replaces this with the real cleaner.
"""

from __future__ import annotations

from kg.model import CleanPage, PageMeta


def clean_page(raw: str, meta: PageMeta) -> CleanPage:
    """Join broken lines, rebuild vertical titles, drop page furniture."""
    return CleanPage(meta=meta, raw=raw, text=raw, offsets=list(range(len(raw))))
