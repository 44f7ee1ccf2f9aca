#!/usr/bin/env python3
"""Reference sentence embeddings for all-MiniLM-L6-v2, made without our Rust/candle code.

This script gives Verbatim's Rust embedding code an independent oracle. It reads
model.safetensors by hand and runs the BERT encoder in plain numpy (float64).
Then it mean-pools over the real tokens and L2-normalises the result, the same
steps sentence-transformers takes for this model. A Rust test under
crates/semantic/tests is meant to load all-minilm-l6-v2.json (this script's
stdout) and require its own vectors to match within 1e-4.

How it was run (Python 3.11.7, numpy 2.4.6, tokenizers 0.23.3, no torch):

    pip install numpy tokenizers
    python3 crates/semantic/tests/reference/make_reference.py /tmp/model/mz \
        > crates/semantic/tests/reference/all-minilm-l6-v2.json

Sanity checks go to stderr, and the script exits non-zero if any of them fails:
  * every vector has an L2 norm of 1 (within 1e-6);
  * cos(s1, s4) < cos(s1, "Police and council leaders speak daily.");
  * a second path agrees within 1e-5. That path runs in float32, batches all the
    sentences with right padding and masks the padded keys in attention.

Notes:
  * tokenizer.json ships with truncation at 128 and fixed padding to 128. We turn
    both off and truncate to 256 (max_seq_length in sentence_bert_config.json).
  * The tensor names have no "bert." prefix. The file also holds an int64
    "embeddings.position_ids" tensor and "pooler.*" weights, and neither is used
    here. The script still accepts a "bert." prefix in case a different export has one.
"""

import hashlib
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

MAX_TOKENS = 256
HIDDEN = 384
HEADS = 12
LAYERS = 6
LN_EPS = 1e-12

SENTENCES = [
    "The council and the police now talk every morning.",
    "We're exhausted; the volunteers are running on empty after months of this.",
    "Café owners in Saint-Étienne-du-Rouvray couldn't believe the paperwork had gone.",
    "Data sharing",
    "partnership working across the whole public sector means " * 40 + "trust.",
]
PARAPHRASE_OF_1 = "Police and council leaders speak daily."

DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4"}


def read_safetensors(path):
    """Return {name: ndarray} from a .safetensors file (header length, JSON header, raw data)."""
    blob = Path(path).read_bytes()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + header_len])
    data = memoryview(blob)[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arr = np.frombuffer(data[start:end], dtype=np.dtype(DTYPES[info["dtype"]]))
        tensors[name] = arr.reshape(info["shape"]).copy()
    return tensors


class Weights:
    """Look up tensors by their BERT name, with or without a leading 'bert.'."""

    def __init__(self, tensors, dtype):
        self.t = tensors
        self.dtype = dtype

    def __call__(self, name):
        for key in (name, "bert." + name):
            if key in self.t:
                return self.t[key].astype(self.dtype)
        raise KeyError(name)


def layer_norm(x, gamma, beta):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + LN_EPS) * gamma + beta


_erf = np.vectorize(math.erf)


def gelu(x):
    # exact form: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(x.dtype))


def linear(x, w, b):
    # PyTorch layout: weight is [out, in]
    return x @ w.T + b


