"""The corpus build: outputs, determinism, engines, lock, strictness."""

from __future__ import annotations

import filecmp
import gc
import json
import os
import shutil
import time
from pathlib import Path

import filelock
import pytest
from conftest import output_files
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.corpus.build import LOCK_NAME, build
from kg.corpus.engines import LocalRunner, PoolRunner, make_runner
from kg.corpus.inputs import collect_pages
from kg.corpus.options import BuildOptions
from kg.errors import InputError
from kg.extract import to_gold_json

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TWO = [SEEDS / "000_e59ba49bd64a9ae0.txt", SEEDS / "003_3d028b8c8d2b6744.txt"]


@pytest.fixture(scope="module")
def built(nlp, tmp_path_factory):
    """Two seed pages built once (with the cache, in this process)."""
    out = tmp_path_factory.mktemp("built")
    report = build(TWO, out, nlp=nlp)
    return out, report


def test_build_writes_every_output(built) -> None:
    out, report = built
    assert report.pages_ok == 2 and report.ok
    assert report.encodings == {p.name: "utf-8" for p in TWO}
    assert {"graph.ttl", "graph.html", "report.json"} <= {p.name for p in report.outputs}
    assert all(p.is_file() for p in report.outputs)
    assert sorted(p.name for p in (out / "pages").iterdir()) == sorted(
        p.stem + ".json" for p in TWO
    )
    g = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(g) > 0
    assert not list(out.glob(".kg-staging*"))


def test_build_report_json_has_no_timings(built) -> None:
    out, report = built
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "timings" not in doc and doc["pages_ok"] == 2
    assert doc["skipped"] == [] and doc["entities"] == report.entities
    assert set(report.timings) >= {"read", "extract", "link", "graph", "export_rdf", "total"}


def test_build_page_json_matches_extraction(built, seed_results) -> None:
    out, _ = built
    for page in TWO:
        want = json.dumps(to_gold_json(seed_results[page.name]), ensure_ascii=False, indent=2)
        assert (out / "pages" / f"{page.stem}.json").read_text(encoding="utf-8") == want + "\n"


def test_build_clean_build_is_byte_identical(built, nlp, tmp_path: Path) -> None:
    out, _ = built
    build(TWO, tmp_path, nlp=nlp, use_cache=False)
    assert output_files(tmp_path) == output_files(out)


def test_build_lock_stops_a_second_build(tmp_path: Path) -> None:
    lock = filelock.FileLock(str(tmp_path / LOCK_NAME))
    with lock:
        t0 = time.monotonic()
        with pytest.raises(InputError, match="another build is writing"):
            build(TWO, tmp_path)
        assert time.monotonic() - t0 < 5
    assert not (tmp_path / "graph.ttl").exists()


def test_build_strict_stops_at_first_bad_page(tmp_path: Path, nlp) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(TWO[0], src / "b.txt")
    (src / "a.txt").write_bytes(b"")
    with pytest.raises(InputError, match=r"a\.txt: empty file"):
        build([src], tmp_path / "out", nlp=nlp, strict=True)


def test_build_nothing_built_keeps_previous_output(built, tmp_path: Path) -> None:
    out, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(InputError, match="no page could be built.*PNG"):
        build([bad], copy)
    assert output_files(copy) == output_files(out)


