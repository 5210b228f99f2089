"""One page through every stage: clean, split, recognise, link, relate.

``extract_page`` is the map step of a build; it needs no state but the spaCy
pipeline, so pages can be extracted in any order, in parallel or on a
cluster, and linked afterwards by ``kg.link.registry.Registry`` (page by page
in a build, or ``Registry.link_corpus`` for a corpus held in memory).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import InputError
from kg.link.home import home_place_named, infer_home_place
from kg.link.page import link_page
from kg.model import FROM_MANIFEST, Article, CleanPage, Corpus, Entity, PageMeta, PageResult
from kg.recognise.pipeline import mentions_of
from kg.relate.page import relate_page
from kg.text.clean import clean_page
from kg.text.normalise import normalise_characters
from kg.text.pdf_names import fragment_stem, is_pdf
from kg.text.read import decode_page, read_page_bytes
from kg.text.split import split_articles
from kg.text.traced import Traced

logger = logging.getLogger(__name__)

MANIFEST = "manifest.csv"
MANIFEST_FIELDS = ("file", "newspaper", "date", "home_place")
PAGE_SUFFIX = ".txt"  # a folder's page files: *.txt, in any case
_RECORD_ID = re.compile(r"#[0-9]+$")  # a crawl record's page: "<file stem>#<n>"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

OnProblem = Callable[[str, str], None]  # (file or file:line, reason)


@dataclass(frozen=True)
class PageText:
    """A page cleaned and split: its articles, and the heads printed apart from their bodies."""

    page: CleanPage
    articles: list[Article]
    heads: list[Article]  # PDF extraction may print an article's head far from its body

    def texts(self) -> list[str]:
        """The texts the pipeline reads: each article, then each detached head."""
        return [self.page.text[a.start : a.end] for a in (*self.articles, *self.heads)]


def page_text(raw: str, meta: PageMeta) -> PageText:
    """Clean ``raw`` and split it into articles (the stages before the pipeline)."""
    page = clean_page(raw, meta)
    articles = split_articles(page)
    if not articles:
        logger.warning("%s: no article found", meta.source)
    heads = [h for h in (detached_head(page, a) for a in articles) if h is not None]
    return PageText(page, articles, heads)


def tokenize(nlp: Language, texts: list[str]) -> list[Doc]:
    """The tokenizer's docs of ``texts``, in one batched pass where the tokenizer has one.

    ``nlp.pipe`` tokenises its texts one by one; LAC encodes the chunks of
    several texts together, so pages read together tokenise faster, with the
    same tokens (``tests/test_lac.py``).
    """
    pipe = getattr(nlp.tokenizer, "pipe", None)
    return list(pipe(texts)) if pipe is not None else [nlp.make_doc(t) for t in texts]


def extract_page(raw: str, meta: PageMeta, nlp: Language) -> PageResult:
    """Extract the articles, entities and facts of one page of text."""
    text = page_text(raw, meta)
    return extract_text(text, tokenize(nlp, text.texts()), nlp)


def extract_text(text: PageText, docs: list[Doc], nlp: Language) -> PageResult:
    """The rest of ``extract_page``: recognise in ``docs`` (``text.texts()``, tokenised), link, relate.

    The home place is inferred here, after tokenising and before the
    recognisers split tokens: the city the page names most is read off LAC's
    words, the tokens of ``docs``.
    """
    articles = text.articles
    page = infer_home_place(text.page, list(zip((*articles, *text.heads), docs, strict=True)))
    docs = list(nlp.pipe(docs))
    parts = zip((*articles, *text.heads), docs, strict=True)
    mentions = sorted(
        (m for a, d in parts for m in mentions_of(d, a, page)),
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


@dataclass(frozen=True)
class RowProblem:
    """A bad row of a manifest: where it is, what is wrong, and the file it names."""

    where: str  # "<manifest>:<line>"
    reason: str
    file: str


def read_manifest(folder: Path, *, on_problem: OnProblem | None = None) -> dict[str, PageMeta]:
    """Page metadata from ``folder/manifest.csv``, by file name (empty if none).

    The manifest is decoded like a page (UTF-8 with or without BOM, UTF-16
    with a BOM, GB18030/GBK as Excel writes it on Chinese Windows). A bad row
    (``manifest_rows``) goes to ``on_problem("<manifest>:<line>", reason)``;
    without ``on_problem`` it is an error.

    Raises:
        InputError: the manifest cannot be read or lacks a column; without
            ``on_problem``, a bad row.
    """
    metas, problems = manifest_rows(folder)
    for problem in problems:
        if on_problem is None:
            raise InputError(f"{problem.where}: {problem.reason}")
        on_problem(problem.where, problem.reason)
    return metas


def manifest_rows(folder: Path) -> tuple[dict[str, PageMeta], list[RowProblem]]:
    """Page metadata from ``folder/manifest.csv`` by file name, and its bad rows.

    A row naming no plain file name, or a file named before, is left out; a
    date that is not a real ``yyyy-mm-dd`` date is left out of its row (no
    ill-typed ``xsd:date`` reaches the graph).

    Raises:
        InputError: the manifest cannot be read or lacks a column.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return {}, []
    text, _encoding = decode_page(read_page_bytes(path), path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [f for f in MANIFEST_FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(MANIFEST_FIELDS)}"
        )
    metas: dict[str, PageMeta] = {}
    problems: list[RowProblem] = []
    for row in reader:
        name = (row["file"] or "").strip()
        where = f"{path}:{reader.line_num}"
        if not name or Path(name).name != name:
            reason = f"file {name!r} is not a plain file name; this row is left out"
            problems.append(RowProblem(where, reason, ""))
            continue
        if name in metas:
            reason = f"file {name!r} is listed twice; the first row is used"
            problems.append(RowProblem(where, reason, name))
            continue
        date = (row["date"] or "").strip() or None
        if date is not None and not is_iso_date(date):
            reason = (
                f"date {date!r} is not a real date written yyyy-mm-dd (e.g. 2022-11-22); "
                f"{name} is built without a date"
            )
            problems.append(RowProblem(where, reason, name))
            date = None
        home = _name(row["home_place"])
        metas[name] = PageMeta(
            source=name,
            newspaper=_name(row["newspaper"]),
            date=date,
            home_place=home,
            home_from=FROM_MANIFEST if home else None,
        )
    return metas, problems


