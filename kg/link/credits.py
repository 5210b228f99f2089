"""Credits (责编, 记者, 供稿…) to the people and organs they name.

Whether a credited name is a person or an organ is the name's to say, not the
role's: a name the recogniser found as a person, or with a person's shape (a
surname of ``people/surnames.csv`` and a given name), is a person even where
the role usually credits an organ (供稿); a name with an organ's ending is an
organ. Only a name that says neither (新华社) goes by its role. A newspaper credited by its title is its publisher (天津日报 → 天津日报社).
"""

from __future__ import annotations

from functools import lru_cache

from kg.lexicon import tables
from kg.link.names import clean_surface, org_kind
from kg.link.orgs import OrgNamer
from kg.link.scope import home_levels
from kg.link.spans import Key
from kg.link.state import PageLinking
from kg.model import Credit

ORG_CREDIT_ROLES = tuple(r.credit_role for r in tables.roles("org_credit"))
ORG_NAME_MIN = 4  # a credited name this long with an organ's ending is an organ
GIVEN_NAME_MAX = 2  # characters of a given name after the surname
MEDIA = "media"  # the kind of organs/heads.csv rows that publish (日报社, 电视台)


@lru_cache(maxsize=1)
def _organ_heads() -> tuple[str, ...]:
    """The head nouns that end organs' names (organs/heads.csv)."""
    return tables.load_table("organs/heads.csv").column("head")


@lru_cache(maxsize=1)
def _publishers() -> tuple[tuple[str, str], ...]:
    """``(title ending, publisher head)``: a medium titled …日报 is published by …日报社.

    A media head of organs/heads.csv less its last character ends the titles of the
    media it publishes (日报社 → 日报, 报社 → 报, 电视台 → 电视); longest first.
    """
    rows = tables.load_table("organs/heads.csv").records("head", "kind")
    pairs = {(r["head"][:-1], r["head"]) for r in rows if r["kind"] == MEDIA and len(r["head"]) > 1}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p)))


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(tables.surnames("person"))


def publisher(name: str) -> str:
    """The organ that publishes the medium ``name`` (天津日报 → 天津日报社); else ``name``."""
    if name.endswith(tuple(head for _, head in _publishers())):
        return name
    for title, head in _publishers():
        if name.endswith(title) and len(name) > len(title):
            return name + head[len(title) :]
    return name


def person_shaped(name: str) -> bool:
    """Whether ``name`` is a surname of the table and a given name of one or two characters."""
    for sl in (2, 1):
        if name[:sl] in _surnames() and 1 <= len(name) - sl <= GIVEN_NAME_MAX:
            return all("\u4e00" <= c <= "\u9fff" for c in name)
    return False


def is_organ(run: PageLinking, name: str, role: str) -> bool:
    """Whether the credited ``name`` is an organ: by the name first, by the role last."""
    if ("PERSON", name) in run.entities:
        return False  # the recogniser found the name as a person's
    organ_like = org_kind(name) is not None or name.endswith(_organ_heads())
    if organ_like and (len(name) >= ORG_NAME_MIN or role in ORG_CREDIT_ROLES):
        return True
    if person_shaped(name):
        return False
    return role in ORG_CREDIT_ROLES


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
        if is_organ(run, name, credit.role):
            key = run.add_org(publisher(namer.canonical(name, levels)), name)
        else:
            key = run.add_person(name, name).key
        out.append((credit, idx, key))
    return out
