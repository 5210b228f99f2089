"""Tests of kg.recognise.spans: the span group, exact spans and token boundaries."""

from __future__ import annotations

import random

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


def _split_by_hand(doc: Doc, cuts: list[int]) -> list[tuple[str, str, str, bool | None]]:
    """(text, tag, whitespace, starts a sentence) of each token of ``doc`` split at ``cuts``,
    token by token: a piece takes its token's tag, the last piece its whitespace, and a
    piece after the first starts no sentence."""
    rows = []
    for t in doc:
        inner = sorted(c - t.idx for c in set(cuts) if t.idx < c < t.idx + len(t))
        bounds = [0, *inner, len(t)]
        for k, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            last = k == len(bounds) - 2
            rows.append((t.text[a:b], t.tag_, t.whitespace_ if last else "",
                         t.is_sent_start if k == 0 else False))  # fmt: skip
    return rows


def test_spans_split_tokens_on_random_docs_and_cuts():
    rng = random.Random(7)
    for _ in range(500):
        words = ["".join(rng.choice("巧家县被评为") for _ in range(rng.randint(1, 4)))
                 for _ in range(rng.randint(1, 12))]  # fmt: skip
        doc = Doc(Vocab(), words=words, spaces=[rng.random() < 0.3 for _ in words],
                  tags=[rng.choice(["n", "LOC", ""]) for _ in words],
                  sent_starts=[rng.choice([True, False, None]) for _ in words])  # fmt: skip
        doc.spans[SPANS_KEY] = [doc[0:1], doc[len(doc) - 1 :]]
        cuts = rng.sample(range(len(doc.text) + 1), rng.randint(0, len(doc.text) + 1))
        split = split_tokens(doc, cuts)
        assert [(t.text, t.tag_, t.whitespace_, t.is_sent_start) for t in split] == (
            _split_by_hand(doc, cuts)
        ), (words, cuts)
        assert split.text == doc.text
        assert [s.text for s in split.spans[SPANS_KEY]] == [s.text for s in doc.spans[SPANS_KEY]]


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
