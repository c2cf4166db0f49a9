"""The policy on hand-built tables and on random ones: true marks, bounds computed from k and N, every
hidden figure protected when the audit replays everything the region publishes, and the same decisions
whether the audit proves intervals on a few practices at a time or solves every one on the whole region."""

from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistmed.codebook import load_codebook
from assistmed.disclosure.audit import Solver, between, combine, equal, percent_at_least, percent_at_most
from assistmed.disclosure.patients import disclose_patients, region_blocks
from assistmed.disclosure.policy import Policy, Status, decide
from assistmed.indicators import compute_indicators
from assistmed.patients.analyse import item_distributions

CB = load_codebook(Path(__file__).resolve().parents[2] / "resources/codebooks/patients.yaml")
OPINION = ["very_favourable", "rather_favourable", "rather_unfavourable", "very_unfavourable"]
DISCOMFORT = [v.name for v in CB.group_members("discomfort")]


def practice(name: str, opinion: list[str | None], discomfort: list[list[str]] | None = None) -> pd.DataFrame:
    """A practice's clean answers: the opinion of each respondent and the discomfort boxes each ticked."""
    ticked = discomfort if discomfort is not None else [[] for _ in opinion]
    frame = pd.DataFrame(index=range(len(opinion)))
    for v in CB.variables:
        if v.is_categorical:
            values = opinion if v.name == "overall_opinion" else [None] * len(opinion)
            frame[v.name] = pd.Categorical(values, categories=v.keys, ordered=v.ordered)
        elif v.type == "checkbox":
            values = [None if not t else v.name in t for t in ticked] if v.name in DISCOMFORT else [None] * len(opinion)
            frame[v.name] = pd.array(values, dtype="boolean")
    frame["practice"] = name
    return frame


def tables(practices: dict[str, pd.DataFrame], region: str = "reg") -> tuple[pd.DataFrame, pd.DataFrame]:
    scopes = [*practices.items(), (region, pd.concat(practices.values(), ignore_index=True))]
    distributions = pd.concat([item_distributions(f, CB, scope=s) for s, f in scopes], ignore_index=True)
    indicators = pd.concat(
        [compute_indicators(f, CB, scope=s, distributed=None, confidence=0.95) for s, f in scopes], ignore_index=True
    )
    kept = {"overall_opinion", *DISCOMFORT}
    return (
        distributions[distributions["variable"].isin(kept)].reset_index(drop=True),
        indicators[indicators["indicator"].isin(["overall_favourable", "any_discomfort"])].reset_index(drop=True),
    )


def published(distributions, indicators, practices, threshold=5):
    return disclose_patients(CB, distributions, indicators, region="reg", practices=practices, policy=Policy(threshold))


def row(table, scope, variable, category=""):
    return table.set_index(["scope", "variable", "category"]).loc[(scope, variable, category)]


def test_a_favourable_opinion_of_66_of_68_prints_as_a_bound_computed_from_k_and_n():
    policy = Policy(5)
    assert policy.at_least(68) == 64  # the complement is at most 4
    assert policy.percent_bound(Status.AT_LEAST, 68) == 94  # 64 / 68 = 94.1 %, rounded down
    assert policy.percent_bound(Status.SMALL, 68) == 6  # 4 / 68 = 5.9 %, rounded up
    assert Policy(10).at_least(68) == 59


