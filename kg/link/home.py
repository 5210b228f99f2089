"""The page's home place: the place a bare 市/县 means when no article names its own.

A manifest row or the ``home_place`` build option gives it; otherwise it is
inferred from what the page prints, in this order: the newspaper's name
(昭通日报 → 昭通市, from the manifest or the masthead), a dateline naming the
paper's place or the paper (本报永善讯, 昭通日报记者), and the city the page
names most. ``PageMeta.home_from`` records which, for the build report.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from functools import cache

from spacy.tokens import Doc

from kg.errors import InputError
from kg.lexicon import tables
from kg.link.lexicon import gazetteer
from kg.link.places import PagePlaces
from kg.link.scope import most_named_city
from kg.model import FROM_OPTION, Article, CleanPage, PageMeta

logger = logging.getLogger(__name__)

# a paper is a home place's when named after a province, city or county (not 人民日报)
HOME_LEVELS = ("province", "city", "county")


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(tables.pattern(name))


def home_place_named(name: str) -> str:
    """The gazetteer's canonical name of a home place given by a person (昭通 → 昭通市).

    Raises:
        InputError: the gazetteer knows no such place, or several.
    """
    place = gazetteer().resolve(name.strip(), context=[]) if name.strip() else None
    if place is None or place.level == "country":
        raise InputError(
            f"home place {name!r} is not a place the gazetteer knows (or it names several); "
            "expected a province, city or county such as 昭通市"
        )
    return place.name


def with_home_place(meta: PageMeta, home_place: str | None) -> PageMeta:
    """``meta`` with ``home_place`` (the build option) where its manifest row gives none."""
    if home_place and not meta.home_place:
        return dataclasses.replace(meta, home_place=home_place, home_from=FROM_OPTION)
    return meta


def infer_home_place(page: CleanPage, docs: Sequence[tuple[Article, Doc]] = ()) -> CleanPage:
    """``page`` with its home place inferred from the newspaper, a dateline or the cities named.

    ``docs``: the page's articles, tokenised, whose words the cities are read
    from (``most_named_city``). A page that has a home place already is
    returned as it is; one where none can be chosen is logged as a warning
    and keeps none.
    """
    meta = page.meta
    if meta.home_place:
        return page
    found = _from_paper(meta.newspaper, "newspaper") or _from_dateline(page.text)
    if found is None:
        city = most_named_city(page.text, PagePlaces({}), docs)
        found = (city, "city the page names most") if city else None
    if found is None:
        logger.warning(
            "%s: no home place (no manifest row, newspaper, dateline or most-named city); "
            "a bare 市/县 stays place-less: give --home-place",
            meta.source,
        )
        return page
    place, why = found
    return dataclasses.replace(
        page, meta=dataclasses.replace(meta, home_place=place, home_from=why)
    )


def _from_paper(paper: str | None, what: str) -> tuple[str, str] | None:
    """The place a local paper is named after (昭通日报 → 昭通市), with the reason."""
    m = _pattern("paper_place").match(paper or "")
    place = _home(m["place"]) if m else None
    return (place, f"{what} {paper}") if place else None


def _from_dateline(text: str) -> tuple[str, str] | None:
    """The place the first dateline naming the paper's place or the paper gives."""
    for m in _pattern("home_dateline").finditer(text):
        found = _from_paper(m["paper"], "dateline") if m["paper"] else None
        if found is None and m["place"]:
            place = _home(m["place"])
            found = (place, f"dateline {m[0]}") if place else None
        if found is not None:
            return found
    return None


def _home(name: str) -> str | None:
    """The province, city or county ``name`` means, if exactly one."""
    place = gazetteer().resolve(name, context=[])
    return place.name if place is not None and place.level in HOME_LEVELS else None
