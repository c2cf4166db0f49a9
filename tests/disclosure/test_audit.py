"""The audit finds the leaks of the former policy on hand-built tables (issue #9): each hidden cell that a
reader could recompute has a feasible interval of one value."""

import numpy as np
import pytest

from assistmed.disclosure.audit import Infeasible, LinearSystem, Solver, between, combine, equal, percent_shown


def constant(s: LinearSystem, name: str, value: int):
    form = s.atom(name, value)
    s.add(equal(form, value, name))
    return form


def test_a_headline_shown_beside_one_of_its_categories_gives_both_hidden_cells_back():
    # Cabinet B, role approval: fully 4, rather yes 16, rather no 16, not at all 13 (N = 49). The former policy
    # printed « Approuve 20 / 49 », « Plutôt d'accord 16 », « Plutôt pas d'accord 16 » and hid the other two.
    s = LinearSystem()
    fully, yes, no, not_at_all = (s.atom(name, v) for name, v in [("fully", 4), ("yes", 16), ("no", 16), ("none", 13)])
    s.add(
        equal(combine((1, fully), (1, yes), (1, no), (1, not_at_all)), 49, "N"),
        equal(yes, 16),
        equal(no, 16),
        equal(combine((1, fully), (1, yes)), 20, "Approuve 20 / 49"),
    )
    solver = Solver(s)
    assert solver.interval(fully) == (4, 4)
    assert solver.interval(not_at_all) == (13, 13)


def test_with_zeros_printed_two_hidden_cells_that_sum_to_two_are_both_one():
    # Cabinet A, overall opinion 36 / 30 / 1 / 1 (N = 68): zeros print « 0 », so « < 5 » means 1 to 4.
    s = LinearSystem()
    cells = [s.atom(name, v) for name, v in [("very", 36), ("rather", 30), ("rather_not", 1), ("not", 1)]]
    s.add(equal(combine(*((1, c) for c in cells)), 68, "N"), equal(cells[0], 36), equal(cells[1], 30))
    s.add(between(cells[2], 1, 4, "< 5"), between(cells[3], 1, 4, "< 5"))
    solver = Solver(s)
    assert solver.interval(cells[2]) == (1, 1)
    assert solver.interval(cells[3]) == (1, 1)


def test_a_zero_in_a_column_with_a_printed_total_gives_the_other_hidden_cell_back():
    # « Plutôt défavorable »: Cabinet P hides 3, Cabinet Q prints 0, the region prints 3.
    s = LinearSystem()
    p, q = s.atom("P", 3), s.atom("Q", 0)
    s.add(equal(q, 0, "Q prints 0"), equal(combine((1, p), (1, q)), 3, "region"), between(p, 0, 4, "< 5"))
    assert Solver(s).interval(p) == (3, 3)


def test_a_practice_percentage_times_its_respondents_with_the_region_total_gives_a_hidden_cell_back():
    # « Plutôt favorable »: Cabinet F 20 (hidden), Cabinet A 30 of 68 printed only as « 44 % » in the regional
    # table, the region's 50 printed in full.
    s = LinearSystem()
    f, a = s.atom("F", 20), s.atom("A", 30)
    s.add(equal(combine((1, f), (1, a)), 50, "region"))
    s.add(*percent_shown(a, constant(s, "A N", 68), 44, label="A 44 %"))
    assert Solver(s).interval(f) == (20, 20)


def test_a_rounded_percentage_alone_leaves_the_values_that_round_to_it():
    s = LinearSystem()
    n = s.atom("n", 30)
    s.add(*percent_shown(n, constant(s, "N", 200), 15))  # 14.5 % to 15.5 % of 200: 29 to 31
    assert Solver(s).interval(n) == (29, 31)


def test_an_integer_interval_is_exact_where_the_linear_relaxation_is_not():
    # 3 n = 2 m with n + m = 5: the relaxation allows n = 2, m = 3 only; with 3n − 2m = 1 there is no real
    # integer freedom either — here 2 n + 2 m = 10 and n − m ∈ [0.5, 1.5] leaves n = 3 only.
    s = LinearSystem()
    n, m = s.atom("n", 3), s.atom("m", 2)
    s.add(equal(combine((2, n), (2, m)), 10), between(combine((1, n), (-1, m)), 0.5, 1.5))
    assert Solver(s).interval(n) == (3, 3)


def test_statements_that_contradict_each_other_are_reported():
    s = LinearSystem()
    n = s.atom("n", 16)
    s.add(equal(n, 16), between(n, 1, 4, "« < 5 » printed on 16"))
    with pytest.raises(Infeasible):
        Solver(s).interval(n)


def test_fixing_a_practice_at_its_true_values_leaves_a_slice_of_the_feasible_tables():
    # Two practices × two answers, every margin printed: practice totals 6 and 5, answer « yes » 7 in all.
    # Alone, P's « yes » (true 4) can be 2 to 6 (Q's « yes » 5 to 1 makes up the 7); with Q fixed at its
    # true 3 « yes » and 2 « no », P's « yes » is 7 − 3 = 4 and nothing else.
    s = LinearSystem()
    p_yes, p_no = s.atom("P yes", 4, "P"), s.atom("P no", 2, "P")
    q_yes, q_no = s.atom("Q yes", 3, "Q"), s.atom("Q no", 2, "Q")
    s.add(
        equal(combine((1, p_yes), (1, p_no)), 6), equal(combine((1, q_yes), (1, q_no)), 5),
        equal(combine((1, p_yes), (1, q_yes)), 7),
    )
    solver = Solver(s)
    assert solver.interval(p_yes) == (2, 6)
    assert solver.restricted(np.array([0, 1])).interval(p_yes) == (4, 4)
    assert solver.restricted(np.array([0, 1])).interval(combine((1, p_yes), (1, q_no))) == (6, 6)  # Q's part is fixed
    assert solver.restricted(np.array([0, 1, 2, 3])).interval(p_yes) == (2, 6)
