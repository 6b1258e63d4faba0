"""The estimator contract shared by the matcher and the scorer, without importing scikit-learn.

scikit-learn's convention — `__init__` only stores its keyword parameters, `fit` learns attributes
ending in `_`, `get_params` / `set_params` expose the parameters — is all ChainMatch needs from
`sklearn.base.BaseEstimator`, and importing scikit-learn costs more than a second at every start of
the CLI. `Estimator` implements the same contract (scikit-learn's `clone` works on it; a test checks)
in a few lines.
"""

from __future__ import annotations

import inspect


class Estimator:
    """get_params / set_params / repr in scikit-learn's style, from the `__init__` signature."""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD]

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for {type(self).__name__}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if defaults.get(k) is not v and defaults.get(k) != v]
        return f"{type(self).__name__}({', '.join(changed)})"
