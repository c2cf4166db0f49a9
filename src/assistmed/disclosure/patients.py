"""The patient strand's published figures for a region, as linear systems the policy decides and audits.

Atoms are the counts of one practice: per categorical item, its respondents in each category; per
checkbox group, its respondents (who ticked at least one box), each box's ticks and the respondents who
ticked at least one box other than « none » (the group's indicator). A region's figure is the sum of its
practices'. Each item (or checkbox group) is one independent system: no published figure links two items.

What a reader is assumed to know besides the printed figures (it only makes the audit stricter): the
number of respondents of every item and scope (printed), that a box is ticked at most by the group's
respondents and by those counted in its indicator, and how many ticked both « none » and another box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.audit import LinearSystem, between, combine, equal
from assistmed.disclosure.policy import Decision, Figure, Policy, Status, decide
from assistmed.io import write_parquet

PUBLISHED_COLUMNS = ["scope", "variable", "category", "status", "n", "N", "prop", "ci_low", "ci_high", "threshold"]
AUDIT_COLUMNS = ["scope", "variable", "category", "status", "value", "N", "low", "high", "required", "protected"]
SELECTION = "interview_selection"
# Cost of hiding a figure to protect another: a practice's cell first, then a practice's headline, then a
# pooled (region) cell, a pooled headline last.
WEIGHTS = {("cell", False): 1.0, ("headline", False): 20.0, ("cell", True): 50.0, ("headline", True): 400.0}


def _sum(forms: Sequence[Mapping[int, float]]) -> dict[int, float]:
    return combine(*((1.0, f) for f in forms))


class _Block:
    """One item's system: atoms per practice, figures per scope (every practice, then the region)."""

    def __init__(self, region: str, labels: Mapping[str, str]):
        self.system = LinearSystem()
        self.figures: list[Figure] = []
        self.region = region
        self.labels = labels

    def figure(self, keys, form, total, label, kind, pooled) -> None:
        for f in self.figures:  # a headline that is a single category is that category's cell
            if f.form == form and f.total == total:
                f.keys += keys
                f.weight = max(f.weight, WEIGHTS[(kind, pooled)])
                return
        self.figures.append(Figure(list(keys), dict(form), None if total is None else dict(total), label, WEIGHTS[(kind, pooled)]))

    def scopes(self, practices: Sequence[str]) -> list[tuple[str, list[str]]]:
        return [(p, [p]) for p in practices] + [(self.region, list(practices))]

    def name(self, scope: str) -> str:
        return self.labels.get(scope, scope)


def _categorical_block(block: _Block, codebook: Codebook, variable, counts: pd.DataFrame, practices: Sequence[str]) -> None:
    keys = variable.keys
    atoms = {
        (p, c): block.system.atom(f"{p}/{variable.name}/{c}", counts.get((p, variable.name, c), 0))
        for p in practices
        for c in keys
    }
    indicators = [i for i in codebook.indicators if i.variable == variable.name and i.group is None]
    for scope, members in block.scopes(practices):
        pooled = scope == block.region
        cells = {c: _sum([atoms[(p, c)] for p in members]) for c in keys}
        total = _sum(list(cells.values()))
        block.system.add(equal(total, block.system.value(total), f"{scope} {variable.name} N"))
        for c in keys:
            label = f"{block.name(scope)} — {variable.label_fr} : {variable.label_for_key(c)}"
            block.figure([(scope, variable.name, c)], cells[c], total, label, "cell", pooled)
        for ind in indicators:
            form = _sum([cells[c] for c in ind.success])
            block.figure([(scope, ind.name, "")], form, total, f"{block.name(scope)} — {ind.label_fr}", "headline", pooled)


