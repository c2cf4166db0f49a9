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
import math
from collections import Counter
from collections.abc import Callable, Sequence
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


PARTNERS = (8, 32)


def decide(system: LinearSystem, figures: Sequence[Figure], policy: Policy, partners: Sequence[int] = PARTNERS) -> list[Decision]:
    """Statuses of every figure of ``system`` (whose statements are the published margins and the survey's
    structure), complementary suppressions included, each hidden figure's interval audited.

    ``partners``: how many other units (practices) the audit frees beside a figure's own, in turn, to prove
    its interval on a small problem before it solves the whole system (``_Audit``); () solves every interval
    on the whole system. The decisions do not depend on it: the proofs give the very values the whole
    system gives, and every release is chosen on the whole system."""
    decisions = []
    for f in figures:
        value = round(system.value(f.form))
        total = None if f.total is None else round(system.value(f.total))
        decisions.append(Decision(f, value, total, f.fixed or policy.primary(value, total)))
    audit = _Audit(system, decisions, policy, partners)
    queue = [d for d in decisions if d.status in HIDDEN]
    position = 0
    while position < len(queue):
        d = queue[position]
        for _ in range(4):
            audit.examine(d)
            if d.protected:
                break
            released = _release(system, decisions, policy, d, audit.reference(d))
            if not released:
                break
            for r in released:
                r.status = Status.SECONDARY
                queue.append(r)
            audit.hide(released)
        if not d.protected:
            raise Unprotectable(
                f"protection des petits effectifs : « {d.figure.label} » resterait calculable à partir des chiffres"
                f" publiés (valeurs possibles de {d.low:g} à {d.high:g}, il en faut un écart d'au moins {d.required:g})"
                f" / small-count protection: « {d.figure.label} » could be narrowed down from the published figures"
            )
        position += 1
    return decisions


