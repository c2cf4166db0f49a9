"""The GP report's published figures as linear systems, decided by the same policy (its cells are GPs).

Atoms are the GPs of each answer crossed with « works with an assistant » (yes, no, not answered). The
profile prints each answer's count among all respondents (« all »), the determinants its counts among GPs
with and without an assistant (``with_assistant``, ``without_assistant``), the barriers each one's citations
in the same three groups; the numbers of respondents of each group are published margins. An odds ratio is
a function of its four cells: it is printed only when all four are (scope ``odds_ratio``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.audit import LinearSystem, between, combine, equal
from assistmed.disclosure.patients import audit_rows, published_rows
from assistmed.disclosure.policy import Decision, Figure, Policy, Status, decide
from assistmed.gps.barriers import cited
from assistmed.gps.determinants import OUTCOME, WITH, WITHOUT, candidate_variables
from assistmed.io import write_parquet

GROUPS = {"with_assistant": WITH, "without_assistant": WITHOUT}
ALL = "all"
ODDS_RATIO = "odds_ratio"
# The answers printed in the report's profile of the respondents (in that order).
PROFILE = ("sex", "age_group", "years_in_practice", "area", "sector", "practice_size", "msp", "cpts", "asalee")
# The other answers the report prints among all who answered them: questions to GPs with an assistant (how
# long, satisfaction) and to GPs without one (plans to hire).
DESCRIBED = ("assistant_since", "satisfaction", "hire_intention")
# Multiple-choice questions printed as the share of GPs citing each box (overall and by subgroup).
CITED_GROUPS = ("barriers", "tasks")
_STATUSES = (WITH, WITHOUT, None)  # None: « works with an assistant » not answered


def _status_masks(clean: pd.DataFrame) -> dict:
    outcome = clean[OUTCOME].astype("object")
    return {WITH: outcome == WITH, WITHOUT: outcome == WITHOUT, None: outcome.isna()}


def _sum(forms) -> dict[int, float]:
    return combine(*((1.0, f) for f in forms))


def _variable_block(codebook: Codebook, clean: pd.DataFrame, name: str, *, profile: bool, determinant: bool):
    variable = codebook.variable(name)
    values = clean[name].astype("object")
    masks = _status_masks(clean)
    system, figures = LinearSystem(), []
    atoms = {
        (level, s): system.atom(f"{name}/{level}/{s}", int(((values == level) & masks[s]).sum()))
        for level in variable.keys
        for s in _STATUSES
    }
    if profile:
        total = _sum(atoms.values())
        system.add(equal(total, system.value(total), f"{name} N"))
        cells = {}
        for level in variable.keys:
            label = f"{variable.label_fr} : {variable.label_for_key(level)}"
            cells[level] = Figure([(ALL, name, level)], _sum(atoms[(level, s)] for s in _STATUSES), total, label, 2.0)
            figures.append(cells[level])
        # The codebook's indicators on this answer (« exercent en MSP »): a single category is that category's
        # figure printed in a second place; several categories make a headline figure of their own.
        for ind in codebook.indicators:
            if ind.variable != name or ind.variable == OUTCOME:
                continue
            if len(ind.success) == 1:
                cells[ind.success[0]].keys.append((ALL, ind.name, ""))
                cells[ind.success[0]].weight = max(cells[ind.success[0]].weight, 20.0)
            else:
                form = _sum(cells[level].form for level in ind.success)
                figures.append(Figure([(ALL, ind.name, "")], form, total, ind.label_fr, 20.0))
    if determinant:
        for scope, s in GROUPS.items():
            total = _sum(atoms[(level, s)] for level in variable.keys)
            system.add(equal(total, system.value(total), f"{name} N {scope}"))
            for level in variable.keys:
                label = f"{variable.label_fr} : {variable.label_for_key(level)} ({scope})"
                figures.append(Figure([(scope, name, level)], atoms[(level, s)], total, label, 1.0))
    return system, figures


def _barrier_block(codebook: Codebook, clean: pd.DataFrame, group: str):
    members = codebook.group_members(group)
    answered = clean[[v.name for v in members]].notna().any(axis=1)
    masks = _status_masks(clean)
    sizes = {s: int((answered & masks[s]).sum()) for s in _STATUSES}
    system, figures = LinearSystem(), []
    margins = {}
    for s in _STATUSES:
        margins[s] = system.atom(f"{group}/N/{s}", sizes[s])
        system.add(equal(margins[s], sizes[s], f"{group} N {s}"))
    for v in members:
        ticked = cited(clean[v.name], v) & answered
        atoms = {s: system.atom(f"{v.name}/{s}", int((ticked & masks[s]).sum())) for s in _STATUSES}
        for s in _STATUSES:
            system.add(between(combine((1.0, margins[s]), (-1.0, atoms[s])), 0, None, f"{v.name} ≤ N"))
        label = v.label_fr
        figures.append(Figure([(ALL, v.name, "cited")], _sum(atoms.values()), _sum(margins.values()), label, 2.0))
        for scope, s in GROUPS.items():
            figures.append(Figure([(scope, v.name, "cited")], atoms[s], margins[s], f"{label} ({scope})", 1.0))
    return system, figures


def _assistant_block(codebook: Codebook, clean: pd.DataFrame):
    system = LinearSystem()
    outcome = clean[OUTCOME].astype("object")
    with_, without = system.atom("with", int((outcome == WITH).sum())), system.atom("without", int((outcome == WITHOUT).sum()))
    total = _sum([with_, without])
    system.add(equal(total, system.value(total), "has_assistant N"))
    indicator = next(i for i in codebook.indicators if i.variable == OUTCOME)
    return system, [Figure([(ALL, indicator.name, "")], with_, total, indicator.label_fr, 20.0)]


def gp_blocks(codebook: Codebook, clean: pd.DataFrame) -> dict:
    candidates = candidate_variables(codebook)
    blocks = {}
    for name in dict.fromkeys([*PROFILE, *DESCRIBED, *candidates]):
        if name in clean:
            blocks[name] = _variable_block(
                codebook, clean, name, profile=name in PROFILE or name in DESCRIBED, determinant=name in candidates
            )
    for group in CITED_GROUPS:
        if codebook.group_members(group):
            blocks[group] = _barrier_block(codebook, clean, group)
    blocks[OUTCOME] = _assistant_block(codebook, clean)
    return blocks


def _table_of(codebook: Codebook):
    def table_of(key: tuple[str, str, str]) -> str:
        scope, variable, category = key
        if category == "cited":
            return codebook.variable(variable).group  # « barriers », « tasks »
        if scope == ALL:
            return "respondents" if category == "" else "profile"
        return "determinants"

    return table_of


def _exact(barriers: pd.DataFrame, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The barriers' and the indicators' exact proportions and Wilson intervals (other shown figures get
    n / N)."""
    columns = ["scope", "variable", "category", "prop", "ci_low", "ci_high"]
    rows = barriers.assign(scope=barriers["subgroup"], variable=barriers["barrier"], category="cited")[columns]
    if indicators is not None:
        heads = indicators.assign(scope=ALL, variable=indicators["indicator"], category="")[columns]
        rows = pd.concat([rows, heads], ignore_index=True)
    return rows.set_index(["scope", "variable", "category"])


