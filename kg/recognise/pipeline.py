"""The spaCy ``zh`` pipeline that recognises the six entity types, and its mentions.

Places, organisations and persons are found on characters (Aho-Corasick
over the gazetteer and the organ tables, compiled regexes for the rest), so
segmentation errors cannot cut a name; the tokens are then split at every
span boundary, so each span in ``doc.spans[SPANS_KEY]`` is exactly the
matched text. Each component is a module of its own: ``kg_places``
(:mod:`kg.recognise.places`), ``kg_orgs`` (:mod:`kg.recognise.orgs`),
``kg_persons`` (:mod:`kg.recognise.persons`) and ``kg_terms`` for PROGRAM,
HONOR and DOCUMENT (:mod:`kg.recognise.terms`).

The tokenizer is Baidu LAC (:mod:`kg.recognise.lac`): its words carry their
part of speech and LAC's PER/LOC/ORG names, the statistical candidates. Every
component merges them with its rules by one policy, after spaCy's
``span_ruler``/``entity_ruler`` conventions:

1. rules win on their types and exact table hits: a span a rule or a table
   finds is kept;
2. the model fills the gaps: a LAC name overlapping no rule span of any type
   becomes an entity of its type when it passes that type's grammar (a person
   without a trailing title, an organisation ending in a head noun, a place
   the gazetteer knows or ending in a locality head);
3. a LAC name never overrides a rule span it overlaps; it may only extend one
   through the type's own grammar.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

# importing the components registers their factories
import kg.recognise.orgs
import kg.recognise.persons
import kg.recognise.places
import kg.recognise.terms  # noqa: F401
from kg.model import Article, CleanPage, Mention
from kg.recognise.lac import LAC_TOKENIZER
from kg.recognise.spans import SPANS_KEY
from kg.resources import pkuseg_model_dir
from kg.text.normalise import original_text

# The longest sentence a mention quotes whole: real ones are far shorter (the
# longest of the seed and dev pages has 343 characters); a longer run, with no
# sentence end, is quoted QUOTE_MAX / 2 characters either side of the mention.
QUOTE_MAX = 1000

__all__ = ["SENT_PUNCT", "SPANS_KEY", "build_nlp", "mentions_of"]

logger = logging.getLogger(__name__)

SENT_PUNCT = ["。", "！", "？", "；", "…", "!", "?", ";", "\n"]
COMPONENTS = ("kg_places", "kg_orgs", "kg_persons", "kg_terms")


def build_nlp(*, segmenter: str = "lac", model_dir: Path | None = None) -> Language:
    """A blank ``zh`` pipeline with kg's recognisers, initialised with kg's tables, offline.

    Args:
        segmenter: ``lac`` (the default: Baidu LAC's words, with their part of
            speech and PER/LOC/ORG tags as ``token.tag_``), or spaCy's own
            ``pkuseg`` (its model fetched once by ``kg setup``) or ``char``.
        model_dir: the pkuseg model's folder, for ``segmenter="pkuseg"``.
    """
    config: dict = {"nlp": {"tokenizer": {"segmenter": segmenter}}}
    if segmenter == "lac":
        config = {"nlp": {"tokenizer": {"@tokenizers": LAC_TOKENIZER}}}
    elif segmenter == "pkuseg":
        pkuseg_model = str(model_dir or pkuseg_model_dir())
        config["initialize"] = {"tokenizer": {"pkuseg_model": pkuseg_model}}
    nlp = spacy.blank("zh", config=config)
    nlp.add_pipe("sentencizer", config={"punct_chars": SENT_PUNCT})
    for name in COMPONENTS:
        nlp.add_pipe(name)
    nlp.initialize()
    return nlp


def mentions_of(doc: Doc, article: Article, page: CleanPage) -> list[Mention]:
    """The mentions of ``doc`` (the text ``page.text[article.start:article.end]``), each with
    its span in the clean page and in the raw file."""
    out = []
    quoted: dict[tuple[int, int], str] = {}  # one sentence's text, quoted once for its mentions
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    firsts = [s.start for s in sents]
    for span in sorted(
        doc.spans.get(SPANS_KEY, []), key=lambda s: (s.start_char, -s.end_char, s.label_)
    ):
        # span.sent, found by bisection: span.sent walks token by token
        first = sents[bisect_right(firsts, span.start) - 1]
        last = sents[bisect_right(firsts, max(span.end - 1, span.start)) - 1]
        sent = doc[first.start : last.end]
        lo, hi = sent.start_char, sent.end_char
        if hi - lo > QUOTE_MAX:  # a run with no sentence end: quote around the mention
            lo = max(lo, span.start_char - QUOTE_MAX // 2)
            hi = min(hi, span.end_char + QUOTE_MAX // 2)
        where = (article.start + lo, article.start + hi)
        if where not in quoted:
            quoted[where] = original_text(page, *where)
        start, end = article.start + span.start_char, article.start + span.end_char
        raw_start, raw_end = page.raw_span(start, end)
        out.append(
            Mention(
                text=span.text,
                label=span.label_,
                start=start,
                end=end,
                article=article.index,
                sentence=quoted[where],
                sentence_start=where[0],
                raw_start=raw_start,
                raw_end=raw_end,
                canonical=span._.canonical if Span.has_extension("canonical") else None,
                core=bool(span._.core) if Span.has_extension("core") else True,
            )
        )
    return out
