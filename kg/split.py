"""Split a clean page into its articles, in reading order.

STUB: the clean-split helper replaces this with the real splitter.
"""

from __future__ import annotations

from kg.model import Article, CleanPage


def split_articles(page: CleanPage) -> list[Article]:
    """The articles of a page."""
    first = page.text.strip().split("\n", 1)[0]
    return [Article(index=0, title=first, body=page.text, body_start=0, start=0, end=len(page.text))]