def test_build_folder_without_pages_writes_nothing(tmp_path: Path) -> None:
    """Issue 18: no lock, no cache, no folder; the message says what was looked for."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "notes.md").write_text("not a page", encoding="utf-8")
    out = tmp_path / "new" / "out"
    with pytest.raises(
        InputError,
        match=r"no page \(\*\.txt, \*\.pdf, \*\.html, .*\) in .*src \(1 problem\(s\): .*notes\.md: "
        r"not a format kg reads .*\); nothing was written",
    ):
        build([src], out)
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    with pytest.raises(InputError, match="nothing was written"):
        build([src], existing, cache_dir=tmp_path / "cache")
    assert list(existing.iterdir()) == [] and not (tmp_path / "cache").exists()


def test_build_no_page_could_be_built_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "out"
    with pytest.raises(InputError, match="no page could be built of .*PNG.*nothing was written"):
        build([bad], out)
    assert not out.exists()


def test_build_rebuild_drops_pages_no_longer_given(built, nlp, tmp_path: Path) -> None:
    out, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    report = build(TWO[:1], copy, nlp=nlp)
    assert report.cached == 1 and report.extracted == 0
    assert [p.name for p in (copy / "pages").iterdir()] == [TWO[0].stem + ".json"]


def test_build_collect_pages_reports_problems(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "manifest.csv").write_text(
        "file,newspaper,date,home_place\np.txt,昭通日报,2022-11-22,昭通市\nghost.txt,,,\n",
        encoding="utf-8",
    )
    (a / "p.txt").write_text("x", encoding="utf-8")
    (b / "p.txt").write_text("y", encoding="utf-8")
    (b / "q.md").write_text("not a page", encoding="utf-8")
    problems: list[tuple[str, str]] = []
    pages = collect_pages(
        [b, a, tmp_path / "nope"], on_problem=lambda f, r: problems.append((f, r))
    )
    assert [(p.path, p.meta.home_place) for p in pages] == [(a / "p.txt", "昭通市")]
    assert [f for f, _ in problems] == [
        str(a / "manifest.csv"),
        str(tmp_path / "nope"),
        str(b / "p.txt"),
    ]
    assert "ghost.txt" in problems[0][1] and "another page named" in problems[2][1]


def test_build_default_workers_is_one_for_small_inputs() -> None:
    small = make_runner(BuildOptions(), nlp=None, n_pages=5)
    assert isinstance(small, LocalRunner)
    big = make_runner(BuildOptions(workers=2), nlp=None, n_pages=5)
    assert isinstance(big, PoolRunner) and big.workers == 2


def test_build_freezes_the_heap_only_when_kg_loads_the_pipeline(monkeypatch) -> None:
    """The pipeline kg loads for itself is moved out of the collector's sight (gc.freeze);
    a pipeline a caller hands in leaves the caller's process as it was."""
    import kg.recognise.pipeline

    gc.unfreeze()
    monkeypatch.setattr(kg.recognise.pipeline, "build_nlp", lambda: "a loaded pipeline")
    try:
        LocalRunner(nlp="a caller's pipeline").submit([])  # type: ignore[arg-type]
        assert gc.get_freeze_count() == 0
        LocalRunner(nlp=None).submit([])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_build_is_kg_build_and_takes_options_or_keywords(tmp_path: Path) -> None:
    import kg
    import kg.corpus.build

    assert kg.build is kg.corpus.build.build and kg.BuildOptions is BuildOptions
    with pytest.raises(TypeError, match="not both"):
        build(TWO, tmp_path, options=BuildOptions(), workers=2)
    with pytest.raises(InputError, match="workers=0"):
        build(TWO, tmp_path, workers=0)
    with pytest.raises(InputError, match="export format 'png'"):
        build(TWO, tmp_path, options=BuildOptions(formats=["turtle", "png"]))


def test_build_rejects_unknown_engine(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="engine 'spark'"):
        build(TWO, tmp_path, engine="spark")


@pytest.mark.slow
def test_build_process_pool_gives_same_files(built, tmp_path: Path) -> None:
    out, _ = built
    report = build(TWO, tmp_path, workers=2, use_cache=False)
    assert report.extracted == 2
    assert output_files(tmp_path) == output_files(out)


@pytest.mark.slow
def test_build_dask_gives_isomorphic_graph(built, tmp_path: Path) -> None:
    out, _ = built
    report = build(TWO, tmp_path, engine="dask", workers=2, use_cache=False, partition_size=1)
    assert report.pages_ok == 2 and report.extracted == 2
    local = Graph().parse(out / "graph.ttl", format="turtle")
    dask = Graph().parse(tmp_path / "graph.ttl", format="turtle")
    assert isomorphic(local, dask)
    assert filecmp.cmp(out / "report.json", tmp_path / "report.json", shallow=False)


