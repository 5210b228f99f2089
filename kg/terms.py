"""Recognise programmes, honours and documents (PROGRAM, HONOR, DOCUMENT).

STUB: the recognise-terms helper replaces this with the real component.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

SPANS_KEY = "kg"


class TermRecognizer:
    """Adds PROGRAM, HONOR and DOCUMENT spans to ``doc.spans["kg"]``."""

    def __call__(self, doc: Doc) -> Doc:
        doc.spans.setdefault(SPANS_KEY, [])
        return doc


@Language.factory("kg_terms", assigns=["doc.spans"], default_config={})
def make_term_recognizer(nlp: Language, name: str) -> TermRecognizer:
    return TermRecognizer()
