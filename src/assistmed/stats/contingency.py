"""Association between two categorical survey items: the contingency table, Pearson's χ², Fisher's exact
test for r×c tables (Freeman–Halton), its seeded Monte Carlo version, Cramér's V, and the rule that picks
among them (Cochran's rule for χ²).

Every function taking a table accepts a 2-D array-like or DataFrame of counts and ignores rows and columns
whose total is zero (they carry no information and would make expected counts zero).

References: Agresti A (2002), Categorical Data Analysis, 2nd ed., §3.2 and §3.5; Freeman GH, Halton JH
(1951), Biometrika 38:141–149. R's FEXACT (Mehta & Patel 1983, JASA 78:427–434) prunes a network of
partial tables; fisher_exact_rxc instead enumerates the two halves of the columns and meets them in the
middle, which sums exactly the same tables and is simpler to check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.special import chdtrc, gammaln

# R's fisher.test counts a table as "as extreme" when its probability is at most the observed one times
# (1 + 1e-7), so that tables tied with the observed one are not lost to rounding.
_LOG_RELATIVE_TOLERANCE = math.log1p(1e-7)

# Default budget of exact_is_feasible: about 2.5 s on one core of the development machine.
EXACT_WORK_LIMIT = 50_000_000

# Above this many columns, splits of the columns are no longer searched exhaustively.
_MAX_EXHAUSTIVE_COLUMNS = 12

# Cochran's rule: no expected count below this, and at most this share of them below `min_expected`.
_COCHRAN_FLOOR = 1.0
_COCHRAN_SHARE = 0.20

# Simulated tables drawn per call to the sampler, so memory stays bounded (about 16 MB of int64 cells).
_MC_CELLS_PER_BATCH = 2_000_000


@dataclass(frozen=True)
class AssociationTest:
    """Result of test_association: which test, its statistic, degrees of freedom and p-value, the number of
    respondents in the table, Cramér's V and the smallest expected count."""

    test: str  # 'chi2' | 'fisher' | 'fisher_mc' | 'none'
    statistic: float
    dof: int
    p_value: float
    n: int
    cramers_v: float
    min_expected: float


def _levels(s: pd.Series) -> list:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return list(s.cat.categories)
    return sorted(s.dropna().unique())


