"""The per-page cache: keys, damaged entries, incremental rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import output_files

from kg.corpus.build import build
from kg.corpus.cache import PageCache, page_key, pipeline_version
from kg.model import PageMeta, PageResult

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PAGES = ["000_e59ba49bd64a9ae0.txt", "003_3d028b8c8d2b6744.txt", "004_10eed4b3da10b3eb.txt"]


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
    assert output_files(out) == output_files(clean)


@pytest.mark.parametrize(
    ("imports", "hashed"),
    [
        ("kg.text.read, kg.extract, kg.recognise.pipeline", "extraction_files(root)"),
        ("kg.corpus.parts", "extraction_files(root) + graph_files(root)"),
    ],
)
def test_cache_versions_hash_every_module_the_stage_loads(imports: str, hashed: str) -> None:
    """A module the extraction (or the graph's parts) runs but the version skips would leave stale entries."""
    import subprocess
    import sys

    code = (
        f"import sys, pathlib, {imports}; import kg; "
        "from kg.corpus.cache import extraction_files, graph_files; "
        "root = pathlib.Path(kg.__file__).resolve().parent; "
        "loaded = {pathlib.Path(m.__file__).resolve() for n, m in list(sys.modules.items()) "
        "if n.startswith('kg.') and getattr(m, '__file__', None)}; "
        f"files = {{f.resolve() for f in {hashed}}}; "
        "skip = {root / 'corpus' / '__init__.py', root / 'corpus' / 'cache.py'}; "
        "print(sorted(str(f.relative_to(root)) for f in loaded - files - skip))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_cache_extraction_leaves_out_the_graphs_modules() -> None:
    import kg
    from kg.corpus.cache import extraction_files

    root = Path(kg.__file__).resolve().parent
    names = {str(f.relative_to(root)) for f in extraction_files(root)}
    assert "link/registry.py" not in names and "graph/rdf.py" not in names
    assert {"extract.py", "recognise/lac.py", "text/clean.py"} <= names


def _result(source: str) -> PageResult:
    return PageResult(meta=PageMeta(source=source), articles=[], entities=[], facts=[])


def test_cache_entry_of_another_page_is_dropped(tmp_path: Path, caplog) -> None:
    """Every entry carries its key: another page's valid entry copied over it is a miss (item 7)."""
    cache = PageCache(tmp_path)
    a, b = "aa" * 32, "ab" * 32
    cache.put(a, _result("a.txt"))
    cache.put(b, _result("b.txt"))
    (tmp_path / "ab" / f"{b}.pickle").write_bytes((tmp_path / "aa" / f"{a}.pickle").read_bytes())
    assert cache.get(b) is None and cache.get(a) == _result("a.txt")
    assert "not this page's" in caplog.text


def test_cache_part_store_rows_carry_their_keys(tmp_path: Path, caplog) -> None:
    """A swapped links row or an edited part is dropped, never read as another's (item 7)."""
    from kg.corpus.parts import PageLinks, Part, PartStore

    with PartStore(tmp_path / "parts.sqlite") as store:
        store.put_links("k1", PageLinks([], frozenset(), "{1}", {}))
        store.put_links("k2", PageLinks([], frozenset(), "{2}", {}))
        store.put_part("d1", Part({"turtle": b"<a> <b> <c> ."}, [("a", "b", "c")], 1))
        db = store._db
        rows = dict(db.execute("SELECT key, data FROM links"))
        db.execute("UPDATE links SET data = ? WHERE key = 'k1'", (rows["k2"],))
        [(blob,)] = db.execute("SELECT data FROM parts WHERE digest = 'd1'")
        edited = blob.replace(b"<c>", b"<x>")
        assert edited != blob
        db.execute("UPDATE parts SET data = ? WHERE digest = 'd1'", (edited,))
        assert store.get_links("k1") is None and store.get_links("k2").page_json == "{2}"
        assert store.get_part("d1") is None
    assert caplog.text.count("damaged or not this key's") == 2


@pytest.mark.parametrize("damage", ["truncated", "bad header", "garbage"])
def test_cache_damaged_part_store_is_started_again(
    corpus: Path, tmp_path: Path, nlp, caplog, damage: str
) -> None:
    """A damaged parts.sqlite warns and is rebuilt: no traceback, the same graph (item 7)."""
    out = tmp_path / "out"
    build([corpus], out, nlp=nlp, formats=["turtle"])
    store = out / ".kg-cache" / "parts.sqlite"
    data = store.read_bytes()
    assert len(data) > 8192
    if damage == "truncated":
        store.write_bytes(data[: len(data) // 2])
    elif damage == "bad header":
        store.write_bytes(b"not a database!!" + data[16:])
    else:
        store.write_bytes(bytes(range(256)) * 40)
    again = build([corpus], out, nlp=nlp, formats=["turtle"])
    assert "is damaged" in caplog.text and again.parts_made == again.parts
    clean = tmp_path / "clean"
    build([corpus], clean, nlp=nlp, use_cache=False, formats=["turtle"])
    assert output_files(out) == output_files(clean)


def test_cache_swapped_entries_never_give_a_wrong_graph(corpus: Path, tmp_path: Path, nlp) -> None:
    """Two pages' cache entries and links rows swapped: the pages are extracted again (item 7)."""
    import sqlite3

    out = tmp_path / "out"
    build([corpus], out, nlp=nlp, formats=["turtle"])
    entries = sorted((out / ".kg-cache").glob("*/*.pickle"))
    assert len(entries) == 2
    first, second = (p.read_bytes() for p in entries)
    entries[0].write_bytes(second)
    entries[1].write_bytes(first)
    db = sqlite3.connect(out / ".kg-cache" / "parts.sqlite")
    (k1, d1), (k2, d2) = db.execute("SELECT key, data FROM links ORDER BY key").fetchall()
    db.execute("UPDATE links SET data = ? WHERE key = ?", (d2, k1))
    db.execute("UPDATE links SET data = ? WHERE key = ?", (d1, k2))
    db.execute("DELETE FROM parts")  # the parts are made again from the page results
    db.commit()
    db.close()
    again = build([corpus], out, nlp=nlp, formats=["turtle"])
    assert again.extracted == 2
    clean = tmp_path / "clean"
    build([corpus], clean, nlp=nlp, use_cache=False, formats=["turtle"])
    assert output_files(out) == output_files(clean)


def test_cache_is_pruned_of_what_no_build_uses(corpus: Path, tmp_path: Path, nlp) -> None:
    """Edited pages leave no entry behind; outputs sharing a cache keep each other's (item 8)."""
    shared = tmp_path / "cache"
    one, two = tmp_path / "one", tmp_path / "two"
    build([corpus], one, nlp=nlp, cache_dir=shared, formats=["turtle"])
    keys = {p.stem for p in shared.glob("*/*.pickle")}
    assert len(keys) == 2
    page = corpus / PAGES[0]
    page.write_text(page.read_text(encoding="utf-8") + "\n本报讯 又一条。\n", encoding="utf-8")
    build([corpus / PAGES[0]], two, nlp=nlp, cache_dir=shared, formats=["turtle"])
    both = {p.stem for p in shared.glob("*/*.pickle")}
    assert keys < both and len(both) == 3  # "one" still uses the old entries
    build([corpus], one, nlp=nlp, cache_dir=shared, formats=["turtle"])
    now = {p.stem for p in shared.glob("*/*.pickle")}
    assert len(now) == 2 and now < both  # the entry of the page before its edit is gone
    import shutil

    shutil.rmtree(two)
    build([corpus / PAGES[1]], one, nlp=nlp, cache_dir=shared, formats=["turtle"])
    assert len(list(shared.glob("*/*.pickle"))) == 1  # "two" is gone, "one" uses one page
