"""CREDITED: who wrote, edited or supplied an article or the page (责编, 记者, 供稿…)."""

from __future__ import annotations

from kg.model import Fact
from kg.relate.evidence import credit_evidence
from kg.relate.facts import FactList
from kg.relate.view import PageView


def credited(view: PageView, facts: FactList) -> None:
    """One CREDITED fact per credit, with its role and article, on the line it is printed on."""
    for credit, idx, key in view.linked.credits:
        art = view.article(idx)
        attrs: dict[str, str | None] = {"role": credit.role, "article": art.title if art else None}
        facts.add(Fact("CREDITED", key, None, attrs, credit_evidence(view, credit, idx)))
