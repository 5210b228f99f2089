"""Score page graphs in the gold format against gold annotations.

The same measures, alignment and report as the gold standard's ``score.py``
(GUIDELINES.md), as a library: ``kg eval`` runs extraction on a user's pages
and prints these figures, so anyone can measure kg on pages they annotated.
``score.py`` is kept verbatim beside the gold files; tests/test_evaluate.py
checks that both give the same report on many randomly perturbed pages.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kg.errors import InputError

FUZZY_TYPES = {"PROGRAM", "HONOR", "DOCUMENT"}
STRIP = re.compile(r"[\s\"'“”‘’《》〈〉「」『』【】、，,·•]")


def norm(s: Any) -> str:
    """A name as the scorer compares it: NFKC, no spaces, quotes or list commas."""
    if not s:
        return ""
    return STRIP.sub("", unicodedata.normalize("NFKC", str(s)))


def _names(e: Mapping[str, Any]) -> set[str]:
    return {norm(x) for x in [e.get("canonical"), *e.get("mentions", [])] if norm(x)}


def _fuzzy(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 2 and short in long_ and len(short) / len(long_) >= 0.6


def align(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    """Map predicted entity index to gold index, one to one, best evidence first."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    tiers: list[Callable[[dict, dict], bool]] = [
        lambda g, p: norm(g["canonical"]) == norm(p.get("canonical")),
        lambda g, p: norm(p.get("canonical")) in _names(g),
        lambda g, p: bool(_names(g) & _names(p)),
        lambda g, p: (
            g["type"] in FUZZY_TYPES and any(_fuzzy(a, b) for a in _names(g) for b in _names(p))
        ),
    ]
    for tier in tiers:
        for pi, p in enumerate(pred):
            if pi in pairs:
                continue
            for gi, g in enumerate(gold):
                if gi in used or g["type"] != p.get("type"):
                    continue
                if tier(g, p):
                    pairs[pi] = gi
                    used.add(gi)
                    break
    return pairs


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def _new_tally() -> dict[str, Any]:
    return {
        "ent": defaultdict(Counter),
        "rel": defaultdict(Counter),
        "art": defaultdict(Counter),
        "link": Counter(),
        "parent": Counter(),
    }


def _score_entities(gold: dict, pred: dict, tally: dict) -> dict[int, int]:
    g_ents = gold.get("entities", [])
    p_ents = pred.get("entities", [])
    pairs = align(g_ents, p_ents)
    for pi, p in enumerate(p_ents):
        t = p.get("type", "?")
        if pi in pairs:
            g = g_ents[pairs[pi]]
            if g.get("core", True):
                tally["ent"][t]["tp"] += 1
                tally["link"]["matched"] += 1
                if norm(g["canonical"]) == norm(p.get("canonical")):
                    tally["link"]["exact"] += 1
                if t == "PLACE" and g.get("parent"):
                    tally["parent"]["gold"] += 1
                    if norm(g["parent"]) == norm(p.get("parent")):
                        tally["parent"]["right"] += 1
        else:
            # a second node for an entity already found is a merge failure
            tally["ent"][t]["fp"] += 1
            if any(g["type"] == t and _names(g) & _names(p) for g in g_ents):
                tally["link"]["unmerged"] += 1
    matched = set(pairs.values())
    for gi, g in enumerate(g_ents):
        if gi not in matched and g.get("core", True):
            tally["ent"][g["type"]]["fn"] += 1
    return pairs


def _score_relations(gold: dict, pred: dict, pairs: dict[int, int], tally: dict) -> None:
    g_ents = gold.get("entities", [])
    g_ids = {e["id"]: i for i, e in enumerate(g_ents)}
    p_ids = {e.get("id"): i for i, e in enumerate(pred.get("entities", []))}

    def key(r: dict, ids: dict, mapping: Callable[[Any], Any]) -> tuple:
        head = mapping(ids.get(r.get("head")))
        if r.get("type") == "CREDITED":
            return (r["type"], head, norm(r.get("role")))
        return (r.get("type"), head, mapping(ids.get(r.get("tail"))))

    def core(r: dict) -> bool:
        ends = [r.get("head"), r.get("tail")]
        return all(g_ents[g_ids[x]].get("core", True) for x in ends if x in g_ids)

    def same(i: Any) -> Any:
        return i

    def to_gold(i: Any) -> Any:
        return pairs.get(i, ("pred", i))

    gold_rel = Counter(key(r, g_ids, same) for r in gold.get("relations", []) if core(r))
    bonus = {key(r, g_ids, same) for r in gold.get("relations", []) if not core(r)}
    pred_rel = Counter(key(r, p_ids, to_gold) for r in pred.get("relations", []))
    for k in set(gold_rel) | set(pred_rel):
        if k in bonus and k not in gold_rel:
            continue  # a relation to a non-core entity: neither credit nor blame
        tp = min(gold_rel[k], pred_rel[k])
        tally["rel"][k[0]]["tp"] += tp
        tally["rel"][k[0]]["fp"] += pred_rel[k] - tp
        tally["rel"][k[0]]["fn"] += gold_rel[k] - tp


