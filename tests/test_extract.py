"""The whole page pipeline, measured against the seed gold (GUIDELINES.md)."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.evaluate import score
from kg.extract import read_manifest, to_gold_json


@pytest.fixture(scope="module")
def seed_report(seed_results) -> dict:
    pairs = [
        (json.loads((GOLD / f"{name[:-4]}.json").read_text(encoding="utf-8")), to_gold_json(r))
        for name, r in sorted(seed_results.items())
    ]
    return score(pairs)


# The bar of the recognition-and-linking issue; the pipeline is above each. PROGRAM is
# lower since the entries copied from the seed pages left the tables (issue 16: 0.839).
ENTITY_FLOORS = {
    "ALL": 0.90,  # 0.904 (issue 16)
    "ORG": 0.85,
    "PLACE": 0.85,
    "PERSON": 0.85,
    "PROGRAM": 0.82,
    "HONOR": 0.85,
    "DOCUMENT": 0.85,
}


@pytest.mark.parametrize("etype", sorted(ENTITY_FLOORS))
def test_extract_entity_f1_floor(seed_report, etype) -> None:
    assert seed_report["ent"][etype]["f1"] >= ENTITY_FLOORS[etype], seed_report["ent"][etype]


def test_extract_relation_f1_floor(seed_report) -> None:
    assert seed_report["rel"]["ALL"]["f1"] >= 0.78, seed_report["rel"]["ALL"]  # 0.813


# Floors on text the rules were not written on (../shared/dev: 20 real articles of three
# other sources). Measured at issue 16's close: entity 0.933 (ORG 0.958, PLACE 0.937,
# PERSON 0.985, PROGRAM 0.771), relation 0.770, articles 1.00, linking 0.928 with no
# unmerged duplicate; the floors leave a small margin, the bars of issue 16 under them.
DEV_ENTITY_FLOORS = {"ALL": 0.90, "ORG": 0.92, "PLACE": 0.90, "PERSON": 0.95, "PROGRAM": 0.75}


@pytest.mark.parametrize("etype", sorted(DEV_ENTITY_FLOORS))
def test_extract_dev_entity_f1_floor(dev_report, etype) -> None:
    assert dev_report["ent"][etype]["f1"] >= DEV_ENTITY_FLOORS[etype], dev_report["ent"][etype]


def test_extract_dev_relation_article_and_linking_floors(dev_report) -> None:
    assert dev_report["rel"]["ALL"]["f1"] >= 0.74, dev_report["rel"]["ALL"]
    assert dev_report["art"]["ALL"]["f1"] >= 0.95, dev_report["art"]["ALL"]
    linking = dev_report["linking"]
    assert linking["exact_canonical"] >= 0.92, linking
    assert linking["unmerged_duplicates"] == 0, linking


def test_extract_article_f1_floor(seed_report) -> None:
    assert seed_report["art"]["ALL"]["f1"] >= 0.90, seed_report["art"]["ALL"]


def test_extract_linking_floor(seed_report) -> None:
    linking = seed_report["linking"]
    # without the seed's own agency in organs/names.csv its misprint (政服务管理局) is no
    # longer corrected: one canonical name wrong and left apart (issue 16: 0.944, 1)
    assert linking["exact_canonical"] >= 0.93, linking
    assert linking["unmerged_duplicates"] == 0, linking
    assert linking["place_parent"] >= 0.90, linking


def test_extract_gold_json_is_valid(seed_results) -> None:
    for result in seed_results.values():
        page = to_gold_json(result)
        ids = {e["id"] for e in page["entities"]}
        assert len(ids) == len(page["entities"])
        for rel in page["relations"]:
            assert rel["head"] in ids
            assert rel.get("tail") is None or rel["tail"] in ids
        for ent in page["entities"]:
            assert ent["canonical"] and ent["mentions"]


def test_extract_is_deterministic(nlp) -> None:
    from kg.extract import extract_page, page_meta

    path = sorted(SEEDS.glob("*.txt"))[0]
    meta = page_meta(path, read_manifest(SEEDS))
    raw = path.read_text(encoding="utf-8")
    first = json.dumps(to_gold_json(extract_page(raw, meta, nlp)), ensure_ascii=False)
    second = json.dumps(to_gold_json(extract_page(raw, meta, nlp)), ensure_ascii=False)
    assert first == second


def test_extract_manifest_reads_seed_metadata() -> None:
    meta = read_manifest(SEEDS)["000_e59ba49bd64a9ae0.txt"]
    assert (meta.newspaper, meta.date, meta.home_place) == ("昭通日报", "2022-11-22", "昭通市")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("name,newspaper\nx.txt,a\n", "missing column"),
        ("file,newspaper,date,home_place\n../evil.txt,a,,\n", "plain file name"),
        ("file,newspaper,date,home_place\na.txt,,,\na.txt,,,\n", "listed twice"),
    ],
)
def test_extract_manifest_rejects_bad_rows(tmp_path, content, reason) -> None:
    (tmp_path / "manifest.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=reason):
        read_manifest(tmp_path)


def test_extract_mentions_point_at_the_raw_page(seed_results) -> None:
    checked = 0
    for result in seed_results.values():
        raw = (SEEDS / result.meta.source).read_text(encoding="utf-8")
        for mention, _key in result.mentions:
            assert mention.raw_start is not None and mention.raw_end is not None
            # the raw span may hold the line breaks and layout spaces cleaning removed
            assert "".join(raw[mention.raw_start : mention.raw_end].split()) == "".join(
                mention.text.split()
            )
            checked += 1
    assert checked > 300


# Text of the genre's alphabet: CJK, the punctuation and quotes news pages use,
# digits, Latin letters, layout spaces and line breaks.
PAGE_ALPHABET = st.sampled_from(
    list("党委员会局县市镇村社区中心昭通永善巧家红光人民政府的了在和与是")
    + list("，。、；：！？“”‘’《》（）——…·+ \n\n\n")
    + list("0123456789ABCxyz<>&/'\"")
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=PAGE_ALPHABET, max_size=400))
def test_extract_any_text_gives_a_valid_graph(nlp, text) -> None:
    from rdflib import Graph

    from kg.export.rdf import serialize
    from kg.extract import extract_page
    from kg.graph.rdf import build_graph
    from kg.link.registry import Registry
    from kg.model import PageMeta

    result = extract_page(text, PageMeta(source="fuzz.txt", home_place="昭通市"), nlp)
    page = to_gold_json(result)
    ids = {e["id"] for e in page["entities"]}
    assert all(r["head"] in ids for r in page["relations"])
    for mention, _key in result.mentions:
        assert text[mention.raw_start : mention.raw_end].replace(" ", "").replace("\n", "") == (
            mention.text.replace(" ", "").replace("\n", "")
        )
    turtle = serialize(build_graph(Registry.link_corpus([result])), "turtle")
    assert len(Graph().parse(data=turtle, format="turtle")) > 0


def test_extract_pages_read_together_give_what_each_gives_alone(nlp, seed_results) -> None:
    """Pages tokenised together (a build's batch, issue 20) get the results each gets alone."""
    from kg.corpus.engines import extract_batch
    from kg.extract import iter_pages, page_meta

    manifest = read_manifest(SEEDS)
    paths = iter_pages([SEEDS])
    pages = [(p.read_text(encoding="utf-8"), page_meta(p, manifest)) for p in paths]
    together = extract_batch(pages, nlp)
    assert len(together) == len(paths) > 1
    for path, outcome in zip(paths, together, strict=True):
        assert not isinstance(outcome, str), outcome
        assert to_gold_json(outcome) == to_gold_json(seed_results[path.name])


def test_extract_a_page_that_breaks_tokenising_together_fails_alone(nlp, monkeypatch) -> None:
    """When the batch's shared tokenising fails, each page tokenises alone: only the page at
    fault fails, with the reason, and the others get what they get alone."""
    import kg.corpus.engines as engines
    from kg.extract import extract_page
    from kg.model import PageMeta

    real = engines.tokenize

    def fragile(nlp_, texts):
        if any("毒" in t for t in texts):
            raise RuntimeError("a tokenizer fault")
        return real(nlp_, texts)

    monkeypatch.setattr(engines, "tokenize", fragile)
    good = next(iter(sorted(SEEDS.glob("*.txt")))).read_text(encoding="utf-8")[:3000]
    pages = [
        (good, PageMeta(source="a.txt")),
        (good.replace("。", "毒。", 1), PageMeta(source="b.txt")),  # breaks the tokenizer
        (good, PageMeta(source="c.txt")),
    ]
    a, b, c = engines.extract_batch(pages, nlp)
    assert b == "extraction failed: RuntimeError: a tokenizer fault"
    alone = to_gold_json(extract_page(good, PageMeta(source="a.txt"), nlp))
    assert to_gold_json(a) == alone
    assert to_gold_json(c)["entities"] == alone["entities"]
