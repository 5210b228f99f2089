"""The per-page cache: keys, damaged entries, incremental rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus.build import build
from kg.corpus.cache import PageCache, page_key, pipeline_version
from kg.model import PageMeta, PageResult

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PAGES = ["000_e59ba49bd64a9ae0.txt", "003_3d028b8c8d2b6744.txt", "004_10eed4b3da10b3eb.txt"]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".kg-") for part in p.relative_to(folder).parts)
    }


def test_cache_key_changes_with_bytes_meta_and_version() -> None:
    meta = PageMeta(source="a.txt", home_place="昭通市")
    key = page_key(b"page", meta)
    assert key == page_key(b"page", meta)
    assert key != page_key(b"page!", meta)
    assert key != page_key(b"page", PageMeta(source="a.txt", home_place="鲁甸县"))
    assert key != page_key(b"page", meta, version="kg-0.0.0")
    assert pipeline_version().startswith("kg-")


def test_cache_round_trip_and_damaged_entry(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    result = PageResult(meta=PageMeta(source="a.txt"), articles=[], entities=[], facts=[])
    assert cache.get("ab" * 32) is None
    cache.put("ab" * 32, result)
    assert cache.get("ab" * 32) == result
    (tmp_path / "ab" / f"{'ab' * 32}.pickle").write_bytes(b"\x80\x05garbage")
    assert cache.get("ab" * 32) is None
    assert (cache.hits, cache.misses) == (1, 2)
    cache.put("cd" * 32, result)
    assert cache.prune({"cd" * 32}) == 1 and cache.get("cd" * 32) == result


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    rows = [
        line
        for line in (SEEDS / "manifest.csv").read_text(encoding="utf-8").splitlines()
        if line.startswith("file,") or line.split(",")[0] in PAGES
    ]
    (src / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name in PAGES[:2]:
        _copy_head(name, src)
    return src


def _copy_head(name: str, folder: Path) -> None:
    """The first articles of a seed page: enough to link, quick to extract."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    (folder / name).write_text(text[:2500], encoding="utf-8")


def test_cache_rebuild_extracts_only_new_or_changed_pages(
    corpus: Path, tmp_path: Path, nlp
) -> None:
    out = tmp_path / "out"
    first = build([corpus], out, nlp=nlp)
    assert (first.extracted, first.cached) == (2, 0)
    assert first.parts_made == first.parts > 2
    again = build([corpus], out, nlp=nlp)
    assert (again.extracted, again.parts_made) == (0, 0)  # nothing changed: every part is kept

    _copy_head(PAGES[2], corpus)  # add a page
    added = build([corpus], out, nlp=nlp)
    assert (added.extracted, added.cached) == (1, 2)
    # its own part and the entity buckets it touched; the two other pages' parts are kept
    assert 1 <= added.parts_made < added.parts - 2

    page = corpus / PAGES[0]
    page.write_text(
        page.read_text(encoding="utf-8").replace("党建", "党的建设", 1), encoding="utf-8"
    )
    changed = build([corpus], out, nlp=nlp)  # change a page
    assert (changed.extracted, changed.cached) == (1, 2)

    clean = tmp_path / "clean"
    build([corpus], clean, nlp=nlp, use_cache=False)
    assert _files(out) == _files(clean)


@pytest.mark.parametrize(
    ("imports", "listed"),
    [
        ("kg.text.read, kg.extract, kg.recognise.pipeline", "EXTRACTION_MODULES"),
        ("kg.corpus.parts", "EXTRACTION_MODULES + GRAPH_MODULES"),
    ],
)
def test_cache_versions_hash_every_module_the_stage_loads(imports: str, listed: str) -> None:
    """A module the extraction (or the graph's parts) runs but the version skips would leave stale entries."""
    import subprocess
    import sys

    code = (
        f"import sys, {imports}; from kg.corpus.cache import EXTRACTION_MODULES, GRAPH_MODULES; "
        f"names = {{m.split('.', 1)[1] for m in sys.modules if m.startswith('kg.')}}; "
        f"print(sorted(names - set({listed}) - {{'corpus', 'corpus.cache'}}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
