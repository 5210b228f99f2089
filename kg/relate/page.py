"""Extract the relations a page states (GUIDELINES.md), each with its evidence.

``relate_page`` reads a frozen ``kg.link.page.LinkedPage`` and returns
facts, one relation family after another: credits (``credits``), the
structure names show (``structure``), posts (``posts``), and what actors do
with programmes, honours and documents (``terms``). Sentences are found on
the clean page text itself (``kg.link.spans``), so the facts do not depend
on the pipeline having a sentence splitter; subjects of clauses, paragraphs
and articles are in ``subjects``, evidence sentences in ``evidence``.
"""

from __future__ import annotations

from kg.link.page import LinkedPage
from kg.model import Article, CleanPage, Fact
from kg.relate.credits import credited
from kg.relate.facts import FactList
from kg.relate.posts import holds_post
from kg.relate.structure import org_structure, part_of
from kg.relate.terms import term_facts
from kg.relate.view import PageView

# in this order: a repeated fact keeps the evidence of the family that found it first
FAMILIES = (credited, part_of, org_structure, holds_post, term_facts)


def relate_page(page: CleanPage, articles: list[Article], linked: LinkedPage) -> list[Fact]:
    """The facts of one page, read from its linked entities (which stay as they are)."""
    view = PageView.of(page, articles, linked)
    facts = FactList(view.entities)
    for family in FAMILIES:
        family(view, facts)
    return facts.facts
