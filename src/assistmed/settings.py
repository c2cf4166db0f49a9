"""The analysis settings (config key `analysis`) as one typed object.

Their defaults live in one place, the schema `schemas/analysis.schema.yaml` of this package: the workflow
validates config `analysis` against it (which fills the defaults in), and `AnalysisSettings.from_config`
reads them from it for a call outside the workflow. Every strand takes its settings from this object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources

import yaml

SCHEMA = "schemas/analysis.schema.yaml"


def schema_path() -> str:
    """Absolute path of the analysis settings' JSON schema (YAML), for the workflow's validation."""
    return str(resources.files("assistmed").joinpath(SCHEMA))


@cache
def schema() -> dict:
    text = resources.files("assistmed").joinpath(SCHEMA).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def defaults() -> dict:
    """Every setting's default, as the schema gives it."""
    return {name: spec["default"] for name, spec in schema()["properties"].items()}


@dataclass(frozen=True)
class AnalysisSettings:
    """Config `analysis`, typed; see config/README.md for each setting."""

    confidence: float
    min_expected: float
    fisher_mc_tables: int
    seed: int
    p_adjust: str
    min_events_per_variable: float
    firth_events_per_parameter: float
    model_covariates: tuple[str, ...]
    weights: str

    @classmethod
    def from_config(cls, mapping: Mapping | None = None) -> AnalysisSettings:
        """The settings of config `analysis` (the schema's default for every key left out)."""
        values = {**defaults(), **(mapping or {})}
        unknown = sorted(set(values) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"analysis : réglage(s) inconnu(s) {unknown} / unknown analysis setting(s)")
        # A list of the config (the model's covariates) becomes a tuple: the settings stay hashable.
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    @classmethod
    def of(cls, settings: AnalysisSettings | Mapping | None) -> AnalysisSettings:
        """`settings` as given, or built from a config mapping."""
        return settings if isinstance(settings, AnalysisSettings) else cls.from_config(settings)
