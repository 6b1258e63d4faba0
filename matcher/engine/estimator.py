"""The estimator contract shared by the matcher and the scorer, without importing scikit-learn.

scikit-learn's convention — `__init__` only stores its keyword parameters, `fit` learns attributes
ending in `_`, `get_params` / `set_params` expose the parameters — is all ChainMatch needs from
`sklearn.base.BaseEstimator`, and importing scikit-learn costs more than a second at every start of
the CLI. `Estimator` implements the same contract (scikit-learn's `clone` works on it; a test checks)
in a few lines. An estimator whose parameters include `settings` (a `Settings`) also accepts a
setting's name in `set_params` (`set_params(scope_weight=0.9)` replaces that one value) and shows the
settings it changes in its repr.
"""

from __future__ import annotations

import inspect

from ..knowledge.settings import Settings


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
        settings = self.settings if "settings" in valid else None
        changed = {}
        for name, value in params.items():
            if name in valid:
                setattr(self, name, value)
            elif settings is not None and name in settings.as_dict():
                changed[name] = value
            else:
                raise ValueError(f"Invalid parameter {name!r} for {type(self).__name__}")
        if changed:  # one setting's value: a copy of the settings with it replaced
            self.settings = self.settings.replace(**changed)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = []
        for k, v in self.get_params().items():
            default = defaults.get(k)
            if default is v or default == v:
                continue
            if isinstance(v, Settings) and isinstance(default, Settings):  # only the settings that differ
                base = default.as_dict()
                diff = ", ".join(f"{n}={x!r}" for n, x in v.as_dict().items() if base.get(n) != x)
                changed.append(f"{k}={type(v).__name__}({diff})")
            else:
                changed.append(f"{k}={v!r}")
        return f"{type(self).__name__}({', '.join(changed)})"
