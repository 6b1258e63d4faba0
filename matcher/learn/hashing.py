"""Hashed character n-grams: texts -> a sparse matrix of signed buckets, with nothing readable kept.

The text model reads a company's name, 简介 and 经营范围 as character n-grams (Chinese has no spaces;
"医药", "轨道装备", "输配电" are n-grams). Each n-gram is hashed to one of 2^bits buckets with a sign
(the hashing trick, as scikit-learn's HashingVectorizer does): the model keeps weights per bucket, so
no phrase of the rows it was trained on is stored anywhere. A row's value in a bucket is the sum of
the signs of its n-grams that fall there, divided by the square root of the row's n-gram count.

The hash of an n-gram c1…cn under a salt — `plain_hash`, the definition — packs the code points of
the first three characters (18 bits each: every CJK character fits) into one integer `key`, folds
every further character in as key = (key × MULTIPLIER mod 2^64) XOR code, then multiply-shift hashing:
h = ((key XOR seed) × MULTIPLIER) mod 2^64 with seed = (salt × SALT_PRIME + n) mod 2^64; the top
`bits` bits of h are the bucket, the bit below them the sign. `hash_texts` computes it for every
n-gram (n ≤ MAX_ORDER) of many texts at once with NumPy (a test checks it against `plain_hash`);
`hash_tokens` hashes whole tokens of any length (a 经营范围 item) with the same definition.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

MULTIPLIER = 0x9E3779B97F4A7C15  # odd: multiply-shift hashing
SALT_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1
CODE_BITS = 18  # bits kept of each code point (CJK and ASCII are below 2^18)
PACKED = 3  # three 18-bit characters fit in one 64-bit key; further ones are folded in
MAX_ORDER = 4  # the longest n-gram hash_texts reads
_CHUNK_CHARS = 1 << 21  # texts are hashed in slices of about this many characters (bounded memory)


def _seed(salt: int, n: int) -> int:
    return (salt * SALT_PRIME + n) & MASK64


def plain_hash(gram: str, salt: int) -> int:
    """The 64-bit hash of one n-gram or token (one character or more) under a salt: the definition."""
    key = 0
    for i, ch in enumerate(gram):
        code = ord(ch) & ((1 << CODE_BITS) - 1)
        key = (key << CODE_BITS) | code if i < PACKED else ((key * MULTIPLIER) & MASK64) ^ code
    return ((key ^ _seed(salt, len(gram))) * MULTIPLIER) & MASK64


def bucket_sign(h, bits: int):
    """(bucket, sign) of 64-bit hashes: the top `bits` bits pick the bucket, the next bit the sign."""
    if isinstance(h, int):
        return h >> (64 - bits), -1 if (h >> (63 - bits)) & 1 else 1
    h = np.asarray(h, dtype=np.uint64)
    bucket = (h >> np.uint64(64 - bits)).astype(np.int32)
    sign = np.where((h >> np.uint64(63 - bits)) & np.uint64(1), np.float32(-1), np.float32(1))
    return bucket, sign


def prepared(texts, max_chars: int) -> list[str]:
    """Texts as hashed: missing -> '', lower case, cut to max_chars, the NUL character removed."""
    out = []
    for t in texts:
        if t is None or (isinstance(t, float) and t != t):
            out.append("")
        else:
            out.append(str(t)[:max_chars].lower().replace("\x00", ""))
    return out


def _order_keys(texts: list[str], orders: tuple[int, ...], salt: int) -> tuple[list, np.ndarray]:
    """For one slice of texts: per order, (hashes of its n-grams in text order, n-grams per text), and
    the n-gram count of every text over all orders."""
    n_rows = len(texts)
    joined = "\x00".join(texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    codes &= np.uint64((1 << CODE_BITS) - 1)
    sep = codes == 0
    seps = np.zeros(len(codes) + 1, dtype=np.int32)
    np.cumsum(sep, out=seps[1:])
    text_of = seps[1:] - sep  # the text each position belongs to
    found, total = [], np.zeros(n_rows, dtype=np.int64)
    shift = np.uint64(CODE_BITS)
    for n in orders:
        m = len(codes) - n + 1
        if m <= 0:
            continue
        key = codes[:m].copy()
        for j in range(1, n):
            if j < PACKED:
                key <<= shift
                key |= codes[j : j + m]
            else:  # folded in (plain_hash); uint64 products wrap modulo 2^64
                key *= np.uint64(MULTIPLIER)
                key ^= codes[j : j + m]
        valid = (seps[n : n + m] - seps[:m]) == 0  # no separator inside the window
        key = key[valid]
        key ^= np.uint64(_seed(salt, n))
        key *= np.uint64(MULTIPLIER)
        counts = np.bincount(text_of[:m][valid], minlength=n_rows)
        found.append((key, counts))
        total += counts
    return found, total


def _hash_slice(texts: list[str], orders: tuple[int, ...], salt: int, bits: int) -> sp.csr_matrix:
    """len(texts) × 2^bits (see hash_texts) for one slice of texts."""
    n_rows, n_features = len(texts), 1 << bits
    found, total = _order_keys(texts, orders, salt)
    # one CSR matrix without sorting: positions run in text order, so each order's entries are sorted
    # by row already; they are scattered to their row's slot (a bucket hit twice in a row stays two
    # entries: products add them, sum_duplicates merges them)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(total, out=indptr[1:])
    data = np.empty(indptr[-1], dtype=np.float32)
    indices = np.empty(indptr[-1], dtype=np.int32)
    filled = indptr[:-1].copy()
    scale = (1.0 / np.sqrt(np.maximum(total, 1))).astype(np.float32)
    for key, counts in found:
        row = np.repeat(np.arange(n_rows), counts)
        start = np.zeros(n_rows, dtype=np.int64)
        np.cumsum(counts[:-1], out=start[1:])
        dest = filled[row] + (np.arange(len(key)) - start[row])
        bucket, sign = bucket_sign(key, bits)
        indices[dest] = bucket
        data[dest] = sign * scale[row]
        filled += counts
    return sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_features))


def hash_texts(
    texts, orders: tuple[int, ...], salt: int, bits: int, max_chars: int, merge: bool = True
) -> sp.csr_matrix:
    """len(texts) × 2^bits: for every text, the signs of its n-grams of the given orders summed per
    bucket, divided by the square root of its n-gram count (a missing or empty text: an empty row).
    With merge=False a bucket hit twice in a row may stay two entries (the same matrix for products,
    without the sort that merging needs)."""
    if not orders or min(orders) < 1 or max(orders) > MAX_ORDER:
        raise ValueError(f"n-gram orders must lie in 1..{MAX_ORDER}: {orders}")
    texts = prepared(texts, max_chars)
    parts, start, size = [], 0, 0
    for i, t in enumerate(texts):
        if size + len(t) > _CHUNK_CHARS and i > start:
            parts.append(_hash_slice(texts[start:i], orders, salt, bits))
            start, size = i, 0
        size += len(t)
    parts.append(_hash_slice(texts[start:], orders, salt, bits))
    out = sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]
    if merge:
        out.sum_duplicates()
    return out


def hash_dot(texts, orders: tuple[int, ...], salt: int, bits: int, max_chars: int, weights: np.ndarray) -> np.ndarray:
    """hash_texts(texts, …) @ weights (2^bits × k) without building the whole matrix: one sorted CSR
    matrix per n-gram order (positions run in text order), each multiplied, the products added — the
    same sums, cheaper than scattering every order's entries into one matrix (a test compares)."""
    texts = prepared(texts, max_chars)
    n_rows = len(texts)
    out = np.zeros((n_rows, weights.shape[1]), dtype=np.float32)
    if not n_rows:
        return out
    found, total = _order_keys(texts, orders, salt)
    for key, counts in found:
        bucket, sign = bucket_sign(key, bits)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        out += sp.csr_matrix((sign, bucket, indptr), shape=(n_rows, 1 << bits)) @ weights
    out *= (1.0 / np.sqrt(np.maximum(total, 1))).astype(np.float32)[:, None]
    return out


def hash_tokens(tokens_per_row: list[list[str]], salt: int, bits: int) -> sp.csr_matrix:
    """rows × 2^bits for whole tokens (经营范围 items, a name's industry part): each token hashed as one
    n-gram (plain_hash), values sign / sqrt(tokens in the row). Each distinct token is hashed once, in
    Python."""
    cache: dict[str, tuple[int, int]] = {}
    rows, cols, vals = [], [], []
    for i, tokens in enumerate(tokens_per_row):
        if not tokens:
            continue
        w = 1.0 / np.sqrt(len(tokens))
        for tok in tokens:
            if tok not in cache:
                cache[tok] = bucket_sign(plain_hash(tok, salt), bits)
            b, s = cache[tok]
            rows.append(i)
            cols.append(b)
            vals.append(s * w)
    return sp.csr_matrix(
        (np.asarray(vals, dtype=np.float32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=(len(tokens_per_row), 1 << bits),
        dtype=np.float32,
    )
