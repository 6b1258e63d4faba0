"""Work done once per distinct value: the one helper behind every "format / parse / clean each distinct
value once" in the code (columns of spreadsheets repeat their values: statuses, cities, capitals).

`distinct_codes` factorises values with missing ones pointing at one extra slot after the distinct
values, so a table built from the distinct values plus a trailing "missing" entry is indexed by the
codes directly; `map_distinct` applies a function that way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def distinct_codes(values) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values): values[i] is uniques[codes[i]]; a missing value's code is len(uniques),
    the slot after the distinct values. Floats factorise as numbers (NaN is missing), the rest as objects."""
    values = values if isinstance(values, pd.Series) else np.asarray(values)
    if not isinstance(values, pd.Series) and values.dtype.kind != "f":
        values = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.where(codes < 0, len(uniques), codes), np.asarray(uniques, dtype=object)


def map_distinct(series: pd.Series, func: Callable, many: Callable | None = None) -> pd.Series:
    """func applied once per distinct value of series (func(None) for missing ones), as an object
    Series on series' index. `many`, when given, maps the list of distinct values at once (a vectorised
    twin of func) and missing values map to None."""
    if series.empty:
        return pd.Series([], index=series.index, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    if many is not None:
        mapped[:] = list(many(uniques)) + [None]
    else:
        mapped[:] = [func(v) for v in uniques] + [func(None)]  # codes == -1 picks the last (None) entry
    return pd.Series(mapped[codes], index=series.index, dtype=object)
