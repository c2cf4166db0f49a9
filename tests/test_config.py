"""The shipped configurations follow the schema, and config/README.md explains every key."""

from pathlib import Path

import jsonschema
import pytest
import yaml

from assistmed import settings

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text(encoding="utf-8"))
# Config `analysis` is validated against the package's schema (it holds the settings' defaults).
ANALYSIS_SCHEMA = settings.schema()
CONFIGS = [ROOT / "config/config.yaml", *sorted((ROOT / "config/examples").glob("*.yaml"))]


def schema_keys(node):
    for key, sub in node.get("properties", {}).items():
        yield key
        yield from schema_keys(sub)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        yield from schema_keys(extra)


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_shipped_configs_are_valid(path):
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(config, SCHEMA)
    jsonschema.validate(config.get("analysis", {}), ANALYSIS_SCHEMA)


def test_a_misspelt_key_is_refused_by_name():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    config["analysis"]["confidance"] = 0.9
    with pytest.raises(jsonschema.ValidationError, match="confidance"):
        jsonschema.validate(config["analysis"], ANALYSIS_SCHEMA)


def test_the_config_readme_explains_every_key():
    readme = (ROOT / "config/README.md").read_text(encoding="utf-8")
    keys = {*schema_keys(SCHEMA), *schema_keys(ANALYSIS_SCHEMA)}
    missing = sorted({k for k in keys if f"`{k}`" not in readme and f".{k}`" not in readme})
    assert not missing
