"""Published figures as a report prints them: a count, its percentage, its interval, each either the value,
« < k », a bound or « s », read from the table the disclosure step wrote (reports only format).

``Published(frame).cell(scope, variable, category)`` gives a ``Cell``; ``methods_fr(threshold)`` says in
French what the marks mean, for the methods section and the footnotes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from assistmed.disclosure.policy import Policy, Status
from assistmed.reports.fmt import MISSING, NNBSP, fmt_ci, fmt_int, fmt_percent

SECONDARY_MARK = "s"


@dataclass(frozen=True)
class Cell:
    """One published figure: ``count`` (« 43 », « < 5 », « ≥ 64 », « s »), ``percent`` (« 63 % », « ≤ 6 % »,
    « ≥ 94 % », « s »), ``ci`` (« [55 % ; 71 %] » or « — »), ``n_over_N``; ``proportion`` is what a chart
    may draw with a size (None when the figure is not shown), ``bound`` the printed bound on the proportion
    for a « < k » or bounded figure."""

    status: str
    count: str
    percent: str
    ci: str
    n_over_N: str
    proportion: float | None
    interval: tuple[float, float] | None
    bound: float | None = None

    @property
    def shown(self) -> bool:
        return self.status == Status.SHOWN


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def cell_of(row: pd.Series | dict) -> Cell:
    """Format one row of the published table (columns of ``disclosure.patients.PUBLISHED_COLUMNS``)."""
    status, k = str(row["status"]), int(row["threshold"])
    N = MISSING if _missing(row["N"]) else fmt_int(row["N"])
    prop = None if _missing(row["prop"]) else float(row["prop"])
    if status == Status.SHOWN:
        interval = None if _missing(row["ci_low"]) else (float(row["ci_low"]), float(row["ci_high"]))
        count = fmt_int(row["n"])
        return Cell(status, count, fmt_percent(prop) if prop is not None else MISSING,
                    fmt_ci(*interval) if interval else MISSING, f"{count} / {N}", prop, interval)
    if status == Status.SECONDARY:
        return Cell(status, SECONDARY_MARK, SECONDARY_MARK, MISSING, f"{SECONDARY_MARK} / {N}", None, None)
    if status == Status.SMALL:
        count = f"<{NNBSP}{k}"
        percent = MISSING if prop is None else f"≤{NNBSP}{fmt_percent(prop)}"
    elif status == Status.AT_LEAST:
        count = f"≥{NNBSP}{fmt_int(row['n'])}"
        percent = MISSING if prop is None else f"≥{NNBSP}{fmt_percent(prop)}"
    else:
        raise ValueError(f"statut de diffusion inconnu / unknown disclosure status: {status!r}")
    return Cell(status, count, percent, MISSING, f"{count} / {N}", None, None, prop)


class Published:
    """The published table of a strand (one row per printed figure), looked up by (scope, variable, category)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._rows = {
            (r["scope"], r["variable"], r["category"]): r for r in frame.to_dict("records")
        }
        self.threshold = int(frame["threshold"].iloc[0]) if len(frame) else None

    @classmethod
    def read(cls, path) -> Published:
        return cls(pd.read_parquet(path))

    def __contains__(self, key: tuple[str, str, str]) -> bool:
        return key in self._rows

    def cell(self, scope: str, variable: str, category: str = "") -> Cell:
        return cell_of(self.row(scope, variable, category))

    def row(self, scope: str, variable: str, category: str = "") -> dict:
        """The published row itself (status and the numbers that may be printed)."""
        try:
            return self._rows[(scope, variable, category)]
        except KeyError:
            raise KeyError(
                f"aucune décision de diffusion pour {scope} / {variable} / {category or '—'} :"
                " ce chiffre ne peut pas être imprimé / no disclosure decision for this figure: it cannot be printed"
            ) from None


REGION_OUTPUTS = (
    "pour la région (rapports des cabinets, rapport régional, tableaux et, avec plusieurs régions, rapport national)"
)


def methods_fr(threshold: int, outputs: str = REGION_OUTPUTS) -> str:
    """The small-count policy in French, from the threshold the tables were decided with; ``outputs`` says
    which published figures the audit took together."""
    policy = Policy(threshold)
    k, top, example = threshold, threshold - 1, 68
    bound, percent = policy.at_least(example), policy.percent_bound(Status.AT_LEAST, example)
    return (
        f"Protection des petits effectifs : un effectif de 0 à {top} n'est pas affiché ; il est noté « < {k} » et"
        " son pourcentage « ≤ x % ». Les zéros sont masqués comme les autres petits effectifs : un zéro affiché"
        " renseigne sur chaque répondant (aucun n'a répondu ainsi) et permet de recalculer des cases voisines."
        f" Un chiffre dont le complément est inférieur à {k} n'est pas masqué mais affiché comme une borne vraie,"
        f" calculée à partir de {k} et de N : « ≥ N − {top} » et son pourcentage arrondi par défaut (pour N ="
        f" {example} : « ≥ {bound} / {example} », « ≥ {percent} % »), sans intervalle de confiance. Une case masquée"
        f" seulement pour qu'une autre ne puisse pas être recalculée porte la marque « {SECONDARY_MARK} » (secret"
        f" secondaire) : sa valeur peut être {k} ou plus. Les cases masquées ne sont jamais tracées avec une"
        f" taille sur les graphiques. Une vérification par programmation linéaire sur tous les chiffres publiés"
        f" {outputs} établit qu'aucune case masquée ne peut être resserrée à moins de {k} valeurs possibles (de 0"
        f" à {top} pour « < {k} »), sauf lorsque les totaux publiés et les marques elles-mêmes en laissent moins."
    )


def footnote_fr(threshold: int) -> str:
    """The marks in one line, under a table that prints them."""
    return (
        f"« < {threshold} » : effectif de 0 à {threshold - 1} ; « ≥ » : borne vraie (complément inférieur à"
        f" {threshold}) ; « {SECONDARY_MARK} » : case masquée pour qu'une autre ne puisse pas être recalculée"
        f" (sa valeur peut être {threshold} ou plus)."
    )


def published_table(frame: pd.DataFrame, figures: str) -> pd.DataFrame:
    """The rows of one table of a published frame (``figures``: its ``table`` column, e.g. « indicators »,
    « distributions »), as the reports print them: marks and bounds, never a hidden value."""
    rows = frame[frame["table"] == figures]
    cells = [cell_of(r) for r in rows.to_dict("records")]
    return pd.DataFrame(
        {
            "scope": rows["scope"].to_numpy(),
            "variable": rows["variable"].to_numpy(),
            "category": rows["category"].to_numpy(),
            "n": [c.count for c in cells],
            "N": [MISSING if _missing(n) else fmt_int(n) for n in rows["N"]],
            "percent": [c.percent for c in cells],
            "ci_95": [c.ci for c in cells],
            "status": rows["status"].to_numpy(),
        }
    )


def export_published(published: str, csv: str, figures: str) -> None:
    """A CSV copy of published figures for ``snakemake --report``: what the reports print, never more."""
    from assistmed.io import write_spreadsheet_csv

    write_spreadsheet_csv(published_table(pd.read_parquet(published), figures), csv)