def _group_block(
    block: _Block, codebook: Codebook, group: str, counts: pd.DataFrame, answered: pd.DataFrame,
    indicator_counts: pd.DataFrame, practices: Sequence[str],
) -> None:
    members = codebook.group_members(group)
    boxes = [v.name for v in members]
    none = [v.name for v in members if v.none_option]
    indicator = next((i for i in codebook.indicators if i.group == group), None)
    atoms = {}
    for p in practices:
        N = block.system.atom(f"{p}/{group}/N", answered.get((p, boxes[0]), 0))
        ticks = {b: block.system.atom(f"{p}/{b}", counts.get((p, b, "checked"), 0)) for b in boxes}
        for b in boxes:
            block.system.add(between(combine((1.0, N), (-1.0, ticks[b])), 0, None, f"{p} {b} ≤ N"))
        atoms[p] = {"N": N, **ticks}
        if indicator is not None:
            value = int(indicator_counts.get((p, indicator.name), 0))
            any_ = block.system.atom(f"{p}/{indicator.name}", value)
            atoms[p]["any"] = any_
            others = [ticks[b] for b in boxes if b not in none]
            for form in others:
                block.system.add(between(combine((1.0, any_), (-1.0, form)), 0, None, f"{p} box ≤ any"))
            block.system.add(between(combine((1.0, _sum(others)), (-1.0, any_)), 0, None, f"{p} any ≤ Σ boxes"))
            # Respondents who ticked « none » and another box: known to the audit (a reader may assume none do).
            overlap = combine((1.0, any_), *((1.0, ticks[b]) for b in none), (-1.0, N))
            block.system.add(equal(overlap, block.system.value(overlap), f"{p} {group} any + none − N"))
    for scope, inside in block.scopes(practices):
        pooled = scope == block.region
        total = _sum([atoms[p]["N"] for p in inside])
        block.system.add(equal(total, block.system.value(total), f"{scope} {group} N"))
        for v in members:
            label = f"{block.name(scope)} — {v.label_fr}"
            block.figure([(scope, v.name, "checked")], _sum([atoms[p][v.name] for p in inside]), total, label, "cell", pooled)
        if indicator is not None:
            form = _sum([atoms[p]["any"] for p in inside])
            block.figure([(scope, indicator.name, "")], form, total, f"{block.name(scope)} — {indicator.label_fr}", "headline", pooled)


def _selection_block(block: _Block, selection: pd.DataFrame, practices: Sequence[str]) -> None:
    chosen = dict(zip(selection["practice"].astype(str), selection["n_selected"].astype(int)))
    atoms = {p: block.system.atom(f"{p}/{SELECTION}", chosen.get(p, 0)) for p in practices}
    for scope, inside in block.scopes(practices):
        label = f"{block.name(scope)} — personnes retenues pour un entretien"
        block.figure([(scope, SELECTION, "")], _sum([atoms[p] for p in inside]), None, label, "cell", scope == block.region)


def region_blocks(
    codebook: Codebook,
    distributions: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    region: str,
    practices: Sequence[str],
    labels: Mapping[str, str] | None = None,
    selection: pd.DataFrame | None = None,
) -> list[tuple[LinearSystem, list[Figure]]]:
    """One (system, figures) per item, checkbox group and (given ``selection``) the interview selection."""
    labels = {**(labels or {}), region: (labels or {}).get(region, region)}
    practice_rows = distributions[distributions["scope"].isin(practices)]
    counts = practice_rows.set_index(["scope", "variable", "category"])["n"]
    answered = practice_rows.groupby(["scope", "variable"])["N"].first()
    indicator_counts = indicators.set_index(["scope", "indicator"])["n"]
    present = set(practice_rows["variable"])
    blocks, groups = [], []
    for v in codebook.variables:
        if v.name not in present:
            continue
        block = _Block(region, labels)
        if v.is_categorical:
            _categorical_block(block, codebook, v, counts, practices)
        elif v.group is not None:
            if v.group in groups:
                continue
            groups.append(v.group)
            _group_block(block, codebook, v.group, counts, answered, indicator_counts, practices)
        else:
            continue
        blocks.append((block.system, block.figures))
    if selection is not None:
        block = _Block(region, labels)
        _selection_block(block, selection, practices)
        blocks.append((block.system, block.figures))
    return blocks


def decide_blocks(blocks, policy: Policy) -> list[Decision]:
    decisions = []
    for system, figures in blocks:
        decisions += decide(system, figures, policy)
    return decisions


