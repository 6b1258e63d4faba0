import pytest

import matcher
from matcher.engine.estimator import Estimator


def test_scikit_learn_contract_holds():
    base = pytest.importorskip("sklearn.base")
    m = matcher.SegmentMatcher(settings=matcher.DEFAULTS.replace(name_weight=2.5))
    c = base.clone(m)
    assert c is not m and c.get_params() == m.get_params() and c.settings.name_weight == 2.5
    assert not hasattr(c, "vocabulary_")  # clone copies parameters, not what fit learned
    s = base.clone(matcher.Scorer(settings=matcher.DEFAULTS.replace(w_fit=0.5)))
    assert s.settings.w_fit == 0.5


def test_set_params_and_repr():
    m = matcher.SegmentMatcher().set_params(scope_weight=0.9)
    assert m.settings.scope_weight == 0.9 and "scope_weight=0.9" in repr(m)
    with pytest.raises(ValueError):
        m.set_params(nonsense=1)


def test_fit_learns_trailing_underscore_attributes(fixture_chains, fixture_zone):
    s = matcher.Scorer().fit(fixture_chains, fixture_zone)
    assert s.gap_weight_.shape == s.priority_.shape == (len(s.segment_table_),)
    assert isinstance(s.matcher_, Estimator) and s.matcher_.vocabulary_
