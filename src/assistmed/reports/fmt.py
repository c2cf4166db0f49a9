"""French number formats for reports (used as Jinja filters).

Rounding is half away from zero on the displayed digits (decimal.ROUND_HALF_UP), the rule a reader
applies by hand, so a test can compare PDF text with the Parquet values.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # narrow no-break space: thousands separator and before « % »
MISSING = "—"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _round(x: float, digits: int) -> str:
    quantum = Decimal(1).scaleb(-digits)
    return str(Decimal(repr(float(x))).quantize(quantum, rounding=ROUND_HALF_UP))


def fmt_decimal(x, digits: int = 1) -> str:
    if _missing(x):
        return MISSING
    text = _round(x, digits)
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + NNBSP.join(groups) + ("," + frac if frac else "")


def fmt_int(x) -> str:
    return MISSING if _missing(x) else fmt_decimal(x, 0)


def fmt_percent(p, digits: int = 0) -> str:
    """A 0–1 proportion as « 26 % »."""
    return MISSING if _missing(p) else f"{fmt_decimal(100 * p, digits)}{NNBSP}%"


def fmt_ci(low, high, digits: int = 0) -> str:
    if _missing(low) or _missing(high):
        return MISSING
    return f"[{fmt_percent(low, digits)} ; {fmt_percent(high, digits)}]"


def fmt_points(d, digits: int = 0) -> str:
    """A difference of two proportions (on 0–1) in percentage points, signed: « +12 », « -3 », « 0 »."""
    if _missing(d):
        return MISSING
    text = fmt_decimal(100 * d, digits)
    if text.lstrip("-").replace("0", "").strip(",") == "":
        return text.lstrip("-")
    return text if text.startswith("-") else f"+{text}"


def fmt_p(p) -> str:
    if _missing(p):
        return MISSING
    if p < 0.001:
        return "< 0,001"
    return fmt_decimal(p, 3)


def fmt_date(iso) -> str:
    """« 2021-01-04 » (config, Parquet) → « 04/01/2021 »."""
    if _missing(iso):
        return MISSING
    year, month, day = str(iso)[:10].split("-")
    return f"{day}/{month}/{year}"


FILTERS = {
    "fmt_date": fmt_date,
    "fmt_int": fmt_int,
    "fmt_decimal": fmt_decimal,
    "fmt_percent": fmt_percent,
    "fmt_ci": fmt_ci,
    "fmt_p": fmt_p,
    "fmt_points": fmt_points,
}
