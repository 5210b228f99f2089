"""The evidence of a fact: the sentence that states it, with its place in the raw page."""

from __future__ import annotations

from kg.link.names import clean_surface
from kg.link.spans import Key, sentence_bounds
from kg.model import Credit, Evidence
from kg.relate.view import PageView
from kg.text.normalise import original_text


def evidence_at(view: PageView, start: int, article: int | None) -> Evidence:
    """The sentence of the clean text holding offset ``start``, as the page printed it."""
    s, e = sentence_bounds(view.text, start)
    raw_s, raw_e = view.page.raw_span(s, e)
    art = view.article(article)
    return Evidence(
        source=view.page.meta.source,
        article=art.title if art else None,
        sentence=original_text(view.page, s, e).strip(),
        start=raw_s,
        end=raw_e,
    )


def evidence_for(view: PageView, key: Key) -> Evidence | None:
    """Evidence of an entity: the sentence of its first mention (or of a name holding it)."""
    for m, k in view.links:
        if k == key:
            return evidence_at(view, m.start, m.article)
    names = {key[1], *view.entities[key].mentions} if key in view.entities else {key[1]}
    for m, k in view.links:
        if k[0] == "ORG" and any(n and (n in k[1] or n in m.text) for n in names):
            return evidence_at(view, m.start, m.article)
    for credit, idx, k in view.linked.credits:
        if k == key:
            return credit_evidence(view, credit, idx)
    return headline_evidence(view, key, names)


def headline_evidence(view: PageView, key: Key, names: set[str]) -> Evidence | None:
    """The headline line (kicker, subtitle, title) that names an entity, if one does."""
    for idx, keys in sorted(view.linked.headers.items()):
        art = view.articles.get(idx)
        if art is None or key not in keys:
            continue
        for part in (art.kicker, art.subtitle, art.title):
            if part and any(n and n in clean_surface(part) for n in names):
                pos = view.text.find(part)
                if pos < 0:
                    return Evidence(view.page.meta.source, art.title, part, 0, 0)
                start, end = view.page.raw_span(pos, pos + len(part))
                printed = original_text(view.page, pos, pos + len(part))
                return Evidence(view.page.meta.source, art.title, printed, start, end)
    return None


def credit_evidence(view: PageView, credit: Credit, idx: int | None) -> Evidence:
    """The raw line a credit is printed on."""
    raw = view.page.raw
    ls = raw.rfind("\n", 0, credit.start) + 1
    le = raw.find("\n", credit.end)
    le = len(raw) if le < 0 else le
    art = view.article(idx)
    return Evidence(view.page.meta.source, art.title if art else None, raw[ls:le].strip(), ls, le)
