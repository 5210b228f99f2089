"""The word lists relation extraction reads from the lexicon (``kg.lexicon.tables``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from kg.lexicon import tables

COMMITTEE = "委"  # a place then 委 names a party committee (市委, 县委)


@dataclass(frozen=True)
class RelateTables:
    """The cue words, titles, anaphors and organ words relations are found by."""

    cues: dict[str, tuple[str, ...]]  # relation or cue kind -> cue words, longest first
    titles: tuple[tuple[str, str], ...] = ()  # title -> the body it names (总书记 -> 中共中央)
    # (anaphor, label, endings of the name it stands for), longest anaphor first
    anaphors: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # what may follow a place to make an organ's or a collective's name (…局, 市直机关)
    organ_starts: tuple[str, ...] = ()
    collectives: tuple[str, ...] = ()  # 机关, 各级…: a collective, not a named actor


@lru_cache(maxsize=1)
def load_tables() -> RelateTables:
    """Load (once) the cue words, titles, anaphors and organ words."""
    cues: dict[str, list[str]] = defaultdict(list)
    for row in tables.load_table("text/cues.csv").records("relation", "cue"):
        cues[row["relation"]].append(row["cue"])
    titles = [(r.word, r.body) for r in tables.roles("title")]
    anaphors = [(a.anaphor, a.label, a.endings) for a in tables.anaphors()]
    collectives = tables.words("places/words.csv", "collective")
    # the agencies and abbreviations linking expands and corrects names to
    agencies = [o.name for o in tables.organs() if "misprint" in o.uses]
    abbreviations = [a.abbreviation for a in tables.abbreviations() if "expand" in a.uses]
    return RelateTables(
        cues={r: tuple(sorted(c, key=lambda x: (-len(x), x))) for r, c in sorted(cues.items())},
        titles=tuple(sorted(titles, key=lambda r: (-len(r[0]), r[0]))),
        anaphors=tuple(sorted(anaphors, key=lambda r: (-len(r[0]), r[0]))),
        organ_starts=(*agencies, *abbreviations, *collectives, COMMITTEE),
        collectives=collectives,
    )
