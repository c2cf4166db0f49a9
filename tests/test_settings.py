"""The analysis settings: one typed object whose defaults are the config schema's."""

import dataclasses

import pytest

from assistmed import settings
from assistmed.settings import AnalysisSettings


def test_every_setting_of_the_schema_is_a_field_and_nothing_else():
    assert [f.name for f in dataclasses.fields(AnalysisSettings)] == list(settings.schema()["properties"])


def test_a_setting_left_out_takes_the_schemas_default():
    options = AnalysisSettings.from_config({"confidence": 0.9})
    assert options.confidence == 0.9
    assert options.p_adjust == settings.schema()["properties"]["p_adjust"]["default"] == "holm"
    assert options.min_expected == 5


def test_an_unknown_setting_is_refused_by_name():
    with pytest.raises(ValueError, match="confidance"):
        AnalysisSettings.from_config({"confidance": 0.9})


def test_settings_given_as_an_object_are_used_as_they_are():
    options = AnalysisSettings.from_config({"seed": 7})
    assert AnalysisSettings.of(options) is options
    assert AnalysisSettings.of({"seed": 7}) == options
