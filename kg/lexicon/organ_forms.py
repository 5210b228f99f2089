"""The short forms of standard organ names, derived by rule (``organs/abbreviation_rules.csv``).

A short form is the name with some of its parts written short
(住房和城乡建设委员会 → 住建委: 住房和城乡建设 → 住建, 委员会 → 委). The rules
say which parts have which short forms and where in a name they may stand;
:func:`short_forms` applies them in every combination. Frames are whole
names with a place inside (中国人民政治协商会议X委员会 ↔ X政协):
:func:`frame_of` reads a printed name by them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

PLACE_SLOT = "X"  # where a frame holds the place
MIN_SHORT = 2  # a shorter form is no name of its own


@dataclass(frozen=True)
class AbbreviationRule:
    """One row of ``organs/abbreviation_rules.csv``."""

    full: str
    short: str
    at: str  # word, prefix, end, frame
    level: str = ""  # only for an organ of a place of this level
    canonical: str = ""  # "short": the short form is the name kg writes


@dataclass(frozen=True)
class _Piece:
    text: str
    rule: AbbreviationRule | None  # None: the characters as printed


def short_forms(name: str, rules: tuple[AbbreviationRule, ...]) -> list[tuple[str, str]]:
    """The short forms of ``name`` the word, prefix and end rules make, with their level.

    A short form of one character stands only before a shortened end (科委,
    残联), so 科学技术局 gives 科技局 but never 科局.
    """
    parts = [r for r in rules if r.at in ("word", "prefix", "end")]
    out: dict[str, str] = {}
    for pieces in _spellings(name, parts):
        ruled = [p.rule for p in pieces if p.rule is not None]
        if not ruled:
            continue
        if not _one_chars_before_ends(pieces):
            continue
        text = "".join(p.text for p in pieces)
        if len(text) < MIN_SHORT or text == name:
            continue
        level = next((r.level for r in ruled if r.level), "")
        out.setdefault(text, level)
    return sorted(out.items(), key=lambda kv: (len(kv[0]), kv[0]))


def _one_chars_before_ends(pieces: list[_Piece]) -> bool:
    """Whether every short form of one character stands right before a shortened end."""
    for k, p in enumerate(pieces):
        if p.rule is not None and p.rule.at != "end" and len(p.rule.short) == 1:
            after = pieces[k + 1].rule if k + 1 < len(pieces) else None
            if after is None or after.at != "end":
                return False
    return True


def _spellings(name: str, rules: list[AbbreviationRule]) -> list[list[_Piece]]:
    """Every way of writing ``name`` with the rules applied or not, part by part."""

    @cache
    def tails(i: int) -> tuple[tuple[_Piece, ...], ...]:
        if i == len(name):
            return ((),)
        out: list[tuple[_Piece, ...]] = []
        for rest in tails(i + 1):
            out.append((_Piece(name[i], None), *rest))
        for r in rules:
            end = i + len(r.full)
            if not name.startswith(r.full, i) or not _fits(r, i, end, len(name)):
                continue
            for rest in tails(end):
                out.append((_Piece(r.short, r), *rest))
        return tuple(out)

    return [_merged(list(p)) for p in tails(0)]


def _fits(rule: AbbreviationRule, start: int, end: int, length: int) -> bool:
    if rule.at == "prefix":
        return start == 0 and end < length
    if rule.at == "end":
        return end == length
    return True


def _merged(pieces: list[_Piece]) -> list[_Piece]:
    """Runs of printed characters joined into one piece (the last piece tells the ending)."""
    out: list[_Piece] = []
    for p in pieces:
        if p.rule is None and out and out[-1].rule is None:
            out[-1] = _Piece(out[-1].text + p.text, None)
        else:
            out.append(p)
    return out


@dataclass(frozen=True)
class Frame:
    """A printed name read by a frame rule: its place and the body's name."""

    place: str
    canonical: str  # the name kg writes: the frame's full form, or its short one
    full: bool = True  # the full form is written (中国人民政治协商会议…), not the short (…委)


def frame_of(
    name: str, rules: tuple[AbbreviationRule, ...], is_place: Callable[[str], bool]
) -> Frame | None:
    """The place and canonical name of ``name`` if a frame rule reads it (温州市政协).

    Of frames with the same short form the first row names the body; the
    place is what stands at the frame's X, and ``is_place`` must accept it.
    """
    frames = [r for r in rules if r.at == "frame"]
    for rule in frames:
        for form in (rule.full, rule.short):
            place = _slot(name, form)
            if place is None or not is_place(place):
                continue
            first = next(r for r in frames if r.short == rule.short)
            full = first.canonical != "short"
            written = first.full if full else first.short
            return Frame(place, written.replace(PLACE_SLOT, place), full)
    return None


def _slot(name: str, form: str) -> str | None:
    """What stands at the X of ``form`` in ``name`` (None if ``name`` is no such form)."""
    before, _, after = form.partition(PLACE_SLOT)
    if not name.startswith(before) or not name.endswith(after):
        return None
    place = name[len(before) : len(name) - len(after)]
    return place if len(place) >= MIN_SHORT else None
