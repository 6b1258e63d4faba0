"""The learned chain model: the shipped artefact loads and validates, bad files are named with their
field, NumPy inference equals scikit-learn's predict_proba, predictions are deterministic."""

import json

import numpy as np
import pandas as pd
import pytest

from matcher.errors import DataFileError
from matcher.learn.model import (
    BASE_FEATURES,
    DEFAULT_MODEL,
    KNOWLEDGE_FEATURES,
    ChainModel,
    TextField,
    code_tokens,
    load_model,
    shipped_model,
)

CHAINS = ("nev", "bio")
FRAME = pd.DataFrame(
    {
        "company_name": [
            "宁波动力电池科技有限公司",
            "苏州生物医药有限公司",
            "上海餐饮管理有限公司",
            "电池回收公司",
            None,
        ],
        "intro": [None, "专注于创新药研发", None, "主要从事废旧动力电池回收", "医疗器械"],
        "scope": ["锂离子电池制造；技术服务", None, "餐饮服务", None, None],
        "industry_code": ["3841", None, "6210", None, "3581"],
    }
)


def small_model(rng=None, stack=("relevance", "text", "text*name_only")) -> ChainModel:
    rng = rng or np.random.default_rng(0)
    bits = 12
    index = np.sort(rng.choice(1 << bits, 300, replace=False)).astype(np.int32)
    return ChainModel(
        CHAINS,
        bits,
        (
            TextField("company_name", 1, (1, 2), 40),
            TextField("intro", 2, (1, 2, 3), 100),
            TextField("scope", 3, (2, 4), 80),
            TextField("scope", 5, (), 80, "；;"),
        ),
        "industry_code",
        4,
        index,
        rng.normal(size=(len(index), len(CHAINS))).astype(np.float16).astype(np.float32),
        rng.normal(size=len(CHAINS)).astype(np.float32),
        stack,
        rng.normal(size=(len(CHAINS), len(stack))).astype(np.float32),
        rng.normal(size=len(CHAINS)).astype(np.float32),
        {"trained": "test"},
    )


def knowledge(n: int, rng=None) -> dict:
    rng = rng or np.random.default_rng(1)
    return {k: rng.random((n, len(CHAINS))).astype(np.float32) for k in KNOWLEDGE_FEATURES}


def test_the_shipped_artefact_loads_validates_and_is_small():
    assert DEFAULT_MODEL.exists(), "benchmarks/train_model.py writes data/model/chain_model.npz"
    assert DEFAULT_MODEL.stat().st_size < 3_000_000
    model = load_model(DEFAULT_MODEL)
    assert set(model.chain_ids) == {"ai", "nev", "ime", "rail", "bio", "ic", "software", "grid"}
    for key in ("trained", "sklearn", "data_sha256", "held_out", "fit"):
        assert key in model.meta, key
    assert len(model.meta["data_sha256"]) == 3
    assert shipped_model() is shipped_model()  # loaded once


def test_the_default_weight_is_the_one_chosen_for_the_artefact():
    """benchmarks/train_model.py chooses the blend weight on inner folds of the training rows; the setting's
    default must be that weight (retraining may choose another: update settings.py with it)."""
    import matcher

    choice = load_model(DEFAULT_MODEL).meta["choice"]
    assert matcher.DEFAULTS.model_weight == pytest.approx(choice["weight"])


def test_the_default_filing_rule_is_the_one_chosen_for_the_artefact():
    """benchmarks/train_model.py chooses on inner folds whether the combined relevance files a company or
    the knowledge's alone does (model_files 1 / 0); the setting's default must be that rule."""
    import matcher

    choice = load_model(DEFAULT_MODEL).meta["choice"]
    assert choice["filing"] in ("combined", "knowledge")
    assert matcher.DEFAULTS.model_files == (1.0 if choice["filing"] == "combined" else 0.0)


def test_the_default_ranking_of_weak_business_words_is_the_one_chosen_for_the_artefact():
    """benchmarks/train_model.py chooses on inner folds how far a business statement's weak words rank as
    specific evidence (head_weak_rank); the setting's default must be that share."""
    import matcher

    choice = load_model(DEFAULT_MODEL).meta["choice"]
    assert matcher.DEFAULTS.head_weak_rank == pytest.approx(choice["head_weak_rank"])


def test_save_and_load_round_trip(tmp_path):
    model = small_model()
    path = tmp_path / "m.npz"
    model.save(path)
    back = load_model(path)
    assert back.chain_ids == CHAINS and back.fields == model.fields and back.stack_features == model.stack_features
    k = knowledge(len(FRAME))
    np.testing.assert_array_equal(back.relevance(k, FRAME), model.relevance(k, FRAME))


def test_numpy_inference_equals_scikit_learn():
    lm = pytest.importorskip("sklearn.linear_model")
    model = small_model()
    x = model.text_matrix(FRAME)
    w = model.dense_weights()
    logits = model.text_logits(FRAME)
    for j in range(len(CHAINS)):
        clf = lm.LogisticRegression()
        clf.classes_ = np.array([0, 1])
        clf.coef_ = w[:, j][None, :].astype(np.float64)
        clf.intercept_ = np.array([model.text_intercept[j]], dtype=np.float64)
        np.testing.assert_allclose(1 / (1 + np.exp(-logits[:, j])), clf.predict_proba(x)[:, 1], rtol=1e-5)
    k = knowledge(len(FRAME))
    xs = model.stack_matrix(k, logits)
    proba = model.relevance(k, FRAME)
    for j in range(len(CHAINS)):
        clf = lm.LogisticRegression()
        clf.classes_ = np.array([0, 1])
        clf.coef_ = model.stack_coef[j][None, :].astype(np.float64)
        clf.intercept_ = np.array([model.stack_intercept[j]], dtype=np.float64)
        np.testing.assert_allclose(proba[:, j], clf.predict_proba(xs[:, j])[:, 1], rtol=1e-5)


