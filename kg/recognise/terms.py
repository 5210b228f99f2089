"""The term recogniser (``kg_terms``): programmes, honours and documents.

Three sources of mentions, all driven by the word lists in
``kg/data/programmes/terms.csv``:

* quoted terms (“…”, ‘…’, "…"), classified chain by chain (:mod:`kg.recognise.quotes`);
* titles in 《》 and unquoted named documents (…条例, …实施方案 after 印发 …);
* unquoted named programmes (…工程, …专项行动, …平台 …) whose left boundary is
  found on the segmenter's tokens, and honours after award verbs
  (:mod:`kg.recognise.unquoted`).

Every span is an exact character span of the doc (tokens are split where a
mention boundary falls inside one). ``span._.canonical`` holds the name
without quotes or 《》, with a head noun that belongs to it (“133”工作思路 →
``133工作思路``); ``span._.core`` is False for doctrine and national slogans.
"""

from __future__ import annotations

import logging

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.recognise import quotes, unquoted
from kg.recognise.component import TableComponent, not_initialised
from kg.recognise.spans import SPANS_KEY, spans_of, split_tokens, text_of, token_bounds
from kg.recognise.term_lexicon import LEXICON_FILE, Lexicon, TermOptions, TermRules, TermTables
from kg.recognise.term_text import Term, abbreviations, mask, resolve, strip_quotes

__all__ = ["LEXICON_FILE", "Lexicon", "Term", "TermRecognizer", "TermTables", "strip_quotes"]

logger = logging.getLogger(__name__)

LABELS = ("PROGRAM", "HONOR", "DOCUMENT")

if not Span.has_extension("canonical"):
    Span.set_extension("canonical", default=None)
if not Span.has_extension("core"):
    Span.set_extension("core", default=True)


def find_terms(rules: TermRules, doc: Doc, spans_key: str = SPANS_KEY) -> list[Term]:
    """Every programme, honour and document of ``doc``, without overlaps."""
    text = text_of(doc)
    titles = [(m.start(), m.end()) for m in rules.title_pattern.finditer(text)]
    candidates = quotes.titles(rules, text, titles)
    quoted = quotes.quotes(rules, text, titles)
    org_ends = frozenset(e for _, e in spans_of(doc, "ORG", key=spans_key))
    candidates += quotes.quoted_terms(rules, text, quoted, org_ends)
    candidates += quotes.compound_programmes(rules, text, quoted)
    candidates += quotes.quoted_documents(rules, text, quoted)
    context = unquoted.TermDoc.of(doc, mask(len(text), titles + quoted), spans_key)
    candidates += unquoted.named_by_head(rules, context)
    candidates += unquoted.honours_after_cues(rules, context)
    candidates += unquoted.honours_by_shape(rules, context)
    candidates += unquoted.known_documents(rules, context)
    terms = resolve(candidates)
    terms = resolve(terms + unquoted.repeats(context, terms))
    return abbreviations(text, terms)


def add_term_spans(doc: Doc, terms: list[Term], key: str) -> Doc:
    """``doc`` with ``terms`` appended as exact spans to ``doc.spans[key]``, its tokens split
    where needed (a new doc then: use the one returned)."""
    starts, ends = token_bounds(doc)
    bounds = starts | ends
    cuts = sorted({p for t in terms for p in (t.start, t.end)} - bounds)
    if cuts:
        doc = split_tokens(doc, cuts)
    group = list(doc.spans[key]) if key in doc.spans else []
    for t in terms:
        span = doc.char_span(t.start, t.end, label=t.label, alignment_mode="strict")
        if span is None:  # a boundary inside white space; keep going without it
            logger.warning("term %r at %d-%d has no token boundary", t.canonical, t.start, t.end)
            continue
        span._.canonical = t.canonical
        span._.core = t.core
        group.append(span)
    doc.spans[key] = group
    return doc


class TermRecognizer(TableComponent[TermTables]):
    """Adds PROGRAM, HONOR and DOCUMENT spans to ``doc.spans[spans_key]``."""

    tables_type = TermTables

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_terms",
        *,
        spans_key: str = SPANS_KEY,
        options: TermOptions | None = None,
    ) -> None:
        super().__init__(name)
        self.spans_key = spans_key
        self.options = options or TermOptions()
        self._rules: TermRules | None = None

    def use_tables(self, tables: TermTables) -> None:
        """Hold ``tables`` and compile the rules' patterns from them."""
        super().use_tables(tables)
        self._rules = TermRules(tables, self.options)

    @property
    def rules(self) -> TermRules:
        """The tables as the rules read them."""
        if self._rules is None:
            raise not_initialised(self.name)
        return self._rules

    def __call__(self, doc: Doc) -> Doc:
        return add_term_spans(doc, self.find(doc), self.spans_key)

    def find(self, doc: Doc) -> list[Term]:
        """Every programme, honour and document of ``doc``, without overlaps."""
        return find_terms(self.rules, doc, self.spans_key)


@spacy.registry.misc("kg.term_tables.v1")
def term_tables(lexicon_path: str | None = None) -> TermTables:
    """kg's term tables, the lexicon read from ``lexicon_path`` when it is given.

    In a config: ``[initialize.components.kg_terms.tables]`` with
    ``@misc = "kg.term_tables.v1"`` and ``lexicon_path = "…/terms.csv"``.
    """
    return TermTables.shipped(lexicon_path)


@Language.factory(
    "kg_terms",
    assigns=["doc.spans"],
    default_config={"spans_key": SPANS_KEY, "max_quote_len": 60, "max_modifier_len": 24},
)
def make_term_recognizer(
    nlp: Language, name: str, spans_key: str, max_quote_len: int, max_modifier_len: int
) -> TermRecognizer:
    """Build the term recogniser from its config; ``initialize`` gives it its tables."""
    options = TermOptions(max_quote_len=max_quote_len, max_modifier_len=max_modifier_len)
    return TermRecognizer(nlp, name, spans_key=spans_key, options=options)
