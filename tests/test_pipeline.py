"""Tests of kg.recognise.pipeline: the whole pipeline, its mentions, saving and loading it."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest
import spacy

from kg.errors import ModelError
from kg.model import Article, CleanPage, PageMeta
from kg.recognise.pipeline import build_nlp, mentions_of
from kg.recognise.spans import SPANS_KEY

ROOT = Path(__file__).resolve().parent.parent


# one of each type; 王小二 is a person only to a pipeline whose tables list him as a leader
TEXT = "记者王小明报道：会泽县公安局民警张强说，王小二着力建设“五型机关”。"
LEADER = (TEXT.index("王小二"), TEXT.index("王小二") + 3, "PERSON", None)
CHARS = {"nlp": {"tokenizer": {"segmenter": "char"}}}  # no pkuseg model to load or save


def found(nlp, text: str) -> list[tuple[int, int, str, str | None]]:
    doc = nlp(text)
    return sorted((s.start_char, s.end_char, s.label_, s._.canonical) for s in doc.spans[SPANS_KEY])


def with_leader(nlp, name: str):
    """``nlp`` with ``name`` added to its person recogniser's leaders."""
    persons = nlp.get_pipe("kg_persons")
    persons.initialize(tables=replace(persons.tables, leaders=(*persons.tables.leaders, name)))
    return nlp


@pytest.fixture(scope="module")
def char_nlp():
    return build_nlp(segmenter="char")


def test_pipeline_spans_are_exact_even_when_segmentation_disagrees(nlp):
    doc = nlp("在中国联通曲靖市麒麟区分公司工作的赵刚说")
    got = {(s.label_, s.text) for s in doc.spans[SPANS_KEY]}
    assert ("ORG", "中国联通曲靖市麒麟区分公司") in got
    assert ("PLACE", "麒麟区") in got
    assert ("PERSON", "赵刚") in got
    for span in doc.spans[SPANS_KEY]:
        assert doc.text[span.start_char : span.end_char] == span.text


def test_pipeline_mentions_carry_page_offsets_and_sentences(nlp):
    text = "前言。\n会泽县公安局民警张强说，工作很忙。"
    page = CleanPage(
        meta=PageMeta(source="x.txt"), raw=text, text=text, offsets=list(range(len(text)))
    )
    art = Article(index=0, title="t", body=text[4:], body_start=4, start=4, end=len(text))
    doc = nlp(text[art.start : art.end])
    mentions = mentions_of(doc, art, page)
    by_text = {m.text: m for m in mentions}
    assert {"会泽县", "会泽县公安局", "张强"} <= set(by_text)
    person = by_text["张强"]
    assert page.text[person.start : person.end] == "张强"
    assert person.sentence == "会泽县公安局民警张强说，工作很忙。"
    assert page.text[person.sentence_start :].startswith(person.sentence)
    assert (person.raw_start, person.raw_end) == (person.start, person.end)  # raw = clean here


def _eval_module():
    spec = importlib.util.spec_from_file_location(
        "eval_recognise", ROOT / "scripts" / "eval_recognise.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Measured 2026-11-23 with scripts/eval_recognise.py (ORG 0.929, PLACE 0.917, PERSON 0.967
# mention F1), ORG again after the seed pages' own agencies left the tables (issue 16:
# 0.881); the floors leave a small margin.
FLOORS = {"ORG": 0.86, "PLACE": 0.89, "PERSON": 0.94}


def test_pipeline_seed_mention_f1_floor(nlp):
    ev = _eval_module()
    result, misses = ev.scores(ev.seed_mentions(nlp), ev.gold_mentions())
    for label, floor in FLOORS.items():
        f1 = result[label][2]
        assert f1 >= floor, (
            f"{label} mention F1 {f1:.3f} < {floor}: {[m for m in misses if m[2] == label]}"
        )


def test_pipeline_two_pipelines_hold_different_tables(char_nlp):
    other = with_leader(build_nlp(segmenter="char"), "王小二")
    assert LEADER in found(other, TEXT)
    assert LEADER not in found(char_nlp, TEXT)
    assert found(char_nlp, TEXT) == [t for t in found(other, TEXT) if t != LEADER]


def test_pipeline_saved_and_loaded_finds_the_same_spans(tmp_path):
    nlp = with_leader(build_nlp(segmenter="char"), "王小二")
    nlp.to_disk(tmp_path / "nlp")
    expected = found(nlp, TEXT)
    assert {label for _, _, label, _ in expected} == {"PLACE", "ORG", "PERSON", "PROGRAM"}
    assert LEADER in expected  # the saved tables, not kg's shipped ones
    assert found(spacy.load(tmp_path / "nlp"), TEXT) == expected
    assert found(build_nlp(segmenter="char").from_disk(tmp_path / "nlp"), TEXT) == expected


def test_pipeline_term_lexicon_from_the_initialize_config(tmp_path):
    lexicon = tmp_path / "terms.csv"
    lexicon.write_text("kind,term,source\nmetaphor,五型机关,general\n", encoding="utf-8")
    tables = {"@misc": "kg.term_tables.v1", "lexicon_path": str(lexicon)}
    config = {**CHARS, "initialize": {"components": {"kg_terms": {"tables": tables}}}}
    nlp = spacy.blank("zh", config=config)
    nlp.add_pipe("kg_terms")
    nlp.initialize()
    assert found(nlp, "着力建设“五型机关”。") == []
    shipped = spacy.blank("zh", config=CHARS)
    shipped.add_pipe("kg_terms")
    shipped.initialize()
    assert found(shipped, "着力建设“五型机关”。") == [(5, 9, "PROGRAM", "五型机关")]


def test_pipeline_component_used_before_initialize_says_so():
    nlp = spacy.blank("zh", config=CHARS)
    nlp.add_pipe("kg_persons")
    with pytest.raises(ModelError, match="kg_persons has no tables: call nlp.initialize"):
        nlp("记者王小明报道")
