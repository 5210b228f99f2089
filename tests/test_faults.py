"""Bad input and faults: hostile files are reported, good pages still build, kills are safe."""

from __future__ import annotations

import importlib.util
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.corpus.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

_spec = importlib.util.spec_from_file_location(
    "make_hostile", ROOT / "tests/hostile/make_hostile.py"
)
assert _spec is not None and _spec.loader is not None
make_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_hostile)
GOOD = make_hostile.GOOD


@pytest.fixture(scope="module")
def hostile(nlp, tmp_path_factory):
    """Every hostile file built together with one good seed page."""
    root = tmp_path_factory.mktemp("faults")
    expected = make_hostile.make_hostile(root, SEEDS)
    out = root / "out"
    sources = [root / "hostile", root / "bad_manifest", root / "z_dup"]
    report = build(sources, out, nlp=nlp, cache_dir=root / "cache")
    return root, out, report, expected


def test_faults_every_bad_input_is_named_with_its_reason(hostile) -> None:
    root, _, report, expected = hostile
    skipped = dict(report.skipped)
    assert len(expected) >= 25
    for rel, want in expected.items():
        path = root / rel
        if want.startswith("ok:"):
            assert report.encodings.get(path.name) == want[3:], rel
            assert str(path) not in skipped, rel
        else:
            assert str(path) in skipped, rel
            assert want in skipped[str(path)], (rel, skipped[str(path)])
    # nothing reported that was not expected
    assert set(skipped) <= {str(root / rel) for rel in expected}
    doc = json.loads((hostile[1] / "report.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in doc["skipped"]] == [f for f, _ in report.skipped]


def test_faults_encodings_give_the_same_page(hostile) -> None:
    _, out, _, _ = hostile
    docs = {}
    for stem in ("gbk", "utf16", "utf16be", "utf8_bom"):
        doc = json.loads((out / "pages" / f"{stem}.json").read_text(encoding="utf-8"))
        doc.pop("doc")
        docs[stem] = doc
    assert docs["gbk"]["articles"], "the sample page should hold an article"
    assert docs["gbk"] == docs["utf16"] == docs["utf16be"] == docs["utf8_bom"]


def test_faults_good_page_builds_as_when_alone(hostile, nlp) -> None:
    root, out, _, _ = hostile
    alone = root / "alone"
    build([root / "hostile" / GOOD], alone, nlp=nlp, cache_dir=root / "cache")
    page = f"pages/{Path(GOOD).stem}.json"
    assert (alone / page).read_bytes() == (out / page).read_bytes()
    g_alone = Graph().parse(alone / "graph.ttl", format="turtle")
    g_all = Graph().parse(out / "graph.ttl", format="turtle")
    subjects = {s for s in g_alone.subjects() if "/id/" in str(s)}
    assert subjects and subjects <= set(g_all.subjects())


def test_faults_hostile_names_do_not_reach_html_as_markup(hostile) -> None:
    _, out, _, _ = hostile
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "</script><script>alert" not in html
    assert "<img src=x onerror" not in html


def test_faults_kg_build_exits_non_zero_when_a_page_is_skipped(hostile) -> None:
    root, _, _, _ = hostile
    empty = root / "hostile" / "empty.txt"
    args = ["build", str(root / "hostile" / GOOD), str(empty), "-o", str(root / "exit")]
    done = CliRunner().invoke(main, [*args, "--cache-dir", str(root / "cache"), "--timings"])
    assert done.exit_code == 1 and f"  {empty}: empty file" in done.output
    assert "built 1 page(s) (1 from cache)" in done.output
    stages = json.loads(done.output.strip().splitlines()[-1])  # --timings: the last line
    assert stages["extracted"] == 0 and stages["timings"]["total"] > 0
    done = CliRunner().invoke(main, ["build", str(empty), "-o", str(root / "exit2")])
    assert done.exit_code == 1 and "Error: no page could be built" in done.output
    assert not (root / "exit2" / "graph.ttl").exists()


def _run(out: Path, pages: list[Path], cache: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "kg.cli", "build", *map(str, pages), "-o", str(out)]
    cmd += ["--cache-dir", str(cache)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_faults_killed_build_never_leaves_a_corrupt_graph(hostile, nlp) -> None:
    root, _, _, _ = hostile
    cache = root / "cache"
    h = root / "hostile"
    old_input = [h / GOOD]
    new_input = [h / GOOD, h / "gbk.txt", h / "utf16.txt"]  # all in the cache already
    out = root / "killed"
    build(old_input, out, nlp=nlp, cache_dir=cache)
    old = {n: (out / n).read_bytes() for n in ("graph.ttl", "report.json")}

    ref = root / "reference"
    t0 = time.monotonic()
    assert _run(ref, new_input, cache).wait(timeout=120) == 0
    duration = time.monotonic() - t0
    new = {n: (ref / n).read_bytes() for n in ("graph.ttl", "report.json")}
    assert new != old

    rng = random.Random(7)
    for _ in range(3):
        proc = _run(out, new_input, cache)
        time.sleep(rng.uniform(0.2, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        for name in ("graph.ttl", "report.json"):
            assert (out / name).read_bytes() in (old[name], new[name]), name
        Graph().parse(out / "graph.ttl", format="turtle")
        for page in (out / "pages").glob("*.json"):
            json.loads(page.read_text(encoding="utf-8"))
    assert _run(out, new_input, cache).wait(timeout=120) == 0
    for name in ("graph.ttl", "report.json"):
        assert (out / name).read_bytes() == new[name]


@pytest.mark.slow
def test_faults_a_page_that_kills_its_worker_is_skipped_alone(
    nlp, tmp_path: Path, monkeypatch
) -> None:
    """A worker that dies fails every page in flight; only the page that killed it is lost."""
    import os

    import kg.corpus.engines

    src = tmp_path / "src"
    src.mkdir()
    pages = sorted(SEEDS.glob("*.txt"))[:2]
    for page in pages:
        (src / page.name).write_bytes(page.read_bytes())
    poison = src / "001_poison.txt"
    poison.write_text("本报讯 毒页\n\n这一页让抽取它的进程退出。\n", encoding="utf-8")
    real = kg.corpus.engines.extract_page

    def dies_on_poison(text, meta, nlp_):
        if "毒页" in text:
            os._exit(9)  # as a worker killed for memory: no exception, the process is gone
        return real(text, meta, nlp_)

    monkeypatch.setattr(kg.corpus.engines, "extract_page", dies_on_poison)  # forked workers too
    out = tmp_path / "out"
    report = build([src], out, nlp=nlp, workers=2, use_cache=False)

    assert [f for f, _ in report.skipped] == [str(poison)]
    assert "died, twice" in report.skipped[0][1]
    assert report.pages_ok == len(pages) and report.extracted == len(pages)
    monkeypatch.setattr(kg.corpus.engines, "extract_page", real)
    poison.unlink()
    alone = build([src], tmp_path / "alone", nlp=nlp, use_cache=False)
    for page in pages:
        name = f"pages/{page.stem}.json"
        assert (out / name).read_bytes() == (tmp_path / "alone" / name).read_bytes()
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "alone" / "graph.ttl").read_bytes()
    assert alone.entities == report.entities


@pytest.mark.slow
def test_faults_a_dead_parts_worker_leaves_the_build_whole(
    nlp, tmp_path: Path, monkeypatch
) -> None:
    """The graph's parts that a dying worker did not make are made in the build's own process."""
    import os

    import kg.corpus.plan
    from kg.corpus.parts import PartStore

    pages = sorted(SEEDS.glob("*.txt"))[:2]
    parent = os.getpid()

    class DyingStore(PartStore):
        def put_part(self, key, part) -> None:
            if os.getpid() != parent:
                os._exit(9)  # a parts worker, killed
            super().put_part(key, part)

    monkeypatch.setattr(kg.corpus.plan, "PartStore", DyingStore)  # forked workers inherit it
    out = tmp_path / "out"
    report = build(pages, out, nlp=nlp, workers=2)
    assert not report.skipped and report.parts_made == report.parts > kg.corpus.plan.PARTS_PER_TASK
    monkeypatch.setattr(kg.corpus.plan, "PartStore", PartStore)
    clean = tmp_path / "clean"
    build(pages, clean, nlp=nlp, workers=2, use_cache=False)
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
