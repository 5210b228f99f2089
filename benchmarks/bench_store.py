"""Time the example SPARQL queries on Oxigraph and on rdflib, side by side.

Run: .venv/bin/python benchmarks/bench_store.py --triples 1000000

Synthesises a graph of at least ``--triples`` triples with the shapes of the
seed graph (the hand-made corpus of tests/golden/handmade.py, replicated
with new names: each replica is a county with its towns, agencies, police
station, people, posts, awards, documents; programmes come from a shared
pool so they appear in many places), builds it with kg.graph.rdf.build_graph,
loads its N-Triples into Oxigraph, and runs every ontology/queries/*.rq on
both stores. rdflib queries run in a forked child killed after ``--timeout``
seconds, reported as "> N s".

Measured 2026-11-23 on the 2-core dev machine, 1,016,751 triples (3,737
replicas; rdflib build 141 s, Oxigraph bulk load 8.4 s, in memory):
awards 0.13 s vs 5.8 s (44x), bodies_in_county 0.001 s vs 3.3 s,
fact_sources 5.3 s vs 97 s (18x), posts 0.15 s vs 3.0 s (20x),
programmes_by_agency 0.75 s vs > 120 s, programmes_in_places 0.17 s vs > 120 s.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from golden.handmade import handmade_corpus  # noqa: E402

from kg.export.rdf import serialize  # noqa: E402
from kg.graph.namespaces import PREFIXES  # noqa: E402
from kg.graph.rdf import build_graph  # noqa: E402
from kg.model import Corpus, Entity, Fact, Mention  # noqa: E402
from kg.store.query import run_query  # noqa: E402

SHARED = {"云南省", "昭通市"}  # the province and city every replica lies in
PROGRAMME_POOL = 400


def _rename(name: str, i: int) -> str:
    return name if i == 0 or name in SHARED else f"{name}{i}"


def synthesise(n_replicas: int) -> Corpus:
    """A corpus of ``n_replicas`` renamed copies of the hand-made page (replica 0 keeps the original names)."""
    base = handmade_corpus()
    out = Corpus()
    seen: set[tuple[str, str]] = set()
    for i in range(n_replicas):
        src = f"synthetic_{i:06d}.txt"
        pool = {
            "133工作思路": f"工作思路{i % PROGRAMME_POOL}",
            "警网融合": f"警网融合{(i * 7) % PROGRAMME_POOL}",
        }

        def name(t: str, n: str, i: int = i, pool: dict[str, str] = pool) -> str:
            if t == "PROGRAM" and n in pool and i:
                return pool[n]
            return _rename(n, i)

        out.pages.append(replace(base.pages[0], source=src))
        out.articles[src] = base.articles[base.pages[0].source]
        for e in base.entities:
            key = (e.type, name(e.type, e.canonical))
            if key in seen:
                continue
            seen.add(key)
            out.entities.append(
                Entity(
                    e.type,
                    key[1],
                    {_rename(m, i) for m in e.mentions},
                    _rename(e.parent, i) if e.parent else None,
                    e.level,
                    e.code,
                    e.kind,
                    e.core,
                    e.pseudonym,
                )
            )
        for f in base.facts:
            ev = replace(f.evidence, source=src) if f.evidence else None
            tail = (f.tail[0], name(*f.tail)) if f.tail else None
            out.facts.append(Fact(f.relation, (f.head[0], name(*f.head)), tail, dict(f.attrs), ev))
        for m, _, key in base.mentions:
            out.mentions.append(
                (
                    Mention(
                        m.text, m.label, m.start, m.end, m.article, m.sentence, m.sentence_start
                    ),
                    src,
                    (key[0], name(*key)),
                )
            )
    return out


def _rdflib_child(graph, sparql: str, conn) -> None:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    rows = len(list(graph.query(sparql, initNs=PREFIXES)))
    conn.send((time.perf_counter() - t, rows))


def time_rdflib(graph, sparql: str, timeout: float) -> tuple[float | None, int | None]:  # type: ignore[no-untyped-def]
    """Run ``sparql`` on rdflib in a forked child; (seconds, rows), or (None, None) past ``timeout``."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(graph, sparql, child))
    proc.start()
    if parent.poll(timeout):
        secs, rows = parent.recv()
        proc.join()
        return secs, rows
    proc.kill()
    proc.join()
    return None, None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per rdflib query")
    parser.add_argument(
        "--on-disk", action="store_true", help="Oxigraph store on disk, not in memory"
    )
    parser.add_argument("--repeat", type=int, default=3, help="Oxigraph runs per query (best kept)")
    args = parser.parse_args(argv)

    # size the run from the triples ten more replicas add (shared places and programmes dedupe)
    per_replica = (len(build_graph(synthesise(20))) - len(build_graph(synthesise(10)))) / 10
    # later replicas reuse pooled programmes and add fewer triples: aim 5 % high
    n = max(1, int(args.triples / per_replica * 1.05) + 1)
    t = time.perf_counter()
    corpus = synthesise(n)
    graph = build_graph(corpus)
    t_build = time.perf_counter() - t
    print(f"replicas {n}, triples {len(graph):,}, rdflib build {t_build:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "graph.nt"
        t = time.perf_counter()
        nt.write_bytes(serialize(graph, "ntriples"))
        t_nt = time.perf_counter() - t
        # in memory, like rdflib's store (``--on-disk`` for a RocksDB store, as ``kg query --store``)
        store = ox.Store(str(Path(tmp) / "store")) if args.on_disk else ox.Store()
        t = time.perf_counter()
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        t_load = time.perf_counter() - t
        print(
            f"N-Triples written in {t_nt:.1f} s ({nt.stat().st_size / 1e6:.0f} MB); Oxigraph bulk load {t_load:.1f} s",
            flush=True,
        )

        rows_out = []
        for q in sorted((ROOT / "ontology" / "queries").glob("*.rq")):
            sparql = q.read_text(encoding="utf-8")
            best = float("inf")
            for _ in range(args.repeat):
                t = time.perf_counter()
                n_ox = len(run_query(store, sparql).rows)
                best = min(best, time.perf_counter() - t)
            secs, n_rdf = time_rdflib(graph, sparql, args.timeout)
            rdf = f"{secs:.3f}" if secs is not None else f"> {args.timeout:.0f}"
            ratio = f"{secs / best:.1f}x" if secs is not None else f"> {args.timeout / best:.0f}x"
            rows_out.append(
                (q.stem, f"{best:.3f}", rdf, ratio, str(n_ox), "?" if n_rdf is None else str(n_rdf))
            )
            print(f"  {q.stem}: oxigraph {best:.3f} s, rdflib {rdf} s", flush=True)

    head = ("query", "oxigraph s", "rdflib s", "rdflib/oxigraph", "rows ox", "rows rdflib")
    widths = [max(len(r[i]) for r in [head, *rows_out]) for i in range(len(head))]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows_out:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
