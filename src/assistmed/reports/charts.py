"""Charts as deterministic SVG (data URIs for the report renderer, which fetches nothing else)."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence


def _svg_uri(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def ranked_bars(labels: Sequence[str], props: Sequence[float], low: Sequence[float], high: Sequence[float]) -> str:
    """Horizontal bars (most cited on top) with their 95 % intervals, as an SVG data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # A fixed hash salt and no date keep the SVG byte-identical from run to run; text stays text.
    with plt.rc_context({"svg.hashsalt": "assistmed", "svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        figure, axes = plt.subplots(figsize=(6.5, 0.32 * len(labels) + 0.8))
        positions = list(range(len(labels)))[::-1]
        values = [100 * p for p in props]
        errors = [[100 * (p - lo) for p, lo in zip(props, low)], [100 * (hi - p) for p, hi in zip(props, high)]]
        axes.barh(positions, values, xerr=errors, color="#2a5d8f", ecolor="#555555", capsize=2)
        axes.set_yticks(positions, labels, fontsize=8)
        axes.set_xlabel("% des médecins ayant répondu (IC 95 %)", fontsize=8)
        axes.set_xlim(0, 100)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        uri = _svg_uri(figure)
        plt.close(figure)
    return uri
