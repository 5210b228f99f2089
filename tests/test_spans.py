"""Tests of kg.recognise.spans: the span group, exact spans and token boundaries."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.recognise.spans import (
    SPANS_KEY,
    add_exact_spans,
    outside_titles,
    spans_of,
    split_tokens,
    token_bounds,
    token_texts,
)


def make_doc(*words: str) -> Doc:
    return Doc(Vocab(), words=list(words), spaces=[False] * len(words))


def test_spans_exact_spans_split_tokens_and_keep_the_group():
    doc = make_doc("巧家县", "被", "评为")
    doc = add_exact_spans(doc, [(0, 3, "PLACE")])
    doc = add_exact_spans(doc, [(1, 3, "HONOR"), (1, 3, "HONOR")])
    assert [(s.label_, s.text) for s in doc.spans[SPANS_KEY]] == [
        ("PLACE", "巧家县"),
        ("HONOR", "家县"),
    ]
    assert [t.text for t in doc] == ["巧", "家县", "被", "评为"]


def test_spans_split_tokens_keeps_every_group():
    doc = make_doc("巧家县", "被", "评为")
    doc.spans["other"] = [doc[0:2]]
    doc.spans["other"].attrs["kept"] = True
    doc.user_data["note"] = "kept"
    doc = split_tokens(doc, [1, 2])
    assert [t.text for t in doc] == ["巧", "家", "县", "被", "评为"]
    assert [s.text for s in doc.spans["other"]] == ["巧家县被"]
    assert doc.spans["other"].attrs == {"kept": True} and doc.user_data["note"] == "kept"


def test_spans_split_tokens_keeps_sentences_tags_and_whitespace():
    """A split doc is what spaCy's retokenize leaves: the pieces of a token take its tag and
    its whitespace (the last piece), and only the first piece may start a sentence."""
    doc = Doc(Vocab(), words=["他说", "巧家县", "好"], spaces=[False, True, False],
              tags=["v", "LOC", "a"], sent_starts=[True, True, False])  # fmt: skip
    split = split_tokens(doc, [3, 4])
    assert [(t.text, t.tag_, t.whitespace_, t.is_sent_start) for t in split] == [
        ("他说", "v", "", True),
        ("巧", "LOC", "", True),
        ("家", "LOC", "", False),
        ("县", "LOC", " ", False),
        ("好", "a", "", False),
    ]
    assert split.text == doc.text
    assert split_tokens(doc, [0, 2, 5]) is doc  # no cut inside a token: the doc as it was


@pytest.mark.parametrize(
    ("text", "spans", "kept"),
    [
        ("《昭通市志》昭通市", [(1, 4), (6, 9)], [(6, 9)]),
        ("昭通市", [(0, 3)], [(0, 3)]),
        ("《关于" + "长" * 90 + "》昭通市", [(1, 3)], [(1, 3)]),  # too long for a title
    ],
)
def test_spans_names_inside_titles_belong_to_the_title(text, spans, kept):
    assert outside_titles(text, spans) == kept


def test_spans_token_bounds_and_texts():
    doc = make_doc("昭通", "市", "委")
    assert token_bounds(doc) == ({0, 2, 3}, {2, 3, 4})
    assert token_texts(doc) == {0: "昭通", 2: "市", 3: "委"}
    assert token_bounds(make_doc()) == (set(), set())


def test_spans_of_labels_sorted():
    doc = make_doc("昭通", "市", "委")
    doc.spans[SPANS_KEY] = [doc.char_span(0, 4, "ORG"), doc.char_span(0, 3, "PLACE")]
    assert spans_of(doc, "PLACE") == [(0, 3)]
    assert spans_of(doc, "ORG", "PLACE") == [(0, 3), (0, 4)]
    assert spans_of(doc, "PLACE", key="other") == []
