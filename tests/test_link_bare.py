"""A bare level word standing for a place the article names (kg.link.bare)."""

from __future__ import annotations

import pytest

from kg.link.bare import BARE_LEVELS, bare_word, still_meant, with_place


@pytest.mark.parametrize(
    ("name", "word"),
    [("市政府", "市"), ("县公安局", "县"), ("镇党委", "镇"), ("社区党委书记", "社区"), ("街道党工委", "街道"),
     ("村党支部", "村"), ("乡村振兴局", None), ("政府", None)],
)  # fmt: skip
def test_link_bare_word(name, word):
    assert bare_word(name) == word


@pytest.mark.parametrize(
    ("word", "level"), [("市", "city"), ("县", "county"), ("镇", "town"), ("社区", "community")]
)
def test_link_bare_word_stands_for_a_level(word, level):
    assert BARE_LEVELS[word] == level


def test_link_bare_with_place():
    assert with_place("市政府", "市", "昭通市") == "昭通市政府"
    assert with_place("社区党委", "社区", "青松社区") == "青松社区党委"


@pytest.mark.parametrize(
    ("level", "named_at", "paragraph", "meant"),
    [("town", 3, 10, True), ("community", 3, 10, False), ("village", 12, 10, True),
     ("county", 0, 10, True)],
)  # fmt: skip
def test_link_bare_community_or_village_only_in_its_paragraph(level, named_at, paragraph, meant):
    assert still_meant(level, named_at, paragraph) is meant