def _score_articles(gold: dict, pred: dict, tally: dict) -> None:
    printed = [a for a in gold.get("articles", []) if a.get("title_printed", True)]
    left = [norm(a.get("title")) for a in pred.get("articles", [])]
    for gt in (norm(a.get("title")) for a in printed):
        hit = next((pt for pt in left if pt and (pt == gt or _fuzzy(pt, gt))), None)
        if hit is not None:
            left.remove(hit)
            tally["art"]["ALL"]["tp"] += 1
        else:
            tally["art"]["ALL"]["fn"] += 1
    unprinted = len(gold.get("articles", [])) - len(printed)
    tally["art"]["ALL"]["fp"] += max(0, len(left) - unprinted)


def score(pages: list[tuple[dict, dict]]) -> dict[str, Any]:
    """Score (gold, prediction) page pairs; the report ``score.py --json`` prints."""
    tally = _new_tally()
    for gold, pred in pages:
        pairs = _score_entities(gold, pred, tally)
        _score_relations(gold, pred, pairs, tally)
        _score_articles(gold, pred, tally)
    report: dict[str, Any] = {}
    for part in ("ent", "rel", "art"):
        rows = {t: _prf(c["tp"], c["fp"], c["fn"]) for t, c in sorted(tally[part].items())}
        total: Counter[str] = Counter()
        for c in tally[part].values():
            total.update(c)
        rows["ALL"] = _prf(total["tp"], total["fp"], total["fn"])
        report[part] = rows
    link, parent = tally["link"], tally["parent"]
    report["linking"] = {
        "exact_canonical": round(link["exact"] / link["matched"], 4) if link["matched"] else 0.0,
        "unmerged_duplicates": link["unmerged"],
        "place_parent": round(parent["right"] / parent["gold"], 4) if parent["gold"] else 0.0,
    }
    report["pages"] = len(pages)
    return report


def evaluate_pages(gold_dir: Path, pages: list[Path]) -> dict[str, Any]:
    """Extract ``pages`` and score them against ``gold_dir/<page stem>.json`` (``kg eval``).

    A gold page with no extracted page scores as all missed.

    Raises:
        InputError: ``gold_dir`` holds no gold file.
    """
    from kg.extract import extract_files

    golds = sorted(gold_dir.glob("*.json"))
    if not golds:
        raise InputError(f"{gold_dir} holds no <page>.json gold file")
    with tempfile.TemporaryDirectory() as tmp:
        extract_files(pages, Path(tmp))
        pairs = [(_read_json(g), _read_json(Path(tmp) / g.name)) for g in golds]
    return score(pairs)


def _read_json(path: Path) -> dict[str, Any]:
    """A page in the gold format; an empty page when there is no such file."""
    if not path.exists():
        return {}
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def format_report(report: dict[str, Any]) -> str:
    """The report as ``score.py`` prints it."""
    lines = []
    for part, title in (("ent", "entities"), ("rel", "relations"), ("art", "articles")):
        lines.append(f"== {title}")
        for t, m in report[part].items():
            lines.append(
                f"{t:12s} P {m['p']:.3f}  R {m['r']:.3f}  F1 {m['f1']:.3f}  "
                f"(tp {m['tp']} fp {m['fp']} fn {m['fn']})"
            )
    lk = report["linking"]
    lines.append(
        f"== linking: exact canonical {lk['exact_canonical']:.3f}, "
        f"unmerged duplicates {lk['unmerged_duplicates']}, place parent {lk['place_parent']:.3f}"
    )
    ent, rel = report["ent"]["ALL"]["f1"], report["rel"]["ALL"]["f1"]
    lines.append(
        f"entity F1 {ent:.3f} relation F1 {rel:.3f} linking {lk['exact_canonical']:.3f} "
        f"pages {report['pages']}"
    )
    return "\n".join(lines)
