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

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from assistmed.codebook import Codebook, load_codebook
from assistmed.disclosure.audit import LinearSystem, between, combine, equal, shift
from assistmed.disclosure.policy import Decision, Figure, Policy, Status, decide
from assistmed.io import write_parquet
from assistmed.patients import NATIONAL

PUBLISHED_COLUMNS = ["table", "scope", "variable", "category", "status", "n", "N", "prop", "ci_low", "ci_high", "threshold"]
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
        (p, c): block.system.atom(f"{p}/{variable.name}/{c}", counts.get((p, variable.name, c), 0), p)
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
        N = block.system.atom(f"{p}/{group}/N", answered.get((p, boxes[0]), 0), p)
        ticks = {b: block.system.atom(f"{p}/{b}", counts.get((p, b, "checked"), 0), p) for b in boxes}
        for b in boxes:
            block.system.add(between(combine((1.0, N), (-1.0, ticks[b])), 0, None, f"{p} {b} ≤ N"))
        atoms[p] = {"N": N, **ticks}
        if indicator is not None:
            value = int(indicator_counts.get((p, indicator.name), 0))
            any_ = block.system.atom(f"{p}/{indicator.name}", value, p)
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
    atoms = {p: block.system.atom(f"{p}/{SELECTION}", chosen.get(p, 0), p) for p in practices}
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
) -> dict[str, tuple[LinearSystem, list[Figure]]]:
    """One (system, figures) per item and checkbox group, by the item's or group's name."""
    labels = {**(labels or {}), region: (labels or {}).get(region, region)}
    practice_rows = distributions[distributions["scope"].isin(practices)]
    counts = practice_rows.set_index(["scope", "variable", "category"])["n"]
    answered = practice_rows.groupby(["scope", "variable"])["N"].first()
    indicator_counts = indicators.set_index(["scope", "indicator"])["n"]
    present = set(practice_rows["variable"])
    blocks = {}
    for v in codebook.variables:
        if v.name not in present or (v.group is not None and v.group in blocks):
            continue
        block = _Block(region, labels)
        if v.is_categorical:
            _categorical_block(block, codebook, v, counts, practices)
            blocks[v.name] = block.system, block.figures
        elif v.group is not None:
            _group_block(block, codebook, v.group, counts, answered, indicator_counts, practices)
            blocks[v.group] = block.system, block.figures
    return blocks


def decide_blocks(blocks: Mapping[str, tuple[LinearSystem, list[Figure]]], policy: Policy) -> list[Decision]:
    decisions = []
    for system, figures in blocks.values():
        decisions += decide(system, figures, policy)
    return decisions


def published_rows(
    decisions: Sequence[Decision], policy: Policy, exact: pd.DataFrame, table_of: Callable[[tuple[str, str, str]], str]
) -> pd.DataFrame:
    """One row per place a figure is printed; ``exact`` (scope, variable, category → prop, ci_low, ci_high)
    gives the shown figures' proportion and interval, ``table_of`` names the table a key belongs to (what a
    CSV copy selects)."""
    rows = []
    # One dictionary look-up per printed figure (a DataFrame look-up each took most of this function's time).
    known = dict(zip(exact.index, exact[["prop", "ci_low", "ci_high"]].itertuples(index=False, name=None)))
    for d in decisions:
        for scope, variable, category in d.figure.keys:
            n, prop, low, high = pd.NA, float("nan"), float("nan"), float("nan")
            if d.status is Status.SHOWN:
                n = d.value
                key = (scope, variable, category)
                if key in known:
                    prop, low, high = (float(x) for x in known[key])
                elif d.total:
                    prop = d.value / d.total
            elif d.status is not Status.SECONDARY:
                if d.status is Status.AT_LEAST:
                    n = policy.at_least(d.total)
                percent = policy.percent_bound(d.status, d.total)
                prop = float("nan") if percent is None else percent / 100
            table = table_of((scope, variable, category))
            rows.append([table, scope, variable, category, str(d.status), n, d.total, prop, low, high, policy.threshold])
    frame = pd.DataFrame(rows, columns=PUBLISHED_COLUMNS)
    return frame.astype({"n": "Int64", "N": "Int64", "threshold": "int64"})