class _Audit:
    """The intervals ``decide`` records, each exactly as the whole system gives it, most without solving it.

    A hidden figure has two intervals: its *published* one (every statement printed now) and its *reference*
    (the margins and the marks the policy cannot avoid, « < k » and bounds, every other figure hidden), whose
    width is the protection it needs. The published statements include the reference ones, so published ⊆
    reference ⊆ cap (``_cap``: what the figure's own mark and its margin allow). Fixing every atom outside a
    few units at its true value keeps the true table feasible and leaves a slice of the feasible set, so
    the figure's interval on that small problem lies within its interval on the whole one. Where a side of it
    reaches the cap's, that side is therefore also the published and the reference interval's, exactly as a
    linear programme over the whole system would find it; only the sides no small problem reaches are solved
    on the whole system. A « < k » figure that can be 0 and k − 1 with its practice and a few partners free
    costs no whole-system programme.

    The partners of a figure's unit are the units hiding figures in the same columns (variable and
    category) as it does, most shared columns first: a hidden cell moves only along cycles through other
    hidden cells of the same columns, the margins pinning every other path. A unit's atoms are freed
    together (its own margins pin them otherwise)."""

    def __init__(self, system: LinearSystem, decisions: Sequence[Decision], policy: Policy, partners: Sequence[int]):
        self.system, self.decisions, self.policy, self.partners = system, decisions, policy, partners
        self.forced = [d for d in decisions if d.status is not Status.SHOWN]
        self._reference_solver: Solver | None = None
        self._published_solver: Solver | None = None
        self._references: dict[int, tuple[float, float]] = {}
        self.pinned = {frozenset(s.form.items()): s.lo for s in system.statements if s.lo is not None and s.lo == s.hi}
        units: dict[str, list[int]] = {}
        for atom, unit in enumerate(system.units):
            if unit is not None:
                units.setdefault(unit, []).append(atom)
        self.atoms = {unit: np.array(atoms) for unit, atoms in units.items()}
        self.hiding: dict[tuple[str, str], dict[str, None]] = {}  # column → units hiding a figure of it
        self.hidden: dict[str, dict[tuple[str, str], None]] = {}  # unit → columns it hides
        self._neighbourhoods: dict[int, list[np.ndarray]] = {}
        self.hide([d for d in decisions if d.status in HIDDEN])

    def hide(self, decisions: Sequence[Decision]) -> None:
        """Figures now hidden: the published statements change, and so do the units' partners."""
        self._published_solver = None
        self._neighbourhoods.clear()
        for d in decisions:
            unit = self.unit(d)
            if unit is not None:
                column = d.figure.keys[0][1:]
                self.hiding.setdefault(column, {})[unit] = None
                self.hidden.setdefault(unit, {})[column] = None

    def unit(self, d: Decision) -> str | None:
        """The one unit whose atoms make the figure, or None (a pooled figure, or atoms of no unit)."""
        units = {self.system.units[a] for a in d.figure.form}
        return units.pop() if len(units) == 1 else None

    def published(self) -> Solver:
        if self._published_solver is None:
            self._published_solver = audit_solver(self.system, self.decisions, self.policy)
        return self._published_solver

    def reference_solver(self) -> Solver:
        if self._reference_solver is None:
            self._reference_solver = audit_solver(self.system, self.forced, self.policy)
        return self._reference_solver

    def examine(self, d: Decision) -> None:
        """Record d's published interval and the width it requires."""
        d.low, d.high = self._interval(self.published, d, (None, None))
        if d.status is Status.SECONDARY and d.high - d.low >= self.policy.largest_hidden:
            d.required = float(self.policy.largest_hidden)  # min(k − 1, reference width): the reference holds it
        else:
            d.required = self.policy.required_width(d, self.reference(d))

    def reference(self, d: Decision) -> tuple[float, float]:
        """d's reference interval (a side is the cap's wherever its published interval already reaches it)."""
        key = id(d)
        if key not in self._references:
            cap = self._cap(d)
            known = (cap[0] if d.low == cap[0] else None, cap[1] if d.high == cap[1] else None)
            self._references[key] = self._interval(self.reference_solver, d, known)
        return self._references[key]

    def _interval(self, solver: Callable[[], Solver], d: Decision, known: tuple[float | None, float | None]) -> tuple[float, float]:
        """d's interval under ``solver``'s statements: the ``known`` sides, then those a small problem proves
        at the cap, then a linear programme over the whole system for the rest."""
        form, label = d.figure.form, d.figure.label
        cap = self._cap(d)
        low, high = known
        for free in self.neighbourhoods(d):
            if low is not None and high is not None:
                break
            part = solver().restricted(free)
            if low is None and part.low(form, label) <= cap[0]:
                low = cap[0]
            if high is None and part.high(form, label) >= cap[1]:
                high = cap[1]
        if low is None:
            low = solver().low(form, label)
        if high is None:
            high = solver().high(form, label)
        return low, high

    def _cap(self, d: Decision) -> tuple[float, float]:
        """Bounds that every table meeting the system's statements and d's own mark gives d's figure: at
        least 0 for a form without a negative coefficient (counts are non-negative), at most its total T when
        T is a margin the system pins and the total minus the form has no negative coefficient; 0 to k − 1
        for « < k », at least T − (k − 1) for a bound (« ≥ N − k + 1 »)."""
        form, total = d.figure.form, d.figure.total
        low = 0.0 if min(form.values(), default=0.0) >= 0 else -math.inf
        high = math.inf
        pinned = None if total is None else self.pinned.get(frozenset(total.items()))
        if pinned is not None and all(total.get(a, 0.0) >= form.get(a, 0.0) for a in {*form, *total}):
            high = float(pinned)
        if d.status is Status.SMALL:
            low, high = max(low, 0.0), min(high, float(self.policy.largest_hidden))
        elif d.status is Status.AT_LEAST and pinned is not None:
            low = max(low, float(self.policy.at_least(pinned)))
        return low, high

    def neighbourhoods(self, d: Decision) -> list[np.ndarray]:
        """The atoms to free for d, one array per number of partners tried (none for a pooled figure)."""
        key = id(d)
        if key not in self._neighbourhoods:
            self._neighbourhoods[key] = self._around(d)
        return self._neighbourhoods[key]

    def _around(self, d: Decision) -> list[np.ndarray]:
        unit = self.unit(d)
        if unit is None or not self.partners:
            return []
        shared = Counter(
            partner for column in self.hidden.get(unit, {}) for partner in self.hiding[column] if partner != unit
        )
        ranked = sorted(shared, key=lambda partner: -shared[partner])  # stable: units in order of appearance
        out, previous = [], -1
        for count in self.partners:
            chosen = ranked[:count]
            if len(chosen) > previous:
                out.append(np.concatenate([self.atoms[u] for u in [unit, *chosen]]))
                previous = len(chosen)
        return out


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
