"""CREDITED and the evidence of facts (kg.relate.credits, kg.relate.evidence)."""

from __future__ import annotations

from kg.model import Credit


def test_relate_credited_and_evidence_offsets(relate_text):
    text = "巧家县林业和草原局推进工作。"
    credits = [Credit("通讯员", "张顺富", 0, 2), Credit("供稿", "市政务服务管理局", 0, 2)]
    page, facts = relate_text(text, [("巧家县林业和草原局", "ORG")], title="文章", credits=credits)
    credited = {
        (f.head, f.attrs["role"], f.attrs["article"]) for f in facts if f.relation == "CREDITED"
    }
    assert credited == {
        (("PERSON", "张顺富"), "通讯员", "文章"),
        (("ORG", "昭通市政务服务管理局"), "供稿", "文章"),
    }
    for f in facts:  # every fact a sentence states points at it; the gazetteer's say so
        if f.attrs.get("source") == "gazetteer":
            assert f.relation == "PART_OF" and f.evidence is None
        else:
            assert f.evidence is not None and f.evidence.source == "p.txt"
    located = next(f for f in facts if f.relation == "LOCATED_IN")
    assert located.evidence is not None
    assert page.raw[located.evidence.start : located.evidence.end] == text


def test_relate_evidence_of_a_credit_is_its_raw_line(relate_text):
    text = "正文第一句。"
    page, facts = relate_text(text, [], credits=[Credit("通讯员", "张顺富", 2, 5)])
    (fact,) = facts
    assert fact.evidence is not None
    assert (fact.evidence.sentence, fact.evidence.start, fact.evidence.end) == (
        page.raw.strip(),
        0,
        len(page.raw),
    )