def test_cabinet_a_opinion_hides_the_small_cells_bounds_the_headline_and_protects_both():
    # Cabinet A of the example: 36 / 30 / 1 / 1; a second practice so that the region differs from it.
    a = practice("a", ["very_favourable"] * 36 + ["rather_favourable"] * 30 + OPINION[2:])
    b = practice("b", ["very_favourable"] * 20 + ["rather_favourable"] * 20 + ["rather_unfavourable"] * 12 + ["very_unfavourable"] * 8)
    table, audit = published(*tables({"a": a, "b": b}), ["a", "b"])
    head = row(table, "a", "overall_favourable")
    assert (head["status"], head["n"], head["N"], round(100 * head["prop"])) == ("at_least", 64, 68, 94)
    assert pd.isna(head["ci_low"])
    for category in OPINION[2:]:
        assert row(table, "a", "overall_opinion", category)["status"] == "small"
    # One favourable cell of A is hidden with its own mark, or the headline bound would be an exact sum.
    favourable = [row(table, "a", "overall_opinion", c)["status"] for c in OPINION[:2]]
    assert "secondary" in favourable
    assert audit["protected"].all()
    hidden = audit[(audit["status"] == "small") & (audit["variable"] == "overall_opinion")]
    assert ((hidden["low"] == 0) & (hidden["high"] == 4)).all()  # a reader learns « < 5 » and nothing more


def same_decisions(distributions, indicators, practices, threshold=5):
    """Every item decided with the audit's local proofs (one partner practice at a time, then two, and as
    in production) and on the whole system alone: the same statuses, intervals and required widths."""
    policy = Policy(threshold)
    for system, figures in region_blocks(CB, distributions, indicators, region="reg", practices=practices).values():
        whole = decide(system, figures, policy, partners=())
        for partners in [(1, 2), (8, 32)]:
            local = decide(system, figures, policy, partners=partners)
            for w, f in zip(whole, local, strict=True):
                assert (f.status, f.value, f.total) == (w.status, w.value, w.total), w.figure.label
                if w.status is not Status.SHOWN:
                    assert (f.low, f.high, f.required) == (w.low, w.high, w.required), w.figure.label


def test_cabinet_a_is_decided_the_same_with_local_proofs_as_on_the_whole_region():
    a = practice("a", ["very_favourable"] * 36 + ["rather_favourable"] * 30 + OPINION[2:])
    b = practice("b", ["very_favourable"] * 20 + ["rather_favourable"] * 20 + ["rather_unfavourable"] * 12 + ["very_unfavourable"] * 8)
    c = practice("c", ["very_favourable"] * 25 + ["rather_favourable"] * 2 + ["rather_unfavourable"] * 3 + ["very_unfavourable"] * 1)
    same_decisions(*tables({"a": a, "b": b, "c": c}), ["a", "b", "c"])


def test_a_small_figure_is_never_marked_secondary_and_a_secondary_one_is_never_below_k():
    a = practice("a", ["very_favourable"] * 40 + ["rather_favourable"] * 3 + ["very_unfavourable"] * 9)
    b = practice("b", ["very_favourable"] * 30 + ["rather_favourable"] * 12 + ["rather_unfavourable"] * 6)
    table, audit = published(*tables({"a": a, "b": b}), ["a", "b"])
    assert (audit.loc[audit["status"] == "small", "value"] < 5).all()
    assert (audit.loc[audit["status"] == "secondary", "value"] >= 5).all()
    assert audit["protected"].all()


def reaudit(distributions, indicators, practices, table, threshold):
    """Every hidden figure's interval from the published table alone (statements rebuilt from its rows)."""
    rows = table.set_index(["scope", "variable", "category"])
    intervals = {}
    for system, figures in region_blocks(CB, distributions, indicators, region="reg", practices=practices).values():
        statements = list(system.statements)
        for f in figures:
            r = rows.loc[f.keys[0]]
            for key in f.keys[1:]:
                assert rows.loc[key, "status"] == r["status"]  # every place prints the same
            if r["status"] == "shown":
                statements.append(equal(f.form, r["n"]))
            elif r["status"] == "small":
                statements.append(between(f.form, 0, threshold - 1))
            elif r["status"] == "at_least":
                statements.append(between(combine((1, f.form), (-1, f.total)), r["n"] - r["N"], None))
            if r["status"] in ("small", "at_least") and pd.notna(r["prop"]):
                bound = percent_at_most if r["status"] == "small" else percent_at_least
                statements.append(bound(f.form, f.total, round(100 * r["prop"])))
        solver = Solver(system, statements)
        for f in figures:
            if rows.loc[f.keys[0], "status"] != "shown":
                value = system.value(f.form)
                low, high = solver.interval(f.form)
                assert low <= value <= high
                intervals[f.keys[0]] = (value, low, high)
    return intervals