def audit_rows(decisions: Sequence[Decision]) -> pd.DataFrame:
    rows = [
        [*d.figure.keys[0], str(d.status), d.value, d.total, d.low, d.high, d.required, d.protected]
        for d in decisions
        if d.status is not Status.SHOWN
    ]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS).astype({"value": "int64", "N": "Int64"})


def _exact(distributions: pd.DataFrame | None, indicators: pd.DataFrame) -> pd.DataFrame:
    """The exact proportion and interval of every figure, by (scope, variable, category). A pooled indicator
    (region, national) is published with its design-based proportion and interval (patients clustered in
    practices) wherever the indicators table has them; a practice's, and the return rate, with Wilson's."""
    columns = ["scope", "variable", "category", "prop", "ci_low", "ci_high"]
    heads = indicators.rename(columns={"indicator": "variable"}).assign(category="")
    if "design_ci_low" in heads.columns:
        design = heads["design_ci_low"].notna()
        heads.loc[design, ["prop", "ci_low", "ci_high"]] = heads.loc[
            design, ["design_prop", "design_ci_low", "design_ci_high"]
        ].to_numpy()
    heads = heads[columns]
    if distributions is not None:
        cells = distributions.assign(ci_low=float("nan"), ci_high=float("nan"))[columns]
        heads = pd.concat([cells, heads], ignore_index=True)
    return heads.set_index(["scope", "variable", "category"])


