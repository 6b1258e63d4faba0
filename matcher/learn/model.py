"""The learned chain model: a text model over hashed n-grams, stacked per chain with knowledge evidence.

Two stages, both linear, both plain NumPy at inference (scikit-learn trains them, never loads here):

1. Text model: per chain, a logistic regression over the hashed character n-grams (matcher.learn.
   hashing) of the company name, the 简介 and the 经营范围 — each field in its own hash space, each
   normalised on its own; a field may also be a column the engine derives (the name's industry part,
   the 经营范围's kept items: matcher/engine/learned.py) or be read as whole tokens (items) — plus the
   GB/T industry code and its 中类 / 大类 prefixes as tokens. Its output is a logit per chain
   (`text_logits`).
2. Stacker: per chain, a logistic regression over that chain's knowledge features (the engine's
   relevance for the chain, whether its code / name / 简介 / 经营范围 / leader names gave evidence,
   which fields the row has: see STACK_FEATURES) and the text logit. Its output, `relevance`, is the
   model's relevance for the chain: a probability whose intercept is shifted so that the probability
   chosen for filing in training reaches the default minimum relevance (the artefact's metadata says
   which).

The blend of the model's relevance with the engine's (matcher/engine/learned.py) gives chain c the weight
model_weight × chain_share[c]: the artefact's `chain_share` (≤ 1, the largest 1) is how far training
found the model worth trusting in each chain, relative to the chain it trusts most; an artefact without
it shares alike.

The artefact (data/model/chain_model.npz) holds the weights of the buckets seen in training
(float16), the stacker's coefficients, the chains' shares and a JSON metadata record (how it was trained: date, hashes
of the data, scikit-learn version, held-out figures). `load_model` validates every part and names
the file and the field of anything wrong; `DEFAULT_MODEL` is missing → `shipped_model()` is None and
the engine runs on knowledge alone.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import DataFileError
from ..knowledge.settings import DATA_DIR
from .hashing import MASK64, MAX_ORDER, MULTIPLIER, bucket_sign, hash_dot, hash_texts, hash_tokens, prepared

DEFAULT_MODEL = DATA_DIR / "model" / "chain_model.npz"
FORMAT_VERSION = 1
# the knowledge features the stacker may use, each an n × chains array the engine computes
# (matcher/engine/learned.py); "text" is the text model's logit; "a*b" is the product of two
KNOWLEDGE_FEATURES = (
    "relevance",  # the engine's best segment relevance in the chain
    "evidence",  # the same as an amount of evidence: −log(1 − relevance), capped at 5
    "code",  # the industry code (exported or read from the 经营范围) lists a segment of the chain
    "name_hit",  # a chain keyword (strong or weak) in the name
    "intro_hit",  # … in the 简介 / 主营
    "scope_hit",  # … in the 经营范围
    "scope_code",  # what the 经营范围 items' GB/T 小类 add to the chain's best segment (scope_code_support), ≤ 1
    "leader",  # a leader company's name of the chain in the name
    "has_intro",  # the row has a 简介 (same for every chain)
    "has_scope",  # the row has a 经营范围
    "has_code",  # the row has an industry code
    "name_only",  # the row has nothing but its name
)
BASE_FEATURES = (*KNOWLEDGE_FEATURES, "text")
TEXT_BLOCK = 4096  # distinct texts hashed and scored at a time
ARRAYS = ("text_index", "text_weights", "text_intercept", "stack_coef", "stack_intercept")
OPTIONAL_ARRAYS = ("chain_share",)  # an artefact without it gives every chain the share 1


@dataclass(frozen=True)
class TextField:
    """One text column read by the text model: its canonical column, hash salt, n-gram orders and
    the characters read (the first max_chars: a 经营范围 states its main business first). With `split`
    (characters that separate tokens, e.g. "；" between 经营范围 items) the field is read as whole tokens
    instead of n-grams (`orders` is then empty)."""

    column: str
    salt: int
    orders: tuple[int, ...]
    max_chars: int
    split: str = ""

    def tokens(self, texts) -> list[list[str]]:
        """The whole tokens of every text (a `split` field): cut at any split character, stripped."""
        out = []
        for t in prepared(texts, self.max_chars):
            for ch in self.split[1:]:
                t = t.replace(ch, self.split[0])
            out.append([w.strip() for w in t.split(self.split[0]) if w.strip()])
        return out

    def matrix(self, texts, bits: int, merge: bool = True) -> sp.csr_matrix:
        """len(texts) × 2^bits: the field's hashed features."""
        if self.split:
            return hash_tokens(self.tokens(texts), self.salt, bits)
        return hash_texts(texts, self.orders, self.salt, bits, self.max_chars, merge)

    def dot(self, texts, bits: int, weights: np.ndarray) -> np.ndarray:
        """matrix(texts) @ weights."""
        if self.split:
            return np.asarray(hash_tokens(self.tokens(texts), self.salt, bits) @ weights, dtype=np.float32)
        return hash_dot(texts, self.orders, self.salt, bits, self.max_chars, weights)


