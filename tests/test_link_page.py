"""Linking one page: the frozen LinkedPage it returns, and the gold floors (kg.link.page)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections import Counter, defaultdict

import pytest
from conftest import GOLD, gold_scorer

from kg.extract import to_gold_json


def score_seeds(seed_results) -> dict:
    """The gold scorer's tallies over the seed pages (what ``score.py`` prints)."""
    score = gold_scorer()
    tally = {"ent": defaultdict(Counter), "rel": defaultdict(Counter),
             "art": defaultdict(Counter), "link": Counter(), "parent": Counter()}  # fmt: skip
    for gp in sorted(GOLD.glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        pred = to_gold_json(seed_results[gold["doc"]])
        score.score_page(gold, json.loads(json.dumps(pred, ensure_ascii=False)), tally)
    return tally


def test_link_gold_floors(seed_results):
    tally = score_seeds(seed_results)
    link_t, parent = tally["link"], tally["parent"]
    assert link_t["matched"] > 200
    # measured 2026-11-23 on the seed pages: exact 0.954, unmerged 2, parent 0.962
    assert link_t["exact"] / link_t["matched"] >= 0.94
    assert link_t["unmerged"] <= 4
    assert parent["right"] / parent["gold"] >= 0.93


def test_link_page_is_frozen(link_text):
    linked = link_text("永善县公安局红光派出所所长刘永旺介绍了情况。",
                       [("永善县公安局红光派出所", "ORG"), ("刘永旺", "PERSON")])  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        linked.entities = ()  # type: ignore[misc]
    assert isinstance(linked.entities, tuple) and isinstance(linked.links, tuple)
    for mapping in (linked.units, linked.headers, linked.posts, linked.implied, linked.areas):
        with pytest.raises(TypeError):
            mapping[("ORG", "x")] = ("ORG", "y")  # type: ignore[index]


def test_link_page_links_point_at_its_entities(link_text):
    text = "市政务服务管理局推行新举措，党组多次研究。局长王强说。"
    linked = link_text(text, [("市政务服务管理局", "ORG"), ("党组", "ORG"), ("王强", "PERSON")])
    keys = {e.key for e in linked.entities}
    assert len(keys) == len(linked.entities)
    assert {k for _, k in linked.links} <= keys


def test_link_knows_no_later_stage():
    """A stage knows the stage before it, never the one after: link does not import relate."""
    code = "import sys, kg.link.page, kg.link.registry; print(sorted(m for m in sys.modules if m.startswith('kg.relate')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
