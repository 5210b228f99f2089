"""The spaCy ``zh`` pipeline that recognises the six entity types.

STUB: the recognise-names helper replaces this with the real pipeline.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import kg.terms  # noqa: F401  (registers the kg_terms factory)
from kg.model import Article, CleanPage, Mention
from kg.resources import pkuseg_model_dir

SPANS_KEY = "kg"


def build_nlp(*, segmenter: str = "pkuseg", model_dir: Path | None = None) -> Language:
    """A blank ``zh`` pipeline with kg's recognisers, loaded offline."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    if segmenter == "pkuseg":
        nlp.tokenizer.initialize(pkuseg_model=str(model_dir or pkuseg_model_dir()))
    nlp.add_pipe("kg_terms")
    return nlp


def mentions_of(doc: Doc, article: Article, page: CleanPage) -> list[Mention]:
    """The mentions of ``doc`` (the text ``page.text[article.start:article.end]``)."""
    out = []
    for span in sorted(doc.spans.get(SPANS_KEY, []), key=lambda s: (s.start_char, -s.end_char)):
        sent = span.sent if doc.has_annotation("SENT_START") else doc[:]
        out.append(
            Mention(
                text=span.text,
                label=span.label_,
                start=article.start + span.start_char,
                end=article.start + span.end_char,
                article=article.index,
                sentence=sent.text,
                sentence_start=article.start + sent.start_char,
            )
        )
    return out
