"""Checks run when Snakemake starts, before any job: the configuration and every input file it names.

Each problem is one line, French then English, naming the configuration key, the offending value and what is
allowed, so that a statistician can fix the file without reading a schema. ``check_config`` and
``check_inputs`` gather them and stop the run with those lines only (no traceback, no schema dump).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from assistmed.patients import NATIONAL

# Region ids that name folders of their own under the output folder (the national scope, the logs).
RESERVED_REGION_IDS = (NATIONAL, "logs")
# Folders of the project itself: an output folder may not be one of them, nor hold one.
PROJECT_FOLDERS = (".git", ".snakemake", ".venv", "benchmarks", "config", "data", "resources", "src", "tests", "workflow")
# Schema annotation marking a string that names an input file.
INPUT_FILE = "x-input-file"
MAX_LISTED = 10


class StartupError(SystemExit):
    """The run cannot start; its message is the list of problems, one per line."""


def _key(path: Sequence[Any]) -> str:
    return ".".join(str(p) for p in path) or "(racine / root)"


def _quote(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# --- YAML files: duplicate keys ---------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (YAML keeps the last one silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"clé « {key} » donnée deux fois (lignes {seen[key]} et {line}) : la seconde remplacerait la "
                f"première sans le dire / key '{key}' given twice (lines {seen[key]} and {line})",
                key_node.start_mark,
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_file_errors(path: str | Path) -> list[str]:
    """Problems of one configuration file read as YAML: a key given twice, a syntax error."""
    path = Path(path)
    try:
        yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", ligne {mark.line + 1} / line {mark.line + 1}" if mark is not None else ""
        return [f"{path}{where} : {exc.problem}"]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [f"{path} : fichier de configuration illisible / unreadable configuration file ({exc})"]
    return []


# --- Schema -----------------------------------------------------------------------------------------------

_TYPES_FR = {
    "string": "texte / text",
    "integer": "nombre entier / integer",
    "number": "nombre / number",
    "boolean": "true ou false",
    "object": "section (clé : valeur) / mapping",
    "array": "liste / list",
}


def _schema_error_line(error) -> str:  # error: jsonschema.ValidationError
    where = _key(error.absolute_path)
    value, schema = error.instance, error.schema
    kind = error.validator
    if kind == "additionalProperties" and isinstance(value, Mapping):
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(k for k in value if k not in schema.get("properties", {}))
        listed = f" ; clés permises / allowed keys : {', '.join(allowed)}" if allowed else ""
        return f"config {where} : clé inconnue / unknown key « {', '.join(map(str, unknown))} »{listed}"
    if kind == "required":
        missing = [k for k in error.validator_value if k not in value]
        return f"config {where} : clé manquante / missing key « {', '.join(missing)} »"
    if kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = " ou / or ".join(_TYPES_FR.get(t, t) for t in expected)
        return f"config {where} : « {_quote(value)} » — attendu / expected : {wanted}"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"config {where} : « {_quote(value)} » non permis / not allowed ; valeurs permises / allowed : {allowed}"
    if kind in {"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"}:
        sign = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[kind]
        return f"config {where} : {value} — doit être / must be {sign} {error.validator_value}"
    if kind in {"minProperties", "minItems"}:
        return f"config {where} : vide / empty — au moins / at least {error.validator_value} entrée(s) / entries"
    if kind in {"minLength", "maxLength"}:
        return f"config {where} : « {_quote(value)} » — longueur permise / allowed length: {kind} {error.validator_value}"
    if kind == "propertyNames" or kind == "pattern":
        return (
            f"config {where} : identifiant « {_quote(value)} » non permis : minuscules, chiffres et « - » / "
            "ids are lower-case letters, digits and '-'"
        )
    return f"config {where} : {error.message}"


def schema_errors(config: Mapping, schema: Mapping) -> list[str]:
    """One line per place where the configuration breaks its JSON schema (the deepest reason only)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    lines = []
    for error in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        # A wrong id (propertyNames) is reported on the id itself.
        if error.validator == "propertyNames":
            error = error.context[0] if error.context else error
        lines.append(_schema_error_line(error))
    return list(dict.fromkeys(lines))


