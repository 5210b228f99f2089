"""An experiment toward issue 20: LAC's encoder distilled into a small tagger.

    .venv/bin/pip install torch==2.13.0      # not a kg dependency
    .venv/bin/python benchmarks/distill_lac.py CORPUS.jsonl [...] --epochs 12 --out DIR [--student gru]

The corpus is text kg is not measured on: JSON lines with a ``content`` field,
such as the PRC government work reports and CPC congress reports that
github.com/aldohemsn/chinese-political-corpora collected from Wikisource
(official documents of state organs; 1.46M characters), or NER files of one
character a line (its tag after a space or tab, a blank line between
sentences), such as the People's Daily and MSRA test sets that
github.com/OYE93/Chinese-NLP-Corpus holds (news, rich in names; no licence is
stated, so they serve to measure and nothing trained on them can be shipped). LAC's own
emissions on every chunk are the targets (a softmax match per character, so
LAC's CRF transitions decode the student's scores unchanged); the student
reads 64-wide character embeddings through four width-3 convolutions (the
last two dilated, 17 characters of context) or, with ``--student gru``, one
bidirectional GRU of 64 units each way (the whole chunk). It is exported as an ONNX
model with LAC's encoder's inputs, and kg then runs with it in LAC's place:
the script prints kg's scores on the seeds and ``../shared/dev`` and the
extraction and encoder rates beside LAC's, in the same process. Last, it
asks whether the student could stand in for LAC where it is sure of itself
and hand the rest to LAC: how many chunks of the seeds and dev pages it
decodes as LAC does, and how many still differ when the chunks it is least
sure of (smallest gap between its two best tags) go to LAC.

Nothing here is shipped: the model is not in the repository, and kg's
default stays LAC (``benchmarks/README.md`` gives the figures).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCORE = ROOT.parent / "shared" / "gold" / "score.py"
SETS = {
    "seeds": (ROOT / "seeds", ROOT.parent / "shared" / "gold"),
    "dev": (ROOT.parent / "shared" / "dev" / "articles", ROOT.parent / "shared" / "dev" / "gold"),
}


def _texts(path: Path) -> list[str]:
    """The texts of one corpus file: JSON lines' ``content``, or an NER file's sentences."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".jsonl":
        return [
            re.sub(r"\n{2,}", "\n", json.loads(line).get("content", ""))
            for line in lines
            if line.strip()
        ]
    sentences, chars = [], []
    for line in [*lines, ""]:
        if line.strip():
            chars.append(re.split(r"[ \t]", line, maxsplit=1)[0])
        elif chars:
            sentences.append("".join(chars))
            chars = []
    return sentences