def code_tokens(code) -> list[str]:
    """The tokens of a GB/T code: the 小类 and its 中类 and 大类 prefixes ('3670' -> 36, 367, 3670)."""
    if code is None or (isinstance(code, float) and code != code):
        return []
    digits = "".join(ch for ch in str(code) if ch.isdigit())
    return [digits[:k] for k in (2, 3, 4) if len(digits) >= k]


def code_hash(token: str, salt: int) -> int:
    """64-bit hash of a code token: its digits with a leading 1 (length kept) as the key, multiply-shift."""
    key = int("1" + token)
    return ((key ^ ((salt * 0x100000001B3 + 9) & MASK64)) * MULTIPLIER) & MASK64


def code_matrix(codes, salt: int, bits: int) -> sp.csr_matrix:
    """rows × 2^bits: each row's code tokens (sign / sqrt(token count)); each distinct code hashed once."""
    cats, uniques = pd.factorize(pd.Series(list(codes), dtype=object), use_na_sentinel=True)
    rows, cols, vals = [], [], []
    for i, code in enumerate(uniques):
        tokens = code_tokens(code)
        for tok in tokens:
            b, s = bucket_sign(code_hash(tok, salt), bits)
            rows.append(i)
            cols.append(b)
            vals.append(s / np.sqrt(len(tokens)))
    table = sp.csr_matrix(
        (np.asarray(vals, np.float32), (np.asarray(rows, np.int64), np.asarray(cols, np.int64))),
        shape=(len(uniques) + 1, 1 << bits),
        dtype=np.float32,
    )
    return table[np.where(cats < 0, len(uniques), cats)]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class ChainModel:
    """Text model + per-chain stacker (see the module docstring); arrays as loaded from the artefact.

    chain_ids: the chains it scores (columns of every n × C array); bits: log2 of the hash space;
    fields: the TextFields read; code_column / code_salt: the industry code tokens; text_index (m,)
    sorted buckets with a weight, text_weights (m × C), text_intercept (C,); stack_features: names
    (BASE_FEATURES or products "a*b"), stack_coef (C × k), stack_intercept (C,); chain_share (C,) the
    chain's share of the blend weight (see the module docstring; None: 1 each); meta: training record.
    """

    def __init__(
        self,
        chain_ids,
        bits: int,
        fields,
        code_column: str,
        code_salt: int,
        text_index: np.ndarray,
        text_weights: np.ndarray,
        text_intercept: np.ndarray,
        stack_features,
        stack_coef: np.ndarray,
        stack_intercept: np.ndarray,
        meta: dict | None = None,
        chain_share: np.ndarray | None = None,
    ):
        self.chain_ids = tuple(chain_ids)
        self.bits = int(bits)
        self.fields = tuple(fields)
        self.code_column = code_column
        self.code_salt = int(code_salt)
        self.text_index = np.asarray(text_index, dtype=np.int32)
        self.text_weights = np.asarray(text_weights, dtype=np.float32)
        self.text_intercept = np.asarray(text_intercept, dtype=np.float32)
        self.stack_features = tuple(stack_features)
        self.stack_coef = np.asarray(stack_coef, dtype=np.float32)
        self.stack_intercept = np.asarray(stack_intercept, dtype=np.float32)
        self.meta = dict(meta or {})
        self.chain_share = (
            np.ones(len(self.chain_ids), np.float32) if chain_share is None else np.asarray(chain_share, np.float32)
        )
        self._dense = None

    # ---- the text model ---------------------------------------------------------------------
    def dense_weights(self) -> np.ndarray:
        """2^bits × C float32 weights (zero for buckets never seen in training), built once."""
        if self._dense is None:
            w = np.zeros((1 << self.bits, len(self.chain_ids)), dtype=np.float32)
            w[self.text_index] = self.text_weights
            self._dense = w
        return self._dense

    def text_matrix(self, frame: pd.DataFrame, merge: bool = True) -> sp.csr_matrix:
        """n × 2^bits: the hashed features of every text field and the code, summed (what training fits)."""
        x = code_matrix(_column(frame, self.code_column), self.code_salt, self.bits)
        for f in self.fields:
            x = x + f.matrix(_column(frame, f.column).tolist(), self.bits, merge)
        return x.tocsr()

    def text_logits(self, frame: pd.DataFrame) -> np.ndarray:
        """n × C logits of the text model; each distinct text of a field is hashed once."""
        w = self.dense_weights()
        out = np.tile(self.text_intercept, (len(frame), 1))
        out += code_matrix(_column(frame, self.code_column), self.code_salt, self.bits) @ w
        for f in self.fields:
            cats, uniques = pd.factorize(_column(frame, f.column), use_na_sentinel=True)
            if not len(uniques):
                continue
            texts = list(uniques)
            part = np.zeros((len(texts) + 1, w.shape[1]), dtype=np.float32)  # the last row: a missing text
            for i in range(0, len(texts), TEXT_BLOCK):  # block by block: memory stays small on long lists
                block = texts[i : i + TEXT_BLOCK]
                part[i : i + len(block)] = f.dot(block, self.bits, w)
            out += part[np.where(cats < 0, len(uniques), cats)]
        return out

    # ---- the stacker ------------------------------------------------------------------------
    def stack_matrix(self, knowledge: dict, text: np.ndarray) -> np.ndarray:
        """n × C × k: the stacker's inputs, from the knowledge features (name -> n × C) and text logits."""
        base = {**knowledge, "text": text}
        cols = []
        for name in self.stack_features:
            value = np.ones_like(text)
            for part in name.split("*"):
                value = value * np.asarray(base[part], dtype=np.float32)
            cols.append(value)
        return np.stack(cols, axis=2)

    def stack_logits(self, knowledge: dict, text: np.ndarray) -> np.ndarray:
        """n × C logits of the stacker."""
        x = self.stack_matrix(knowledge, text)
        return np.einsum("nck,ck->nc", x, self.stack_coef) + self.stack_intercept

    def relevance(self, knowledge: dict, frame: pd.DataFrame) -> np.ndarray:
        """n × C: the model's relevance of every row to every chain (in [0, 1])."""
        return _sigmoid(self.stack_logits(knowledge, self.text_logits(frame))).astype(np.float32)

    # ---- the artefact -----------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the artefact (compressed .npz: the arrays and the metadata as JSON)."""
        meta = {
            **self.meta,
            "format_version": FORMAT_VERSION,
            "chain_ids": list(self.chain_ids),
            "bits": self.bits,
            "fields": [
                {"column": f.column, "salt": f.salt, "orders": list(f.orders), "max_chars": f.max_chars}
                | ({"split": f.split} if f.split else {})
                for f in self.fields
            ],
            "code_column": self.code_column,
            "code_salt": self.code_salt,
            "stack_features": list(self.stack_features),
        }
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                meta=np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
                text_index=self.text_index.astype(np.int32),
                text_weights=self.text_weights.astype(np.float16),
                text_intercept=self.text_intercept,
                stack_coef=self.stack_coef,
                stack_intercept=self.stack_intercept,
                chain_share=self.chain_share.astype(np.float32),
            )


