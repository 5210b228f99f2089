"""The standard organs as linking reads them: full names, short forms, frames, levels, years.

Built once from ``organs/names.csv`` and ``organs/abbreviation_rules.csv``
(:mod:`kg.lexicon.tables`). A short form may stand for several organs
(法院: a county's 人民法院, a city's 中级人民法院; 广电总局 in 2010 and in
2015); :meth:`OrganIndex.full_name` picks the one of the organ's place level
and of the article's year.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from kg.lexicon import tables
from kg.lexicon.organ_forms import Frame, frame_of

YEAR = re.compile(r"((?:19|20)\d{2})年")
COMMITTEE = "committee"
# before the numeral of a numbered school (第八十三中学)
PIECE_MIN = 3  # an organ's short form inside a longer name (人社局就业局; not 人大 of 人大附中)
STATE_KINDS = ("government", "public", "party")  # heads.csv kinds of state bodies
ORDINAL_MARK = "".join(
    tables.words("organs/words.csv", "ordinal_mark")
)  # organs/names.csv ``under``: a department of the party committee


@dataclass(frozen=True)
class _Reading:
    """One organ a printed core may stand for."""

    full: str
    level: str  # the short form holds only for an organ of a place of this level
    order: int  # the organ's row in names.csv


EXPANDED_KEPT = 65536  # names whose expansion OrganIndex.expand keeps


class OrganIndex:
    """The organs of ``organs/names.csv`` by every form they are printed in."""

    def __init__(self) -> None:
        self.organs = {o.name: o for o in tables.organs()}
        self.order = {name: i for i, name in enumerate(self.organs)}
        self.rules = tables.abbreviation_rules()
        self.frames = tuple(r for r in self.rules if r.at == "frame")
        self.readings: dict[str, list[_Reading]] = defaultdict(list)
        for a in tables.abbreviations():
            if "expand" in a.uses:
                self.readings[a.abbreviation].append(_Reading(a.full, a.level, self.order[a.full]))
        self.longest = max(len(f) for f in [*self.organs, *self.readings])
        self.words: dict[str, str] = {}  # a word's short form -> its full form (质监 → 质量监督)
        self.schools: dict[str, str] = {}  # 中 -> 中学: numbered schools (八十三中)
        self.ends: dict[str, str] = {}  # 支部 -> 党支部: a unit's short form ending a name
        self.units = tables.words("organs/units.csv", "attach")
        heads = tables.load_table("organs/heads.csv").records("head", "kind")
        # heads of state bodies, whose names may hold words printed short (广电中心)
        self.state_heads = tuple(h["head"] for h in heads if h["kind"] in STATE_KINDS)
        for r in self.rules:
            if r.at == "word" and len(r.short) >= 2 and r.short not in r.full:
                self.words.setdefault(r.short, r.full)  # 广电 of 广播电视, not 应急 of 应急管理
            elif r.at == "end" and len(r.short) == 1 and r.full not in self.organs:
                self.schools.setdefault(r.short, r.full)
            elif r.at == "end" and r.full in self.units:
                self.ends.setdefault(r.short, r.full)
        self._expanded: dict[tuple[str, str | None, int | None], str] = {}
        self.numbered = re.compile(
            f"({ORDINAL_MARK}?)([{tables.chars('ordinal')}]+)({'|'.join(self.schools) or '(?!)'})"
        )

    def is_organ(self, core: str) -> bool:
        """Whether ``core`` is an organ's full name or one of its short forms."""
        return core in self.organs or core in self.readings

    def full_name(self, core: str, level: str | None, year: int | None) -> str | None:
        """The full name ``core`` stands for at a place of ``level`` in ``year`` (None: no organ).

        A full name stays itself unless the level makes it another organ
        (人民法院 of a city is its 中级人民法院).
        """
        readings = self.readings.get(core, [])
        leveled = [r for r in readings if r.level and r.level == level]
        if leveled:
            return leveled[0].full
        if core in self.organs:
            return core
        fitting = [r for r in readings if not r.level]
        if not fitting:
            return None
        return min(fitting, key=lambda r: self._rank(r, level, year)).full

    def _rank(self, r: _Reading, level: str | None, year: int | None) -> tuple[int, int, int]:
        organ = self.organs[r.full]
        first, last = organ.valid
        at_level = 0 if level is None or level in organ.levels else 1
        if year is not None:
            in_time = 0 if (first or 0) <= year <= (last or 9999) else 1
        else:
            in_time = 0 if last is None else 1  # no date: the organ of today
        return (at_level, in_time, r.order)

    def expand(self, core: str, level: str | None, year: int | None) -> str:
        """``core`` with every organ printed short in it written in full (人社局就业局 → …).

        Kept per name, level and year: a corpus names its agencies again and again.
        """
        key = (core, level, year)
        full = self._expanded.get(key)
        if full is None:
            if len(self._expanded) >= EXPANDED_KEPT:
                self._expanded.clear()  # memory stays bounded on a corpus of any size
            full = self._expanded[key] = self._expand(core, level, year)
        return full

    def _expand(self, core: str, level: str | None, year: int | None) -> str:
        whole = self.full_name(core, level, year)
        if whole is not None:
            return whole
        unit = next((u for u in self.units if core.endswith(u) and len(core) > len(u)), "")
        base = self.full_name(core[: len(core) - len(unit)], level, year) if unit else None
        if base is not None:
            return base + unit  # 政府党组 → 人民政府党组
        out: list[str] = []
        plain, i = "", 0  # characters no organ name covers, written out at the next name
        state = core.endswith(self.state_heads) or core.endswith(self.units)
        while i < len(core):
            for n in range(min(self.longest, len(core) - i), 1, -1):
                if n < PIECE_MIN and i + n < len(core) and not (i == 0 and state):
                    continue  # 县｜政府, 残联｜教育就业处, not 人大｜附中
                full = self.full_name(core[i : i + n], level, year)
                if full is not None:
                    out += [plain, full]
                    plain, i = "", i + n
                    break
            else:
                plain += core[i]
                i += 1
        tail = self.written_out(plain) if state else self.numbered_in_full(plain)
        return self.unit_in_full("".join([*out, tail]))

    def unit_in_full(self, name: str) -> str:
        """``name`` with a unit's short form at its end in full (…处支部 → …处党支部, not 团支部)."""
        for short, full in self.ends.items():
            longer = any(u != short and u.endswith(short) and name.endswith(u) for u in self.units)
            if name.endswith(short) and not longer:
                return name[: len(name) - len(short)] + full
        return name

    def numbered_in_full(self, text: str) -> str:
        """``text`` with numbered schools in full (八十三中 → 第八十三中学)."""
        return self.numbered.sub(lambda m: f"{ORDINAL_MARK}{m[2]}{self.schools[m[3]]}", text)

    def written_out(self, text: str) -> str:
        """``text`` with the short forms of words and numbered schools in full (质监 → 质量监督)."""
        text = self.numbered_in_full(text)
        out, i = "", 0
        while i < len(text):
            word = next((w for w in self._words_longest if text.startswith(w, i)), None)
            out += self.words[word] if word else text[i]
            i += len(word) if word else 1
        return out

    @cached_property
    def _words_longest(self) -> list[str]:
        return sorted(self.words, key=lambda w: (-len(w), w))

    def under_committee(self, full: str) -> bool:
        """Whether ``full`` is a department of the party committee (宣传部 → 市委宣传部)."""
        organ = self.organs.get(full)
        return organ is not None and organ.under == COMMITTEE

    def levels_of(self, full: str) -> tuple[str, ...]:
        """The place levels an organ exists at (empty for one the table lacks)."""
        organ = self.organs.get(full)
        return organ.levels if organ is not None else ()

    def frame(self, name: str, is_place: Callable[[str], bool]) -> tuple[Frame, str] | None:
        """A frame (温州市政协, 宝山区委) that opens ``name``, and what follows it (宣传部)."""
        for end in range(len(name), 1, -1):
            found = frame_of(name[:end], self.frames, is_place)
            if found is not None:
                return found, name[end:]
        return None


@lru_cache(maxsize=1)
def organ_index() -> OrganIndex:
    """The organ index, built once per process."""
    return OrganIndex()


def article_year(text: str) -> int | None:
    """The latest year an article names: its date, for organs renamed over time (广电总局)."""
    years = [int(y) for y in YEAR.findall(text)]
    return max(years) if years else None
