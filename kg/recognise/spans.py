"""Entity spans on a Doc: the one span group, exact character spans, token boundaries.

Every recogniser writes to ``doc.spans[SPANS_KEY]``. Names are found on
characters, so a name may start or end inside a segmenter's token; the tokens
are then split at the name's boundaries, and ``span.text`` is exactly the
name. A split makes a new doc, so a component returns the doc these give.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import cast

import numpy as np
from spacy.attrs import SENT_START, SPACY, TAG
from spacy.tokens import Doc
from thinc.types import Ints2d

from kg.intervals import Intervals

logger = logging.getLogger(__name__)

SPANS_KEY = "kg"  # the span group every kg component writes and mentions_of reads
TEXT_KEY = "kg_text"  # Doc.user_data: the doc's text, joined once
TITLE = re.compile(r"《[^《》\n]{1,80}》")

Item = tuple[int, int, str]  # (start_char, end_char, label)
NOT_SENT_START = np.uint64(2**64 - 1)  # SENT_START of a token that starts no sentence (-1)


def add_exact_spans(doc: Doc, items: Iterable[Item]) -> Doc:
    """``doc`` with ``(start_char, end_char, label)`` spans added to ``doc.spans[SPANS_KEY]``.

    Tokens are split at every boundary a span needs, so ``span.text`` is
    exactly the matched characters; spans already in the group are kept.
    Where tokens are split the doc is a new one (``split_tokens``): use the
    doc returned.
    """
    items = sorted(set(items))
    existing = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_KEY, [])]
    doc = split_tokens(doc, sorted({c for s, e, _ in items for c in (s, e)}))
    group = []
    seen = set()
    for start, end, label in existing + items:
        if (start, end, label) in seen or start >= end:
            continue
        seen.add((start, end, label))
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None:
            logger.debug("no exact span for %r [%d, %d)", doc.text[start:end], start, end)
            continue
        group.append(span)
    doc.spans[SPANS_KEY] = group
    return doc


def split_tokens(doc: Doc, cuts: list[int]) -> Doc:
    """``doc`` with its tokens split at the character offsets ``cuts``; every span group kept.

    The split doc is made anew in one pass, as spaCy's ``Doc.retokenize``
    would leave it (pieces take their token's tag and whitespace, a piece
    after the first starts no sentence), because ``retokenize`` moves the
    whole token array once per split: a page with a name in every sentence
    took time in the square of its length. ``doc`` itself is returned when
    no cut falls inside a token.
    """
    if not len(doc) or not cuts:
        return doc
    starts = doc.to_array("IDX").astype(np.int64)  # arrays: Token objects are slow
    ends = starts + doc.to_array("LENGTH").astype(np.int64)
    at = np.unique(np.asarray(cuts, dtype=np.int64))
    token = np.maximum(np.searchsorted(starts, at, side="right") - 1, 0)
    inside = (at > starts[token]) & (at < ends[token])
    if not inside.any():
        return doc
    count = np.bincount(token[inside], minlength=len(doc)) + 1  # pieces per token
    begin = np.sort(np.concatenate([starts, at[inside]]))  # where each piece starts
    # a piece ends where the next begins, or where its token ends
    end = np.minimum(np.append(begin[1:], ends[-1]), np.repeat(ends, count))
    text = text_of(doc)
    words = [text[a:b] for a, b in zip(begin.tolist(), end.tolist(), strict=True)]
    rows = np.repeat(doc.to_array([SENT_START, SPACY, TAG]), count, axis=0)
    last_piece = np.cumsum(count) - 1
    first = np.zeros(len(words), dtype=bool)
    first[last_piece - count + 1] = True
    last = np.zeros(len(words), dtype=bool)
    last[last_piece] = True
    rows[~first, 0] = NOT_SENT_START
    # tags and sentence starts set from arrays: Doc(tags=..., sent_starts=...) sets them
    # token by token in Python, three times slower than the rest of making the doc
    out = Doc(doc.vocab, words=words, spaces=(rows[:, 1].astype(bool) & last).tolist())
    out.from_array([SENT_START, TAG], cast(Ints2d, rows[:, [0, 2]]))
    out.user_data.update(doc.user_data)  # LAC's words, the joined text, extension values
    for key, group in doc.spans.items():
        made = (
            out.char_span(s.start_char, s.end_char, label=s.label_, kb_id=s.kb_id_, span_id=s.id_)
            for s in group
        )
        out.spans[key] = [span for span in made if span is not None]
        out.spans[key].attrs.update(group.attrs)
    return out


def outside_titles(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside a 《…》 title: names there belong to the title, not the article."""
    titles = Intervals([(m.start(), m.end()) for m in TITLE.finditer(text)])
    return [(s, e) for s, e in spans if not titles.holding(s, e)]


def token_bounds(doc: Doc) -> tuple[set[int], set[int]]:
    """Character offsets where tokens start and end (read as arrays: Token objects are slow)."""
    if not len(doc):
        return set(), set()
    idx = doc.to_array("IDX").tolist()
    length = doc.to_array("LENGTH").tolist()
    return set(idx), {i + n for i, n in zip(idx, length, strict=True)}


def text_of(doc: Doc) -> str:
    """``doc.text``, joined once: spaCy joins every token's text on each call, and the
    components only split tokens, which leaves the text as it was."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def token_texts(doc: Doc) -> dict[int, str]:
    """Token text by start offset."""
    if not len(doc):
        return {}
    idx = doc.to_array("IDX").tolist()
    length = doc.to_array("LENGTH").tolist()
    text = text_of(doc)
    return {i: text[i : i + n] for i, n in zip(idx, length, strict=True)}


def spans_of(doc: Doc, *labels: str, key: str = SPANS_KEY) -> list[tuple[int, int]]:
    """``(start_char, end_char)`` of the spans in group ``key`` with one of ``labels``, sorted."""
    return sorted((s.start_char, s.end_char) for s in doc.spans.get(key, []) if s.label_ in labels)
