"""Weights of the respondents in the pooled patient analyses (config `analysis.weights`).

- `none`: every respondent counts for one (the published figures).
- `return_rate`: a respondent weighs questionnaires handed out / questionnaires returned (kept) in their
  practice, so that each practice weighs as many patients as it approached.
- `calibrated`: in each practice, the respondents are raked to the margins of the practice's patient list
  given in config (`regions.*.patients.practices.*.margins`, e.g. age group and sex counts): their weights
  then add up to the list in every category of every margin. A category of the list with no respondent
  cannot be represented: that margin is met on its other categories, rescaled to the list's total. A
  respondent who left a margin variable blank cannot be calibrated: they keep the practice's mean weight
  (list size / respondents) and the others are raked to the margins scaled by their share of the
  respondents, so that the practice still weighs its list size.

The design then treats the weights as fixed (R: `svydesign(ids = ~practice, weights = ~w)`): the variance
does not credit the calibration, which makes it slightly conservative.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from assistmed.codebook import Codebook
from assistmed.stats.raking import rake

log = logging.getLogger("assistmed.patients")

SCHEMES = ("none", "return_rate", "calibrated")
WEIGHT_REPORT_COLUMNS = [
    "practice", "weighting", "respondents", "calibrated", "weight_total", "weight_min", "weight_max",
    "iterations", "max_margin_error", "converged", "message",
]


def _checked_margins(codebook: Codebook, practice: str, margins: Mapping | None) -> dict[str, dict[str, float]]:
    where = f"config regions.*.patients.practices.{practice}.margins"
    if not margins:
        raise ValueError(
            f"{where} : marges de la patientèle absentes, nécessaires à analysis.weights = calibrated / "
            "no patient-list margins for this practice, which calibrated weights need"
        )
    checked = {}
    for name, margin in margins.items():
        if name not in codebook.by_name or not codebook.variable(name).is_categorical:
            raise ValueError(f"{where}.{name} : pas une question à modalités du codebook / not a coded variable")
        unknown = sorted(set(margin) - set(codebook.variable(name).keys))
        if unknown:
            raise ValueError(f"{where}.{name} : modalité(s) inconnue(s) {unknown} / unknown categories")
        checked[name] = {key: float(margin[key]) for key in codebook.variable(name).keys if key in margin}
    totals = {name: sum(margin.values()) for name, margin in checked.items()}
    if any(not math.isclose(total, next(iter(totals.values())), rel_tol=1e-9) for total in totals.values()):
        raise ValueError(f"{where} : les marges n'ont pas le même total {totals} / margins with different totals")
    return checked


def _calibrate(frame: pd.DataFrame, margins: dict[str, dict[str, float]]) -> tuple[np.ndarray, dict]:
    """Raked weights of one practice's respondents, and its line of the report."""
    total = sum(next(iter(margins.values())).values())
    n = len(frame)
    weights = np.full(n, total / n if n else math.nan)
    known = frame[list(margins)].notna().all(axis=1).to_numpy()
    notes = []
    scaled = {}
    for name, margin in margins.items():
        seen = set(frame.loc[known, name].astype(object))
        absent = [key for key, count in margin.items() if count > 0 and key not in seen]
        if absent:
            notes.append(f"{name} : aucun répondant pour {', '.join(absent)} (marge répartie sur les autres modalités)")
        kept = {key: count for key, count in margin.items() if key in seen}
        kept_total = sum(kept.values())
        if kept_total <= 0:
            raise ValueError(f"marge {name} : aucun patient de la liste dans les modalités des répondants")
        scaled[name] = {key: count * total / kept_total * known.sum() / n for key, count in kept.items()}
    if known.sum() < n:
        notes.append(f"{n - known.sum()} répondant(s) sans {' ou '.join(margins)} : poids moyen du cabinet")
    report = {"calibrated": int(known.sum()), "iterations": 0, "max_margin_error": math.nan, "converged": True}
    if known.any():
        raking = rake(frame.loc[known, list(margins)], scaled)
        weights[known] = raking.weights
        report.update(iterations=raking.iterations, max_margin_error=raking.max_margin_error,
                      converged=raking.converged)
        if not raking.converged:
            notes.append(f"calage non convergé après {raking.iterations} cycles")
    report["message"] = " ; ".join(notes)
    return weights, report


def respondent_weights(
    pooled: pd.DataFrame,
    codebook: Codebook,
    *,
    scheme: str,
    distributed: Mapping[str, int],
    margins: Mapping[str, Mapping] | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Each respondent's weight (in the order of `pooled`, whose `practice` column names their practice)
    and one report row per practice of `distributed` (WEIGHT_REPORT_COLUMNS)."""
    if scheme not in SCHEMES:
        raise ValueError(f"analysis.weights : « {scheme} » inconnu ; choisir parmi {list(SCHEMES)}")
    practice = pooled["practice"].astype(object).to_numpy()
    weights = np.ones(len(pooled))
    rows = []
    for name, handed_out in distributed.items():
        members = practice == name
        n = int(members.sum())
        report = {"calibrated": 0, "iterations": 0, "max_margin_error": math.nan, "converged": True, "message": ""}
        if scheme == "return_rate" and n:
            weights[members] = handed_out / n
        elif scheme == "calibrated" and n:
            checked = _checked_margins(codebook, name, (margins or {}).get(name))
            weights[members], report = _calibrate(pooled[members], checked)
            if not report["converged"]:
                log.warning("%s : %s", name, report["message"])
            elif report["message"]:
                log.info("%s : %s", name, report["message"])
        chosen = weights[members]
        rows.append([name, scheme, n, report["calibrated"], float(chosen.sum()),
                     float(chosen.min()) if n else math.nan, float(chosen.max()) if n else math.nan,
                     report["iterations"], report["max_margin_error"], report["converged"], report["message"]])
    table = pd.DataFrame(rows, columns=WEIGHT_REPORT_COLUMNS).astype(
        {"respondents": "int64", "calibrated": "int64", "iterations": "int64", "converged": "bool",
         "max_margin_error": "float64"}
    )
    return weights, table