def load_schema(path: str | Path) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def schema_default(schema: Mapping, key: str) -> Any:
    """The default of a top-level key, as the schema states it (so that no other place repeats it)."""
    return schema["properties"][key]["default"]


# --- Meaning ----------------------------------------------------------------------------------------------


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def _periods(config: Mapping) -> Iterator[tuple[str, Mapping]]:
    for region, spec in config.get("regions", {}).items():
        for strand in ("patients", "gps"):
            period = (spec.get(strand) or {}).get("period")
            if isinstance(period, Mapping):
                yield f"regions.{region}.{strand}.period", period


def meaning_errors(config: Mapping, root: Path) -> list[str]:
    """What the schema cannot say: dates, reserved and repeated ids, a safe output folder."""
    lines = []
    for key, period in _periods(config):
        start, end = (_date(period.get(k)) for k in ("start", "end"))
        for name, value in (("start", start), ("end", end)):
            if value is None:
                lines.append(
                    f"config {key}.{name} : « {_quote(period.get(name))} » n'est pas une date AAAA-MM-JJ / "
                    "is not a YYYY-MM-DD date"
                )
        if start and end and start > end:
            lines.append(f"config {key} : début après la fin / start after end ({start} > {end})")
    regions = list(config.get("regions", {}))
    for region in regions:
        if region in RESERVED_REGION_IDS:
            lines.append(
                f"config regions.{region} : « {region} » est réservé (dossier results/{region}/) ; renommez la "
                f"région / '{region}' is reserved: rename that region"
            )
    seen: dict[str, str] = {}
    for region, spec in config.get("regions", {}).items():
        for practice in (spec.get("patients") or {}).get("practices", {}):
            where = f"regions.{region}.patients.practices.{practice}"
            if practice in regions:
                lines.append(f"config {where} : même identifiant qu'une région / same id as a region")
            elif practice in seen:
                lines.append(f"config {where} : identifiant déjà pris dans / id already used in regions.{seen[practice]}")
            seen.setdefault(practice, region)
    lines += output_dir_errors(config.get("output_dir", "results"), root)
    return lines


def output_dir_errors(output_dir: str, root: Path) -> list[str]:
    """An output folder must be a folder of its own: not the project, nor one of its folders, nor above it."""
    root = root.resolve()
    target = (root / output_dir).resolve()
    project = [root / name for name in PROJECT_FOLDERS]
    if target == root or root.is_relative_to(target) or any(target == p or target.is_relative_to(p) for p in project):
        return [
            f"config output_dir : « {output_dir} » n'est pas un dossier de résultats à part (le projet, ou un de "
            "ses dossiers) ; prenez par exemple results-<nom> / not a results folder of its own"
        ]
    return []


# --- Input files ------------------------------------------------------------------------------------------


def input_files(config: Any, schema: Mapping, path: tuple = ()) -> Iterator[tuple[str, str]]:
    """(config key, path) of every string the schema marks as an input file, in config order."""
    if schema.get(INPUT_FILE) and isinstance(config, str):
        yield _key(path), config
        return
    if not isinstance(config, Mapping):
        return
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    for key, value in config.items():
        sub = properties.get(key, extra if isinstance(extra, Mapping) else None)
        if sub is not None:
            yield from input_files(value, sub, (*path, key))


def _near_miss(path: Path) -> str:
    """A file of the same folder whose name differs only by case, as a hint."""
    folder = path.parent
    if not folder.is_dir():
        return ""
    for candidate in sorted(folder.iterdir()):
        if candidate.name.casefold() == path.name.casefold():
            return f" (voulez-vous dire / did you mean {candidate.name} ?)"
    return ""


