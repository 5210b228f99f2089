"""The cross-page reduce step: one node per entity however many pages name it.

``link_entities`` (``Linker`` as pages stream) merges the pages' entities,
deterministically and independently of the order of the pages; ``Registry``
does the same for a corpus held in memory.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from kg.link.page import Key, _follow, _ordinals, merge_terms
from kg.model import Corpus, Entity, Fact, Mention, PageResult

logger = logging.getLogger(__name__)


@dataclass
class Links:
    """The corpus's entities after cross-page merging, and how page-level keys map onto them."""

    entities: dict[Key, Entity]  # final key -> merged entity, every key of the corpus
    moves: dict[Key, Key]  # page-level key -> the key it was merged into

    def follow(self, key: Key) -> Key:
        """The final key of a page-level ``key``."""
        return _follow(self.moves, key)

    def page(self, result: PageResult) -> tuple[list[Fact], list[tuple[Mention, str, Key]]]:
        """The facts and mentions of one page with their keys moved to the final entities.

        A fact whose head and tail became one entity is dropped, and so is a
        repeat of one fact (same relation, ends, attributes and evidence).
        """
        facts: list[Fact] = []
        seen: set[tuple] = set()
        for f in result.facts:
            head = self.follow(f.head)
            tail = self.follow(f.tail) if f.tail is not None else None
            if head == tail:
                continue
            fact = replace(f, head=head, tail=tail, attrs=dict(f.attrs))
            sig = (fact.relation, head, tail, tuple(sorted(fact.attrs.items())), fact.evidence)
            if sig not in seen:
                seen.add(sig)
                facts.append(fact)
        source = result.meta.source
        mentions = [(m, source, self.follow(k)) for m, k in result.mentions]
        return facts, mentions


def page_keys(result: PageResult) -> set[Key]:
    """Every entity key a page's facts and mentions name (what its graph depends on)."""
    keys = {k for _, k in result.mentions}
    for f in result.facts:
        keys.add(f.head)
        if f.tail is not None:
            keys.add(f.tail)
    return keys


class Linker:
    """Links pages' entities as the pages stream by: the reduce step of a build.

    Pages must come in order of their source (file name), so that merged
    attributes come from the first page, by source, that has them, as in
    ``link_entities``. Only the merged entities are held, not the pages.
    """

    def __init__(self) -> None:
        self._merged: dict[Key, Entity] = {}
        self._last: str | None = None

    def add(self, source: str, entities: Iterable[Entity]) -> None:
        """Merge one page's entities.

        Raises:
            ValueError: ``source`` does not sort after the page added before.
        """
        if self._last is not None and source <= self._last:
            raise ValueError(f"page {source!r} added after {self._last!r}; add pages in order")
        self._last = source
        for ent in sorted(entities, key=lambda e: e.key):
            _merge_into(self._merged, ent.key, ent)

    def links(self) -> Links:
        """The final entities: organ misprints and terms written two ways moved onto one key."""
        merged = self._merged
        moves = _cross_page_moves(merged)
        final: dict[Key, Entity] = {}
        for key in sorted(merged):
            _merge_into(final, _follow(moves, key), merged[key])
        return Links(entities={k: final[k] for k in sorted(final)}, moves=moves)


def link_entities(pages: Iterable[tuple[str, Iterable[Entity]]]) -> Links:
    """Merge the entities of every page (``(source, entities)``) into one node per entity.

    The same key on several pages is one entity (names seen anywhere become
    its aliases; attributes come from the first page, by source, that has
    them); then organ misprints and terms written two ways across pages are
    moved onto one key. The result does not depend on the order of ``pages``.
    """
    linker = Linker()
    for source, entities in sorted(pages, key=lambda p: p[0]):
        linker.add(source, entities)
    return linker.links()


class Registry:
    """The pages linked so far: the reduce step of a build, for a corpus held in memory.

    Pages may be added in any order; ``corpus()`` sorts them by source and
    merges the same entity seen on several pages (same key, an organ name
    misprinted on one page, a programme written two ways) into one node.
    A build does the same page by page (``link_entities``, ``Links.page``)
    without holding every page.
    """

    def __init__(self) -> None:
        self._results: dict[str, PageResult] = {}

    def add(self, result: PageResult) -> None:
        """Merge one page's result into the corpus."""
        if result.meta.source in self._results:
            logger.warning("%s added twice; keeping the last", result.meta.source)
        self._results[result.meta.source] = result

    def corpus(self) -> Corpus:
        """Every page added so far, linked across pages."""
        results = [self._results[s] for s in sorted(self._results)]
        links = link_entities((r.meta.source, r.entities) for r in results)
        facts: list[Fact] = []
        mentions: list[tuple[Mention, str, Key]] = []
        for res in results:
            page_facts, page_mentions = links.page(res)
            facts.extend(page_facts)
            mentions.extend(page_mentions)
        return Corpus(
            pages=[r.meta for r in results],
            articles={r.meta.source: r.articles for r in results},
            entities=list(links.entities.values()),
            facts=facts,
            mentions=mentions,
        )


def _merge_into(store: dict[Key, Entity], key: Key, ent: Entity) -> None:
    known = store.get(key)
    if known is None:
        store[key] = replace(ent, canonical=key[1], mentions=set(ent.mentions))
        return
    known.mentions |= ent.mentions
    for attr in ("parent", "level", "code", "kind"):
        if getattr(known, attr) is None and getattr(ent, attr) is not None:
            setattr(known, attr, getattr(ent, attr))
    known.pseudonym = known.pseudonym or ent.pseudonym
    known.core = known.core and ent.core


def _cross_page_moves(entities: dict[Key, Entity]) -> dict[Key, Key]:
    """Keys to rewrite: organ misprints, and terms written two ways, across pages."""
    moves = merge_terms(entities.values())
    orgs = sorted(k[1] for k in entities if k[0] == "ORG")
    weight = {o: len(entities[("ORG", o)].mentions) for o in orgs}
    # _same_org needs the same first three and last characters: compare within buckets only
    buckets: dict[tuple[str, str], list[str]] = defaultdict(list)
    for o in orgs:
        buckets[(o[:3], o[-1])].append(o)
    for _, group in sorted(buckets.items()):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if ("ORG", a) in moves or ("ORG", b) in moves or not _same_org(a, b):
                    continue
                keep, drop = sorted((a, b), key=lambda o: (-weight[o], -len(o), o))
                moves[("ORG", drop)] = ("ORG", keep)
    return moves


def _same_org(a: str, b: str) -> bool:
    """Two organ names that differ by a misprint in the organ part, same place prefix."""
    if _ordinals(a) != _ordinals(b) or a[-1] != b[-1] or min(len(a), len(b)) < 7:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if i < 3:
        return False
    return fuzz.ratio(a, b) >= 94 and abs(len(a) - len(b)) <= 1
