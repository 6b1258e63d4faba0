"""matcher.distinct against the plain definition: a function applied to every value one by one."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from matcher.distinct import distinct_codes, map_distinct

# values that are equal only when they print alike (0 == 0.0 == -0.0 are one distinct value, by design)
VALUES = st.lists(
    st.one_of(
        st.none(),
        st.just(float("nan")),
        st.sampled_from(["注销", "存续", "-", ""]),
        st.floats(min_value=0.5, max_value=1e6),
    ),
    max_size=40,
)


@given(VALUES)
def test_map_distinct_is_the_function_applied_value_by_value(values):
    calls = []

    def func(v):
        calls.append(v)
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else f"<{v}>"

    series = pd.Series(values, dtype=object)
    got = map_distinct(series, func)
    assert got.index.equals(series.index)
    want = [func(None if pd.isna(v) else v) for v in values]
    assert got.tolist() == want
    assert len(calls) - len(values) <= len(set(map(repr, values))) + 1  # once per distinct value (+ missing)


@given(VALUES)
def test_map_distinct_with_a_vectorised_twin(values):
    series = pd.Series(values, dtype=object)
    got = map_distinct(series, str, many=lambda uniques: [f"[{u}]" for u in uniques])
    assert got.tolist() == [None if pd.isna(v) else f"[{v}]" for v in values]


@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False), st.text(max_size=3))))
def test_distinct_codes_index_a_table_with_a_missing_slot(values):
    codes, uniques = distinct_codes(np.array(values, dtype=object))
    table = np.array(list(uniques) + ["<missing>"], dtype=object)
    assert [table[c] for c in codes] == ["<missing>" if pd.isna(v) else v for v in values]


def test_distinct_codes_of_floats_treat_nan_as_missing():
    codes, uniques = distinct_codes(np.array([1.5, np.nan, 1.5, 2.0]))
    assert codes.tolist() == [0, 2, 0, 1] and uniques.tolist() == [1.5, 2.0]