def _name(value: str | None) -> str | None:
    """A manifest's name, normalised as page text is (kg.text.normalise), or None if blank."""
    text = normalise_characters(Traced.of(value or "")).text.strip()
    return text or None


def is_iso_date(value: str) -> bool:
    """Whether ``value`` is a real calendar date written ``yyyy-mm-dd`` (ASCII digits)."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def page_meta(path: Path, manifest: dict[str, PageMeta]) -> PageMeta:
    """The manifest's metadata for a page, or an empty record named after it.

    A name that is not valid UTF-8 (GBK bytes from a zip, say) is found in a
    manifest that names it in GBK; otherwise the page is named with the bad
    bytes written ``\\xNN`` (``shown``).
    """
    name = path.name
    meta = manifest.get(name)
    if meta is None and shown(name) != name:
        try:
            meta = manifest.get(os.fsencode(name).decode("gb18030"))
        except UnicodeDecodeError:
            meta = None
    return meta or PageMeta(source=shown(name))


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


def shown(text: str) -> str:
    """``text`` (a file name or path) as printable UTF-8: bytes that are not UTF-8 written ``\\xNN``.

    Names read from disk carry such bytes as surrogate escapes (PEP 383), which
    no UTF-8 file, report or terminal can hold.
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no file name gave
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def is_page_name(name: str) -> bool:
    """Whether a folder entry named ``name`` is a page file: ``*.txt`` or ``*.pdf``, in any case."""
    return name.lower().endswith(PAGE_SUFFIX) or is_pdf(name)


def page_stem(name: str) -> str:
    """A page's name without ``.txt`` (any case): its page file is ``<stem>.json``.

    Page N of a PDF file of several pages, ``x.pdf#page=N``, is ``x_pN``; a crawl
    record's page, ``<file stem>#<n>``, is named so already.
    """
    if name.lower().endswith(PAGE_SUFFIX):
        return name[: -len(PAGE_SUFFIX)]
    if _RECORD_ID.search(name):
        return name
    return fragment_stem(name) or Path(name).stem


