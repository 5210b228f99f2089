"""kg.evaluate gives the same figures as the gold standard's score.py."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import GOLD

from kg.evaluate import format_report, norm, score


def _gold_pages() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]


def test_evaluate_gold_against_itself_is_perfect() -> None:
    pages = _gold_pages()
    report = score([(g, g) for g in pages])
    assert report["ent"]["ALL"]["f1"] == 1.0
    assert report["rel"]["ALL"]["f1"] == 1.0
    assert report["linking"]["unmerged_duplicates"] == 0


def test_evaluate_empty_prediction_scores_zero() -> None:
    report = score([(g, {}) for g in _gold_pages()])
    assert report["ent"]["ALL"]["tp"] == 0
    assert report["ent"]["ALL"]["fn"] > 0


def test_evaluate_norm_drops_quotes_and_spaces() -> None:
    assert norm("“对标先进、争创一流”") == "对标先进争创一流"
    assert norm(" 谢 红 ") == "谢红"


def test_evaluate_matches_score_py(tmp_path, seed_results) -> None:
    from kg.extract import to_gold_json

    pairs = []
    for name, result in sorted(seed_results.items()):
        pred = to_gold_json(result)
        (tmp_path / f"{name[:-4]}.json").write_text(json.dumps(pred, ensure_ascii=False))
        pairs.append((json.loads((GOLD / f"{name[:-4]}.json").read_text()), pred))
    ours = format_report(score(pairs))
    theirs = subprocess.run(
        [sys.executable, str(GOLD / "score.py"), str(GOLD), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert ours == theirs
