"""The disclosure audit: what a reader can deduce about each hidden figure from everything published.

Every published figure is a linear statement about unknown non-negative integer counts (the *atoms*: one
per practice and answer): a count shown is an equality, « < 5 » is 0 ≤ x ≤ 4, « ≥ 64 » is x ≥ 64, a
percentage shown p % of a denominator is the interval of values that round to p, a region's cell is the sum
of its practices' cells, and so on. The feasible interval of a hidden figure is its minimum and maximum over
every integer table that agrees with all those statements; each bound is one linear programme (HiGHS,
through scipy.optimize.milp), solved again with integer atoms when the linear optimum is not integral, so
the interval is exact. The same programmes on a slice of the system (a few practices' atoms free, every other
atom at its true value) give an interval within the exact one, which the policy uses as a cheap proof.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# A linear form: atom index → coefficient.
Form = Mapping[int, float]

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Statement:
    """lo ≤ form ≤ hi (None: unbounded on that side), with a label naming the published figure."""

    form: Form
    lo: float | None
    hi: float | None
    label: str = ""


def equal(form: Form, value: float, label: str = "") -> Statement:
    return Statement(dict(form), value, value, label)


def between(form: Form, lo: float | None, hi: float | None, label: str = "") -> Statement:
    return Statement(dict(form), lo, hi, label)


def combine(*terms: tuple[float, Form]) -> dict[int, float]:
    """Σ coefficient × form, as one form."""
    out: dict[int, float] = {}
    for coefficient, form in terms:
        for atom, c in form.items():
            out[atom] = out.get(atom, 0.0) + coefficient * c
    return {a: c for a, c in out.items() if c != 0}


def percent_shown(numerator: Form, denominator: Form, percent: float, digits: int = 0, label: str = "") -> list[Statement]:
    """A percentage printed as ``percent`` (rounded to ``digits`` decimals): the ratio lies within half a unit
    of it, i.e. (p − h)·N ≤ 100·n ≤ (p + h)·N, two linear statements in n and N (either may be unknown)."""
    half = 0.5 * 10.0**-digits
    return [
        between(combine((100.0, numerator), (-(percent - half), denominator)), 0, None, label),
        between(combine((100.0, numerator), (-(percent + half), denominator)), None, 0, label),
    ]


def percent_at_least(numerator: Form, denominator: Form, percent: float, label: str = "") -> Statement:
    """« ≥ p % »: 100·n ≥ p·N."""
    return between(combine((100.0, numerator), (-percent, denominator)), 0, None, label)


def percent_at_most(numerator: Form, denominator: Form, percent: float, label: str = "") -> Statement:
    """« ≤ p % »: 100·n ≤ p·N."""
    return between(combine((100.0, numerator), (-percent, denominator)), None, 0, label)


@dataclass
class LinearSystem:
    """Atoms (unknown counts, with their true values) and the statements a reader holds about them.

    An atom's ``unit`` names the respondents it counts (a practice): the audit may free a few units' atoms
    together and keep the others at their true values (``Solver.restricted``)."""

    names: list[str] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)

    def atom(self, name: str, value: int, unit: str | None = None) -> dict[int, float]:
        """A new atom; returns the form of that atom alone."""
        self.names.append(name)
        self.values.append(int(value))
        self.units.append(unit)
        return {len(self.names) - 1: 1.0}

    def value(self, form: Form) -> float:
        return sum(c * self.values[a] for a, c in form.items())

    def add(self, *statements: Statement) -> None:
        self.statements.extend(statements)

    def include(self, other: LinearSystem, prefix: str = "") -> int:
        """Append another system's atoms and statements; returns the offset its atom indices move by."""
        offset = len(self.names)
        self.names += [prefix + name for name in other.names]
        self.values += other.values
        self.units += [None if unit is None else prefix + unit for unit in other.units]
        self.statements += [
            Statement({a + offset: c for a, c in s.form.items()}, s.lo, s.hi, s.label) for s in other.statements
        ]
        return offset