def targets(lac, corpora: list[Path]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Model ids and LAC's emissions of every chunk of the corpora."""
    texts = [text for path in corpora for text in _texts(path)]
    chunks = sorted(
        (c for t in texts for s, e in lac.chunks(t) if len(c := t[s:e]) >= 2 and c.strip()),
        key=len,
    )
    return [lac._ids_of(c) for c in chunks], lac._encode_all(chunks)


def _student(kind: str, vocab: int, tags: int):
    """The student: 64-wide character embeddings, then four width-3 convolutions of 128
    channels ("conv", the last two dilated: 17 characters of context) or one bidirectional
    GRU of 64 units each way ("gru", the whole chunk), then a linear layer to LAC's tags."""
    import torch

    class Student(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = torch.nn.Embedding(vocab + 1, 64, padding_idx=vocab)
            if kind == "gru":
                self.gru = torch.nn.GRU(64, 64, batch_first=True, bidirectional=True)
                self.out = torch.nn.Linear(128, tags)
            else:
                self.convs = torch.nn.ModuleList(
                    torch.nn.Conv1d(i, 128, 3, padding=d, dilation=d)
                    for i, d in ((64, 1), (128, 1), (128, 2), (128, 4))
                )
                self.out = torch.nn.Conv1d(128, tags, 1)

        def forward(self, token_ids, length):
            x = torch.where(token_ids >= vocab, torch.full_like(token_ids, vocab), token_ids)
            if kind == "gru":
                scores = self.out(self.gru(self.emb(x))[0])
            else:
                h = self.emb(x).transpose(1, 2)
                for k, conv in enumerate(self.convs):
                    h = torch.relu(conv(h)) + (h if k >= 2 else 0)
                scores = self.out(h).transpose(1, 2)
            return scores + (length.sum() * 0).float()

    return Student()


def train(
    ids: list[np.ndarray], emissions: list[np.ndarray], epochs: int, out: Path, kind: str
) -> Path:
    """Fit the student to LAC's emissions; its ONNX file."""
    import torch

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab, tags = 58224, emissions[0].shape[1]

    def batches(rows: list[int], size: int = 64):
        groups = [rows[k : k + size] for k in range(0, len(rows), size)]
        rng.shuffle(groups)
        for g in groups:
            n = max(len(ids[i]) for i in g)
            x = np.full((len(g), n), vocab, dtype=np.int64)
            y = np.zeros((len(g), n, tags), np.float32)
            m = np.zeros((len(g), n), np.float32)
            for r, i in enumerate(g):
                x[r, : len(ids[i])], y[r, : len(ids[i])], m[r, : len(ids[i])] = (
                    ids[i],
                    emissions[i],
                    1,
                )
            yield torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(m)

    student = _student(kind, vocab, tags)
    opt = torch.optim.Adam(student.parameters(), lr=2e-3)
    rows = list(range(len(ids)))  # sorted by length: batches of like length
    lengths = torch.zeros(1, dtype=torch.int64)
    for epoch in range(epochs):
        total = 0.0
        for x, y, m in batches(rows):
            logp = torch.log_softmax(student(x, lengths), -1)
            loss = -((torch.softmax(y, -1) * logp).sum(-1) * m).sum() / m.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        sys.stderr.write(f"epoch {epoch}: loss {total:.1f}\n")
    path = out / "student.onnx"
    student.eval()
    torch.onnx.export(
        student,
        (torch.zeros(2, 10, dtype=torch.int64), torch.full((2,), 10, dtype=torch.int64)),
        str(path),
        input_names=["token_ids", "length"],
        output_names=["emissions"],
        dynamic_axes={"token_ids": {0: "B", 1: "T"}, "length": {0: "B"}},
        opset_version=17,
        dynamo=False,
    )
    return path


def measure(lac, out: Path, label: str) -> None:
    """kg's scores and rates with ``lac``'s current encoder, on the seeds and the dev articles."""
    from kg.corpus.engines import extract_batch, worker_nlp
    from kg.extract import extract_files, page_meta

    nlp = worker_nlp()
    for name, (pages_dir, gold) in SETS.items():
        if not pages_dir.is_dir():
            continue
        dest = out / f"{label}-{name}"
        dest.mkdir(parents=True, exist_ok=True)
        extract_files(sorted(pages_dir.glob("*.txt")), dest, nlp=nlp)
        score = (
            subprocess.run(
                [sys.executable, str(SCORE), str(gold), str(dest)],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        pages = [(p.read_text(encoding="utf-8"), page_meta(p, {})) for p in pages_dir.glob("*.txt")]
        chars = sum(len(t) for t, _ in pages)
        runs = []
        for _ in range(5):
            lac.forget()
            start = time.process_time()
            for lo in range(0, len(pages), 16):
                extract_batch(pages[lo : lo + 16], nlp)
            runs.append(time.process_time() - start)
        chunks = sorted((t[s:e] for t, _ in pages for s, e in lac.chunks(t)), key=len)
        start = time.process_time()
        lac._encode_all(chunks)
        encoder = time.process_time() - start
        sys.stdout.write(
            f"| {label} | {name} | {score} | {chars / statistics.median(runs):,.0f} | "
            f"{chars / encoder:,.0f} |\n"
        )


def agreement(lac, teacher, student) -> None:
    """How many chunks of the seed and dev pages the student decodes as LAC does, alone and
    with the chunks it is least sure of handed to LAC (the smallest gap, anywhere in the
    chunk, between the scores of its two best tags)."""
    from kg.recognise.lac import _viterbi

    texts = [
        p.read_text(encoding="utf-8") for pages, _ in SETS.values() for p in pages.glob("*.txt")
    ]
    chunks = sorted((t[s:e] for t in texts for s, e in lac.chunks(t)), key=len)
    sizes = np.array([len(c) for c in chunks])

    def decoded(session) -> tuple[list[np.ndarray], list[np.ndarray]]:
        lac._session = session
        emissions = lac._encode_all(chunks)
        paths = [
            path
            for lo in range(0, len(emissions), lac.batch)
            for path in _viterbi(emissions[lo : lo + lac.batch], lac._transitions)
        ]
        return emissions, paths

    _, by_lac = decoded(teacher)
    emissions, by_student = decoded(student)
    same = np.array([np.array_equal(a, b) for a, b in zip(by_lac, by_student, strict=True)])
    gap = np.array([float(np.diff(np.sort(e, axis=1)[:, -2:], axis=1).min()) for e in emissions])
    sys.stdout.write(
        f"\n{len(chunks)} chunks of the seeds and dev; the student decodes {same.mean():.1%} "
        "of them as LAC does\n\n| to LAC | their characters | chunks still not as LAC decodes them |\n"
        "|---:|---:|---:|\n"
    )
    for share in (0.1, 0.3, 0.5, 0.7, 0.9):
        routed = gap <= np.quantile(gap, share)
        left = ~same & ~routed
        sys.stdout.write(
            f"| {share:.0%} of chunks | {sizes[routed].sum() / sizes.sum():.0%} | {left.mean():.1%} |\n"
        )


class EqualLengths:
    """The student's session, run on the chunks of one length at a time: kg pads shorter
    chunks in a run, which LAC's encoder is told to ignore but the student would read (its
    convolutions, or its GRU's backward direction, which is not given the lengths)."""

    def __init__(self, session) -> None:
        self.session = session

    def run(self, outputs, feeds: dict) -> list:
        ids, lengths = feeds["token_ids"], feeds["length"]
        out = None
        for n in sorted(set(lengths.tolist())):
            rows = (lengths == n).nonzero()[0]
            part = self.session.run(outputs, {"token_ids": ids[rows, :n], "length": lengths[rows]})
            if out is None:
                out = np.zeros((*ids.shape, part[0].shape[-1]), dtype=part[0].dtype)
            out[rows, :n] = part[0]
        return [out]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="+")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--student", choices=("conv", "gru"), default="conv")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import onnxruntime as ort

    from kg.recognise.lac import default_lac

    lac = default_lac()
    args.out.mkdir(parents=True, exist_ok=True)
    ids, emissions = targets(lac, args.corpus)
    student = train(ids, emissions, args.epochs, args.out, args.student)
    sys.stdout.write("| encoder | set | scores | extraction chars/s | encoder chars/s |\n")
    sys.stdout.write("|---|---|---|---:|---:|\n")
    measure(lac, args.out, "LAC")
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(student), options, providers=["CPUExecutionProvider"])
    teacher, lac._session = lac._session, EqualLengths(session)
    measure(lac, args.out, "student")
    agreement(lac, teacher, EqualLengths(session))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
