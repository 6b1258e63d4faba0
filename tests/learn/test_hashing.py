"""Hashed character n-grams: the vectorised hashing equals its plain definition, row by row."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.learn.hashing import MASK64, MULTIPLIER, bucket_sign, hash_texts, hash_tokens, plain_hash

BITS = 12


def plain_row(text, orders, salt, bits=BITS, max_chars=50) -> np.ndarray:
    """One text's features straight from the definition: every n-gram hashed by plain_hash."""
    t = "" if text is None else str(text)[:max_chars].lower().replace("\x00", "")
    grams = [t[i : i + n] for n in orders for i in range(len(t) - n + 1)]
    row = np.zeros(1 << bits)
    for g in grams:
        b, s = bucket_sign(plain_hash(g, salt), bits)
        row[b] += s / np.sqrt(len(grams))
    return row


texts = st.lists(
    st.one_of(st.none(), st.text(alphabet=st.sampled_from("医药电池软件轨道装备ABCabc12 \x00（）"), max_size=30)),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(texts, st.sampled_from([(1,), (1, 2), (2, 3), (1, 2, 3), (4,), (1, 2, 3, 4)]), st.integers(0, 1000))
def test_vectorised_hashing_equals_the_definition(rows, orders, salt):
    x = hash_texts(rows, orders, salt, BITS, 50)
    assert x.shape == (len(rows), 1 << BITS)
    expected = np.array([plain_row(t, orders, salt) for t in rows]).reshape(len(rows), 1 << BITS)
    np.testing.assert_allclose(x.toarray(), expected, atol=1e-6)


def test_unmerged_matrix_gives_the_same_products():
    rows = ["锂电池锂电池", "医药", None, "轨道交通装备有限公司"]
    merged = hash_texts(rows, (1, 2, 3), 5, BITS, 50)
    raw = hash_texts(rows, (1, 2, 3), 5, BITS, 50, merge=False)
    w = np.random.default_rng(0).normal(size=(1 << BITS, 3)).astype(np.float32)
    np.testing.assert_allclose(raw @ w, merged @ w, rtol=1e-5, atol=1e-6)
    assert raw.nnz >= merged.nnz


def test_texts_are_hashed_in_slices_like_whole(monkeypatch):
    import matcher.learn.hashing as h

    rows = [f"第{i}家医药科技有限公司" for i in range(50)]
    whole = hash_texts(rows, (1, 2), 3, BITS, 50)
    monkeypatch.setattr(h, "_CHUNK_CHARS", 25)  # a slice of two or three texts
    sliced = hash_texts(rows, (1, 2), 3, BITS, 50)
    assert sp.issparse(sliced) and (abs(whole - sliced) > 1e-7).nnz == 0


def test_salt_and_case():
    a = hash_texts(["Lidar 激光雷达"], (2,), 1, BITS, 50)
    assert (abs(a - hash_texts(["LIDAR 激光雷达"], (2,), 1, BITS, 50)) > 0).nnz == 0  # lower-cased
    assert (abs(a - hash_texts(["Lidar 激光雷达"], (2,), 2, BITS, 50)) > 0).nnz > 0  # another salt, other buckets


@settings(max_examples=40, deadline=None)
@given(texts, st.sampled_from([(1,), (1, 2), (1, 2, 3), (2, 4)]))
def test_hash_dot_equals_the_matrix_product(rows, orders):
    from matcher.learn.hashing import hash_dot

    w = np.random.default_rng(len(rows)).normal(size=(1 << BITS, 3)).astype(np.float32)
    expected = hash_texts(rows, orders, 9, BITS, 50) @ w
    np.testing.assert_allclose(hash_dot(rows, orders, 9, BITS, 50, w), expected, rtol=1e-5, atol=1e-5)


def test_plain_hash_packs_three_characters_and_folds_the_rest():
    a, b, c, d = (ord(ch) for ch in "轨道装备")
    seed = lambda n: (7 * 0x100000001B3 + n) & MASK64  # noqa: E731
    packed = (a << 36) | (b << 18) | c
    assert plain_hash("轨道装", 7) == ((packed ^ seed(3)) * MULTIPLIER) & MASK64
    folded = ((packed * MULTIPLIER) & MASK64) ^ d
    assert plain_hash("轨道装备", 7) == ((folded ^ seed(4)) * MULTIPLIER) & MASK64
    assert plain_hash("轨道装备", 7) != plain_hash("轨道装甲", 7)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.sampled_from("集成电路设计锂离子电池制造销售ab"), min_size=1, max_size=12), max_size=5
        ),
        max_size=6,
    ),
    st.integers(0, 1000),
)
def test_whole_tokens_hash_by_the_definition(rows, salt):
    x = hash_tokens(rows, salt, BITS).toarray()
    expected = np.zeros((len(rows), 1 << BITS))
    for i, tokens in enumerate(rows):
        for tok in tokens:
            b, s = bucket_sign(plain_hash(tok, salt), BITS)
            expected[i, b] += s / np.sqrt(len(tokens))
    np.testing.assert_allclose(x, expected, atol=1e-6)
