"""Link mentions to canonical entities, within a page and across pages.

STUB: the link-relate helper replaces this with the real linker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.model import Article, CleanPage, Corpus, Entity, Mention, PageResult


@dataclass
class LinkedPage:
    """The entities of one page and which mention went to which entity."""

    entities: list[Entity]
    links: list[tuple[Mention, tuple[str, str]]]
    article_places: dict[int, str] = field(default_factory=dict)  # Article.index -> place


def link_page(page: CleanPage, articles: list[Article], mentions: list[Mention]) -> LinkedPage:
    """Group the mentions of a page into canonical entities."""
    entities: dict[tuple[str, str], Entity] = {}
    links = []
    for m in mentions:
        ent = entities.setdefault((m.label, m.text), Entity(type=m.label, canonical=m.text))
        ent.mentions.add(m.text)
        links.append((m, ent.key))
    return LinkedPage(entities=list(entities.values()), links=links)


class Registry:
    """The entities linked so far, across pages: the reduce step of a build."""

    def __init__(self) -> None:
        self._corpus = Corpus()

    def add(self, result: PageResult) -> None:
        """Merge one page's result into the corpus."""
        c = self._corpus
        c.pages.append(result.meta)
        c.articles[result.meta.source] = result.articles
        known = {e.key: e for e in c.entities}
        for ent in result.entities:
            if ent.key in known:
                known[ent.key].mentions |= ent.mentions
            else:
                c.entities.append(ent)
                known[ent.key] = ent
        c.facts.extend(result.facts)
        c.mentions.extend((m, result.meta.source, k) for m, k in result.mentions)

    def corpus(self) -> Corpus:
        return self._corpus
