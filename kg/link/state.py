"""The working state of linking one page: the entities and links each family has made so far.

``kg.link.page.link_page`` makes one ``PageLinking`` and hands it to the
families in turn (places, article scopes, organs, people, terms, credits);
what it returns is a frozen ``LinkedPage``, never this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.link.names import TERM_TYPES, org_kind
from kg.link.places import PagePlaces
from kg.link.spans import Key, Link
from kg.model import Article, CleanPage, Entity, Mention


@dataclass
class PageLinking:
    """The entities and links made so far on one page, with its places."""

    page: CleanPage
    articles: dict[int, Article]
    mentions: list[Mention]  # in reading order, names inside a term left out
    entities: dict[Key, Entity] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    first_seen: dict[Key, int] = field(default_factory=dict)  # term -> where first named
    places: PagePlaces = field(init=False)

    def __post_init__(self) -> None:
        self.places = PagePlaces(self.entities)

    @classmethod
    def start(
        cls, page: CleanPage, articles: list[Article], mentions: list[Mention]
    ) -> PageLinking:
        """The state before any family ran: the mentions to link, in reading order."""
        terms = [m for m in mentions if m.label in TERM_TYPES]
        # A name inside a programme, honour or document name is not an entity of its own.
        kept = [
            m for m in mentions
            if m.label in TERM_TYPES
            or not any(t.start <= m.start and m.end <= t.end for t in terms)
        ]  # fmt: skip
        ordered = sorted(kept, key=lambda m: (m.start, -m.end, m.label, m.text))
        return cls(page, {a.index: a for a in articles}, ordered)

    def labelled(self, label: str) -> list[Mention]:
        """The mentions of one entity type, in reading order."""
        return [m for m in self.mentions if m.label == label]

    def add_org(self, canonical: str, surface: str | None) -> Key:
        """The key of the organ ``canonical`` (made if new), with ``surface`` among its names."""
        key = ("ORG", canonical)
        ent = self.entities.get(key)
        if ent is None:
            ent = Entity(type="ORG", canonical=canonical, kind=org_kind(canonical))
            self.entities[key] = ent
        if surface:
            ent.mentions.add(surface)
        return key

    def add_person(self, canonical: str, surface: str) -> Entity:
        """The person ``canonical`` (made if new), with ``surface`` among its names."""
        key = ("PERSON", canonical)
        ent = self.entities.setdefault(key, Entity(type="PERSON", canonical=canonical))
        ent.mentions.add(surface)
        return ent
