"""One page through every stage: clean, split, recognise, link, relate.

``extract_page`` is the map step of a build; it needs no state but the spaCy
pipeline, so pages can be extracted in any order, in parallel or on a
cluster, and linked afterwards by ``kg.link.registry.Registry`` (page by page
in a build, or ``Registry.link_corpus`` for a corpus held in memory).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy.language import Language

from kg.errors import InputError
from kg.link.page import link_page
from kg.model import Article, CleanPage, Corpus, Entity, PageMeta, PageResult
from kg.recognise.pipeline import mentions_of
from kg.relate.page import relate_page
from kg.text.clean import clean_page
from kg.text.split import split_articles

logger = logging.getLogger(__name__)

MANIFEST = "manifest.csv"
MANIFEST_FIELDS = ("file", "newspaper", "date", "home_place")


def extract_page(raw: str, meta: PageMeta, nlp: Language) -> PageResult:
    """Extract the articles, entities and facts of one page of text."""
    page = clean_page(raw, meta)
    articles = split_articles(page)
    if not articles:
        logger.warning("%s: no article found", meta.source)
    docs = list(nlp.pipe(page.text[a.start : a.end] for a in articles))
    mentions = [m for a, d in zip(articles, docs, strict=True) for m in mentions_of(d, a, page)]
    # PDF extraction may print an article's head far from its body: read it too
    heads = [h for h in (detached_head(page, a) for a in articles) if h is not None]
    for head, doc in zip(heads, nlp.pipe(page.text[h.start : h.end] for h in heads), strict=True):
        mentions.extend(mentions_of(doc, head, page))
    mentions = sorted(
        (
            replace(m, raw_start=r[0], raw_end=r[1])
            for m in mentions
            for r in [page.raw_span(m.start, m.end)]
        ),
        key=lambda m: (m.start, -m.end, m.label),
    )
    linked = link_page(page, articles, mentions)
    facts = relate_page(page, articles, linked)
    return PageResult(
        meta=page.meta,
        articles=articles,
        entities=list(linked.entities),
        facts=facts,
        mentions=list(linked.links),
    )


def detached_head(page: CleanPage, article: Article) -> Article | None:
    """The article narrowed to its head (kicker, title, subtitle) when that lies outside its range.

    Returns None when the head is inside ``page.text[article.start:article.end]``.
    """
    if article.title_start is None or article.start <= article.title_start < article.end:
        return None
    window = 400  # a head's lines sit within a few lines of its title
    lo = article.title_start
    hi = article.title_start + len(article.title)
    for part in (article.kicker, article.subtitle):
        if not part:
            continue
        pos = page.text.find(part, max(0, lo - window), hi + window)
        if pos >= 0:
            lo, hi = min(lo, pos), max(hi, pos + len(part))
    hi = min(hi, len(page.text))
    return replace(article, start=lo, end=hi, body=page.text[lo:hi], body_start=lo)


def read_manifest(folder: Path) -> dict[str, PageMeta]:
    """Page metadata from ``folder/manifest.csv``, by file name (empty if none).

    Raises:
        InputError: the manifest lacks a column or names a file twice.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [f for f in MANIFEST_FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(MANIFEST_FIELDS)}"
            )
        metas: dict[str, PageMeta] = {}
        for line, row in enumerate(reader, start=2):
            name = (row["file"] or "").strip()
            if not name or Path(name).name != name:
                raise InputError(f"{path}:{line}: file {name!r} is not a plain file name")
            if name in metas:
                raise InputError(f"{path}:{line}: file {name!r} is listed twice")
            metas[name] = PageMeta(
                source=name,
                newspaper=(row["newspaper"] or "").strip() or None,
                date=(row["date"] or "").strip() or None,
                home_place=(row["home_place"] or "").strip() or None,
            )
    return metas


def page_meta(path: Path, manifest: dict[str, PageMeta]) -> PageMeta:
    """The manifest's metadata for a page, or an empty record named after it."""
    return manifest.get(path.name) or PageMeta(source=path.name)