def _need(cond: bool, path, field: str, problem: str) -> None:
    if not cond:
        raise DataFileError(path, field, problem)


def _field_spec(path, i: int, spec) -> TextField:
    where = f"meta.fields[{i}]"
    _need(isinstance(spec, dict), path, where, "应为包含 column、salt、orders、max_chars 的对象")
    for key in ("column", "salt", "orders", "max_chars"):
        _need(key in spec, path, f"{where}.{key}", "缺少该字段")
    _need(isinstance(spec["column"], str) and spec["column"], path, f"{where}.column", "应为列名")
    _need(isinstance(spec["salt"], int), path, f"{where}.salt", "应为整数")
    split = spec.get("split", "")
    _need(isinstance(split, str), path, f"{where}.split", "应为分隔字符")
    orders = spec["orders"]
    _need(
        isinstance(orders, list)
        and (bool(orders) != bool(split))
        and all(isinstance(o, int) and 1 <= o <= MAX_ORDER for o in orders),
        path,
        f"{where}.orders",
        f"应为 1 到 {MAX_ORDER} 之间的整数列表（按分隔字符整词读取时为空）",
    )
    _need(isinstance(spec["max_chars"], int) and spec["max_chars"] > 0, path, f"{where}.max_chars", "应为正整数")
    return TextField(spec["column"], spec["salt"], tuple(orders), spec["max_chars"], split)


