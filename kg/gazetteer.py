"""Chinese administrative divisions: names, levels, GB/T 2260 codes, parents.

STUB: the recognise-names helper replaces this with the real gazetteer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """One administrative division (or named locality) of the gazetteer."""

    name: str  # full name with its type suffix: 永善县, 溪洛渡街道
    level: str  # country, province, city, county, town, village, area
    code: str | None  # GB/T 2260 code where known
    parent: str | None  # full name of the direct parent
    short: str | None = None  # the short form used in text: 永善, 昭通


class Gazetteer:
    """Look places up by full or short name, resolving ambiguity by context."""

    @classmethod
    def load(cls) -> Gazetteer:
        return cls()

    def candidates(self, name: str) -> list[Place]:
        """Every place whose full or short name is ``name``."""
        return []

    def resolve(self, name: str, *, context: list[str] | None = None) -> Place | None:
        """The one place ``name`` means, given places named around it (nearest first).

        Returns None when the name is unknown or stays ambiguous.
        """
        return None

    def chain(self, place: Place) -> list[Place]:
        """``place`` and its ancestors, nearest first, up to the country."""
        return [place]
