"""A bare level word (市, 县, 镇, 社区…) standing for a place the article names.

In an article about 昭通, ``市政府`` is 昭通市人民政府; after 青松社区,
``社区党委书记`` is the secretary of 青松社区党委. The words and the level
each stands for are the ``bare`` rows of ``places/words.csv``. Which place of
that level a word means is the caller's: the article's place of that level
(``kg.link.scope``), or for a town, community or village the nearest one
named before it (``kg.link.orgs``, ``kg.link.posts``).
"""

from __future__ import annotations

from kg.lexicon import tables
from kg.link.lexicon import load_tables
from kg.recognise.org_names import bare_level_words

# word -> the level of place it stands for: the autonomous levels' type words (自治区党委)
# first, then the bare words in file order
BARE_LEVELS: dict[str, str] = {
    **{w.word: w.level for w in tables.place_words("level") if w.word in bare_level_words()},
    **{w.word: w.level for w in tables.place_words("bare")},
}
# A bare 镇/社区/村 stands for the nearest place of its level named before it.
NEAREST_LEVELS = ("town", "community", "village")
# ... and a bare 社区/村 only for one named in the same paragraph.
PARAGRAPH_LEVELS = ("community", "village")


def bare_word(name: str) -> str | None:
    """The bare level word ``name`` opens with (市 of 市政府), None for an ordinary word (乡村振兴局)."""
    if any(name.startswith(w) for w in load_tables().not_prefixes):
        return None
    return next((w for w in BARE_LEVELS if name.startswith(w)), None)


def with_place(name: str, word: str, place: str) -> str:
    """``name`` with its bare level ``word`` replaced by the place it stands for (市政府 → 昭通市政府)."""
    return place + name[len(word) :]


def still_meant(level: str | None, named_at: int, paragraph: int) -> bool:
    """Whether a place of ``level`` named at ``named_at`` can be what a bare word means.

    A community or village counts only in the paragraph (starting at
    ``paragraph``) that names it; a town anywhere before in the article.
    """
    return level not in PARAGRAPH_LEVELS or named_at >= paragraph
