"""Load a questionnaire codebook (YAML) and answer questions about it.

The codebook is the single source of truth for variable names, labels (French first), codes, missing
codes and derived indicators; every other module reads it through this one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml

CATEGORICAL_TYPES = frozenset({"categorical", "ordinal"})
# Set by the workflow for its jobs (workflow/rules/common.smk): the SHA-256 of the codebook files it validated
# at start-up. A job reading one of these exact contents skips the JSON-schema check, whose jsonschema import
# was 0.07 s of CPU in every job (benchmarks/NOTES.md); any other content is validated as always.
VALIDATED_ENV = "ASSISTMED_VALIDATED_CODEBOOKS"


class CodebookError(ValueError):
    """A codebook file that cannot be used, with the file and the offending entry named."""


def normalize_header(text: str) -> str:
    """Fold a column header for matching: no accents, case-folded, runs of punctuation/space → one space."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z\[\]]+", " ", ascii_only.casefold()).strip()


def normalize_value(text: str) -> str:
    """Fold a cell value for comparison with codes and missing codes (trimmed, case-folded)."""
    return " ".join(str(text).split()).casefold()


# Between a code and its label in an entry workbook's drop-down list (« 1 — Homme »).
ENTRY_SEPARATOR = " — "


@dataclass(frozen=True)
class Code:
    code: str
    key: str
    fr: str
    en: str

    @property
    def entry_text(self) -> str:
        """The code as the entry workbook's drop-down list offers it (« 1 — Homme »); read as the code."""
        return f"{self.code}{ENTRY_SEPARATOR}{self.fr}"


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    label_fr: str
    label_en: str
    headers: tuple[str, ...] = ()
    codes: tuple[Code, ...] = ()
    missing_codes: tuple[str, ...] | None = None
    group: str | None = None
    none_option: bool = False
    restricted: bool = False
    contact: str | None = None
    required: bool = False
    page: int | None = None
    range_min: float | str | None = None
    range_max: float | str | None = None

    @property
    def is_categorical(self) -> bool:
        return self.type in CATEGORICAL_TYPES

    @property
    def ordered(self) -> bool:
        return self.type == "ordinal"

    @property
    def keys(self) -> list[str]:
        """Category keys in codebook order (the order of an ordinal scale)."""
        return [c.key for c in self.codes]

    @cached_property
    def key_for_code(self) -> dict[str, str]:
        """Folded cell text → category key: the code alone, or the code with its label as the drop-down writes it."""
        return {normalize_value(text): c.key for c in self.codes for text in (c.code, c.entry_text)}

    @property
    def header_names(self) -> tuple[str, ...]:
        """Column headers that name this variable: its name, its French label and the codebook's headers."""
        return (self.name, self.label_fr, *self.headers)

    def label_for_key(self, key: str, lang: str = "fr") -> str:
        for c in self.codes:
            if c.key == key:
                return c.fr if lang == "fr" else c.en
        raise KeyError(f"{self.name}: no category {key!r}")

    def label(self, lang: str = "fr") -> str:
        return self.label_fr if lang == "fr" else self.label_en