def folder_entries(
    folder: Path, *, is_page: Callable[[str], bool] = is_page_name
) -> tuple[list[Path], list[Path]]:
    """The page entries of ``folder`` (``*.txt`` and ``*.pdf`` in any case), and its subfolders that hold some.

    ``is_page`` says which names are pages (a build reads more formats).

    Subfolders are not searched (a build takes the folders it is given);
    those holding page files are returned so that the caller can say so.
    Hidden subfolders (``.git``, editor backups) are passed over silently.
    """
    pages: list[Path] = []
    subfolders: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if is_page(entry.name):
            pages.append(entry)
        elif entry.is_dir() and not entry.name.startswith(".") and _holds_pages(entry, is_page):
            subfolders.append(entry)
    return pages, subfolders


def _holds_pages(folder: Path, is_page: Callable[[str], bool]) -> bool:
    try:
        return any(is_page(e.name) for e in os.scandir(folder))
    except OSError:
        return False


def iter_pages(paths: Iterable[Path]) -> list[Path]:
    """The page files among ``paths`` (folders are searched for ``*.txt``, any case), sorted.

    Raises:
        InputError: a path does not exist.
    """
    pages: list[Path] = []
    for p in paths:
        if p.is_dir():
            pages.extend(q for q in folder_entries(p)[0] if q.is_file())
        elif p.is_file():
            pages.append(p)
        else:
            raise InputError(f"{shown(str(p))}: no such file or folder")
    return sorted(set(pages), key=lambda q: (q.name, str(q)))


def extract_files(
    paths: list[Path],
    out_dir: Path,
    *,
    nlp: Language | None = None,
    page_timeout: float = 0,
    home_place: str | None = None,
) -> list[tuple[str, str]]:
    """Extract each page into ``out_dir/<page stem>.json`` (the gold format).

    Pages are found as a build finds them (``kg.corpus.inputs.collect_pages``):
    of two pages with one name only the first is written, the other is
    skipped with the reason. A page that cannot be read, fails, or takes
    longer than ``page_timeout`` seconds (0: no limit) is skipped too; every
    other page is still written. ``home_place`` is the place a bare 市/县
    means on pages whose manifest row gives none (else inferred per page).

    Returns:
        The skipped files, each with the reason.

    Raises:
        InputError: ``home_place`` is not a place the gazetteer knows.
    """
    from kg.corpus.inputs import Reading, collect_pages, read_input, strip_path
    from kg.corpus.options import MAX_CHARS
    from kg.text.read import MAX_BYTES

    home = home_place_named(home_place) if home_place is not None else None
    out = _GoldWriter(out_dir, nlp, page_timeout)
    for page in collect_pages(paths, on_problem=out.skip, reading=Reading(home_place=home)):
        try:  # page text, a PDF page, a saved web page or a crawl record
            _, text, _ = read_input(page, max_bytes=MAX_BYTES, max_chars=MAX_CHARS)
        except InputError as e:
            out.flush()  # the skipped files in input order
            out.skip(page.where, strip_path(shown(str(e)), page.path))
            continue
        out.add(text, page.meta, page.stem, page.where)
    out.flush()
    return out.skipped


class _GoldWriter:
    """Pages extracted a batch at a time (they tokenise together), written in the gold format."""

    def __init__(self, out_dir: Path, nlp: Language | None, page_timeout: float) -> None:
        self.out_dir = out_dir
        self.nlp = nlp
        self.page_timeout = page_timeout
        self.skipped: list[tuple[str, str]] = []
        self.batch: list[tuple[str, PageMeta, str, str]] = []  # (text, meta, stem, where)

    def skip(self, file: str, reason: str) -> None:
        logger.warning("skipping %s: %s", file, reason)
        self.skipped.append((file, reason))

    def add(self, text: str, meta: PageMeta, stem: str, where: str) -> None:
        from kg.corpus.engines import PAGES_PER_BATCH

        self.batch.append((text, meta, stem, where))
        if len(self.batch) >= PAGES_PER_BATCH:
            self.flush()

    def flush(self) -> None:
        import json

        from kg.atomic import atomic_write_text
        from kg.corpus.engines import extract_batch, load_nlp

        if not self.batch:
            return
        self.nlp = self.nlp or load_nlp()
        pages = [(t, m) for t, m, _, _ in self.batch]
        outcomes = extract_batch(pages, self.nlp, page_timeout=self.page_timeout)
        for (_, _, stem, where), outcome in zip(self.batch, outcomes, strict=True):
            if isinstance(outcome, str):
                self.skip(where, outcome)
                continue
            doc = json.dumps(to_gold_json(outcome), ensure_ascii=False, indent=1) + "\n"
            atomic_write_text(self.out_dir / f"{stem}.json", doc)
        self.batch.clear()