answers = st.lists(st.sampled_from(OPINION + [None]), min_size=0, max_size=25)
boxes = st.lists(st.lists(st.sampled_from(DISCOMFORT), max_size=2, unique=True), min_size=0, max_size=25)


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(st.tuples(answers, boxes), min_size=2, max_size=4),
    skew=st.lists(st.sampled_from(["very_favourable", "rather_favourable"]), min_size=2, max_size=4),
    threshold=st.sampled_from([3, 5]),
)
def test_random_regions_pass_the_audit_with_true_marks(data, skew, threshold):
    practices = {}
    for i, ((opinion, ticked), common) in enumerate(zip(data, skew * 2)):
        opinion = opinion + [common] * 12  # most respondents agree, as in the survey: small complements
        ticked = ticked + [["discomfort_none"]] * 10
        size = max(len(opinion), len(ticked))
        practices[f"p{i}"] = practice(f"p{i}", (opinion + [None] * size)[:size], (ticked + [[]] * size)[:size])
    distributions, indicators = tables(practices)
    names = list(practices)
    table, audit = published(distributions, indicators, names, threshold)
    assert audit["protected"].all()
    intervals = reaudit(distributions, indicators, names, table, threshold)
    exact = pd.concat(
        [
            distributions.set_index(["scope", "variable", "category"])["n"],
            indicators.assign(category="").set_index(["scope", "indicator", "category"])["n"],
        ]
    )
    for r in table.itertuples(index=False):
        key = (r.scope, r.variable, r.category)
        value = exact.loc[key]
        if r.status == "small":
            assert value < threshold  # « < k » only where it is true
        elif r.status == "at_least":
            assert r.N - value < threshold and value >= r.n  # a true bound, protecting a small complement
        elif r.status == "shown":
            assert r.n == value
    # The published table alone gives a reader exactly the intervals the audit proved wide enough.
    proved = audit.set_index(["scope", "variable", "category"])
    for key, (_, low, high) in intervals.items():
        assert (low, high) == (proved.loc[key, "low"], proved.loc[key, "high"]), key
    same_decisions(distributions, indicators, names, threshold)


def test_a_pooled_indicator_is_published_with_its_design_based_interval_and_a_practice_with_wilson():
    a = practice("a", ["very_favourable"] * 30 + ["rather_unfavourable"] * 10)
    b = practice("b", ["very_favourable"] * 20 + ["rather_unfavourable"] * 20)
    distributions, indicators = tables({"a": a, "b": b})
    pooled = (indicators["scope"] == "reg") & (indicators["indicator"] == "overall_favourable")
    # Design-based columns as pool_region writes them (values here are placeholders for the columns' role).
    indicators = indicators.assign(design_prop=float("nan"), design_ci_low=float("nan"), design_ci_high=float("nan"))
    indicators.loc[pooled, ["design_prop", "design_ci_low", "design_ci_high"]] = [0.625, 0.21, 0.91]
    table, _ = published(distributions, indicators, ["a", "b"])
    region = row(table, "reg", "overall_favourable")
    assert (region["prop"], region["ci_low"], region["ci_high"]) == (0.625, 0.21, 0.91)
    wilson = indicators[(indicators["scope"] == "a") & (indicators["indicator"] == "overall_favourable")].iloc[0]
    assert (row(table, "a", "overall_favourable")["ci_low"], row(table, "a", "overall_favourable")["ci_high"]) == (
        wilson["ci_low"], wilson["ci_high"])
