"""Entity spans on a Doc: the one span group, exact character spans, token boundaries.

Every recogniser writes to ``doc.spans[SPANS_KEY]``. Names are found on
characters, so a name may start or end inside a pkuseg token; the tokens are
then split at the name's boundaries, and ``span.text`` is exactly the name.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable

from spacy.tokens import Doc

from kg.intervals import Intervals

logger = logging.getLogger(__name__)

SPANS_KEY = "kg"  # the span group every kg component writes and mentions_of reads
TEXT_KEY = "kg_text"  # Doc.user_data: the doc's text, joined once
TITLE = re.compile(r"《[^《》\n]{1,80}》")

Item = tuple[int, int, str]  # (start_char, end_char, label)


def _splits(doc: Doc, cuts: list[int]) -> list[tuple[int, list[str]]]:
    """``(token index, pieces)`` of every token that a cut in ``cuts`` (sorted) falls inside."""
    splits: list[tuple[int, list[str]]] = []
    ci = 0
    for i, (t0, word) in enumerate(token_texts(doc).items()):  # arrays: Token objects are slow
        t1 = t0 + len(word)
        while ci < len(cuts) and cuts[ci] <= t0:
            ci += 1
        inner = []
        cj = ci
        while cj < len(cuts) and cuts[cj] < t1:
            inner.append(cuts[cj] - t0)
            cj += 1
        if inner:
            bounds = [0, *inner, len(word)]
            pieces = [word[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
            splits.append((i, pieces))
    return splits


def add_exact_spans(doc: Doc, items: Iterable[Item]) -> None:
    """Add ``(start_char, end_char, label)`` spans to ``doc.spans[SPANS_KEY]``, splitting tokens.

    Tokens are split at every boundary a span needs, so ``span.text`` is
    exactly the matched characters; spans already in the group are kept.
    """
    items = sorted(set(items))
    existing = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_KEY, [])]
    splits = _splits(doc, sorted({c for s, e, _ in items for c in (s, e)}))
    if splits:
        with doc.retokenize() as retok:
            for i, orths in splits:
                tok = doc[i]
                retok.split(tok, orths, heads=[(tok, k) for k in range(len(orths))])
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


def split_tokens(doc: Doc, cuts: list[int]) -> None:
    """Split tokens at character offsets ``cuts``, keeping every span group's spans."""
    saved = {
        k: [(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_) for s in g]
        for k, g in doc.spans.items()
    }
    attrs = {k: dict(g.attrs) for k, g in doc.spans.items()}
    by_token: dict[int, list[int]] = defaultdict(list)
    for c in cuts:
        span = doc.char_span(c, c + 1, alignment_mode="expand")
        if span is None or not len(span):
            continue
        tok = span[0]
        if tok.idx < c < tok.idx + len(tok.text):
            by_token[tok.i].append(c - tok.idx)
    with doc.retokenize() as retokenizer:
        for i in sorted(by_token):
            tok = doc[i]
            offsets = [0, *sorted(set(by_token[i])), len(tok.text)]
            orths = [tok.text[a:b] for a, b in zip(offsets, offsets[1:], strict=False)]
            retokenizer.split(tok, orths, heads=[(tok, 0)] * len(orths))
    for k, spans in saved.items():
        rebuilt = []
        for s, e, label, kb_id, span_id in spans:
            span = doc.char_span(s, e, label=label, kb_id=kb_id, span_id=span_id)
            if span is not None:
                rebuilt.append(span)
        doc.spans[k] = rebuilt
        doc.spans[k].attrs.update(attrs[k])


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
