"""Time and peak memory of whole builds of generated corpora, and of an incremental rebuild.

    .venv/bin/python benchmarks/bench_scale.py --articles 1000
    .venv/bin/python benchmarks/bench_scale.py --articles 1000 10000 --workers 2
    .venv/bin/python benchmarks/bench_scale.py --articles 1000 --keep /tmp/kept --again

For each size, pages are generated from the seeds (kg.corpus.generate) until they
hold that many articles (counted by kg.text.split), then ``python -m kg.cli build
--timings`` runs in a subprocess: a clean build (empty cache), then a rebuild after one
more page is added (the cache holds every other page). Peak memory is sampled
every 2 s (``--sample``) over the build process and its workers (sum of the tree, and the
largest single process), with the processor time of each: the seconds in which
the processes kept under 1.5 cores busy (``one_core_seconds``: start-up, the
steps one process does alone, exit) are what keeps ``--workers 2`` from 2x.
Each sample reads every process's smaps_rollup,
a page-table walk: sampled every 0.5 s, this script took ~15 s of CPU from
a 1k-article build on two busy cores; every 2 s, 2-3 s (``sampler_cpu_seconds``
in the results). The tree's figure sums PSS (proportional set size), so
memory the forked workers share with the parent (the pipeline's model) is
counted once; the largest process's figure is its RSS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, NamedTuple

import psutil

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 2.0


def _memory(proc: psutil.Process) -> tuple[int, int]:
    """(PSS, RSS) of one process: PSS splits pages shared with forked workers among them."""
    try:
        full = proc.memory_full_info()
        return getattr(full, "pss", full.rss), full.rss
    except psutil.AccessDenied:
        rss = proc.memory_info().rss
        return rss, rss


class Watch(NamedTuple):
    """How a build is watched: where its log and memory curve go, how often memory is sampled."""

    log: Path | None = None
    sample: float = SAMPLE_SECONDS


def run_build(
    out: Path,
    source: Path,
    workers: int | None,
    formats: str | None = None,
    watch: Watch = Watch(),  # noqa: B008 (an immutable tuple)
) -> dict[str, float]:
    """Run one build in a subprocess; wall seconds and peak memory (MB).

    With ``watch.log``, the build's stderr goes to that file and the memory
    samples (seconds, tree PSS MB, largest RSS MB, processes) to it + ``.csv``
    every 10 s, so a long run can be watched and its memory curve kept.
    """
    log = watch.log
    cmd = [sys.executable, "-m", "kg.cli", "build", str(source), "-o", str(out), "--timings"]
    if workers:
        cmd += ["--workers", str(workers)]
    for fmt in formats.split(",") if formats else ():
        cmd += ["--format", fmt]
    t0, cpu0 = time.perf_counter(), time.process_time()
    err_file = log.open("wb") if log else None
    curve = log.with_name(log.name + ".csv").open("w", encoding="utf-8") if log else None
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err_file or subprocess.PIPE)
    sampled = _sample_until_done(proc, t0, curve, watch.sample)
    wall = time.perf_counter() - t0
    sampler_cpu = time.process_time() - cpu0  # this script's own CPU, taken from the build
    if err_file and curve:
        err_file.close()
        curve.close()
    if log:
        err = log.read_text("utf-8", "replace")
    else:
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    out_text = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    # 1 is a build that skipped a page: it printed its summary and timings; an error prints none
    if proc.returncode not in (0, 1) or not out_text.strip():
        raise SystemExit(f"build failed ({proc.returncode}):\n{err[-3000:]}")
    stages = json.loads(out_text.strip().splitlines()[-1])
    return {
        "seconds": wall,
        "peak_rss_mb": sampled.peak_tree / 2**20,
        "peak_process_mb": sampled.peak_one / 2**20,
        "one_core_seconds": sampled.one_core,
        "sampler_cpu_seconds": sampler_cpu,
        **stages,
    }


class Sampled(NamedTuple):
    """What the samples of one build found."""

    peak_tree: int  # bytes: the largest PSS summed over the build's processes
    peak_one: int  # bytes: the largest RSS of one process
    one_core: float  # seconds in which the processes kept under 1.5 cores busy


def _sample_until_done(
    proc: subprocess.Popen[bytes], t0: float, curve: IO[str] | None, sample: float
) -> Sampled:
    """Sample the build's memory and processor use until it ends."""
    root = psutil.Process(proc.pid)
    peak_tree = peak_one = 0
    one_core = next_sample = last = 0.0
    used: dict[int, float] = {}  # processor seconds of each process at the last sample
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            mem = [_memory(p) for p in procs]
            cpu = {p.pid: sum(p.cpu_times()[:2]) for p in procs}
        except psutil.Error:
            mem, cpu = [], {}
        now = time.perf_counter() - t0
        if mem:
            tree, one = sum(pss for pss, _ in mem), max(rss for _, rss in mem)
            peak_tree, peak_one = max(peak_tree, tree), max(peak_one, one)
            if sum(c - used.get(pid, 0.0) for pid, c in cpu.items()) < 1.5 * (now - last):
                one_core += now - last  # start-up, a step one process does alone, or exit
            used, last = cpu, now
            if curve and now >= next_sample:
                curve.write(f"{now:.0f},{tree / 2**20:.0f},{one / 2**20:.0f},{len(mem)}\n")
                curve.flush()
                next_sample = now + 10
        try:  # returns as soon as the build ends, so the wall time is not rounded up
            proc.wait(timeout=sample)
        except subprocess.TimeoutExpired:
            pass
    return Sampled(peak_tree, peak_one, one_core)


