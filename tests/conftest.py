"""Session fixtures shared by the tests: one pipeline, one seed corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def nlp():
    """The full recognition pipeline, loaded once (pkuseg takes a few seconds)."""
    from kg.recognise.pipeline import build_nlp

    return build_nlp()


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
