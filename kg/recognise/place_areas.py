"""Villages, communities and named areas (安置区, 流域, 同心四组) of the place recogniser.

A village the gazetteer lists is a place after its town or where its town or
county is named nearby; an area is named by the word before its head word
(红光安置区); a name found where the text supports it is found again where
it stands alone (:func:`repeats`).
"""

from __future__ import annotations

import re

from kg.intervals import Intervals
from kg.lexicon.gazetteer import RANK
from kg.recognise.place_doc import PlaceDoc, Spans

# -- villages ------------------------------------------------------------------------------


def _village_before(
    doc: PlaceDoc, head: re.Match[str], ends_at: set[int], present: set[str], needs_support: bool
) -> int | None:
    """Start of the listed village whose name ends in ``head`` (沙坝村), or None."""
    text, t, gaz = doc.text, doc.tables, doc.gazetteer
    end = head.end()
    for length in range(7, end - head.start() + 1, -1):
        start = end - length
        if start < 0:
            continue
        name = text[start:end]
        bare = name[: head.start() - start]
        if not all(t.text.is_name_char(c) for c in name):
            continue
        if bare in t.generic or bare[:1] in t.generic and len(bare) <= 2:
            continue
        uids = [u for u in gaz.full_name_uids(name) if gaz.rank(u) == RANK["village"]]
        chained = start in ends_at
        if not uids or not chained and start not in doc.tok_starts:
            continue
        # 幸福社区 is not backed by a 幸福镇 it names itself
        if chained or doc.supported(uids, present - {bare, name}, top=200):
            return start
        if not needs_support and start in doc.tok_starts:
            return start
    return None


def _bare_village_forms(doc: PlaceDoc, bare: str) -> Spans:
    """The short form of a village (沙坝 for 沙坝村) wherever it stands alone, unless an ordinary word."""
    if len(bare) < 2 or bare in doc.tables.text.common_words:
        return []
    found = []
    for b in re.finditer(re.escape(bare), doc.text):
        nxt = doc.text[b.end() : b.end() + 2]
        if b.start() in doc.tok_starts and not nxt.startswith(doc.tables.village_suffixes):
            found.append((b.start(), b.end()))
    return found


def villages(
    doc: PlaceDoc, chosen: list[tuple[int, int, int]], localities: Spans, needs_support: bool
) -> Spans:
    """Villages and communities the gazetteer lists, after their town or backed by the text."""
    ends_at = {e for _, e, _ in chosen}
    covered = {i for s, e, _ in chosen for i in range(s, e)}
    covered.update(i for s, e in localities for i in range(s, e))
    present = set(doc.present)
    found: Spans = []
    for head in doc.tables.village_heads.finditer(doc.text):
        if head.start() in covered:
            continue
        start = _village_before(doc, head, ends_at, present, needs_support)
        if start is not None:
            found.append((start, head.end()))
            present.add(doc.text[start : head.end()])
            found += _bare_village_forms(doc, doc.text[start : head.start()])
    return found


# -- named areas ---------------------------------------------------------------------------


def _led_village(doc: PlaceDoc, start: int, end: int, bare: str) -> bool:
    """Whether an unlisted village follows a lead word (在保工社区，) and is no common word."""
    t, text = doc.tables, doc.text
    if not any(text.endswith(w, 0, start) for w in t.village_leads):
        return False
    if bare in t.text.common_words:
        return False
    nxt = text[end : end + 3]
    return nxt[:1] in "，,。；;、" or nxt.startswith(t.village_bodies)


def area_word_blocked(doc: PlaceDoc, bare: str, suffix: str) -> bool:
    """Whether ``bare`` is a generic or common word, not a name (a river before 流域 may be)."""
    t = doc.tables
    river = bare[-1] in t.water and suffix == "流域"
    return bare in t.generic or bare[:1] in t.generic or (bare in t.text.common_words and not river)


def _area_start(
    doc: PlaceDoc,
    head: re.Match[str],
    locality: tuple[str, re.Pattern[str], str],
    ends_at: set[int],
    low: dict[int, int],
) -> int | None:
    """Start of the name before the head word ``head`` (红光 of 红光安置区), or None.

    A name after a place chains to it; ``low`` maps the end of a town or village
    span to its rank: a village does not chain after a village
    (大火地村担任驻村), nor a town after a town.
    """
    suffix, pattern, level = locality
    text = doc.text
    for length in range(2, 7):
        start = head.start() - length
        if start < 0 or not doc.tables.text.is_name_char(text[start]):
            return None
        chained = start in ends_at
        if chained and level in ("village", "town"):
            chained = low.get(start, RANK["county"]) < RANK[level]
        if not (start in doc.tok_starts or chained):
            continue
        bare = text[start : head.start()]
        number = doc.tables.numbered.search(bare)
        word_end = head.start() - (len(number.group()) if number else 0)
        if not chained and any(i in doc.tok_starts for i in range(start + 1, word_end)):
            return None  # the name is one word (红光, 同心四), not a phrase (民警陪)
        if not pattern.fullmatch(bare):
            continue
        if area_word_blocked(doc, bare, suffix):
            return None
        if level in ("village", "town") and not chained:
            led = level == "village" and _led_village(doc, start, head.end(), bare)
            return start if led else None
        return start
    return None


def named_areas(doc: PlaceDoc, spans: Spans, low: dict[int, int]) -> Spans:
    """Places named by a head word (红光安置区, 赤水河流域): the word before names them."""
    ends_at = {e for _, e in spans}
    found: Spans = []
    taken = Intervals(sorted(set(spans)))
    for locality in doc.tables.locality_patterns:
        for head in re.finditer(re.escape(locality[0]), doc.text):
            if taken.holding(*head.span()):
                continue
            start = _area_start(doc, head, locality, ends_at, low)
            if start is not None:
                found.append((start, head.end()))
                taken.add((start, head.end()))
    return found


def repeats(text: str, spans: Spans) -> Spans:
    """Other occurrences of names found where context supported them.

    A village or community accepted after its town (…街道万佳社区) is the same
    place when the text names it again on its own (万佳社区被评为…).
    """
    taken = bytearray(len(text))  # characters some span already covers
    for s, e in spans:
        taken[s:e] = b"\x01" * (e - s)
    out: Spans = []
    for name in sorted({text[s:e] for s, e in spans if e - s >= 3}):
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if not any(taken[pos:end]):
                out.append((pos, end))
                taken[pos:end] = b"\x01" * (end - pos)
            pos = text.find(name, end)
    return out
