"""Link the mentions of one page to canonical entities (the link stage's entry point).

``link_page`` turns the mentions of one page into final entities with
canonical names (GUIDELINES.md, "Canonical names"), family by family:
places (``place_mentions``), what each article is about (``scope``), organs
(``orgs``), people, terms and credits, then the merges of names written two
ways (``org_merges``, ``term_merges``), the recogniser's term names
(``terms.name_terms``) and the units post phrases imply (``posts``). What it
returns is a frozen ``LinkedPage``; relation extraction reads it and never
changes it. The cross-page reduce step is ``kg.link.registry``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from kg.link.credits import link_credits
from kg.link.moves import apply_moves, follow
from kg.link.org_merges import merge_orgs
from kg.link.orgs import OrgNamer, link_orgs, org_places
from kg.link.people import link_people
from kg.link.place_mentions import link_places
from kg.link.posts import PostPhrase, PostUnits, link_posts
from kg.link.scope import article_scope, header_entities, home_levels
from kg.link.spans import Key, Link, reading_order
from kg.link.state import PageLinking
from kg.link.term_merges import merge_terms, merge_variants
from kg.link.terms import link_terms, name_terms
from kg.model import Article, CleanPage, Credit, Entity, Mention

logger = logging.getLogger(__name__)

CreditLink = tuple[
    Credit, int | None, Key
]  # a credit, its article's index (None: the page), entity


def _frozen(mapping: Mapping[Any, Any] | None = None) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class LinkedPage:
    """The final entities of one page and which mention went to which entity.

    Read-only: relation extraction reads it and returns facts. ``entities``
    ends with the units post phrases imply (``implied``: unit -> the place
    it is in), after the entities the page names (by type and name).
    """

    entities: tuple[Entity, ...]
    links: tuple[Link, ...]
    article_places: Mapping[int, str] = field(default_factory=_frozen)  # Article.index -> place
    credits: tuple[CreditLink, ...] = ()
    # place -> the named non-administrative areas (安置区…) the text places it in
    areas: Mapping[Key, tuple[str, ...]] = field(default_factory=_frozen)
    # Article.index -> level -> the place a bare 市/县/… means in the article
    article_levels: Mapping[int, Mapping[str, str]] = field(default_factory=_frozen)
    # Article.index -> organs then places its kicker, subtitle and title name
    headers: Mapping[int, tuple[Key, ...]] = field(default_factory=_frozen)
    # organ -> the organ it is a unit of, where a name chain says so (人社局就业局)
    units: Mapping[Key, Key] = field(default_factory=_frozen)
    # person mention -> the post phrases printed right before it
    posts: Mapping[Mention, tuple[PostPhrase, ...]] = field(default_factory=_frozen)
    implied: Mapping[Key, Key] = field(default_factory=_frozen)


@dataclass
class _Named:
    """What the families found besides entities and links, before the merges."""

    namer: OrgNamer
    article_places: dict[int, str]
    levels_of: dict[int, dict[str, str]]
    credits: list[CreditLink]
    headers: dict[int, list[Key]]


def link_page(page: CleanPage, articles: list[Article], mentions: list[Mention]) -> LinkedPage:
    """Group the mentions of a page into its final entities (implied units included)."""
    run = PageLinking.start(page, articles, mentions)
    named = _link_mentions(run)
    moves = _merges(run)
    apply_moves(run.entities, moves)
    _finish_entities(run, named.namer, moves)
    links = [(m, follow(moves, k)) for m, k in run.links]
    links.sort(key=lambda mk: (mk[0].start, mk[0].end, mk[0].label, mk[1]))
    by_name = sorted(run.entities.values(), key=lambda e: (e.type, e.canonical))
    entities, links = name_terms(by_name, links)
    final = {e.key: e for e in entities}
    units = PostUnits(page.text, reading_order(links), final, named.levels_of)
    posts = link_posts(page, units.links, units)
    areas = {k: tuple(sorted(v)) for k, v in sorted(run.places.areas.items()) if k in final}
    headers = {
        i: tuple(dict.fromkeys(follow(moves, k) for k in ks)) for i, ks in named.headers.items()
    }
    nested = sorted(named.namer.nested.items())
    return LinkedPage(
        entities=(*entities, *(final[k] for k in units.implied)),
        links=tuple(links),
        article_places=_frozen(named.article_places),
        credits=tuple((c, a, follow(moves, k)) for c, a, k in named.credits),
        areas=_frozen(areas),
        article_levels=_frozen({i: _frozen(lv) for i, lv in named.levels_of.items()}),
        headers=_frozen(headers),
        units=_frozen({follow(moves, ("ORG", i)): follow(moves, ("ORG", o)) for i, o in nested}),
        posts=_frozen(posts),
        implied=_frozen(units.implied),
    )


def _link_mentions(run: PageLinking) -> _Named:
    """Run the families that link mentions, in the order each needs the one before."""
    link_places(run)
    scopes = {idx: article_scope(run, art) for idx, art in sorted(run.articles.items())}
    levels_of = {idx: levels for idx, (_, levels) in scopes.items()}
    namer = OrgNamer(run.places)
    link_orgs(run, namer, levels_of)
    link_people(run)
    link_terms(run, home_levels(run))
    credits = link_credits(run, namer, levels_of)
    headers = {idx: header_entities(run, namer, art, levels_of.get(idx, {}))
               for idx, art in sorted(run.articles.items())}  # fmt: skip
    org_places(run)
    # a place named only by a bare word (市 of 市政府) has that word as its printed form
    for place, word in sorted(namer.bare_forms.items()):
        ent = run.entities.get(("PLACE", place))
        if ent is not None and not ent.mentions:
            ent.mentions.add(word)
    article_places = {idx: about for idx, (about, _) in scopes.items() if about}
    return _Named(namer, article_places, levels_of, credits, headers)


def _merges(run: PageLinking) -> dict[Key, Key]:
    """Moves merging names written two ways: organs, then terms, then programme variants."""
    moves = merge_orgs(run.places, sorted(k[1] for k in run.entities if k[0] == "ORG"))
    moves.update(merge_terms(list(run.entities.values()), by_suffix=True))
    variants = merge_variants(run.entities, run.first_seen)
    moves.update({k: v for k, v in variants.items() if k not in moves})
    return moves


def _finish_entities(run: PageLinking, namer: OrgNamer, moves: dict[Key, Key]) -> None:
    """Settle the places, make the outer agencies of nested names organs, drop unprinted entities."""
    _settle_places(run)
    for outer in sorted(set(namer.nested.values())):
        if follow(moves, ("ORG", outer)) not in run.entities:
            # named inside the nested name: an organ of its own
            run.add_org(outer, namer.nested_printed.get(outer))
    for key in sorted(k for k, e in run.entities.items() if not e.mentions):
        logger.debug("%s: %s has no printed form; dropped", run.page.meta.source, key)
        del run.entities[key]


def _settle_places(run: PageLinking) -> None:
    """Give each place entity the level, code and parent linking found for it."""
    for info in run.places.known.values():
        ent = run.entities.get(("PLACE", info.canonical))
        if ent is not None:
            ent.level, ent.code = info.level, info.code
            ent.parent = info.parent if info.parent != info.canonical else None
            ent.parent_source = info.parent_source if ent.parent else None