def crosstab(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Counts of the (a, b) pairs where both answers are present; categorical levels are kept in their
    order, then rows and columns with no respondent are dropped."""
    if not a.index.equals(b.index):
        raise ValueError(f"crosstab: '{a.name}' and '{b.name}' must have the same index (same respondents)")
    both = a.notna() & b.notna()
    table = pd.crosstab(
        pd.Categorical(a[both], categories=_levels(a)),
        pd.Categorical(b[both], categories=_levels(b)),
        rownames=[a.name],
        colnames=[b.name],
        dropna=False,
    )
    return table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]


def as_count_array(table) -> np.ndarray:
    """The table as a 2-D int64 array, after checking it holds non-negative whole counts."""
    values = np.asarray(table, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"a contingency table must be 2-D, got shape {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0) or np.any(values != np.round(values)):
        raise ValueError(f"a contingency table holds non-negative whole counts, got {values.tolist()}")
    return values.astype(np.int64)


def _counts(table) -> np.ndarray:
    counts = as_count_array(table)
    return counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]


def _is_degenerate(counts: np.ndarray) -> bool:
    return counts.shape[0] < 2 or counts.shape[1] < 2


def _expected(counts: np.ndarray) -> np.ndarray:
    return np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()


def pearson_chi2(table) -> tuple[float, int, float]:
    """Pearson's X² without continuity correction, its degrees of freedom (r−1)(c−1) and p-value
    (Agresti 2002, §3.2.1). A table with fewer than two non-empty rows or columns gives (nan, 0, nan)."""
    counts = _counts(table)
    if _is_degenerate(counts):
        return (math.nan, 0, math.nan)
    expected = _expected(counts)
    statistic = float(((counts - expected) ** 2 / expected).sum())
    dof = (counts.shape[0] - 1) * (counts.shape[1] - 1)
    return (statistic, dof, float(chdtrc(dof, statistic)))


def cramers_v(table) -> float:
    """Cramér's V = sqrt(X² / (n·(min(r, c) − 1))) (Agresti 2002, §3.2); nan for a degenerate table."""
    counts = _counts(table)
    if _is_degenerate(counts):
        return math.nan
    statistic, _, _ = pearson_chi2(counts)
    return math.sqrt(statistic / (counts.sum() * (min(counts.shape) - 1)))


def _log_factorials(n: int) -> np.ndarray:
    return gammaln(np.arange(n + 1) + 1.0)


def _count_bounded(total: int, caps: np.ndarray) -> np.ndarray:
    """For every t in 0..total, how many integer vectors a with 0 ≤ a_i ≤ caps_i sum to t (as floats:
    they may be huge)."""
    ways = np.zeros(total + 1)
    ways[0] = 1.0
    for cap in np.minimum(caps, total):
        cumulative = np.cumsum(ways)
        ways = cumulative - np.concatenate([np.zeros(cap + 1), cumulative[: total - cap]])
    return np.where(np.isfinite(ways), ways, math.inf)


def _bounded_vectors(total: int, caps: np.ndarray) -> np.ndarray:
    """All integer vectors a with 0 ≤ a_i ≤ caps_i summing to total, one per row."""
    partial = np.zeros((1, 0), dtype=np.int64)
    for cap in caps[:-1]:
        used = partial.sum(axis=1)
        room = np.minimum(cap, total - used)
        reps = room + 1
        first = np.repeat(partial, reps, axis=0)
        offsets = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        partial = np.column_stack([first, offsets])
    last = total - partial.sum(axis=1)
    keep = (last >= 0) & (last <= caps[-1])
    return np.column_stack([partial[keep], last[keep]])


@dataclass(frozen=True)
class _Plan:
    """How the exact enumeration runs: table orientation (rows = margins of the state), the two halves
    of the columns, and the resulting work estimate."""

    transpose: bool
    left: tuple[int, ...]
    right: tuple[int, ...]
    work: float


def _half_work(columns: tuple[int, ...], sizes: np.ndarray) -> float:
    # The half's column with the most fillings is the one left determined by the others.
    return math.prod(sorted(float(sizes[j]) for j in columns)[:-1])


def _candidate_splits(sizes: np.ndarray) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    c = len(sizes)
    if c <= _MAX_EXHAUSTIVE_COLUMNS:
        splits = []
        for k in range(1, c // 2 + 1):
            for left in combinations(range(c), k):
                splits.append((left, tuple(j for j in range(c) if j not in left)))
        return splits
    # Many columns: deal the columns, largest first, to the half with the smaller work so far.
    left: list[int] = []
    right: list[int] = []
    for j in np.argsort(-np.log(sizes), kind="stable"):
        (left if np.log(sizes[left]).sum() <= np.log(sizes[right]).sum() else right).append(int(j))
    return [(tuple(sorted(left)), tuple(sorted(right)))]


def _plan(counts: np.ndarray) -> _Plan:
    best: _Plan | None = None
    # The boundary states are vectors of row totals, so the shorter dimension goes in the rows.
    orientations = [counts.shape[0] > counts.shape[1]]
    if counts.shape[0] == counts.shape[1]:
        orientations.append(True)
    for transpose in orientations:
        oriented = counts.T if transpose else counts
        rows, cols = oriented.sum(axis=1), oriented.sum(axis=0)
        vectors = _count_bounded(int(counts.sum()), rows)
        sizes = vectors[cols]
        for left, right in _candidate_splits(sizes):
            states = vectors[cols[list(right)].sum()]
            work = states * (_half_work(left, sizes) + _half_work(right, sizes))
            if best is None or work < best.work:
                best = _Plan(transpose, left, right, work)
    assert best is not None
    return best


def exact_is_feasible(table, limit: float = EXACT_WORK_LIMIT) -> bool:
    """Whether fisher_exact_rxc's enumeration fits the budget: its work is bounded by the number of
    boundary states (vectors of row totals left after one half of the columns) times the fillings of each
    half's free columns, an upper bound computed from the margins without enumerating anything. The default
    budget (5·10⁷ partial tables) is about 2.5 s of one core of the development machine."""
    counts = _counts(table)
    return _is_degenerate(counts) or _plan(counts).work <= limit


def _half_log_weights(
    margins: np.ndarray,
    free: list[tuple[np.ndarray, np.ndarray]],
    log_fact: np.ndarray,
) -> np.ndarray:
    """log Π 1/a_ij! for every filling of a block of columns whose row totals are `margins`: the free
    columns (given as one row of possible contents per table row, and their log weights) take each of
    their contents in turn, the last column gets what remains."""
    # Row by row on contiguous 1-D arrays: much faster than reductions over a short last axis.
    filled = [np.zeros(1, dtype=np.int64) for _ in margins]
    log_w = np.zeros(1)
    for k, (contents, contents_log_w) in enumerate(free):
        fits = contents[0] <= margins[0]
        for i in range(1, len(margins)):
            fits &= contents[i] <= margins[i]
        if k == 0:
            filled, log_w = [c[fits] for c in contents], contents_log_w[fits]
            continue
        grown = [f[:, None] + c[fits][None, :] for f, c in zip(filled, contents)]
        ok = grown[0] <= margins[0]
        for i in range(1, len(margins)):
            ok &= grown[i] <= margins[i]
        filled = [g[ok] for g in grown]
        log_w = (log_w[:, None] + contents_log_w[fits][None, :])[ok]
    for f, m in zip(filled, margins):
        log_w = log_w - log_fact[m - f]
    return log_w


def fisher_exact_rxc(table, *, limit: float = 10 * EXACT_WORK_LIMIT) -> float:
    """Fisher's exact test, two-sided, for any r×c table (Freeman–Halton): the total probability, given
    both margins, of the tables no more probable than the observed one (times 1 + 1e-7), as R's
    `fisher.test`. Meet-in-the-middle enumeration: the columns are split in two halves; for every vector of
    row totals at the boundary, each half's tables are listed and the pairs under the threshold are summed
    with a sort and a cumulative sum. A degenerate table gives 1; a table whose enumeration would exceed
    `limit` (see exact_is_feasible) is refused rather than left to exhaust time and memory."""
    counts = _counts(table)
    if _is_degenerate(counts):
        return 1.0
    plan = _plan(counts)
    if plan.work > limit:
        raise ValueError(
            f"exact Fisher test out of reach for this {counts.shape[0]}×{counts.shape[1]} table of "
            f"{counts.sum()} respondents (about {plan.work:.2g} partial tables, limit {limit:.2g}); "
            "use fisher_monte_carlo"
        )
    oriented = counts.T if plan.transpose else counts
    rows, cols = oriented.sum(axis=1), oriented.sum(axis=0)
    n = int(counts.sum())
    log_fact = _log_factorials(n)
    log_const = log_fact[rows].sum() + log_fact[cols].sum() - log_fact[n]
    threshold = -log_fact[oriented].sum() + _LOG_RELATIVE_TOLERANCE
    sizes = _count_bounded(n, rows)[cols]

    def free_columns(half: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
        ordered = sorted(half, key=lambda j: sizes[j])
        free = []
        for j in ordered[:-1]:
            contents = _bounded_vectors(int(cols[j]), rows)
            free.append((np.ascontiguousarray(contents.T), -log_fact[contents].sum(axis=1)))
        return free

    left_free, right_free = free_columns(plan.left), free_columns(plan.right)
    terms = []
    for state in _bounded_vectors(int(cols[list(plan.right)].sum()), rows):
        past = _half_log_weights(rows - state, left_free, log_fact)
        if past.size == 0:
            continue
        future = np.sort(_half_log_weights(state, right_free, log_fact))
        if future.size == 0:
            continue
        # Each (past, future) pair is a whole table; scaling by the largest future keeps exp() in range.
        top = future[-1]
        cumulative = np.concatenate([[0.0], np.cumsum(np.exp(future - top))])
        under = np.searchsorted(future, threshold - past, side="right")
        terms.append(float(np.dot(np.exp(log_const + past + top), cumulative[under])))
    return min(1.0, math.fsum(terms))


def fisher_monte_carlo(table, n_tables: int = 100_000, seed: int = 20210101) -> float:
    """Monte Carlo Fisher test as R's `fisher.test(simulate.p.value=TRUE)`: (1 + number of tables, drawn
    with the observed margins by Patefield's algorithm, no more probable than the observed one times
    1 + 1e-7) / (n_tables + 1). Seeded numpy Generator: the same table and seed give the same value."""
    from scipy.stats import random_table

    counts = _counts(table)
    if _is_degenerate(counts):
        return 1.0
    log_fact = _log_factorials(int(counts.sum()))
    threshold = -log_fact[counts].sum() + _LOG_RELATIVE_TOLERANCE
    sampler = random_table(counts.sum(axis=1), counts.sum(axis=0))
    rng = np.random.default_rng(seed)
    batch = max(1, _MC_CELLS_PER_BATCH // counts.size)
    as_extreme = 0
    for start in range(0, n_tables, batch):
        tables = sampler.rvs(size=min(batch, n_tables - start), method="patefield", random_state=rng)
        as_extreme += int(np.count_nonzero(-log_fact[tables].sum(axis=(1, 2)) <= threshold))
    return (1 + as_extreme) / (n_tables + 1)


def cochran_rule(expected: np.ndarray, min_expected: float = 5.0) -> bool:
    """Cochran's rule for the validity of Pearson's χ² (Cochran 1954, Biometrics 10:417–451; Agresti 2002,
    §3.2.3): no expected count below 1 and at most 20 % of them below ``min_expected`` (5 by default)."""
    expected = np.asarray(expected, dtype=float)
    return bool(expected.min() >= _COCHRAN_FLOOR and (expected < min_expected).sum() <= _COCHRAN_SHARE * expected.size)


def test_association(
    table, *, mc_tables: int = 100_000, seed: int = 20210101, min_expected: float = 5.0
) -> AssociationTest:
    """The association test every strand uses: Pearson χ² without continuity correction when Cochran's
    rule holds (cochran_rule: no expected count below 1, at most 20 % below ``min_expected``); otherwise
    Fisher's exact test (Freeman–Halton beyond 2×2), or its seeded Monte Carlo version ('fisher_mc') when
    exact enumeration is out of reach (exact_is_feasible). For Fisher rows, `statistic` is still Pearson's
    X² (so Cramér's V is defined) and dof = (r−1)(c−1). A table with fewer than two non-empty rows or
    columns gives test 'none' and p nan."""
    counts = _counts(table)
    n = int(counts.sum())
    if _is_degenerate(counts):
        return AssociationTest("none", math.nan, 0, math.nan, n, math.nan, math.nan)
    statistic, dof, p_value = pearson_chi2(counts)
    expected = _expected(counts)
    if cochran_rule(expected, min_expected):
        test = "chi2"
    elif exact_is_feasible(counts):
        test, p_value = "fisher", fisher_exact_rxc(counts)
    else:
        test, p_value = "fisher_mc", fisher_monte_carlo(counts, mc_tables, seed)
    return AssociationTest(test, statistic, dof, p_value, n, cramers_v(counts), float(expected.min()))


# Its name starts with "test_": keep pytest from collecting it when a test module imports it.
test_association.__test__ = False  # type: ignore[attr-defined]
