from assistmed.reports.fmt import fmt_ci, fmt_date, fmt_decimal, fmt_int, fmt_p, fmt_percent, fmt_points

NN = "\u202f"


def test_french_formats_use_a_decimal_comma_and_narrow_no_break_spaces():
    assert fmt_int(12345) == f"12{NN}345"
    assert fmt_decimal(0.5, 1) == "0,5"
    assert fmt_percent(364 / 1400) == f"26{NN}%"
    assert fmt_ci(0.2553, 0.3662) == f"[26{NN}% ; 37{NN}%]"


def test_rounding_is_half_away_from_zero_on_the_displayed_digit():
    assert fmt_percent(0.725) == f"73{NN}%"  # binary 0.725 is 0.72499…; the reader rounds 72.5 up
    assert fmt_decimal(2.25, 1) == "2,3"


def test_p_values_and_missing_values():
    assert fmt_p(0.0123) == "0,012"
    assert fmt_p(0.0004) == "< 0,001"
    assert fmt_p(float("nan")) == "—"
    assert fmt_percent(None) == "—"


def test_dates_read_day_month_year():
    assert fmt_date("2021-01-04") == "04/01/2021"


def test_differences_read_in_signed_percentage_points():
    assert fmt_points(0.1234) == "+12"
    assert fmt_points(-0.031) == "-3"
    assert fmt_points(-0.004) == "0"  # rounds to no difference: no sign
    assert fmt_points(float("nan")) == "—"
