"""Extract the relations a page states (GUIDELINES.md), each with its evidence.

STUB: the link-relate helper replaces this with the real extractor.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.link import LinkedPage
from kg.model import Article, CleanPage, Fact


def relate_page(
    page: CleanPage, articles: list[Article], docs: list[Doc], linked: LinkedPage
) -> list[Fact]:
    """The facts of one page."""
    return []