def disclose_patients(
    codebook: Codebook,
    distributions: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    region: str,
    practices: Sequence[str],
    policy: Policy,
    labels: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(published, audit) tables of a region's patient figures."""
    blocks = region_blocks(codebook, distributions, indicators, region=region, practices=practices, labels=labels)
    decisions = decide_blocks(blocks, policy)
    published = published_rows(decisions, policy, _exact(distributions, indicators), _table_of(codebook))
    return pd.concat([_exempt(codebook, indicators, policy), published], ignore_index=True), audit_rows(decisions)


_NO_INDICATORS = pd.DataFrame(columns=["scope", "indicator", "prop", "ci_low", "ci_high"])


def _table_of(codebook: Codebook) -> Callable[[tuple[str, str, str]], str]:
    names = {i.name for i in codebook.indicators}

    def table_of(key: tuple[str, str, str]) -> str:
        _, variable, category = key
        return "indicators" if category == "" and variable in names else "distributions"

    return table_of


def _exempt(codebook: Codebook, indicators: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The return rate, printed as it is: questionnaires returned of those handed out describe no answer."""
    rate = indicators[indicators["indicator"].isin([i.name for i in codebook.indicators if i.kind == "response_rate"])]
    return pd.DataFrame(
        {
            "table": "indicators", "scope": rate["scope"], "variable": rate["indicator"], "category": "", "status": str(Status.SHOWN),
            "n": rate["n"], "N": rate["N"], "prop": rate["prop"], "ci_low": rate["ci_low"], "ci_high": rate["ci_high"],
            "threshold": policy.threshold,
        }
    ).astype({"n": "Int64", "N": "Int64", "threshold": "int64"})


def disclose_national_patients(
    codebook: Codebook,
    regions: Mapping[str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Sequence[str]]],
    national: pd.DataFrame,
    *,
    policy: Policy,
    labels: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(published, audit) of the national report's headlines. ``regions`` maps each region to its exact
    distributions and indicators, its published table and its practices; ``national`` is the national
    indicators table. Each region's published figures keep their status; the national figures (sums of the
    regions') are decided and every hidden figure of every region is audited again with them."""
    names = {i.name for i in codebook.indicators}
    per_region = {
        r: region_blocks(codebook, d, i, region=r, practices=practices, labels=labels)
        for r, (d, i, _, practices) in regions.items()
    }
    statuses = {
        r: dict(zip(zip(t["scope"], t["variable"], t["category"]), t["status"])) for r, (_, _, t, _) in regions.items()
    }
    decisions = []
    for block in dict.fromkeys(name for blocks in per_region.values() for name in blocks):
        combined, figures, parts = LinearSystem(), [], {}
        for r, blocks in per_region.items():
            if block not in blocks:
                continue
            system, region_figures = blocks[block]
            offset = combined.include(system, prefix=f"{r}/")
            for f in region_figures:
                moved = Figure(
                    f.keys, shift(f.form, offset), None if f.total is None else shift(f.total, offset), f.label,
                    f.weight, fixed=Status(statuses[r][f.keys[0]]),
                )
                figures.append(moved)
                for scope, variable, category in f.keys:
                    if scope == r and category == "" and variable in names:
                        parts.setdefault(variable, []).append(moved)
        for indicator, members in parts.items():
            form, total = _sum([m.form for m in members]), _sum([m.total for m in members])
            combined.add(equal(total, combined.value(total), f"{NATIONAL} {indicator} N"))
            label = f"National — {codebook.indicator(indicator).label_fr}"
            figures.append(Figure([(NATIONAL, indicator, "")], form, total, label, WEIGHTS[("headline", True)]))
        decisions += decide(combined, figures, policy)
    own = [d for d in decisions if d.figure.fixed is None]
    published = published_rows(own, policy, _exact(None, national), _table_of(codebook))
    copied = pd.concat(
        [t[(t["scope"] == r) & (t["category"] == "")] for r, (_, _, t, _) in regions.items()], ignore_index=True
    )
    copied = copied[copied["variable"].isin(names)]
    exempt = _exempt(codebook, national[national["scope"] == NATIONAL], policy)
    return (
        pd.concat([copied, exempt, published], ignore_index=True).astype(published.dtypes.to_dict()),
        audit_rows(decisions),
    )


def disclose_region(
    *,
    distributions: str | Path,
    indicators: str | Path,
    codebook: str | Path,
    published: str | Path,
    audit: str | Path,
    region: str,
    practices: Sequence[str],
    threshold: int,
) -> None:
    """Decide and audit every patient figure a region's outputs print; write what may be printed and the audit.

    ``practices``: the region's practice ids in config order (the ids, not the names, so that renaming a
    practice reruns only the documents that print its name). Fails, writing nothing, when a hidden figure
    cannot be protected."""
    table, report = disclose_patients(
        load_codebook(codebook), pd.read_parquet(distributions), pd.read_parquet(indicators), region=region,
        practices=list(practices), policy=Policy(threshold),
    )
    write_parquet(report, audit)
    write_parquet(table, published)


def disclose_selection_table(
    selection: pd.DataFrame, *, region: str, practices: Sequence[str], policy: Policy
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(published, audit) of the patients selected for an interview per practice and in total (a system of
    its own: no other published figure counts them)."""
    block = _Block(region, {})
    _selection_block(block, selection, list(practices))
    decisions = decide(block.system, block.figures, policy)
    return published_rows(decisions, policy, _exact(None, _NO_INDICATORS), lambda key: "selection"), audit_rows(decisions)


def disclose_selection(
    *, selection: str | Path, published: str | Path, audit: str | Path, region: str, practices: Sequence[str],
    threshold: int,
) -> None:
    table, report = disclose_selection_table(
        pd.read_parquet(selection), region=region, practices=practices, policy=Policy(threshold)
    )
    write_parquet(report, audit)
    write_parquet(table, published)


def disclose_national(
    *,
    distributions: Sequence[str | Path],
    indicators: Sequence[str | Path],
    published_regions: Sequence[str | Path],
    national: str | Path,
    codebook: str | Path,
    published: str | Path,
    audit: str | Path,
    regions: Mapping[str, Sequence[str]],
    threshold: int,
) -> None:
    """The national report's published table and audit. ``regions`` maps each region (config order, the
    order of the three lists of paths) to its practice ids."""
    cb = load_codebook(codebook)
    tables = {
        region: (pd.read_parquet(d), pd.read_parquet(i), pd.read_parquet(p), list(practices))
        for (region, practices), d, i, p in zip(regions.items(), distributions, indicators, published_regions, strict=True)
    }
    table, report = disclose_national_patients(cb, tables, pd.read_parquet(national), policy=Policy(threshold))
    write_parquet(report, audit)
    write_parquet(table, published)