def test_predictions_are_deterministic_and_row_independent():
    model = small_model()
    k = knowledge(len(FRAME))
    a = model.relevance(k, FRAME)
    assert np.array_equal(a, small_model().relevance(k, FRAME))
    # a row is scored the same alone and among others (each distinct text is hashed once)
    one = model.relevance({n: v[1:2] for n, v in k.items()}, FRAME.iloc[1:2].reset_index(drop=True))
    np.testing.assert_allclose(one[0], a[1], rtol=1e-6)
    doubled = pd.concat([FRAME, FRAME], ignore_index=True)
    both = model.relevance({n: np.vstack([v, v]) for n, v in k.items()}, doubled)
    np.testing.assert_allclose(both[: len(FRAME)], both[len(FRAME) :])


def test_code_tokens():
    assert code_tokens("3670") == ["36", "367", "3670"]
    assert code_tokens("C3670") == ["36", "367", "3670"]
    assert code_tokens(None) == [] and code_tokens(float("nan")) == []


# ---- validation: every problem names the file and the field ------------------------------------------
def _write(path, model: ChainModel, **change):
    model.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["meta"]))
    for key, value in change.items():
        if key.startswith("meta."):
            meta[key[5:]] = value
        elif value is None:
            arrays.pop(key)
        else:
            arrays[key] = value
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stack_coef": None}, "stack_coef"),
        ({"text_weights": np.zeros((3, 2), np.float32)}, "text_weights"),
        ({"stack_intercept": np.array([np.nan, 0.0], np.float32)}, "stack_intercept"),
        ({"text_index": np.array([5, 3], np.int32)}, "text_index"),
        ({"meta.format_version": 99}, "meta.format_version"),
        ({"meta.bits": "many"}, "meta.bits"),
        ({"meta.chain_ids": ["nev", "nev"]}, "meta.chain_ids"),
        ({"meta.stack_features": ["relevance", "astrology"]}, "meta.stack_features"),
        ({"meta.fields": [{"column": "intro", "salt": 1, "orders": [5], "max_chars": 10}]}, "meta.fields[0].orders"),
        ({"meta.fields": [{"column": "scope", "salt": 1, "orders": [], "max_chars": 10}]}, "meta.fields[0].orders"),
        (
            {"meta.fields": [{"column": "scope", "salt": 1, "orders": [], "max_chars": 10, "split": 3}]},
            "meta.fields[0].split",
        ),
        ({"meta.fields": [{"column": "intro", "salt": 1, "orders": [1]}]}, "meta.fields[0].max_chars"),
        ({"chain_share": np.ones(3, np.float32)}, "chain_share"),
        ({"chain_share": np.array([0.5, 1.5], np.float32)}, "chain_share"),
    ],
)
def test_invalid_artefacts_name_file_and_field(tmp_path, change, field):
    path = tmp_path / "bad.npz"
    _write(path, small_model(), **change)
    with pytest.raises(DataFileError) as err:
        load_model(path)
    assert err.value.field == field and str(path) in str(err.value)


def test_chain_shares_round_trip_and_default_to_one(tmp_path):
    model = small_model()
    assert model.chain_share.tolist() == [1.0, 1.0]
    model.chain_share = np.array([0.25, 1.0], np.float32)
    path = tmp_path / "m.npz"
    model.save(path)
    assert load_model(path).chain_share.tolist() == [0.25, 1.0]
    _write(path, model, chain_share=None)  # an artefact written before chains had shares
    assert load_model(path).chain_share.tolist() == [1.0, 1.0]


def test_a_file_that_is_no_model(tmp_path):
    path = tmp_path / "chain_model.npz"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataFileError, match="chain_model.npz"):
        load_model(path)
    with pytest.raises(DataFileError, match="找不到"):
        load_model(tmp_path / "missing.npz")
    assert shipped_model(tmp_path / "missing.npz") is None  # no artefact: the engine runs on knowledge alone


def test_base_features_cover_the_knowledge_features():
    assert set(KNOWLEDGE_FEATURES) < set(BASE_FEATURES) and "text" in BASE_FEATURES


def test_texts_scored_block_by_block_like_whole(monkeypatch):
    import matcher.learn.model as model_module

    model = small_model()
    rows = pd.concat([FRAME] * 4, ignore_index=True)
    rows["company_name"] = [f"{n}{i}" for i, n in enumerate(rows["company_name"].fillna(""))]
    whole = model.text_logits(rows)
    monkeypatch.setattr(model_module, "TEXT_BLOCK", 3)
    np.testing.assert_allclose(model.text_logits(rows), whole, rtol=1e-6, atol=1e-6)


def test_a_split_field_reads_whole_items():
    field = TextField("scope", 5, (), 80, "；;")
    assert field.tokens(["锂离子电池制造；技术服务; 销售", None, "；"]) == [
        ["锂离子电池制造", "技术服务", "销售"],
        [],
        [],
    ]
    x = field.matrix(["锂离子电池制造；技术服务", "技术服务；锂离子电池制造", "锂离子电池"], 12).toarray()
    np.testing.assert_array_equal(x[0], x[1])  # items, not their order or n-grams
    assert not (x[2] != 0).any() or not np.array_equal(x[2], x[0])
    assert np.count_nonzero(x[2]) <= 1
