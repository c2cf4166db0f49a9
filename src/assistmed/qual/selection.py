"""Which respondents to call back for an interview, and the one file that holds their contact details.

A respondent is a candidate when they agreed to be called (`interview_consent` = yes), left a way to be
reached (`has_contact`, set by cleaning without keeping the details) and gave at least ``min_negative``
negative answers. Contact details are read back from the raw file only here, and written only to the
restricted candidates file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook, normalize_value
from assistmed.indicators import indicator_series
from assistmed.ingest import read_restricted
from assistmed.io import read_parquet_stack, write_parquet, write_spreadsheet_csv

log = logging.getLogger("assistmed.qual")

CONSENT_VARIABLE = "interview_consent"
CONSENT_YES = "yes"


class SelectionError(ValueError):
    """A selection rule that does not fit the codebook, or raw files that do not match the clean data."""


@dataclass(frozen=True)
class SelectionRule:
    """Answers that count as negative (per variable or indicator name) and how many make a candidate."""

    negative_answers: Mapping[str, tuple]
    min_negative: int

    @classmethod
    def from_config(cls, spec: Mapping | SelectionRule) -> SelectionRule:
        """From the config's ``interviews`` mapping (``negative_answers``, ``min_negative``)."""
        if isinstance(spec, SelectionRule):
            return spec
        answers = {str(name): tuple(values) for name, values in spec["negative_answers"].items()}
        return cls(negative_answers=answers, min_negative=int(spec["min_negative"]))

    def check(self, codebook: Codebook) -> None:
        """Every name is a categorical variable, a checkbox or an indicator, with values it can take."""
        if self.min_negative < 1 or self.min_negative > len(self.negative_answers):
            raise SelectionError(
                f"interviews.min_negative = {self.min_negative} : il faut entre 1 et {len(self.negative_answers)}"
                f" réponses négatives / must be between 1 and the number of negative_answers"
            )
        indicators = {ind.name for ind in codebook.indicators if ind.kind != "response_rate"}
        for name, values in self.negative_answers.items():
            if not values:
                raise SelectionError(f"interviews.negative_answers.{name} : aucune valeur / no value given")
            if name in codebook.by_name and codebook.variable(name).is_categorical:
                allowed = codebook.variable(name).keys
            elif name in indicators or (name in codebook.by_name and codebook.variable(name).type == "checkbox"):
                allowed = [True, False]
            else:
                raise SelectionError(
                    f"interviews.negative_answers.{name} : ni une variable à modalités ni un indicateur du codebook"
                    f" {codebook.name} / not a categorical variable, checkbox or indicator of the codebook"
                )
            unknown = [v for v in values if not any(type(v) is type(a) and v == a for a in allowed)]
            if unknown:
                raise SelectionError(
                    f"interviews.negative_answers.{name} : valeurs inconnues {unknown} (possibles : {allowed})"
                    f" / unknown values"
                )

    def describe_fr(self, codebook: Codebook) -> str:
        """The rule as one French sentence, for the methods section of the pooled report."""
        criteria = []
        for name, values in self.negative_answers.items():
            if name in codebook.by_name and codebook.variable(name).is_categorical:
                variable = codebook.variable(name)
                shown = " ou ".join(f"« {variable.label_for_key(v)} »" for v in values)
                criteria.append(f"{variable.label_fr} : {shown}")
            else:
                label = codebook.variable(name).label_fr if name in codebook.by_name else codebook.indicator(name).label_fr
                criteria.append(label if tuple(values) == (True,) else f"{label} : non")
        if len(criteria) == 1:
            answers = f"la réponse négative suivante : {criteria[0]}"
        elif self.min_negative == len(criteria):
            answers = f"les {len(criteria)} réponses négatives suivantes : {' ; '.join(criteria)}"
        else:
            answers = (
                f"au moins {self.min_negative} des {len(criteria)} réponses négatives suivantes : {' ; '.join(criteria)}"
            )
        return (
            "Ont été retenues pour un entretien les personnes qui ont accepté d'être recontactées, ont laissé un"
            f" moyen de les joindre et ont donné {answers}."
        )


def _answers(clean: pd.DataFrame, codebook: Codebook, name: str) -> pd.Series:
    if name in codebook.by_name:
        return clean[name]
    return indicator_series(clean, codebook, codebook.indicator(name))


def negative_flags(clean: pd.DataFrame, codebook: Codebook, rule: SelectionRule) -> pd.DataFrame:
    """One boolean column per criterion: the respondent gave a negative answer (a missing answer is not)."""
    rule.check(codebook)
    return pd.DataFrame(
        {
            name: _answers(clean, codebook, name).isin(list(values)).fillna(False).astype(bool).to_numpy()
            for name, values in rule.negative_answers.items()
        },
        index=clean.index,
    )


def negative_count(clean: pd.DataFrame, codebook: Codebook, rule: SelectionRule) -> pd.Series:
    """Number of negative answers per respondent."""
    return negative_flags(clean, codebook, rule).sum(axis=1).astype("int64").rename("n_negative")


def _natural(text: str) -> tuple:
    """Sort key that puts questionnaire 99 before 100."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text))


def select_candidates(clean: pd.DataFrame, codebook: Codebook, rule: SelectionRule) -> pd.DataFrame:
    """The candidates' clean rows with ``n_negative``, ordered by practice then questionnaire number."""
    count = negative_count(clean, codebook, rule)
    consent = clean[CONSENT_VARIABLE].astype("object").eq(CONSENT_YES)
    reachable = clean["has_contact"].fillna(False).astype(bool)
    chosen = clean[consent & reachable & (count >= rule.min_negative)].assign(n_negative=count)
    order = sorted(
        range(len(chosen)),
        key=lambda i: (str(chosen["practice"].iloc[i]), _natural(str(chosen[codebook.id_variable].iloc[i]))),
    )
    return chosen.iloc[order].reset_index(drop=True)


