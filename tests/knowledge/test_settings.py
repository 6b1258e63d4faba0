"""Settings metadata: every field declares its stage, and the session's split follows from it."""

from dataclasses import fields

import pytest

import matcher
from matcher.knowledge.settings import MATCH, RANK, STAGES, Settings, stage_settings


def test_every_setting_declares_its_stage():
    for f in fields(Settings):
        assert f.metadata["stage"] in STAGES, f.name
    assert all(item["stage"] in STAGES for item in matcher.settings_help())  # the CLI and the app see it
    assert set(stage_settings(MATCH)) | set(stage_settings(RANK)) == {f.name for f in fields(Settings)}
    assert not set(stage_settings(MATCH)) & set(stage_settings(RANK))
    with pytest.raises(ValueError):
        stage_settings("later")


def test_the_session_split_is_derived_from_the_stages():
    assert tuple(h["name"] for h in matcher.settings_help() if h["stage"] == RANK) == matcher.RANK_SETTINGS
    assert {"w_fit", "tier_a", "radius_km", "penalty_abnormal", "penalty_dishonest"} <= set(matcher.RANK_SETTINGS)
    assert {"min_relevance", "name_weight", "core_factor"} <= set(stage_settings(MATCH))
    keys = [k for k, _ in matcher.match_key(matcher.DEFAULTS)] + [k for k, _ in matcher.rank_key(matcher.DEFAULTS)]
    assert sorted(keys) == sorted(matcher.DEFAULTS.as_dict())  # every setting in exactly one key