def load_model(path=DEFAULT_MODEL) -> ChainModel:
    """Read and validate an artefact; a DataFileError names the file and the field of any problem."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise DataFileError(path, "(文件)", "找不到模型文件") from None
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DataFileError(path, "(文件)", f"不是有效的模型文件（{type(exc).__name__}）") from None
    for key in ("meta", *ARRAYS):
        _need(key in arrays, path, key, "缺少该数组")
    try:
        meta = json.loads(str(arrays["meta"]))
    except ValueError:
        raise DataFileError(path, "meta", "不是有效的 JSON") from None
    _need(isinstance(meta, dict), path, "meta", "应为 JSON 对象")
    _need(meta.get("format_version") == FORMAT_VERSION, path, "meta.format_version", f"应为 {FORMAT_VERSION}")
    chain_ids = meta.get("chain_ids")
    _need(
        isinstance(chain_ids, list) and chain_ids and all(isinstance(c, str) for c in chain_ids),
        path,
        "meta.chain_ids",
        "应为产业链编号列表",
    )
    _need(len(set(chain_ids)) == len(chain_ids), path, "meta.chain_ids", "产业链编号重复")
    bits = meta.get("bits")
    _need(isinstance(bits, int) and 8 <= bits <= 24, path, "meta.bits", "应为 8 到 24 之间的整数")
    fields = meta.get("fields")
    _need(isinstance(fields, list) and fields, path, "meta.fields", "应为文本字段列表")
    text_fields = [_field_spec(path, i, f) for i, f in enumerate(fields)]
    _need(isinstance(meta.get("code_column"), str), path, "meta.code_column", "应为列名")
    _need(isinstance(meta.get("code_salt"), int), path, "meta.code_salt", "应为整数")
    names = meta.get("stack_features")
    _need(isinstance(names, list) and names, path, "meta.stack_features", "应为特征名列表")
    for name in names:
        _need(
            isinstance(name, str) and all(p in BASE_FEATURES for p in name.split("*")),
            path,
            "meta.stack_features",
            f"未知特征 {name!r}（可用：{', '.join(BASE_FEATURES)}）",
        )
    c, k = len(chain_ids), len(names)
    share = arrays.get("chain_share")
    if share is not None:
        _need(share.shape == (c,), path, "chain_share", f"形状应为 {(c,)}，实为 {share.shape}")
        _need(
            share.dtype.kind == "f" and bool(np.all((share >= 0) & (share <= 1))),
            path,
            "chain_share",
            "应为 0 到 1 之间的数",
        )
    index, weights = arrays["text_index"], arrays["text_weights"]
    _need(index.ndim == 1 and index.dtype.kind in "iu", path, "text_index", "应为一维整数数组")
    _need(
        bool(np.all((index >= 0) & (index < (1 << bits)))) and bool(np.all(np.diff(index) > 0)),
        path,
        "text_index",
        "应为递增且在哈希空间内的桶编号",
    )
    for key, shape in (
        ("text_weights", (len(index), c)),
        ("text_intercept", (c,)),
        ("stack_coef", (c, k)),
        ("stack_intercept", (c,)),
    ):
        a = arrays[key]
        _need(a.shape == shape, path, key, f"形状应为 {shape}，实为 {a.shape}")
        _need(a.dtype.kind == "f" and bool(np.all(np.isfinite(a))), path, key, "应为有限的浮点数")
    return ChainModel(
        chain_ids,
        bits,
        text_fields,
        meta["code_column"],
        meta["code_salt"],
        index,
        weights,
        arrays["text_intercept"],
        names,
        arrays["stack_coef"],
        arrays["stack_intercept"],
        {k: v for k, v in meta.items() if k not in ("fields",)},
        share,
    )


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> ChainModel:
    return load_model(path)


def shipped_model(path=DEFAULT_MODEL) -> ChainModel | None:
    """The artefact at `path` (loaded once per file version), or None when there is no such file: the
    engine then works on knowledge alone. An invalid file raises DataFileError."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return _cached(str(path), mtime)
