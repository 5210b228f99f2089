"""Terms that are one name written two ways, merged (on one page and across pages)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.lexicon import tables
from kg.link.lexicon import load_tables
from kg.link.names import ORDINALS, TERM_TYPES, is_subsequence, norm_name
from kg.link.spans import Key
from kg.model import Entity

SUFFIX_MIN = 3  # a short name this long may be the end of a longer one (一张网)
DOCUMENT_SUFFIX_MIN = 2  # a document's suffix alone (规划, 纲要) may name the one on the page
ABBREVIATION_LEN = (2, 3)  # an abbreviated programme (林改) has this many characters
MODIFIER_MIN = 8  # a name this long may be another with a modifier left out
MISPRINT_MIN = 6
NAMED_FORM_REACH = 2  # characters between a code and the head noun of its named form  # a name this long may differ from an earlier one in one misprinted character


def merge_terms(entities: Iterable[Entity], *, by_suffix: bool = False) -> dict[Key, Key]:
    """Merge programmes, honours and documents that are one name written two ways.

    Same name without punctuation (对标先进、争创一流 / 对标先进争创一流), or one
    name plus a head noun (新一轮退耕还林还草 / 新一轮退耕还林还草工程); with
    ``by_suffix`` (within a page) also a short form that ends one longer name.
    """
    by_type: dict[str, list[str]] = defaultdict(list)
    for e in entities:
        if e.type in TERM_TYPES:
            by_type[e.type].append(e.canonical)
    moves: dict[Key, Key] = {}
    for typ, names in sorted(by_type.items()):
        groups = _spellings(names)
        _attach_head_nouns(groups)
        if by_suffix:
            _attach_named_forms(groups)
            _attach_parts(groups)
            # 海西《规划》: a document is often named by its suffix alone once its title is given
            _attach_suffixes(groups, DOCUMENT_SUFFIX_MIN if typ == "DOCUMENT" else SUFFIX_MIN)
        for members in groups.values():
            best = max(members, key=lambda n: (len(n), n))
            moves.update({(typ, n): (typ, best) for n in members if n != best})
    return moves


def _spellings(names: list[str]) -> dict[str, list[str]]:
    """The names grouped by their normal form (same name, other punctuation)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for n in sorted(set(names)):
        groups[norm_name(n)].append(n)
    return groups


def _attach_head_nouns(groups: dict[str, list[str]]) -> None:
    """Attach "name" to "name + head noun" when that longer form is on the page."""
    nouns = load_tables().head_nouns
    for key in sorted(groups):
        for noun in nouns:
            if key + noun in groups:
                groups[key + noun].extend(groups.pop(key))
                break


def _attach_named_forms(groups: dict[str, list[str]]) -> None:
    """A code and the one longer form of it on the page, a short modifier and a head noun
    after it (警格+网格 / 警格+网格管理模式): one programme."""
    nouns = load_tables().head_nouns
    for key in sorted(groups, key=len):
        if key not in groups:
            continue
        forms = [
            k for k in groups
            if k != key and k.startswith(key)
            and any(k.endswith(n) and len(k) - len(key) - len(n) <= NAMED_FORM_REACH for n in nouns)
        ]  # fmt: skip
        if len(forms) == 1:
            groups[forms[0]].extend(groups.pop(key))


def _attach_parts(groups: dict[str, list[str]]) -> None:
    """A name printed with another before one longer name (破难攻坚 and 七大行动 / 新一轮破难
    攻坚七大行动): the first is the longer name's modifier, the same programme."""
    # (longer, other) pairs by the text just before ``other`` at the end of ``longer``:
    # a key ``k`` modifies ``longer`` when ``longer`` ends with k + other (one pass
    # over each name's suffixes, not every pair of names for every key)
    before: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in groups:
        for j in range(1, len(c)):
            if c[j:] in groups:
                for i in range(j):
                    before[c[i:j]].append((c, c[j:]))
    for key in sorted(groups, key=len):
        if len(key) < SUFFIX_MIN or key not in groups:
            continue
        longer = {
            c for c, b in before.get(key, ())
            if c in groups and b in groups and b not in (key, c) and c not in (key, b)
        }  # fmt: skip
        if len(longer) == 1:
            groups[longer.pop()].extend(groups.pop(key))


def _attach_suffixes(groups: dict[str, list[str]], minimum: int = 3) -> None:
    """A short name that ends exactly one longer name (一张网 / 党群一张网)."""
    for key in sorted(groups, key=len):
        if len(key) < minimum or key not in groups:
            continue
        longer = [k for k in groups if k != key and k.endswith(key)]
        if len(longer) == 1:
            groups[longer[0]].extend(groups.pop(key))


def merge_variants(entities: Iterable[Key], first_seen: dict[Key, int]) -> dict[Key, Key]:
    """Programmes named by an abbreviation (林改) or a one-character misprint on the page."""
    progs = sorted((k for k in entities if k[0] == "PROGRAM"), key=lambda k: first_seen.get(k, 0))
    names = [k[1] for k in progs]
    moves: dict[Key, Key] = {}
    for key in progs:
        target = (
            _abbreviated(key[1], names)
            or _modifier_left_out(key[1], names)
            or _misprinted(key, names, moves, first_seen)
        )
        if target is not None:
            moves[key] = ("PROGRAM", target)
    return moves


def _abbreviated(name: str, names: list[str]) -> str | None:
    """The one longer name whose characters ``name`` picks in order (林改 / 集体林权制度改革)."""
    short = norm_name(name)
    if not ABBREVIATION_LEN[0] <= len(short) <= ABBREVIATION_LEN[1]:
        return None
    if set(short) & (ORDINALS | set(tables.chars("amount"))):
        return None
    longs = [
        n for n in names
        if n != name and len(norm_name(n)) >= 2 * len(short) + 2
        and is_subsequence(short, norm_name(n)) and short not in norm_name(n)
    ]  # fmt: skip
    return longs[0] if len(longs) == 1 else None


def _modifier_left_out(name: str, names: list[str]) -> str | None:
    """The same name with a modifier left out (综治中心大数据平台 / 综治中心智能化大数据平台)."""
    short = norm_name(name)
    fuller = [
        n for n in names
        if len(short) >= MODIFIER_MIN and len(n) > len(name) and is_subsequence(short, norm_name(n))
        and norm_name(n)[:4] == short[:4] and norm_name(n)[-3:] == short[-3:]
    ]  # fmt: skip
    return fuller[0] if len(fuller) == 1 else None


def _misprinted(
    key: Key, names: list[str], moves: dict[Key, Key], first_seen: dict[Key, int]
) -> str | None:
    """An earlier name of the same length that differs in one character (not an ordinal)."""
    name = key[1]
    for other in names:
        if other == name or ("PROGRAM", other) in moves or len(other) != len(name):
            continue
        diff = [i for i, (a, b) in enumerate(zip(other, name, strict=True)) if a != b]
        earlier = first_seen.get(("PROGRAM", other), 0) < first_seen.get(key, 0)
        if len(name) >= MISPRINT_MIN and len(diff) == 1 and earlier:
            if not ({other[diff[0]], name[diff[0]]} & ORDINALS):
                return other
    return None