def odds_ratio_rows(determinants: pd.DataFrame, decisions: Sequence[Decision], threshold: int) -> pd.DataFrame:
    """One row per odds ratio: shown when its four cells are, else « s » (it would give them back)."""
    status = {key: d.status for d in decisions for key in d.figure.keys}
    rows = []
    for variable, part in determinants.groupby("variable", sort=False):
        for r in part[part["odds_ratio"].notna()].itertuples(index=False):
            cells = [(scope, variable, level) for scope in GROUPS for level in part["level"]]
            shown = all(status.get(c) is Status.SHOWN for c in cells)
            rows.append([
                "determinants", ODDS_RATIO, variable, r.level, str(Status.SHOWN if shown else Status.SECONDARY),
                pd.NA, pd.NA, r.odds_ratio if shown else float("nan"), r.or_ci_low if shown else float("nan"),
                r.or_ci_high if shown else float("nan"), threshold,
            ])
    return pd.DataFrame(rows, columns=["table", "scope", "variable", "category", "status", "n", "N", "prop", "ci_low", "ci_high", "threshold"])


def disclose_gp_tables(
    codebook: Codebook,
    clean: pd.DataFrame,
    determinants: pd.DataFrame,
    barriers: pd.DataFrame,
    *,
    policy: Policy,
    indicators: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(published, audit) of the GP report; ``indicators`` (the GP indicators table) gives the headline
    figures their Wilson intervals."""
    decisions = []
    for system, figures in gp_blocks(codebook, clean).values():
        decisions += decide(system, figures, policy)
    published = published_rows(decisions, policy, _exact(barriers, indicators), _table_of(codebook))
    odds = odds_ratio_rows(determinants, decisions, policy.threshold).astype(published.dtypes.to_dict())
    return pd.concat([published, odds], ignore_index=True), audit_rows(decisions)


def disclose_gps(
    *,
    clean: str | Path,
    determinants: str | Path,
    barriers: str | Path,
    indicators: str | Path,
    codebook: str | Path,
    published: str | Path,
    audit: str | Path,
    threshold: int,
) -> None:
    """Decide and audit every figure of a region's GP report; write the published table and the audit."""
    table, report = disclose_gp_tables(
        load_codebook(codebook), pd.read_parquet(clean), pd.read_parquet(determinants), pd.read_parquet(barriers),
        policy=Policy(threshold), indicators=pd.read_parquet(indicators),
    )
    write_parquet(report, audit)
    write_parquet(table, published)