def file_problem(path: Path) -> str | None:
    """Why an input file cannot be read, or None."""
    if not path.exists():
        return "fichier introuvable / file not found" + _near_miss(path)
    if not path.is_file():
        return "n'est pas un fichier / not a file"
    try:
        with path.open("rb") as stream:
            first = stream.read(1)
    except OSError as exc:
        return f"illisible / unreadable ({exc.strerror})"
    if not first:
        return "fichier vide / empty file"
    return None


def input_errors(config: Mapping, schema: Mapping, root: Path) -> list[str]:
    lines = []
    for key, name in input_files(config, schema):
        problem = file_problem(root / name)
        if problem:
            lines.append(f"config {key} : {name} — {problem}")
    return lines


# --- All together -----------------------------------------------------------------------------------------


def _stop(lines: Sequence[str]) -> None:
    """Stop the run with one line per problem (at most MAX_LISTED, then how many more)."""
    if lines:
        shown = list(lines[:MAX_LISTED])
        if len(lines) > MAX_LISTED:
            shown.append(f"… et {len(lines) - MAX_LISTED} autres / and {len(lines) - MAX_LISTED} more")
        raise StartupError("\n".join(shown))


def check_config(config: Mapping, config_files: Iterable[str | Path], schema_path: str | Path, root: str | Path = ".") -> None:
    """Before the schema's defaults are filled in: the YAML files (keys given twice) and the schema."""
    root = Path(root)
    _stop([line for path in config_files for line in yaml_file_errors(root / path)])
    _stop(schema_errors(config, load_schema(root / schema_path)) + analysis_errors(config))


def analysis_errors(config: Mapping) -> list[str]:
    """Config `analysis` against the package's analysis schema (assistmed.settings), lines as schema_errors'."""
    from assistmed.settings import schema

    analysis = config.get("analysis", {})
    if not isinstance(analysis, Mapping):
        return []
    return schema_errors({"analysis": analysis}, {"type": "object", "properties": {"analysis": schema()}})


def validated_codebooks(config: Mapping, root: str | Path = ".") -> str:
    """Validate every codebook the configuration names, stopping the run with one line per wrong one; the
    value of the codebook module's VALIDATED_ENV, which lets the jobs skip the schema check."""
    from assistmed.codebook import CodebookError, validate_for_jobs

    digests, lines = [], []
    for key, path in config.get("codebooks", {}).items():
        try:
            digests.append(validate_for_jobs([Path(root) / path]))
        except CodebookError as exc:
            lines.append(f"config codebooks.{key} : {' '.join(str(exc).split())}")
    _stop(lines)
    return " ".join(sorted(digests))


def check_inputs(config: Mapping, schema_path: str | Path, root: str | Path = ".") -> None:
    """After the defaults: what the schema cannot say, then every input file the configuration names."""
    root = Path(root)
    _stop(meaning_errors(config, root) + input_errors(config, load_schema(root / schema_path), root))


def output_dir(config: Mapping, schema_path: str | Path = "workflow/schemas/config.schema.yaml") -> str:
    """The output folder of a configuration (its schema default when the configuration gives none)."""
    return str(config.get("output_dir") or schema_default(load_schema(schema_path), "output_dir"))


# Ready jobs the scheduler weighs at each round, at least (see scheduler_sample).
MIN_SCHEDULER_SAMPLE = 20


def scheduler_sample(cores: int | None, jobs: int | None) -> int:
    """How many ready jobs Snakemake's scheduler weighs at each round (its ``--scheduler-subsample``): twice
    the jobs that can run at once (``cores`` on this machine, ``jobs`` on a cluster), at least 20.

    At each round Snakemake's scheduler looks up the size of every input of every ready job. With 1,000
    practices 1,000 jobs are ready at once, and that cost 2.1 s of CPU per job started, more than the job
    itself (benchmarks/NOTES.md, « Issue #13, part 3 »); drawn from a sample of 20 ready jobs, 0.23 s.
    Which ready job runs first changes nothing in what the jobs write. Twice the free slots keeps every
    core busy: the jobs ready at the same time are alike (a practice each, a chunk of reports each).
    """
    return max(MIN_SCHEDULER_SAMPLE, 2 * max(cores or 0, jobs or 0))