def test_build_corpusgen_renames_places_deterministically() -> None:
    from kg.corpus.generate import CorpusGenerator, PlaceName, load_seeds

    places = [
        PlaceName("昭通市", "昭通", 2),
        PlaceName("曲靖市", "曲靖", 2),
        PlaceName("鲁甸县", "鲁甸", 3),
        PlaceName("陆良县", "陆良", 3),
    ]
    seeds = load_seeds(SEEDS)
    gen = CorpusGenerator(seeds, places, seed=1)
    text, home, paper = gen.page(0)
    assert (text, home, paper) == CorpusGenerator(seeds, places, seed=1).page(0)
    assert home == "曲靖市" and paper == "昭通日报"
    assert "昭通" not in text and "曲靖市" in text
    assert gen.page(1)[0] != text


def test_build_atomic_write_gives_normal_permissions(tmp_path) -> None:
    from kg.atomic import atomic_write_text, file_mode

    target = tmp_path / "x.txt"
    atomic_write_text(target, "图")
    assert target.stat().st_mode & 0o777 == file_mode()
    assert target.read_text(encoding="utf-8") == "图"


@pytest.mark.parametrize("length", [200, 247, 255])
def test_build_atomic_write_of_a_name_near_name_max(tmp_path: Path, length: int) -> None:
    """The temporary file of a 241–255-byte name stays under the 255-byte limit (issue 17, item 3)."""
    from kg.atomic import atomic_write_text

    name = "长" * ((length - 5) // 3) + "x" * ((length - 5) % 3) + ".json"
    assert len(name.encode()) == length
    atomic_write_text(tmp_path / name, "图")
    assert [p.name for p in tmp_path.iterdir()] == [name]


def _nquads(data: bytes) -> set[str]:
    import pyoxigraph as ox

    return {str(q) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}


def test_build_store_follows_rebuilds_part_by_part(tmp_path: Path, nlp) -> None:
    import pyoxigraph as ox

    out = tmp_path / "out"
    first = build(TWO[:1], out, nlp=nlp, sparql_store=True, formats=["turtle", "nquads"])
    assert first.store_sync == (0, first.parts)  # a new store: every part loaded
    store_quads = {str(q) for q in ox.Store(str(out / "store"))}
    assert store_quads == _nquads((out / "graph.nq").read_bytes()) and len(store_quads) > 1000

    second = build(TWO, out, nlp=nlp, sparql_store=True, formats=["turtle", "nquads"])
    assert second.store_sync is not None
    gone, new = second.store_sync
    assert 1 <= new < second.parts and gone < first.parts  # only what the added page changed
    store_quads = {str(q) for q in ox.Store(str(out / "store"))}
    assert store_quads == _nquads((out / "graph.nq").read_bytes())

    (out / "store" / "kg-parts.txt").write_text("interrupted\n", encoding="utf-8")
    third = build(TWO, out, nlp=nlp, sparql_store=True, formats=["turtle", "nquads"])
    assert third.store_sync == (0, third.parts)  # an interrupted sync: loaded again whole
    assert {str(q) for q in ox.Store(str(out / "store"))} == store_quads


def test_build_store_leaves_a_foreign_store_alone(tmp_path: Path, nlp) -> None:
    import pyoxigraph as ox

    (tmp_path / "out").mkdir()
    foreign = ox.Store(str(tmp_path / "out" / "store"))
    foreign.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    foreign.flush()
    del foreign
    with pytest.raises(InputError, match="kg did not make"):
        build(TWO[:1], tmp_path / "out", nlp=nlp, sparql_store=True)


def test_build_removes_what_an_interrupted_build_left(tmp_path: Path, nlp) -> None:
    out = tmp_path / "out"
    for left in (out / ".kg-staging" / "pages", out / ".kg-tmp-abc123"):
        left.mkdir(parents=True)
        (left / "half.json").write_text("{", encoding="utf-8")
    build(TWO[:1], out, nlp=nlp, use_cache=False)
    assert not (out / ".kg-staging").exists() and not list(out.glob(".kg-tmp-*"))
    assert (out / "graph.ttl").is_file()


@pytest.mark.parametrize("cap", [40, 5000])
def test_build_page_without_network_files_is_the_page_of_the_whole_view(
    tmp_path: Path, nlp, cap: int
) -> None:
    """Without GraphML/GEXF the page is drawn from the best-connected entities' view only: same bytes."""
    whole = build(TWO, tmp_path / "whole", nlp=nlp, html_max_nodes=cap)
    lean = build(TWO, tmp_path / "lean", nlp=nlp, html_max_nodes=cap, formats=["turtle"])
    assert whole.entities == lean.entities and (cap < whole.entities) == (cap == 40)
    page = (tmp_path / "whole" / "graph.html").read_bytes()
    assert page == (tmp_path / "lean" / "graph.html").read_bytes()
    assert (b"best-connected of" in page) == (cap == 40)


def _network_files_by(monkeypatch, tmp_path: Path, *, die: bool = False) -> Path:
    """Record which process writes the network files (``die``: a forked one dies first)."""
    from kg.corpus import outputs

    log, parent, real = tmp_path / "writers.txt", os.getpid(), outputs._whole_network_files

    def recorded(*args):
        if die and os.getpid() != parent:
            os._exit(1)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{'parent' if os.getpid() == parent else 'forked'}\n")
        return real(*args)

    monkeypatch.setattr(outputs, "_whole_network_files", recorded)
    monkeypatch.setattr(outputs, "APART_MIN_FACTS", 1)
    return log


@pytest.mark.parametrize("die", [False, True])
def test_build_with_workers_writes_network_files_apart_same_bytes(
    tmp_path: Path, nlp, monkeypatch, caplog, die: bool
) -> None:
    """With two processes a large graph's GraphML and GEXF come from a forked process, the page
    is drawn the lean way meanwhile: every file as one process writes it. If the forked
    process dies, the build writes them itself."""
    one = build(TWO, tmp_path / "one", nlp=nlp, workers=1, use_cache=False)
    log = _network_files_by(monkeypatch, tmp_path, die=die)
    two = build(TWO, tmp_path / "two", nlp=nlp, workers=2, use_cache=False)
    assert log.read_text(encoding="utf-8").split() == (["parent"] if die else ["forked"])
    assert ("writing them here" in caplog.text) == die
    names = sorted(p.name for p in (tmp_path / "one").glob("graph.*"))
    assert "graph.gexf" in names and "graph.graphml" in names and "graph.html" in names
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert one.facts == two.facts > 0 and one.quads == two.quads


def test_build_default_leaves_network_files_out_of_a_large_graph(
    tmp_path: Path, nlp, monkeypatch
) -> None:
    """Above NETWORK_MAX_FACTS the default skips GraphML/GEXF, says so, and removes old ones."""
    out = tmp_path / "out"
    build(TWO, out, nlp=nlp)
    assert (out / "graph.graphml").is_file() and (out / "graph.gexf").is_file()
    monkeypatch.setattr("kg.corpus.outputs.NETWORK_MAX_FACTS", 10)
    report = build(TWO, out, nlp=nlp)
    assert sorted(report.left_out) == ["gexf", "graphml"]
    assert "--format graphml" in report.left_out["graphml"]
    assert "not written: graphml" in report.summary()
    assert not (out / "graph.graphml").exists() and not (out / "graph.gexf").exists()
    assert (out / "graph.ttl").is_file() and (out / "graph.html").is_file()
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(doc["left_out"]) == ["gexf", "graphml"]
    assert "graph.graphml" not in doc["outputs"]
    asked = build(TWO, out, nlp=nlp, formats=["turtle", "graphml"])
    assert not asked.left_out and (out / "graph.graphml").is_file()
    assert sorted(p.name for p in out.glob("graph.*")) == [
        "graph.graphml",
        "graph.html",
        "graph.ttl",
    ]