def published_rows(decisions: Sequence[Decision], policy: Policy, exact: pd.DataFrame) -> pd.DataFrame:
    """One row per place a figure is printed; ``exact`` (scope, variable, category → prop, ci_low, ci_high)
    gives the shown figures' proportion and interval."""
    rows = []
    for d in decisions:
        for scope, variable, category in d.figure.keys:
            n, prop, low, high = pd.NA, float("nan"), float("nan"), float("nan")
            if d.status is Status.SHOWN:
                n = d.value
                key = (scope, variable, category)
                if key in exact.index:
                    prop, low, high = (float(x) for x in exact.loc[key, ["prop", "ci_low", "ci_high"]])
                elif d.total:
                    prop = d.value / d.total
            elif d.status is not Status.SECONDARY:
                if d.status is Status.AT_LEAST:
                    n = policy.at_least(d.total)
                percent = policy.percent_bound(d.status, d.total)
                prop = float("nan") if percent is None else percent / 100
            rows.append([scope, variable, category, str(d.status), n, d.total, prop, low, high, policy.threshold])
    frame = pd.DataFrame(rows, columns=PUBLISHED_COLUMNS)
    return frame.astype({"n": "Int64", "N": "Int64", "threshold": "int64"})


def audit_rows(decisions: Sequence[Decision]) -> pd.DataFrame:
    rows = [
        [*d.figure.keys[0], str(d.status), d.value, d.total, d.low, d.high, d.required, d.protected]
        for d in decisions
        if d.status is not Status.SHOWN
    ]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS).astype({"value": "int64", "N": "Int64"})


def _exact(distributions: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    cells = distributions.assign(ci_low=float("nan"), ci_high=float("nan"))[
        ["scope", "variable", "category", "prop", "ci_low", "ci_high"]
    ]
    heads = indicators.rename(columns={"indicator": "variable"}).assign(category="")[
        ["scope", "variable", "category", "prop", "ci_low", "ci_high"]
    ]
    return pd.concat([cells, heads], ignore_index=True).set_index(["scope", "variable", "category"])


def disclose_patients(
    codebook: Codebook,
    distributions: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    region: str,
    practices: Sequence[str],
    policy: Policy,
    labels: Mapping[str, str] | None = None,
    selection: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(published, audit) tables of a region's patient figures."""
    blocks = region_blocks(
        codebook, distributions, indicators, region=region, practices=practices, labels=labels, selection=selection
    )
    decisions = decide_blocks(blocks, policy)
    published = published_rows(decisions, policy, _exact(distributions, indicators))
    rate = indicators[indicators["indicator"].isin([i.name for i in codebook.indicators if i.kind == "response_rate"])]
    exempt = pd.DataFrame(
        {
            "scope": rate["scope"], "variable": rate["indicator"], "category": "", "status": str(Status.SHOWN),
            "n": rate["n"], "N": rate["N"], "prop": rate["prop"], "ci_low": rate["ci_low"], "ci_high": rate["ci_high"],
            "threshold": policy.threshold,
        }
    ).astype(published.dtypes.to_dict())
    return pd.concat([exempt, published], ignore_index=True), audit_rows(decisions)


def disclose_region(
    *,
    distributions: str | Path,
    indicators: str | Path,
    codebook: str | Path,
    published: str | Path,
    audit: str | Path,
    region: str,
    practices: Mapping[str, str],
    threshold: int,
    selection: str | Path | None = None,
) -> None:
    """Decide and audit every patient figure a region's outputs print; write what may be printed and the audit.

    ``practices`` maps each practice id to its name (config order). Fails, writing nothing, when a hidden
    figure cannot be protected."""
    table, report = disclose_patients(
        load_codebook(codebook), pd.read_parquet(distributions), pd.read_parquet(indicators), region=region,
        practices=list(practices), policy=Policy(threshold), labels=dict(practices),
        selection=None if selection is None else pd.read_parquet(selection),
    )
    write_parquet(report, audit)
    write_parquet(table, published)
