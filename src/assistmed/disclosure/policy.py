"""The small-count policy: which published figures are shown, hidden or bounded, decided jointly for every
output that prints them, and proved by the audit.

Policy (threshold k, ``reports.small_count_threshold``):

1. A count below k — zero included — is not shown: it prints « < k » (primary suppression).
2. A count whose complement in its total is below k (66 of 68 when k = 5) is not hidden: it prints as the
   bound that « complement < k » implies, « ≥ N − k + 1 », and its percentage as that bound rounded down
   (« ≥ 94 % »); its small complement prints « < k ».
3. Where the shown figures would still let a reader recompute a hidden one, other figures are hidden to
   protect it: they print « s » (complementary suppression), never « < k ». They are chosen by a linear
   programme that finds the cheapest figures whose release lets the hidden one move (a cell of the same
   practice before another practice's, any cell before a headline, a practice before the region).

Protection level, proved by the audit (``assistmed.disclosure.audit``) over every published figure of the
outputs decided together: the feasible interval of every hidden figure spans at least k − 1 (five values
0 to 4 for « < 5 »), or as much as the published totals alone allow when a total is itself below k. A
« < k » cell is therefore known to a reader exactly as « < k » says, and no more.

Why zeros are hidden: a zero printed « 0 » tells a reader that every respondent of the practice answered
otherwise (a statement about each of them) and, with « < k » read as « 1 to k − 1 », pins hidden neighbours
(two hidden cells summing to 2 are both 1). Hiding zeros makes « < k » mean 0 to k − 1, a range of k values.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from assistmed.disclosure.audit import (
    TOLERANCE,
    Form,
    LinearSystem,
    Solver,
    Statement,
    between,
    combine,
    equal,
    percent_at_least,
    percent_at_most,
)

log = logging.getLogger("assistmed.disclosure")


class Status(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # « < k »
    AT_LEAST = "at_least"  # « ≥ N − k + 1 »
    SECONDARY = "secondary"  # « s »


HIDDEN = (Status.SMALL, Status.AT_LEAST, Status.SECONDARY)


@dataclass
class Figure:
    """A published count: one or more places print it (``keys``), all with the same status.

    ``form`` is its value in atoms, ``total`` its denominator N (a published margin) or None, ``weight`` the
    cost of hiding it to protect another figure (headlines and pooled scopes cost more); ``fixed`` is the
    status of a figure already published by another output (a region's figure in the national report),
    which this decision can neither change nor release.
    """

    keys: list[tuple[str, str, str]]
    form: Form
    total: Form | None
    label: str
    weight: float = 1.0
    fixed: Status | None = None


@dataclass
class Decision:
    """A figure's status, the numbers it prints and, when hidden, what the audit proved about it."""

    figure: Figure
    value: int
    total: int | None
    status: Status
    low: float = float("nan")  # feasible interval under every published statement
    high: float = float("nan")
    required: float = float("nan")

    @property
    def protected(self) -> bool:
        return self.status is Status.SHOWN or self.high - self.low >= self.required - TOLERANCE


@dataclass(frozen=True)
class Policy:
    threshold: int = 5

    def __post_init__(self):
        if self.threshold < 2:
            raise ValueError(f"reports.small_count_threshold doit valoir au moins 2 / must be at least 2, reçu {self.threshold}")

    @property
    def largest_hidden(self) -> int:
        return self.threshold - 1

    def primary(self, value: int, total: int | None) -> Status:
        if value < self.threshold:
            return Status.SMALL
        if total is not None and total - value < self.threshold:
            return Status.AT_LEAST
        return Status.SHOWN

    def at_least(self, total: int) -> int:
        """The count a bounded figure prints: « ≥ N − (k − 1) »."""
        return total - self.largest_hidden

    def percent_bound(self, status: Status, total: int) -> int | None:
        """The whole percentage printed beside a hidden count: « ≤ ⌈100 (k − 1) / N⌉ % » for « < k », « ≥ ⌊100 (N − k + 1) / N⌋ % »
        for a bound; None where it would say nothing (≤ 100 %) or has no denominator."""
        if total is None or total <= 0:
            return None
        if status is Status.SMALL:
            bound = -(-100 * self.largest_hidden // total)
            return bound if bound < 100 else None
        if status is Status.AT_LEAST:
            return 100 * self.at_least(total) // total
        return None

    def statements(self, decision: Decision) -> list[Statement]:
        """What a reader learns from the figure as printed (count and percentage)."""
        f, label = decision.figure, decision.figure.label
        if decision.status is Status.SHOWN:
            return [equal(f.form, decision.value, label)]
        if decision.status is Status.SECONDARY:
            return []
        out = []
        if decision.status is Status.SMALL:
            out.append(between(f.form, 0, self.largest_hidden, label))
        else:
            out.append(between(combine((1.0, f.form), (-1.0, f.total)), -self.largest_hidden, None, label))
        percent = self.percent_bound(decision.status, decision.total)
        if percent is not None:
            bound = percent_at_most if decision.status is Status.SMALL else percent_at_least
            out.append(bound(f.form, f.total, percent, label))
        return out

    def target_range(self, decision: Decision, reference: tuple[float, float]) -> tuple[float, float] | None:
        """The values a « < k » or bounded figure must be able to take: all those its mark and the margins
        leave (``reference``: its interval when every figure the policy does not force is hidden); None for
        a complementary figure, which needs a width only."""
        return None if decision.status is Status.SECONDARY else reference

    def required_width(self, decision: Decision, reference: tuple[float, float]) -> float:
        width = max(0.0, reference[1] - reference[0])
        return width if decision.status is not Status.SECONDARY else min(float(self.largest_hidden), width)


class Unprotectable(RuntimeError):
    pass


def decide(system: LinearSystem, figures: Sequence[Figure], policy: Policy) -> list[Decision]:
    """Statuses of every figure of ``system`` (whose statements are the published margins and the survey's
    structure), complementary suppressions included, each hidden figure's interval audited."""
    decisions = []
    for f in figures:
        value = round(system.value(f.form))
        total = None if f.total is None else round(system.value(f.total))
        decisions.append(Decision(f, value, total, f.fixed or policy.primary(value, total)))
    # The reference a hidden figure is judged against: what the margins and the marks the policy cannot
    # avoid (« < k », bounds) leave of it, every other figure hidden.
    reference = audit_solver(system, [d for d in decisions if d.status is not Status.SHOWN], policy)
    bounds = {}

    def reference_interval(d: Decision) -> tuple[float, float]:
        key = id(d)
        if key not in bounds:
            bounds[key] = reference.interval(d.figure.form, d.figure.label)
        return bounds[key]

    queue = [d for d in decisions if d.status in HIDDEN]
    position = 0
    solver = audit_solver(system, decisions, policy)
    while position < len(queue):
        d = queue[position]
        for _ in range(4):
            d.low, d.high = solver.interval(d.figure.form, d.figure.label)
            d.required = policy.required_width(d, reference_interval(d))
            if d.protected:
                break
            released = _release(system, decisions, policy, d, reference_interval(d))
            if not released:
                break
            for r in released:
                r.status = Status.SECONDARY
                queue.append(r)
            solver = audit_solver(system, decisions, policy)
        if not d.protected:
            raise Unprotectable(
                f"protection des petits effectifs : « {d.figure.label} » resterait calculable à partir des chiffres"
                f" publiés (valeurs possibles de {d.low:g} à {d.high:g}, il en faut un écart d'au moins {d.required:g})"
                f" / small-count protection: « {d.figure.label} » could be narrowed down from the published figures"
            )
        position += 1
    return decisions


def audit_solver(system: LinearSystem, decisions: Sequence[Decision], policy: Policy) -> Solver:
    """The audit of a system as published: its statements and every figure's, as printed."""
    statements = list(system.statements)
    for d in decisions:
        statements += policy.statements(d)
    return Solver(system, statements)


def _release(
    system: LinearSystem, decisions: Sequence[Decision], policy: Policy, d: Decision, reference: tuple[float, float]
) -> list[Decision]:
    """The shown figures to hide so that ``d`` can reach the value it lacks: the cheapest deviation from the
    true table, over the figures still shown, that moves ``d`` there while keeping every other statement."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    wanted = policy.target_range(d, reference)
    if wanted is not None:
        target = wanted[0] if d.low > wanted[0] + TOLERANCE else wanted[1]
    else:
        up = d.low + d.required
        target = up if up <= reference[1] + TOLERANCE else d.high - d.required
    shown = [e for e in decisions if e.status is Status.SHOWN and e.figure.fixed is None]
    n = len(system.names)
    size = n + 2 * len(shown)
    rows, cols, data, lows, highs = [], [], [], [], []

    def add(form: Form, lo: float | None, hi: float | None, extra: Sequence[tuple[int, float]] = ()) -> None:
        i = len(lows)
        for atom, c in form.items():
            rows.append(i)
            cols.append(atom)
            data.append(c)
        for col, c in extra:
            rows.append(i)
            cols.append(col)
            data.append(c)
        lows.append(-np.inf if lo is None else lo)
        highs.append(np.inf if hi is None else hi)

    for s in system.statements:
        add(s.form, s.lo, s.hi)
    for e in decisions:
        if e.status is not Status.SECONDARY and (e.status is not Status.SHOWN or e.figure.fixed is not None):
            for s in policy.statements(e):
                add(s.form, s.lo, s.hi)
    cost = np.zeros(size)
    for j, e in enumerate(shown):
        plus, minus = n + 2 * j, n + 2 * j + 1
        add(e.figure.form, e.value, e.value, [(plus, -1.0), (minus, 1.0)])
        cost[plus] = cost[minus] = e.figure.weight * (1 + e.value / max(e.total or 1, 1))
    add(d.figure.form, target, target)
    result = milp(
        cost,
        constraints=[LinearConstraint(csr_array((data, (rows, cols)), shape=(len(lows), size)), lows, highs)],
        bounds=Bounds(np.zeros(size), np.full(size, np.inf)),
    )
    if result.status != 0:
        return []
    x = result.x
    return [e for j, e in enumerate(shown) if x[n + 2 * j] + x[n + 2 * j + 1] > TOLERANCE]