@dataclass(frozen=True)
class Indicator:
    name: str
    label_fr: str
    label_en: str
    kind: str = "proportion"
    variable: str | None = None
    success: tuple[str, ...] = ()
    group: str | None = None

    def label(self, lang: str = "fr") -> str:
        return self.label_fr if lang == "fr" else self.label_en


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    title_fr: str
    title_en: str
    id_variable: str
    missing_codes: tuple[str, ...]
    checked: tuple[str, ...]
    unchecked: tuple[str, ...]
    variables: tuple[Variable, ...]
    indicators: tuple[Indicator, ...] = ()
    associations: tuple[tuple[str, str], ...] = ()
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self._check_consistency()

    @cached_property
    def by_name(self) -> dict[str, Variable]:
        return {v.name: v for v in self.variables}

    def variable(self, name: str) -> Variable:
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(f"{self.source or self.name}: no variable {name!r} in the codebook") from None

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def group_members(self, group: str, *, include_none: bool = True) -> list[Variable]:
        return [
            v for v in self.variables if v.group == group and (include_none or not v.none_option)
        ]

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(v.group for v in self.variables if v.group))

    @property
    def restricted(self) -> list[str]:
        """Variables that hold direct identifiers (never written outside restricted outputs)."""
        return [v.name for v in self.variables if v.restricted]

    @property
    def reachable_by(self) -> list[str]:
        """Restricted variables through which a respondent can be called back: a phone or an e-mail."""
        return [v.name for v in self.variables if v.restricted and v.contact in {"phone", "email"}]

    def indicator(self, name: str) -> Indicator:
        for ind in self.indicators:
            if ind.name == name:
                return ind
        raise KeyError(f"{self.source or self.name}: no indicator {name!r}")

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Normalised raw header → variable name (the variable's own name and French label always match)."""
        lookup: dict[str, str] = {}
        for v in self.variables:
            for header in v.header_names:
                lookup[normalize_header(header)] = v.name
        return lookup

    def missing_codes_for(self, variable: Variable) -> frozenset[str]:
        codes = variable.missing_codes if variable.missing_codes is not None else self.missing_codes
        return frozenset(normalize_value(c) for c in codes)

    def allowed_fr(self, variable: Variable) -> str:
        """What a cell of ``variable`` may hold, in French, as the person who types the data reads it."""
        if variable.is_categorical:
            return " ; ".join(f"{c.code} = {c.fr}" for c in variable.codes)
        if variable.type == "checkbox":
            ticked = ", ".join(_shown(t) for t in self.checked)
            unticked = ", ".join(_shown(t) for t in self.unchecked)
            return f"case cochée : {ticked} ; case non cochée : {unticked}"
        if variable.type in {"numeric", "integer"}:
            kind = "nombre entier" if variable.type == "integer" else "nombre (virgule décimale)"
            if variable.range_min is None and variable.range_max is None:
                return kind
            return f"{kind} de {_fr_number(variable.range_min)} à {_fr_number(variable.range_max)}"
        if variable.type == "date":
            if variable.range_min is None and variable.range_max is None:
                return "date jj/mm/aaaa"
            return f"date jj/mm/aaaa du {_fr_date(variable.range_min)} au {_fr_date(variable.range_max)}"
        if variable.type == "datetime":
            return "date et heure (aaaa-mm-jj hh:mm)"
        if variable.type == "identifier":
            return "numéro du questionnaire, une seule fois par fichier"
        return "texte libre"

    def missing_fr(self, variable: Variable) -> str:
        """How « no answer » is typed for ``variable``, in French."""
        codes = variable.missing_codes if variable.missing_codes is not None else self.missing_codes
        return ", ".join(_shown(c) for c in codes)

    def _check_consistency(self) -> None:
        where = self.source or self.name
        seen: set[str] = set()
        for v in self.variables:
            if v.name in seen:
                raise CodebookError(f"{where}: variable {v.name!r} is defined twice")
            seen.add(v.name)
            keys = [c.key for c in v.codes]
            if len(set(keys)) != len(keys):
                raise CodebookError(f"{where}: variable {v.name!r} repeats a category key")
            codes = [normalize_value(c.code) for c in v.codes]
            if len(set(codes)) != len(codes):
                raise CodebookError(f"{where}: variable {v.name!r} repeats a code")
            clash = set(codes) & self.missing_codes_for(v)
            if clash:
                raise CodebookError(
                    f"{where}: variable {v.name!r} uses {sorted(clash)} both as a code and as a missing code"
                )
        headers: dict[str, str] = {}
        for v in self.variables:
            for header in v.header_names:
                norm = normalize_header(header)
                if headers.setdefault(norm, v.name) != v.name:
                    raise CodebookError(
                        f"{where}: header {header!r} names both {headers[norm]!r} and {v.name!r}"
                    )
        if self.id_variable not in seen:
            raise CodebookError(f"{where}: id_variable {self.id_variable!r} is not a variable")
        groups = {v.group for v in self.variables if v.group}
        for ind in self.indicators:
            if ind.kind == "response_rate":
                continue
            if ind.group is not None:
                if ind.group not in groups:
                    raise CodebookError(f"{where}: indicator {ind.name!r} names unknown group {ind.group!r}")
                continue
            if ind.variable not in seen:
                raise CodebookError(f"{where}: indicator {ind.name!r} names unknown variable {ind.variable!r}")
            unknown = set(ind.success) - set(self.by_name[ind.variable].keys)
            if unknown or not ind.success:
                raise CodebookError(
                    f"{where}: indicator {ind.name!r} needs success categories of {ind.variable!r};"
                    f" unknown: {sorted(unknown)}"
                )
        for pair in self.associations:
            for name in pair:
                if name not in seen:
                    raise CodebookError(f"{where}: association {list(pair)} names unknown variable {name!r}")


def _shown(text: str) -> str:
    return text if text.strip() else "vide"


def _fr_number(value: float | str | None) -> str:
    if value is None:
        return "…"
    number = float(value)
    return (f"{number:.0f}" if number.is_integer() else f"{number:g}").replace(".", ",")


def _fr_date(value: float | str | None) -> str:
    if value is None:
        return "…"
    year, month, day = str(value).split("-")
    return f"{day}/{month}/{year}"


def _schema() -> dict:
    text = resources.files("assistmed").joinpath("schemas/codebook.schema.json").read_text("utf-8")
    return json.loads(text)


def _check_schema(data: dict, source: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [
            f"  - at {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors[:10]
        ]
        raise CodebookError(f"{source}: the codebook does not follow its schema:\n" + "\n".join(lines))


def parse_codebook(data: dict, source: str = "<codebook>", *, schema_checked: bool = False) -> Codebook:
    """Validate a codebook mapping against the JSON schema (unless already done) and build the Codebook."""
    if not schema_checked:
        _check_schema(data, source)

    def variable(spec: dict) -> Variable:
        rng = spec.get("range", {})
        return Variable(
            name=spec["name"],
            type=spec["type"],
            label_fr=spec["label"]["fr"],
            label_en=spec["label"]["en"],
            headers=tuple(spec.get("headers", ())),
            codes=tuple(Code(**c) for c in spec.get("codes", ())),
            missing_codes=tuple(spec["missing_codes"]) if "missing_codes" in spec else None,
            group=spec.get("group"),
            none_option=spec.get("none_option", False),
            restricted=spec.get("restricted", False),
            contact=spec.get("contact"),
            required=spec.get("required", False),
            page=spec.get("page"),
            range_min=rng.get("min"),
            range_max=rng.get("max"),
        )

    def indicator(spec: dict) -> Indicator:
        return Indicator(
            name=spec["name"],
            label_fr=spec["label"]["fr"],
            label_en=spec["label"]["en"],
            kind=spec.get("kind", "proportion"),
            variable=spec.get("variable"),
            success=tuple(spec.get("success", ())),
            group=spec.get("group"),
        )

    return Codebook(
        name=data["codebook"],
        version=str(data["version"]),
        title_fr=data["title"]["fr"],
        title_en=data["title"]["en"],
        id_variable=data["id_variable"],
        missing_codes=tuple(data.get("missing_codes", [""])),
        checked=tuple(data.get("checked", ["1", "x", "y"])),
        unchecked=tuple(data.get("unchecked", ["", "0"])),
        variables=tuple(variable(v) for v in data["variables"]),
        indicators=tuple(indicator(i) for i in data.get("indicators", [])),
        associations=tuple((a, b) for a, b in data.get("associations", [])),
        source=source,
    )


def _read_codebook(path: Path) -> tuple[str, dict]:
    """The SHA-256 of a codebook file's bytes and its YAML mapping."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read the codebook ({exc.strerror})") from exc
    try:
        # libyaml's loader when present: the same safe subset, ten times faster than the pure-Python one.
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CodebookError(f"{path}: a codebook is a YAML mapping")
    return hashlib.sha256(raw).hexdigest(), data


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file; errors name the file and the entry."""
    path = Path(path)
    digest, data = _read_codebook(path)
    checked = digest in os.environ.get(VALIDATED_ENV, "").split()
    return parse_codebook(data, source=str(path), schema_checked=checked)


def validate_for_jobs(paths: Iterable[str | Path]) -> str:
    """Validate each codebook (a wrong one raises CodebookError naming it); the value of VALIDATED_ENV that
    lets the jobs read these exact contents without the schema check."""
    digests = set()
    for path in map(Path, paths):
        digest, data = _read_codebook(path)
        parse_codebook(data, source=str(path))
        digests.add(digest)
    return " ".join(sorted(digests))
