from assistmed.disclosure import suppress_partition, suppress_proportion


def test_a_single_small_cell_gets_a_secondary_partner_so_it_cannot_be_recovered_from_the_total():
    # 3 of 60 in one category: hiding only the 3 would leave 60 - 30 - 27 = 3 recoverable.
    assert suppress_partition([30, 27, 3], threshold=5) == [False, True, True]


def test_two_small_cells_protect_each_other_and_no_third_cell_is_hidden():
    assert suppress_partition([40, 2, 3, 15], threshold=5) == [False, True, True, False]


def test_zero_counts_are_shown_and_are_not_used_as_the_secondary_partner():
    assert suppress_partition([0, 50, 4, 8], threshold=5) == [False, False, True, True]


def test_counts_at_the_threshold_are_shown():
    assert suppress_partition([5, 5, 10], threshold=5) == [False, False, False]


def test_a_small_total_hides_every_positive_cell():
    assert suppress_partition([1, 2, 0], threshold=5) == [True, True, False]


def test_a_proportion_is_hidden_when_its_complement_is_small():
    assert suppress_proportion(57, 60, threshold=5)  # 3 respondents answered otherwise
    assert suppress_proportion(3, 60, threshold=5)
    assert not suppress_proportion(30, 60, threshold=5)
    assert not suppress_proportion(0, 60, threshold=5)
