"""What relation rules read: the clean page, its articles and the linked page, never changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from kg.lexicon.tables import idle_locality_heads, rank
from kg.link.page import LinkedPage
from kg.link.spans import Key, Link, LinkSpans, reading_order, sentence_bounds
from kg.model import Article, CleanPage, Entity, Mention


@dataclass(frozen=True)
class PageView:
    """One page as relation extraction sees it: text, articles, entities and links."""

    page: CleanPage
    articles: Mapping[int, Article]
    linked: LinkedPage
    entities: Mapping[Key, Entity]  # every entity of the linked page, by key
    links: tuple[Link, ...]  # in reading order

    @classmethod
    def of(cls, page: CleanPage, articles: Iterable[Article], linked: LinkedPage) -> PageView:
        """The view of a page and its linked entities."""
        return cls(
            page=page,
            articles=MappingProxyType({a.index: a for a in articles}),
            linked=linked,
            entities=MappingProxyType({e.key: e for e in linked.entities}),
            links=reading_order(linked.links),
        )

    @property
    def text(self) -> str:
        """The clean page text all offsets point into."""
        return self.page.text

    def article(self, index: int | None) -> Article | None:
        """The article of an index (None for the page's own furniture)."""
        return self.articles.get(index) if index is not None else None

    def in_span(self, start: int, end: int, labels: tuple[str, ...]) -> list[Link]:
        """The links whose mention lies in ``[start, end)`` and has one of ``labels``."""
        return self._spans.in_span(start, end, labels)

    @cached_property
    def _spans(self) -> LinkSpans:
        return LinkSpans(self.links)

    def actors_in_span(self, start: int, end: int, labels: tuple[str, ...]) -> list[Link]:
        """``in_span``, without the places that cannot act: a river, a park or a road is
        where something happens, not who does it (a division, a resettlement area or a
        zone with its own committee can act)."""
        return [(m, k) for m, k in self.in_span(start, end, labels) if self.can_act(k)]

    def can_act(self, key: Key) -> bool:
        """Whether the entity ``key`` may be the subject of a deed."""
        if key[0] != "PLACE":
            return True
        ent = self.entities.get(key)
        level = ent.level if ent is not None else None
        if level is None or rank(level) <= rank("village"):
            return True
        return level != "natural" and not key[1].endswith(idle_locality_heads())

    def sentence_start(self, m: Mention) -> int:
        """Start of the sentence of ``m``, not before its article's body (bylines stay out)."""
        s, _ = sentence_bounds(self.page.text, m.start)
        art = self.articles.get(m.article)
        if art is not None and art.body_start <= m.start:
            s = max(s, art.body_start)
        return s
