"""Session fixtures shared by the tests: one pipeline, one seed corpus."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "gold"
# Real articles of three other sources with their gold, kept beside the checkout (CI has
# it; a user's clone does not, and the tests that read it skip there).
DEV = ROOT.parent / "shared" / "dev"


def gold_scorer() -> ModuleType:
    """The gold's own scorer, ``tests/gold/score.py``, as a module."""
    spec = importlib.util.spec_from_file_location("gold_score", GOLD / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def output_files(folder: Path) -> dict[str, bytes]:
    """The output files as a user sees them (through the links), not kg's own folders."""
    files = {}
    for root, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if not (d.startswith(".kg-") or d == "current")]
        for name in names:
            path = Path(root) / name
            if not name.startswith(".kg-"):
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))


def triples(facts, relation: str) -> set[tuple]:
    """``(head, tail, post or year)`` of the facts of one relation, by canonical name."""
    return {
        (f.head[1], f.tail[1] if f.tail else None, f.attrs.get("post") or f.attrs.get("year"))
        for f in facts
        if f.relation == relation
    }


@pytest.fixture(scope="session")
def full_nlp():
    """The full recognition pipeline, loaded once (a module may override ``nlp``, not this)."""
    from kg.recognise.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def nlp(full_nlp):
    """The full recognition pipeline."""
    return full_nlp


@pytest.fixture(scope="session")
def seed_results(nlp):
    """Every seed page extracted, by file name."""
    from kg.extract import extract_page, iter_pages, page_meta, read_manifest

    manifest = read_manifest(SEEDS)
    return {
        p.name: extract_page(p.read_text(encoding="utf-8"), page_meta(p, manifest), nlp)
        for p in iter_pages([SEEDS])
    }


@pytest.fixture(scope="session")
def seed_corpus(seed_results):
    """The seed pages linked into one corpus."""
    from kg.link.registry import Registry

    return Registry.link_corpus(seed_results.values())


def one_article_page(text, spans, *, title="标题", kicker=None, home="昭通市", credits=(), lead=""):
    """A page of one article, ``text``, and the mentions ``(name, label)`` found in order in it.

    ``lead`` is printed before ``text`` in the raw page only (so raw offsets differ).
    """
    from kg.model import Article, CleanPage, Mention, PageMeta

    page = CleanPage(meta=PageMeta(source="p.txt", home_place=home), raw=lead + text, text=text,
                     offsets=[i + len(lead) for i in range(len(text))])  # fmt: skip
    art = Article(index=0, title=title, body=text, body_start=0, start=0, end=len(text),
                  kicker=kicker, credits=list(credits))  # fmt: skip
    seen: dict[str, int] = {}
    mentions = []
    for name, label in spans:
        pos = -1
        for _ in range(seen.get(name, 0) + 1):
            pos = text.index(name, pos + 1)
        seen[name] = seen.get(name, 0) + 1
        mentions.append(Mention(name, label, pos, pos + len(name), 0, "", 0))
    return page, art, mentions


@pytest.fixture(scope="session")
def one_article():
    """``one_article_page``: a one-article page and hand-made mentions found in order in it."""
    return one_article_page


@pytest.fixture(scope="session")
def link_text():
    """Link hand-made mentions ``(name, label)`` of a one-article page (``one_article_page``)."""
    from kg.link.page import link_page

    def link(text, spans, **kw):
        page, art, mentions = one_article_page(text, spans, **kw)
        return link_page(page, [art], mentions)

    return link


@pytest.fixture(scope="session")
def relate_text():
    """Link and relate hand-made mentions of a one-article page; the page and its facts."""
    from kg.link.page import link_page
    from kg.relate.page import relate_page

    def relate(text, spans, **kw):
        page, art, mentions = one_article_page(text, spans, lead="  ", **kw)
        return page, relate_page(page, [art], link_page(page, [art], mentions))

    return relate


@pytest.fixture(scope="session")
def dev_report(full_nlp):
    """The dev articles (text the rules were not written on) extracted and scored."""
    import json

    from kg.evaluate import score
    from kg.extract import extract_page, to_gold_json
    from kg.model import PageMeta

    if not (DEV / "gold").is_dir():
        pytest.skip(f"{DEV} is absent: the dev articles are kept beside the checkout, not in it")
    pairs = []
    for path in sorted((DEV / "articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        result = extract_page(text, PageMeta(source=path.name), full_nlp)
        gold = json.loads((DEV / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        pairs.append((gold, to_gold_json(result)))
    return score(pairs)
