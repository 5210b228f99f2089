"""The cross-page reduce step: one node per entity however many pages name it.

``Registry`` is the only state that crosses pages. A build adds each page's
entities as the pages stream by, in order of their source, and keeps nothing
else of a page but the keys it names; once the last page is in, the registry
gives the final key of any page-level key, the merged entities, and a page's
facts and mentions moved onto the final keys. ``Registry.link_corpus`` does the
same for results held in memory, in any order.
"""

from __future__ import annotations

import logging
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from rapidfuzz import fuzz

from kg.link.moves import follow as _follow
from kg.link.names import ordinals as _ordinals
from kg.link.spans import Key
from kg.link.term_merges import merge_terms
from kg.model import Corpus, Entity, Fact, Mention, PageResult

logger = logging.getLogger(__name__)

PageMention = tuple[Mention, str, Key]  # (mention, page source, final entity key)


class Registry:
    """Entities linked across pages, added page by page in order of source.

    The same key on several pages is one entity: names seen anywhere become
    its aliases, attributes come from the first page (by source) that has
    them. Once every page is in, organ names misprinted on one page and terms
    written two ways across pages are moved onto one key; the result does not
    depend on the order in which pages were extracted.
    """

    def __init__(self) -> None:
        self._merged: dict[Key, Entity] = {}  # page-level key -> entity merged over pages
        self._last: str | None = None
        # the keys each page names, as small numbers: held until the graph is made
        self._ids: dict[Key, int] = {}
        self._keys: list[Key] = []
        self._named: dict[str, array[int]] = {}
        self._linked: tuple[dict[Key, Entity], dict[Key, Key]] | None = None

    def add(self, source: str, entities: Iterable[Entity], *, names: Iterable[Key] = ()) -> None:
        """Merge one page's entities and remember the entity keys its facts and mentions name.

        Raises:
            ValueError: ``source`` does not sort after the page added before.
        """
        if self._last is not None and source <= self._last:
            raise ValueError(f"page {source!r} added after {self._last!r}; add pages in order")
        self._last = source
        self._linked = None
        for ent in sorted(entities, key=lambda e: e.key):
            _merge_into(self._merged, ent.key, ent)
        self._named[source] = self._encode(names)

    def named(self, source: str) -> list[Key]:
        """The page-level keys page ``source`` named when it was added."""
        return [self._keys[i] for i in self._named.get(source, ())]

    @property
    def entities(self) -> dict[Key, Entity]:
        """Final key -> merged entity, for every entity of the pages added, in key order."""
        return self._link()[0]

    def final(self, key: Key) -> Key:
        """The final key of a page-level ``key``."""
        return _follow(self._link()[1], key)

    def page(self, result: PageResult) -> tuple[list[Fact], list[PageMention]]:
        """The facts and mentions of one page with their keys moved onto the final entities.

        A fact whose head and tail became one entity is dropped, and so is a
        repeat of one fact (same relation, ends, attributes and evidence).
        """
        facts: list[Fact] = []
        seen: set[tuple] = set()
        for f in result.facts:
            head = self.final(f.head)
            tail = self.final(f.tail) if f.tail is not None else None
            if head == tail:
                continue
            attrs = dict(f.attrs)
            by = attrs.get("by")
            if by:  # the bodies that conferred an award, by canonical name
                attrs["by"] = "、".join(self.final(("ORG", b))[1] for b in by.split("、"))
            fact = replace(f, head=head, tail=tail, attrs=attrs)
            sig = (fact.relation, head, tail, tuple(sorted(fact.attrs.items())), fact.evidence)
            if sig not in seen:
                seen.add(sig)
                facts.append(fact)
        source = result.meta.source
        mentions = [(m, source, self.final(k)) for m, k in result.mentions]
        return facts, mentions

    @classmethod
    def link_corpus(cls, results: Iterable[PageResult]) -> Corpus:
        """Pages held in memory, in any order, linked into one corpus (the last of a repeated source kept)."""
        by_source: dict[str, PageResult] = {}
        for result in results:
            if result.meta.source in by_source:
                logger.warning("%s added twice; keeping the last", result.meta.source)
            by_source[result.meta.source] = result
        pages = [by_source[s] for s in sorted(by_source)]
        registry = cls()
        for res in pages:
            registry.add(res.meta.source, res.entities)
        corpus = Corpus(
            pages=[r.meta for r in pages],
            articles={r.meta.source: r.articles for r in pages},
            entities=list(registry.entities.values()),
        )
        for res in pages:
            facts, mentions = registry.page(res)
            corpus.facts.extend(facts)
            corpus.mentions.extend(mentions)
        return corpus

    def _encode(self, keys: Iterable[Key]) -> array[int]:
        out = array("i")
        for key in keys:
            n = self._ids.get(key)
            if n is None:
                n = self._ids[key] = len(self._keys)
                self._keys.append(key)
            out.append(n)
        return out

    def _link(self) -> tuple[dict[Key, Entity], dict[Key, Key]]:
        """The final entities and the key moves, worked out once after the last page."""
        if self._linked is None:
            merged = self._merged
            moves = _cross_page_moves(merged)
            final: dict[Key, Entity] = {}
            for key in sorted(merged):
                _merge_into(final, _follow(moves, key), merged[key])
            self._linked = ({k: final[k] for k in sorted(final)}, moves)
        return self._linked


def page_keys(result: PageResult) -> set[Key]:
    """Every entity key a page's facts and mentions name (what its graph depends on)."""
    keys = {k for _, k in result.mentions}
    for f in result.facts:
        keys.add(f.head)
        if f.tail is not None:
            keys.add(f.tail)
    return keys


def _merge_into(store: dict[Key, Entity], key: Key, ent: Entity) -> None:
    known = store.get(key)
    if known is None:
        store[key] = replace(ent, canonical=key[1], mentions=set(ent.mentions))
        return
    known.mentions |= ent.mentions
    if known.parent is None and ent.parent is not None:
        known.parent, known.parent_source = ent.parent, ent.parent_source
    for attr in ("level", "code", "kind"):
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