def shift(form: Form, offset: int) -> dict[int, float]:
    return {a + offset: c for a, c in form.items()}


class Infeasible(ValueError):
    """The statements contradict each other: some published figure is false."""


class Solver:
    """Minimum and maximum of linear forms over the integer points that satisfy a system's statements, or over
    the slice of them where the atoms outside a chosen few keep their true values (``restricted``)."""

    def __init__(self, system: LinearSystem, statements: Sequence[Statement] | None = None):
        from scipy.sparse import csr_array

        size = len(system.names)
        rows, cols, data, lows, highs = [], [], [], [], []
        for i, s in enumerate(system.statements if statements is None else statements):
            for atom, c in s.form.items():
                rows.append(i)
                cols.append(atom)
                data.append(c)
            lows.append(-np.inf if s.lo is None else s.lo)
            highs.append(np.inf if s.hi is None else s.hi)
        self.matrix = csr_array((data, (rows, cols)), shape=(len(lows), size))
        self.lows, self.highs = np.array(lows, dtype=float), np.array(highs, dtype=float)
        self.values = np.array(system.values, dtype=float)
        self.column = np.arange(size)  # atom → its column in ``matrix``, −1 for an atom fixed at its value

    def restricted(self, free: np.ndarray) -> Solver:
        """The same statements with every atom outside ``free`` fixed at its true value: each statement's
        bounds move by what the fixed atoms contribute (A[:, fixed] @ values), and a statement left without
        a free atom holds (the true table meets every statement) and goes. Its feasible set is the slice of
        the whole one through the true table, so a form's interval here lies within its interval there."""
        fixed = self.values.copy()
        fixed[free] = 0.0
        shift = self.matrix @ fixed
        part = self.matrix[:, free]
        rows = np.flatnonzero(np.diff(part.indptr))
        out = copy.copy(self)
        out.matrix = part[rows]
        out.lows, out.highs = self.lows[rows] - shift[rows], self.highs[rows] - shift[rows]
        out.column = np.full(len(self.values), -1)
        out.column[free] = np.arange(len(free))
        return out

    def _optimise(self, objective: np.ndarray, label: str) -> float:
        from scipy.optimize import Bounds, LinearConstraint, milp

        size = len(objective)
        constraints = [LinearConstraint(self.matrix, self.lows, self.highs)] if len(self.lows) else []
        bounds = Bounds(np.zeros(size), np.full(size, np.inf))
        for integrality in (None, np.ones(size)):
            result = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality)
            if result.status == 2:
                raise Infeasible(f"les chiffres publiés se contredisent (figure « {label} ») / published figures contradict each other")
            if result.status == 3:
                return -math.inf
            if result.status != 0:
                raise RuntimeError(f"audit : optimisation failed for « {label} »: {result.message}")
            if integrality is None and np.all(np.abs(result.x - np.round(result.x)) < TOLERANCE):
                break
        return float(result.fun)

    def _objective(self, form: Form) -> tuple[np.ndarray, float]:
        """The form over the free atoms, and what the fixed ones add to it."""
        objective, constant = np.zeros(self.matrix.shape[1]), 0.0
        for atom, c in form.items():
            if self.column[atom] >= 0:
                objective[self.column[atom]] += c
            else:
                constant += c * self.values[atom]
        return objective, constant

    def low(self, form: Form, label: str = "") -> float:
        """The form's minimum over the feasible integer tables."""
        objective, constant = self._objective(form)
        return _snap(self._optimise(objective, label) + constant)

    def high(self, form: Form, label: str = "") -> float:
        """The form's maximum over the feasible integer tables (may be inf)."""
        objective, constant = self._objective(form)
        return _snap(constant - self._optimise(-objective, label))

    def interval(self, form: Form, label: str = "") -> tuple[float, float]:
        """(min, max) of the form over the feasible integer tables (max may be inf)."""
        return self.low(form, label), self.high(form, label)


def _snap(x: float) -> float:
    return float(round(x)) if math.isfinite(x) and abs(x - round(x)) < TOLERANCE else x
