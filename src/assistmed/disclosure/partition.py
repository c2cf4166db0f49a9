"""Small-count protection for tables shown in reports.

A count below the threshold, and the percentage derived from it, is shown as « < threshold ». Because the
reports also print totals, one hidden cell in a partition could be recovered by subtraction; secondary
suppression hides a second cell (the smallest positive visible one) so that it cannot.
"""

from __future__ import annotations

from collections.abc import Sequence


def is_small(count: int, threshold: int) -> bool:
    """A count that identifies too few people to be shown (zero identifies nobody)."""
    return 0 < count < threshold


def suppress_partition(counts: Sequence[int], threshold: int) -> list[bool]:
    """Which cells of a partition (counts that add up to a total shown beside them) must be hidden.

    Primary suppression hides every small count; if that leaves exactly one hidden cell, it could be
    recovered from the total, so the smallest positive visible cell is hidden as well. If the total itself
    is small, every positive cell is hidden.
    """
    total = sum(counts)
    if is_small(total, threshold):
        return [c > 0 for c in counts]
    hidden = [is_small(c, threshold) for c in counts]
    if sum(hidden) == 1:
        visible = [(c, i) for i, c in enumerate(counts) if not hidden[i] and c > 0]
        if visible:
            hidden[min(visible)[1]] = True
    return hidden


def suppress_proportion(n: int, N: int, threshold: int) -> bool:
    """Whether an indicator's n / N must be hidden: n or its complement N − n identifies too few people."""
    return is_small(n, threshold) or is_small(N - n, threshold) or is_small(N, threshold)