def encode(ids, mask, W):
    """BERT encoder. ids, mask: [batch, seq] ints. Returns last hidden state [batch, seq, H]."""
    batch, seq = ids.shape
    dt = W.dtype
    x = (
        W("embeddings.word_embeddings.weight")[ids]
        + W("embeddings.position_embeddings.weight")[np.arange(seq)][None, :, :]
        + W("embeddings.token_type_embeddings.weight")[0][None, None, :]
    )
    x = layer_norm(x, W("embeddings.LayerNorm.weight"), W("embeddings.LayerNorm.bias"))

    head_dim = HIDDEN // HEADS
    scale = 1.0 / math.sqrt(head_dim)
    # additive key mask: 0 where attended, very negative for padding
    key_bias = np.where(mask[:, None, None, :] == 1, 0.0, -1e9).astype(dt)

    def split_heads(t):  # [b, s, H] -> [b, heads, s, d]
        return t.reshape(batch, seq, HEADS, head_dim).transpose(0, 2, 1, 3)

    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        q = split_heads(linear(x, W(p + "attention.self.query.weight"), W(p + "attention.self.query.bias")))
        k = split_heads(linear(x, W(p + "attention.self.key.weight"), W(p + "attention.self.key.bias")))
        v = split_heads(linear(x, W(p + "attention.self.value.weight"), W(p + "attention.self.value.bias")))
        scores = (q @ k.transpose(0, 1, 3, 2)) * dt(scale) + key_bias
        scores = scores - scores.max(axis=-1, keepdims=True)
        probs = np.exp(scores)
        probs = probs / probs.sum(axis=-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, HIDDEN)
        attn = linear(ctx, W(p + "attention.output.dense.weight"), W(p + "attention.output.dense.bias"))
        x = layer_norm(attn + x, W(p + "attention.output.LayerNorm.weight"), W(p + "attention.output.LayerNorm.bias"))
        inter = gelu(linear(x, W(p + "intermediate.dense.weight"), W(p + "intermediate.dense.bias")))
        out = linear(inter, W(p + "output.dense.weight"), W(p + "output.dense.bias"))
        x = layer_norm(out + x, W(p + "output.LayerNorm.weight"), W(p + "output.LayerNorm.bias"))
    return x


def pool_normalise(hidden, mask):
    m = mask[:, :, None].astype(hidden.dtype)
    pooled = (hidden * m).sum(axis=1) / m.sum(axis=1)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def embed_one(ids, W):
    ids = np.asarray([ids], dtype=np.int64)
    mask = np.ones_like(ids)
    return pool_normalise(encode(ids, mask, W), mask)[0]


def embed_batch_padded(id_lists, W):
    seq = max(len(x) for x in id_lists)
    ids = np.zeros((len(id_lists), seq), dtype=np.int64)  # [PAD] = 0
    mask = np.zeros_like(ids)
    for r, row in enumerate(id_lists):
        ids[r, : len(row)] = row
        mask[r, : len(row)] = 1
    return pool_normalise(encode(ids, mask, W), mask)


def main():
    folder = Path(sys.argv[1])
    st_path = folder / "model.safetensors"
    sha = hashlib.sha256(st_path.read_bytes()).hexdigest()
    tensors = read_safetensors(st_path)

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=MAX_TOKENS)

    texts = SENTENCES + [PARAPHRASE_OF_1]
    id_lists = [tok.encode(t).ids for t in texts]

    # Path A: float64, one sentence at a time, no padding (this is what gets stored)
    W64 = Weights(tensors, np.float64)
    vecs = np.stack([embed_one(ids, W64) for ids in id_lists])

    # Path B: float32, all sentences in one right-padded batch
    W32 = Weights(tensors, np.float32)
    vecs_b = embed_batch_padded(id_lists, W32).astype(np.float64)

    log = lambda *a: print(*a, file=sys.stderr)
    ok = True
    norms = np.linalg.norm(vecs, axis=1)
    log("token counts:", [len(x) for x in id_lists])
    log("norms:", norms.tolist(), "max |norm-1| =", float(np.abs(norms - 1).max()))
    ok &= bool(np.all(np.abs(norms - 1) < 1e-6))
    cos_1_4 = float(vecs[0] @ vecs[3])
    cos_1_p = float(vecs[0] @ vecs[5])
    log(f"cos(s1, s4) = {cos_1_4:.6f}; cos(s1, paraphrase) = {cos_1_p:.6f}")
    ok &= cos_1_4 < cos_1_p
    diff = float(np.abs(vecs - vecs_b).max())
    log(f"max |float64 single - float32 batched| = {diff:.3e}")
    ok &= diff < 1e-5

    out = {
        "model": "all-MiniLM-L6-v2",
        "model_safetensors_sha256": sha,
        "sentences": [
            {"text": t, "token_ids": list(ids), "vector": [round(float(v), 7) for v in vec]}
            for t, ids, vec in zip(SENTENCES, id_lists, vecs)
        ],
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    if not ok:
        log("SANITY CHECK FAILED")
        sys.exit(1)


if __name__ == "__main__":
    main()