def selection_summary(
    clean: pd.DataFrame, codebook: Codebook, rule: SelectionRule, practices: Sequence[str] | None = None
) -> pd.DataFrame:
    """Candidates per practice (``practice``, ``n_selected``), every practice listed, zero included.

    No contact detail and no questionnaire number: this table may reach reports (which apply the
    small-count rules).
    """
    chosen = select_candidates(clean, codebook, rule)
    order = list(practices) if practices is not None else list(dict.fromkeys(clean["practice"].astype(str)))
    counts = chosen["practice"].astype(str).value_counts()
    return pd.DataFrame(
        {"practice": order, "n_selected": [int(counts.get(p, 0)) for p in order]}
    ).astype({"practice": "object", "n_selected": "int64"})


def _criteria_text(row_flags: pd.Series, row: pd.Series, codebook: Codebook) -> str:
    shown = []
    for name, negative in row_flags.items():
        if not negative:
            continue
        if name in codebook.by_name and codebook.variable(name).is_categorical:
            variable = codebook.variable(name)
            shown.append(f"{variable.label_fr} : {variable.label_for_key(row[name])}")
        else:
            shown.append(codebook.variable(name).label_fr if name in codebook.by_name else codebook.indicator(name).label_fr)
    return " ; ".join(shown)


def candidates_with_contacts(
    candidates: pd.DataFrame,
    contacts: Mapping[str, pd.DataFrame],
    codebook: Codebook,
    rule: SelectionRule,
    practice_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The call-back list: practice, questionnaire, contact details, negative answers; French headers.

    ``contacts`` maps a practice to what `read_restricted` returned for its raw file; rows are matched on
    the spreadsheet row and the questionnaire number must agree (else the raw file changed since cleaning).
    """
    ident = codebook.id_variable
    flags = negative_flags(candidates, codebook, rule)
    records = []
    for position, row in candidates.iterrows():
        practice = str(row["practice"])
        if practice not in contacts:
            raise SelectionError(f"cabinet {practice} : fichier brut non fourni / no raw file for practice {practice}")
        raw = contacts[practice].set_index("source_row")
        number = int(row["source_row"])
        if number not in raw.index or normalize_value(raw.at[number, ident]) != normalize_value(row[ident]):
            raise SelectionError(
                f"cabinet {practice}, ligne {number} : le questionnaire {row[ident]} ne correspond plus au fichier brut"
                f" (modifié depuis le nettoyage ?) / raw file row {number} no longer holds questionnaire {row[ident]}"
            )
        record = {
            "Cabinet": (practice_labels or {}).get(practice, practice),
            codebook.variable(ident).label_fr: row[ident],
        }
        for name in codebook.restricted:
            record[codebook.variable(name).label_fr] = " ".join(str(raw.at[number, name]).split()) if name in raw else ""
        record["Nombre de réponses négatives"] = int(row["n_negative"])
        record["Réponses négatives"] = _criteria_text(flags.loc[position], row, codebook)
        records.append(record)
    columns = [
        "Cabinet", codebook.variable(ident).label_fr, *[codebook.variable(n).label_fr for n in codebook.restricted],
        "Nombre de réponses négatives", "Réponses négatives",
    ]
    return pd.DataFrame(records, columns=columns)


def write_candidates(
    clean_paths: Sequence[str | Path],
    raw_files: Mapping[str, tuple[str | Path, Mapping]],
    output: str | Path,
    *,
    codebook_path: str | Path,
    rule: SelectionRule | Mapping,
    practice_labels: Mapping[str, str] | None = None,
) -> None:
    """Write the restricted call-back list (`results/{region}/restricted/interview_candidates.csv`).

    ``raw_files`` maps each practice to its raw data-entry file and read options (as for ingest). Only the
    files of practices with candidates are read. The log holds counts only, never a contact detail.
    ``rule`` is a `SelectionRule` or the config's ``interviews`` mapping.
    """
    codebook = load_codebook(codebook_path)
    rule = SelectionRule.from_config(rule)
    candidates = select_candidates(read_parquet_stack(clean_paths), codebook, rule)
    contacts = {}
    for practice in dict.fromkeys(candidates["practice"].astype(str)):
        if practice not in raw_files:
            raise SelectionError(f"cabinet {practice} : fichier brut non fourni / no raw file for practice {practice}")
        path, options = raw_files[practice]
        contacts[practice] = read_restricted(path, codebook, **options)
    table = candidates_with_contacts(candidates, contacts, codebook, rule, practice_labels)
    write_spreadsheet_csv(table, output)
    log.info("%s : %d personnes à recontacter", output, len(table))


def write_selection_summary(
    clean_paths: Sequence[str | Path],
    output: str | Path,
    *,
    codebook_path: str | Path,
    rule: SelectionRule | Mapping,
    practices: Sequence[str] | None = None,
) -> None:
    """Write the candidates per practice as Parquet (no contact detail), for the pooled report."""
    codebook = load_codebook(codebook_path)
    rule = SelectionRule.from_config(rule)
    summary = selection_summary(read_parquet_stack(clean_paths), codebook, rule, practices)
    log.info("%s : %d personnes retenues au total", output, int(summary["n_selected"].sum()))
    write_parquet(summary, output)