def generate(folder: Path, articles: int) -> tuple[int, int, int]:
    """Generate pages into ``folder`` until they hold ``articles``; (pages, articles, chars)."""
    from kg.corpus.generate import CorpusGenerator, load_seeds, place_names
    from kg.lexicon.gazetteer import Gazetteer
    from kg.model import PageMeta
    from kg.text.clean import clean_page
    from kg.text.split import split_articles

    gen = CorpusGenerator(load_seeds(ROOT / "seeds"), place_names(Gazetteer.load()))
    folder.mkdir(parents=True)
    rows = ["file,newspaper,date,home_place"]
    n = total = chars = 0
    while total < articles:
        text, home, paper = gen.page(n)
        name = f"gen_{n:06d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},{paper or ''},,{home or ''}")
        total += len(split_articles(clean_page(text, PageMeta(source=name, home_place=home))))
        chars += len(text)
        n += 1
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    extra, home, paper = gen.page(n)  # the page the incremental rebuild adds
    (folder.parent / "extra.txt").write_text(extra, encoding="utf-8")
    return n, total, chars


def again(
    keep: Path, sizes: list[int], workers: int | None, formats: str | None, sample: float
) -> int:
    """Rebuild each kept build from its cache; print and keep (``again.json``) the figures."""
    for target in sizes:
        tmp = keep / str(target)
        if not (tmp / "out" / "report.json").is_file():
            raise SystemExit(f"no kept build in {tmp}: run with --keep {keep} first")
        row = run_build(
            tmp / "out", tmp / "corpus", workers, formats, Watch(tmp / "again.log", sample)
        )
        (tmp / "again.json").write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
        sys.stdout.write(
            f"{target} articles, rebuilt from the cache: {row['seconds']:.1f} s, "
            f"peak {row['peak_rss_mb']:.0f} MB (PSS of the tree; largest process RSS "
            f"{row['peak_process_mb']:.0f} MB); stages {json.dumps(row.get('timings', {}))}\n"
        )
    return 0


def measure(
    target: int, workers: int | None, formats: str | None, keep: Path | None, sample: float
) -> dict:
    """A clean build of a corpus of ``target`` articles, then a rebuild with one page added."""
    with tempfile.TemporaryDirectory() as scratch:
        tmp = keep / str(target) if keep else Path(scratch)
        src = tmp / "corpus"
        sizes = tmp / "corpus.json"  # a kept corpus is generated once
        if sizes.is_file():
            pages, articles, chars = json.loads(sizes.read_text(encoding="utf-8"))
            shutil.rmtree(tmp / "out", ignore_errors=True)
            (src / f"gen_{pages:06d}.txt").unlink(missing_ok=True)
        else:
            pages, articles, chars = generate(src, target)
            sizes.write_text(json.dumps([pages, articles, chars]), encoding="utf-8")
        out = tmp / "out"
        logs = keep / str(target) if keep else None
        clean = run_build(out, src, workers, formats, Watch(logs and logs / "clean.log", sample))
        (src / f"gen_{pages:06d}.txt").write_bytes((tmp / "extra.txt").read_bytes())
        incremental = run_build(
            out, src, workers, formats, Watch(logs and logs / "incremental.log", sample)
        )
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {
        "articles": articles, "pages": pages, "chars": chars, "workers": workers,
        "formats": formats,
        "clean": clean, "incremental": incremental,
        "entities": report["entities"], "facts": report["facts"],
        "skipped": len(report["skipped"]),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000])
    parser.add_argument("--workers", type=int, default=None, help="default: the build's own choice")
    parser.add_argument("--formats", help="comma-separated export formats (default: the build's)")
    parser.add_argument(
        "--keep", type=Path,
        help="keep the corpus, output, build logs and memory curves (*.log.csv) in this folder",
    )  # fmt: skip
    parser.add_argument(
        "--again", action="store_true",
        help="with --keep: rebuild a kept build from its cache, no page changed (measures a "
        "change to the graph or export stages at scale without extracting again)",
    )  # fmt: skip
    parser.add_argument(
        "--sample", type=float, default=SAMPLE_SECONDS,
        help="seconds between memory samples (shorter catches a brief peak and takes more CPU)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.again:
        if not args.keep:
            parser.error("--again needs --keep FOLDER (a folder an earlier run kept)")
        return again(args.keep, args.articles, args.workers, args.formats, args.sample)
    results = []
    for target in args.articles:
        row = measure(target, args.workers, args.formats, args.keep, args.sample)
        results.append(row)
        clean, incremental = row["clean"], row["incremental"]
        sys.stdout.write(
            f"{row['articles']} articles ({row['pages']} pages, {row['chars']:,} chars): clean "
            f"build {clean['seconds']:.1f} s ({row['chars'] / clean['seconds']:,.0f} chars/s), "
            f"peak {clean['peak_rss_mb']:.0f} MB (PSS of the tree; largest process RSS "
            f"{clean['peak_process_mb']:.0f} MB), {clean['one_core_seconds']:.1f} s of it "
            "with under 1.5 cores busy; "
            f"+1 page rebuild {incremental['seconds']:.1f} s, peak {incremental['peak_rss_mb']:.0f} MB; "
            f"{row['entities']} entities, {row['facts']} facts\n"
        )
        sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
