"""Organs printed short, bare or two ways on one page, merged into the one full organ.

``红光派出所`` and ``永善县红光派出所`` go to ``永善县公安局红光派出所``;
``林改办`` (its characters in order) to ``巧家县深化集体林权制度改革办公室``;
``红光社区派出所`` to ``红光派出所``; one organ's work team printed two ways
(``X扶贫工作队``, ``X沙地所驻村工作队``) to the fuller name.
"""

from __future__ import annotations

from kg.lexicon import tables
from kg.link.moves import follow
from kg.link.names import (
    expand_abbreviations,
    is_generic,
    is_subsequence,
    team_stem,
    without_level_infix,
)
from kg.link.orgs import CENTRAL_PARTY_NAME
from kg.link.places import PagePlaces
from kg.link.spans import Key

CORE_MIN = 4  # an organ name (or its part after the place) this long may end a longer one
STEM_MIN = 2  # characters of a short name's stem a longer name must hold
HEADS = tuple(sorted(tables.load_table("organs/heads.csv").column("head"), key=lambda h: -len(h)))
LEGAL_FORMS = tables.words("organs/words.csv", "legal_form")  # longest first in the table


def merge_orgs(places: PagePlaces, orgs: list[str]) -> dict[Key, Key]:
    """Moves merging the short and bare organ names of ``orgs`` (sorted) into full ones."""
    moves: dict[Key, Key] = {}
    # Longer names first, so a short name sees where its longer forms went.
    for o in sorted(orgs, key=lambda n: (-len(n), n)):
        if o == CENTRAL_PARTY_NAME or is_generic(o):
            continue
        targets = _one_target(moves, _fuller_forms(places, o, orgs))
        if targets is None and not places.prefix_end(o):
            targets = _one_target(moves, _abbreviated_forms(places, o, orgs))
        if targets is None and not places.prefix_end(o):
            targets = _one_target(moves, _stem_forms(o, orgs))
        if targets is not None:
            moves[("ORG", o)] = targets
    merge_legal_forms(orgs, moves)
    merge_level_infixes(orgs, moves)
    merge_teams(orgs, moves)
    return moves


def _one_target(moves: dict[Key, Key], names: list[str]) -> Key | None:
    """Where ``names`` went, if that is one organ."""
    targets = sorted({follow(moves, ("ORG", p)) for p in names})
    return targets[0] if len(targets) == 1 else None


def _fuller_forms(places: PagePlaces, o: str, orgs: list[str]) -> list[str]:
    """Longer names of ``o``: ending with it, or with its place and its core around more."""
    expanded = expand_abbreviations(o)
    ends = [p for p in orgs if p != o and len(o) >= CORE_MIN and p.endswith(expanded)]
    if ends:
        return ends
    for _, cut, _ in places.prefix(o):
        place, core = o[:cut], o[cut:]
        ends = [
            p for p in orgs
            if len(core) >= CORE_MIN and p.startswith(place) and p.endswith(core) and len(p) > len(o)
            and not places.prefix_end(p[cut:])  # 广州市番禺区残联 is not 广州市残联
        ]  # fmt: skip
        if ends:
            return ends
    return []


def _abbreviated_forms(places: PagePlaces, o: str, orgs: list[str]) -> list[str]:
    """Placed names whose core holds the characters of the bare ``o`` in order (林改办)."""
    found = []
    for p in orgs:
        cut = places.prefix_end(p)
        if p == o or not cut or len(o) < 2:
            continue
        core = p[cut:]
        if is_subsequence(o, core) and o[-1] in p[-3:] and o[0] in core:
            found.append(p)
    return found


def _stem_forms(o: str, orgs: list[str]) -> list[str]:
    """Longer names holding the stem of ``o`` and ending with its head (鑫源公司 → 大连鑫源实业总公司).

    A company or school printed short keeps its distinctive stem whole and its head noun.
    """
    head = next((h for h in HEADS if o.endswith(h)), None)
    stem = o[: len(o) - len(head)] if head else ""
    if len(stem) < STEM_MIN or head is None:
        return []
    return [
        p for p in orgs
        if p != o and len(p) > len(o) and stem in p and p.endswith(head)
        and o not in without_level_infix(p)  # 龙泉街道派出所 is 龙泉派出所 (merge_level_infixes)
    ]  # fmt: skip


def without_legal_form(name: str) -> str:
    """A company's name without its legal form (谊来鲍鱼制品有限公司 → 谊来鲍鱼制品公司)."""
    for form in LEGAL_FORMS:
        name = name.replace(form, "")
    return name


def merge_legal_forms(orgs: list[str], moves: dict[Key, Key]) -> None:
    """X有限公司 and X公司 are one company: the shorter goes to the fuller."""
    by_plain: dict[str, list[str]] = {}
    for o in orgs:
        by_plain.setdefault(without_legal_form(o), []).append(o)
    for names in by_plain.values():
        if len(names) < 2:
            continue
        target = follow(moves, ("ORG", max(names, key=lambda n: (len(n), n))))
        for n in names:
            if ("ORG", n) not in moves and ("ORG", n) != target:
                moves[("ORG", n)] = target


def merge_level_infixes(orgs: list[str], moves: dict[Key, Key]) -> None:
    """红光社区派出所 is 红光派出所: a level word between the name stem and the organ."""
    known = set(orgs)
    for o in orgs:
        if ("ORG", o) in moves:
            continue
        targets = sorted(
            {follow(moves, ("ORG", v)) for v in without_level_infix(o) if v in known} - {("ORG", o)}
        )
        if len(targets) == 1:
            moves[("ORG", o)] = targets[0]


def merge_teams(orgs: list[str], moves: dict[Key, Key]) -> None:
    """Merge one organ's work team printed two ways (X扶贫工作队, X沙地所驻村工作队)."""
    stems = {
        o: stem for o in orgs if ("ORG", o) not in moves and (stem := team_stem(o)) is not None
    }
    # longest first, so a short name sees where its longer forms went
    for o, stem in sorted(stems.items(), key=lambda kv: (-len(kv[0]), kv[0])):
        wider = [
            p for p, s in stems.items()
            if p != o and s.startswith(stem) and (len(p), p) > (len(o), o)
        ]  # fmt: skip
        targets = sorted({follow(moves, ("ORG", p)) for p in wider} - {("ORG", o)})
        if len(targets) == 1:
            moves[("ORG", o)] = targets[0]
