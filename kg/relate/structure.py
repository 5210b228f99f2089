"""PART_OF, SUB_ORG_OF, LOCATED_IN: the structure names show.

A place is part of its parent (and of the named areas the text puts it
in); an organ is a sub-organ of the longest organ its name starts with
(also past its place chain, 沈阳市铁西区委组织部 → 铁西区委), or of the
organ a nested name makes it a unit of; an organ lies in the most specific
place its name (or a printed form of it) names.
"""

from __future__ import annotations

from kg.lexicon import tables
from kg.link.names import place_short
from kg.link.spans import Key
from kg.model import GAZETTEER, Fact
from kg.relate.evidence import evidence_for
from kg.relate.facts import FactList
from kg.relate.view import PageView

GROUPS = tables.words("organs/words.csv", "group")  # 集团: its companies carry its trade name
STEM_MIN = 2  # characters of a trade name
# the unit that leads the party branches of an organ's divisions (机关党委)
BRANCH_PARENTS = tables.words("organs/units.csv", "branch_parent")
PARTY_UNITS = tuple(sorted(tables.words("organs/units.csv", "branch"), key=len, reverse=True))


def part_of(view: PageView, facts: FactList) -> None:
    """Each place is PART_OF its parent and of the areas the text puts it in."""
    for key, ent in sorted(view.entities.items()):
        if ent.type != "PLACE":
            continue
        if ent.parent and ("PLACE", ent.parent) in view.entities:
            if ent.parent_source == GAZETTEER:  # no sentence states it: say where it is from
                facts.add(Fact("PART_OF", key, ("PLACE", ent.parent), {"source": GAZETTEER}))
            else:
                evidence = evidence_for(view, key)
                facts.add(Fact("PART_OF", key, ("PLACE", ent.parent), evidence=evidence))
        for area in view.linked.areas.get(key, ()):
            facts.add(Fact("PART_OF", key, ("PLACE", area), evidence=evidence_for(view, key)))


def org_structure(view: PageView, facts: FactList) -> None:
    """SUB_ORG_OF and LOCATED_IN of each organ the page names, from its name."""
    # the units post phrases imply are placed where the post is (kg.relate.posts)
    orgs = sorted(k for k in view.entities if k[0] == "ORG" and k not in view.linked.implied)
    forms = place_forms(view)
    for key in orgs:
        parent = parent_org(view, key, orgs)
        if parent is not None:
            facts.add(Fact("SUB_ORG_OF", key, parent, evidence=evidence_for(view, key)))
        place = place_in(view, key[1], forms)
        if place is None:
            for surface in sorted(view.entities[key].mentions):
                place = place_in(view, surface, forms)
                if place:
                    break
        if place is not None:
            facts.add(Fact("LOCATED_IN", key, ("PLACE", place), evidence=evidence_for(view, key)))


def parent_org(view: PageView, key: Key, orgs: list[Key]) -> Key | None:
    """The organ ``key`` is a sub-organ of: the longest its name starts with, else its nest.

    The party branch of an organ's division is under the organ's 机关党委 when
    the page names it (司法局律师工作处党支部 → 司法局机关党委).
    """
    name = key[1]
    parents = [o for o in orgs if o != key and name.startswith(o[1]) and len(o[1]) < len(name)]
    for o in sorted(parents, key=lambda o: -len(o[1])):
        committee = next(
            (("ORG", o[1] + c) for c in BRANCH_PARENTS if ("ORG", o[1] + c) in orgs), None
        )
        if committee is not None and committee != key and _division_branch(name[len(o[1]) :]):
            return committee
    if not parents:
        parents = parents_below_chain(view, key, orgs)
    if parents:
        return max(parents, key=lambda o: len(o[1]))
    return view.linked.units.get(key) or group_of(key, orgs)


def group_of(key: Key, orgs: list[Key]) -> Key | None:
    """The group a company carrying its trade name belongs to (谊来鲍鱼制品有限公司 → 谊来集团)."""
    name = key[1]
    for o in orgs:
        group = next((g for g in GROUPS if o[1].endswith(g)), None)
        stem = o[1][: len(o[1]) - len(group)] if group else ""
        if (
            o != key
            and len(stem) >= STEM_MIN
            and name.startswith(stem)
            and not name.endswith(group or "")
        ):
            return o
    return None


def _division_branch(rest: str) -> bool:
    """Whether ``rest`` is a division and its party branch (律师工作处党支部)."""
    unit = next((u for u in PARTY_UNITS if rest.endswith(u)), None)
    return unit is not None and len(rest) > len(unit) and unit not in BRANCH_PARENTS


def parents_below_chain(view: PageView, key: Key, orgs: list[Key]) -> list[Key]:
    """Parents of an organ printed with its place chain (沈阳市铁西区委组织部 → 铁西区委)."""
    name = key[1]
    places = sorted((k[1] for k in view.entities if k[0] == "PLACE"), key=lambda p: (-len(p), p))
    for p in places:
        short = name[len(p) :]
        if not name.startswith(p) or not any(short.startswith(q) for q in places):
            continue
        found = [o for o in orgs if o != key and short.startswith(o[1]) and len(o[1]) < len(short)]
        if found:
            return found
    return []


def place_forms(view: PageView) -> dict[str, str]:
    """Every printed, canonical and short form of the page's places -> the place."""
    forms: dict[str, str] = {}
    for _key, ent in sorted(view.entities.items()):
        if ent.type != "PLACE":
            continue
        for f in sorted(ent.mentions | {ent.canonical}):
            if len(f) >= 2:
                forms.setdefault(f, ent.canonical)
        short = place_short(ent.canonical)
        if short:
            forms.setdefault(short, ent.canonical)
    return forms


def place_in(view: PageView, name: str, forms: dict[str, str]) -> str | None:
    """The most specific known place named inside an organ name."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(name):
        for j in range(len(name), i + 1, -1):
            if name[i:j] in forms and j - i >= 2:
                found.append((i, j, forms[name[i:j]]))
                i = j - 1
                break
        i += 1
    if not found:
        return None
    level = {f[2]: view.entities[("PLACE", f[2])].level for f in found}
    return max(found, key=lambda f: (tables.rank(level[f[2]]), f[0]))[2]