def to_gold_json(result: PageResult) -> dict[str, Any]:
    """One page's result in the gold format of GUIDELINES.md."""
    ids: dict[tuple[str, str], str] = {}
    entities = []
    for n, ent in enumerate(sorted(result.entities, key=_entity_order), start=1):
        ids[ent.key] = f"E{n}"
        entities.append(_entity_json(ent, f"E{n}"))
    relations = []
    for fact in result.facts:
        if fact.head not in ids or (fact.tail is not None and fact.tail not in ids):
            logger.warning("%s: dropping %s with an unknown end", result.meta.source, fact.relation)
            continue
        rel: dict[str, Any] = {"type": fact.relation, "head": ids[fact.head]}
        if fact.tail is not None:
            rel["tail"] = ids[fact.tail]
        rel.update(fact.attrs)
        relations.append(rel)
    meta = result.meta
    return {
        "doc": meta.source,
        "newspaper": meta.newspaper,
        "date": meta.date,
        "home_place": meta.home_place,
        "articles": [
            {
                "title": a.title,
                "kicker": a.kicker,
                "subtitle": a.subtitle,
                "first_words": a.first_words,
                **({} if a.title_printed else {"title_printed": False}),
            }
            for a in result.articles
        ],
        "entities": entities,
        "relations": relations,
    }


def corpus_entities_json(corpus: Corpus) -> list[dict[str, Any]]:
    """Every entity of a corpus in the gold format (ids E1, E2, … in a stable order)."""
    ents = sorted(corpus.entities, key=_entity_order)
    return [_entity_json(e, f"E{n}") for n, e in enumerate(ents, start=1)]


def _entity_order(ent: Entity) -> tuple[int, str]:
    order = {"PLACE": 0, "ORG": 1, "PERSON": 2, "PROGRAM": 3, "HONOR": 4, "DOCUMENT": 5}
    return (order.get(ent.type, 9), ent.canonical)


def _entity_json(ent: Entity, ident: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ident,
        "type": ent.type,
        "canonical": ent.canonical,
        "mentions": sorted(ent.mentions),
    }
    if ent.type == "PLACE":
        out["level"] = ent.level
        out["parent"] = ent.parent
        if ent.code:
            out["code"] = ent.code
    if ent.type == "ORG" and ent.kind:
        out["kind"] = ent.kind
    if ent.pseudonym:
        out["pseudonym"] = True
    out["core"] = ent.core
    return out


def iter_pages(paths: Iterable[Path]) -> list[Path]:
    """The page files among ``paths`` (folders are searched for ``*.txt``), sorted.

    Raises:
        InputError: a path does not exist.
    """
    pages: list[Path] = []
    for p in paths:
        if p.is_dir():
            pages.extend(sorted(q for q in p.glob("*.txt") if q.is_file()))
        elif p.is_file():
            pages.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    return sorted(set(pages), key=lambda q: (q.name, str(q)))


def extract_files(
    paths: list[Path], out_dir: Path, *, nlp: Language | None = None
) -> list[tuple[Path, str]]:
    """Extract each page into ``out_dir/<page stem>.json`` (the gold format).

    Pages that cannot be read are skipped and returned with the reason;
    every other page is still written.

    Returns:
        The skipped pages, each with the reason.
    """
    import json

    from kg.atomic import atomic_write_text
    from kg.recognise.pipeline import build_nlp
    from kg.text.read import read_page

    nlp = nlp or build_nlp()
    manifests: dict[Path, dict[str, PageMeta]] = {}
    skipped: list[tuple[Path, str]] = []
    for path in iter_pages(paths):
        folder = path.parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder)
        try:
            raw, _encoding = read_page(path)
        except InputError as e:
            logger.warning("skipping %s: %s", path, e)
            skipped.append((path, str(e)))
            continue
        result = extract_page(raw, page_meta(path, manifests[folder]), nlp)
        text = json.dumps(to_gold_json(result), ensure_ascii=False, indent=1) + "\n"
        atomic_write_text(out_dir / f"{path.stem}.json", text)
    return skipped
