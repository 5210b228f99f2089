#!/usr/bin/env python3
"""Compare recognised ORG/PLACE/PERSON mention strings with the seed gold.

usage: python scripts/eval_recognise.py [--show]

Cleans and splits each seed page (kg.text.clean, kg.text.split), runs
``kg.recognise.pipeline.build_nlp`` over every article (and the text between them) and prints, per type,
precision and recall of the distinct (type, mention string) pairs of each
page against the mentions in tests/gold/*.json. Names that only the page
furniture holds (the editor line: 责编, 组版, 校对) are credits, read by the
cleaner, not by the recogniser, and are left out of the gold here.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path

from spacy.language import Language

from kg.model import PageMeta
from kg.recognise.pipeline import build_nlp
from kg.recognise.spans import SPANS_KEY
from kg.text.clean import clean_page
from kg.text.split import split_articles

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("ORG", "PLACE", "PERSON")


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def seed_mentions(nlp: Language, seeds: Path = ROOT / "seeds") -> dict[str, set[tuple[str, str]]]:
    """(type, mention) pairs found per seed page."""
    with open(seeds / "manifest.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        meta = PageMeta(
            source=row["file"],
            newspaper=row["newspaper"] or None,
            date=row["date"] or None,
            home_place=row["home_place"] or None,
        )
        page = clean_page((seeds / row["file"]).read_text(encoding="utf-8"), meta)
        found: set[tuple[str, str]] = set()
        covered = [False] * len(page.text)
        chunks = []
        for art in split_articles(page):
            chunks.append(page.text[art.start : art.end])
            covered[art.start : art.end] = [True] * (art.end - art.start)
        # text no article covers (bylines, captions the splitter sets apart) is read too
        gap = "".join(ch if not c else "\x00" for ch, c in zip(page.text, covered, strict=True))
        chunks += [g for g in gap.split("\x00") if g.strip()]
        for doc in nlp.pipe(chunks):
            found |= {
                (s.label_, _norm(s.text)) for s in doc.spans.get(SPANS_KEY, []) if s.label_ in TYPES
            }
        credit_names = {_norm(c.name) for c in page.credits}
        out[row["file"]] = found | {("PERSON", n) for n in credit_names if ("PERSON", n) in found}
        out[row["file"] + "#credits"] = {("PERSON", n) for n in credit_names}
    return out


def gold_mentions(gold: Path = ROOT / "tests" / "gold") -> dict[str, set[tuple[str, str]]]:
    """(type, mention) pairs of the gold, per seed page."""
    out = {}
    for path in sorted(gold.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[data["doc"]] = {
            (e["type"], _norm(m))
            for e in data["entities"]
            if e["type"] in TYPES
            for m in e["mentions"]
        }
    return out


def scores(
    found: dict[str, set], gold: dict[str, set]
) -> tuple[dict[str, tuple[float, float, float, int, int, int]], list]:
    """Per-type P, R, F1, tp, fp, fn over pages, and the misses (page, kind, type, text)."""
    tally = {t: [0, 0, 0] for t in TYPES}
    misses = []
    for page, g in sorted(gold.items()):
        f = found.get(page, set())
        credits = found.get(page + "#credits", set())
        g = g - (credits - f)  # furniture-only names are the cleaner's credits
        for label, text in sorted(f | g):
            if (label, text) in f and (label, text) in g:
                tally[label][0] += 1
            elif (label, text) in f:
                tally[label][1] += 1
                misses.append((page, "FP", label, text))
            else:
                tally[label][2] += 1
                misses.append((page, "FN", label, text))
    result = {}
    for label, (tp, fp, fn) in tally.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        result[label] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, tp, fp, fn)
    return result, misses


def main() -> None:
    nlp = build_nlp()
    result, misses = scores(seed_mentions(nlp), gold_mentions())
    for label, (p, r, f1, tp, fp, fn) in result.items():
        print(f"{label:7s} P={p:.3f} R={r:.3f} F1={f1:.3f}  tp={tp} fp={fp} fn={fn}")
    if "--show" in sys.argv:
        for page, kind, label, text in misses:
            print(page[:3], kind, label, text)


if __name__ == "__main__":
    main()
