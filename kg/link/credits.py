"""Credits (责编, 记者, 供稿…) to the people and organs they name."""

from __future__ import annotations

from kg.lexicon import tables
from kg.link.names import clean_surface, org_kind
from kg.link.orgs import OrgNamer
from kg.link.scope import home_levels
from kg.link.spans import Key
from kg.link.state import PageLinking
from kg.model import Credit

ORG_CREDIT_ROLES = tuple(r.credit_role for r in tables.roles("org_credit"))
ORG_NAME_MIN = 4  # a credited name this long with an organ's ending is an organ


def link_credits(
    run: PageLinking, namer: OrgNamer, levels_of: dict[int, dict[str, str]]
) -> list[tuple[Credit, int | None, Key]]:
    """Each credit of the page and its articles with its article index and entity."""
    out: list[tuple[Credit, int | None, Key]] = []
    home = home_levels(run)
    found: list[tuple[Credit, int | None]] = [(c, None) for c in run.page.credits]
    for index, art in sorted(run.articles.items()):
        found.extend((c, index) for c in art.credits)
    for credit, idx in found:
        name = clean_surface(credit.name)
        if not name:
            continue
        levels = levels_of.get(idx, home) if idx is not None else home
        if (
            credit.role in ORG_CREDIT_ROLES
            or org_kind(name) is not None
            and len(name) >= ORG_NAME_MIN
        ):
            key = run.add_org(namer.canonical(name, levels), name)
        else:
            key = run.add_person(name, name).key
        out.append((credit, idx, key))
    return out
