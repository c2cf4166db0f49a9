"""Charts as deterministic SVG (data URIs for the report renderer, which fetches nothing else).

Every chart goes through ``_render``: fixed rc settings (a fixed SVG hash salt and no date keep the bytes
identical from run to run; ``svg.fonttype: none`` keeps labels as text that pypdf can extract from the PDF),
a figure 17 cm wide (an A4 column) whose height grows with its rows, and the SVG export. Figures are built
with the object API on an Agg canvas, never through pyplot: no global backend to switch and no figure
registry to leak. matplotlib is imported inside the functions so that importing this module stays light.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistmed.reports.fmt import fmt_decimal, fmt_percent

WIDTH_IN = 17 / 2.54  # an A4 page column
RC = {
    "svg.hashsalt": "assistmed",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "legend.fontsize": 7.5,
    "hatch.color": "#8c8c8c",
    # Labels are text: « 5$ et 10$ » or « $x$ » in a practice name is printed as typed, never as mathtext.
    "text.parse_math": False,
}
BLUE = "#2a5d8f"  # the reports' heading colour
ORANGE = "#c8641e"
INK = "#555555"
MASKED = "masqué"
MASKED_FILL = "#e3e3e3"


def _render(height_in: float, draw: Callable) -> str:
    """Call ``draw(axes)`` on a fresh figure and return the figure as an SVG data URI."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(WIDTH_IN, height_in))
        FigureCanvasAgg(figure)
        axes = figure.subplots()
        axes.spines[["top", "right"]].set_visible(False)
        draw(axes)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _wrap(labels: Sequence[str], width: int) -> list[str]:
    return [textwrap.fill(str(label), width, break_on_hyphens=False) for label in labels]


def _height(wrapped: Sequence[str], per_line: float, extra: float) -> float:
    """Figure height: each row as tall as its label's lines (at least one row of ``per_line``), plus margins."""
    return sum(max(per_line, 0.14 * (label.count("\n") + 1) + 0.1) for label in wrapped) + extra


def _percent_axis(axes, step: float) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    axes.set_xlim(0, 1)
    axes.xaxis.set_major_locator(MultipleLocator(step))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt_percent(x)))
    axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)


def _rows(axes, wrapped: Sequence[str]) -> list[int]:
    """Y positions, first label on top."""
    positions = list(range(len(wrapped)))[::-1]
    axes.set_yticks(positions, wrapped)
    axes.set_ylim(-0.6, len(wrapped) - 0.4)
    axes.tick_params(axis="y", length=0)
    return positions


def _check_lengths(name: str, **sequences: Sequence) -> None:
    lengths = {key: len(value) for key, value in sequences.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{name} : les séquences doivent avoir la même longueur, reçu {lengths}")


def ranked_bars(labels: Sequence[str], props: Sequence[float], low: Sequence[float], high: Sequence[float]) -> str:
    """Horizontal bars (most cited on top) with their 95 % intervals, as an SVG data URI."""
    _check_lengths("ranked_bars", labels=labels, props=props, low=low, high=high)
    wrapped = _wrap(labels, 55)

    def draw(axes) -> None:
        positions = _rows(axes, wrapped)
        errors = [[p - lo for p, lo in zip(props, low)], [hi - p for p, hi in zip(props, high)]]
        axes.barh(positions, props, xerr=errors, color=BLUE, ecolor=INK, capsize=2)
        _percent_axis(axes, 0.2)
        axes.set_xlabel("% des médecins ayant répondu (IC 95 %)")

    return _render(_height(wrapped, 0.32, 0.8), draw)


@dataclass(frozen=True)
class Bound:
    """A headline printed as a bound (« ≥ 94 % », « ≤ 6 % »): drawn as a labelled tick at the bound, never
    as a point with a size."""

    value: float
    at_least: bool
    text: str


def _interval(
    name: str, label: str, value: tuple[float, float, float] | Bound | None
) -> tuple[float, float, float] | Bound | None:
    if value is None or isinstance(value, Bound):
        return value
    prop, low, high = (float(v) for v in value)
    if not (0 <= low <= prop <= high <= 1):  # also false for NaN
        raise ValueError(
            f"indicator_comparison : « {label} » ({name}) : il faut 0 ≤ borne basse ≤ proportion ≤ borne haute ≤ 1,"
            f" reçu {value} (passer None pour une valeur masquée)"
        )
    return prop, low, high


PALETTE = (BLUE, ORANGE, "#3b8f4a", "#8e4b9c", "#b8a21b", "#4a4a4a")
MARKERS = ("o", "D", "s", "^", "v", "P")


def grouped_intervals(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[float, float, float] | Bound | None]]],
    xlabel: str,
    gids: Sequence[str] | None = None,
) -> str:
    """One row per label, one point with its interval per series (name, values): (prop, ci_low, ci_high)
    on 0–1, a ``Bound`` for a value printed as a bound (a tick at the bound, labelled with it), or None for
    a value not drawn (« masqué » written at its place). Series are offset vertically
    within a row, first on top; a legend names them above the plot. ``gids`` name each series' group of
    points in the SVG (default points-0, points-1…)."""
    if not series or len(series) > len(PALETTE):
        raise ValueError(f"grouped_intervals : entre 1 et {len(PALETTE)} séries, reçu {len(series)}")
    _check_lengths("grouped_intervals", labels=labels, **{f"series {name}": values for name, values in series})
    gids = list(gids) if gids is not None else [f"points-{i}" for i in range(len(series))]
    spread = 0.0 if len(series) == 1 else min(0.34, 0.17 * (len(series) - 1))
    offsets = [spread / 2 - i * spread / max(1, len(series) - 1) for i in range(len(series))]
    checked = [[_interval(name, lab, v) for lab, v in zip(labels, values)] for name, values in series]
    wrapped = _wrap(labels, 45)
    names = [name for name, _ in series]

    def draw(axes) -> None:
        from matplotlib.lines import Line2D

        positions = _rows(axes, wrapped)
        handles = []
        for values, colour, marker, offset, gid in zip(checked, PALETTE, MARKERS, offsets, gids):
            shown = [(y + offset, v) for y, v in zip(positions, values) if isinstance(v, tuple)]
            if shown:
                ys, (props, lows, highs) = [y for y, _ in shown], zip(*(v for _, v in shown))
                errors = [[p - lo for p, lo in zip(props, lows)], [hi - p for p, hi in zip(props, highs)]]
                # Not clipped: a point at 0 % or 100 % is drawn whole (values are checked to lie in 0–1).
                drawn = axes.errorbar(
                    props, ys, xerr=errors, fmt=marker, color=colour, markersize=4, capsize=2, elinewidth=1,
                    clip_on=False,
                )
                drawn.lines[0].set_gid(gid)  # names the group of point markers in the SVG
            for y, value in zip(positions, values):
                if value is None:
                    axes.text(0.01, y + offset, MASKED, color=colour, style="italic", fontsize=7, va="center")
                elif isinstance(value, Bound):
                    axes.plot([value.value], [y + offset], marker="|", markersize=7, color=colour, clip_on=False)
                    side = -0.01 if value.at_least else 0.01
                    axes.text(value.value + side, y + offset, value.text, color=colour, style="italic", fontsize=7,
                              va="center", ha="right" if value.at_least else "left")
            handles.append(Line2D([], [], color=colour, marker=marker, markersize=4, linewidth=1))
        _percent_axis(axes, 0.2)
        axes.set_xlabel(xlabel)
        axes.legend(
            handles,
            names,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=len(names) if sum(len(n) for n in names) <= 55 else 1,  # long names: stacked
            frameon=False,
        )

    return _render(_height(wrapped, 0.3 + 0.12 * len(series), 0.9 + 0.12 * len(series)), draw)


def indicator_comparison(
    labels: Sequence[str],
    scope: Sequence[tuple[float, float, float] | None],
    reference: Sequence[tuple[float, float, float] | None] | None,
    scope_name: str,
    reference_name: str = "",
) -> str:
    """One row per indicator: the scope's proportions with their 95 % intervals, and the reference's beside.

    ``scope`` and ``reference`` hold (prop, ci_low, ci_high) on 0–1, a ``Bound`` for a value printed as a
    bound (a tick at the bound, labelled with it), or None for a suppressed value, which is not drawn:
    « masqué » is written at its place. With ``reference`` None only the scope is drawn.
    """
    series = [(scope_name, scope)] + ([] if reference is None else [(reference_name, reference)])
    gids = ["points-scope"] + ([] if reference is None else ["points-reference"])
    return grouped_intervals(labels, series, "Proportion (IC 95 %)", gids)


def _shares(label: str, row: Sequence[float | None], n_categories: int) -> list[tuple[int | None, float]]:
    """(category, width) of each drawn segment: the known shares in category order, then one segment (category
    None) for what they leave to the masked cells together — a width the printed figures already give, so
    no masked cell gets a size or a position of its own."""
    if len(row) != n_categories:
        raise ValueError(f"stacked_distribution : « {label} » a {len(row)} parts pour {n_categories} catégories")
    known = [float(p) for p in row if p is not None]
    if any(not 0 <= p <= 1 for p in known):
        raise ValueError(f"stacked_distribution : « {label} » : chaque part doit être entre 0 et 1, reçu {list(row)}")
    masked = len(row) - len(known)
    total = sum(known)
    if total > 1 + 1e-6 or (not masked and abs(total - 1) > 1e-6):
        raise ValueError(f"stacked_distribution : les parts de « {label} » font {fmt_percent(total, 1)}, pas 100 %")
    segments = [(j, float(p)) for j, p in enumerate(row) if p is not None]
    return segments + ([(None, max(0.0, 1 - total))] if masked else [])


def _legend_row_major(handles: list, names: list[str], ncol: int) -> tuple[list, list[str]]:
    """Order legend entries so that matplotlib's column-by-column filling reads left to right, row by row."""
    nrow = math.ceil(len(names) / ncol)
    order = [r * ncol + c for c in range(ncol) for r in range(nrow) if r * ncol + c < len(names)]
    return [handles[i] for i in order], [names[i] for i in order]


def stacked_distribution(
    bar_labels: Sequence[str], category_labels: Sequence[str], props: Sequence[Sequence[float | None]]
) -> str:
    """100 % stacked horizontal bars (first bar on top), ordered categories from left to right.

    ``props[i][j]`` is bar i's share of category j (0–1), or None when masked: the known shares are drawn in
    category order and the masked cells of a bar together as one grey hatched segment at its end, 1 − the
    known shares wide (segment ids: ``segment-i-j``, ``segment-i-masked``).
    """
    _check_lengths("stacked_distribution", bar_labels=bar_labels, props=props)
    rows = [_shares(label, row, len(category_labels)) for label, row in zip(bar_labels, props)]
    wrapped = _wrap(bar_labels, 28)

    def draw(axes) -> None:
        import matplotlib
        from matplotlib.patches import Patch
        from matplotlib.transforms import ScaledTranslation

        n = len(category_labels)
        # Diverging palette: the first category (e.g. « très favorable ») blue, the last red, pale in the middle.
        palette = matplotlib.colormaps["RdYlBu"]
        colours = [palette(0.9 - 0.8 * j / (n - 1)) if n > 1 else palette(0.9) for j in range(n)]
        positions = _rows(axes, wrapped)
        for i, (y, shares) in enumerate(zip(positions, rows)):
            left = 0.0
            for j, width in shares:
                gid = f"segment-{i}-{'masked' if j is None else j}"  # names each segment in the SVG
                if j is None:
                    axes.barh(
                        y, width, left=left, height=0.6, color=MASKED_FILL, edgecolor="white", hatch="////", gid=gid
                    )
                else:
                    colour = colours[j]
                    axes.barh(y, width, left=left, height=0.6, color=colour, edgecolor="white", linewidth=0.5, gid=gid)
                    if width >= 0.06:
                        dark = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2] < 0.5  # luma
                        axes.text(
                            left + width / 2,
                            y,
                            fmt_percent(width),
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="white" if dark else "#1a1a1a",
                        )
                left += width
        _percent_axis(axes, 0.25)
        axes.grid(False)
        handles = [Patch(facecolor=c, edgecolor="white") for c in colours]
        names = list(category_labels)
        if any(j is None for shares in rows for j, _ in shares):
            handles.append(Patch(facecolor=MASKED_FILL, edgecolor="white", hatch="////"))
            names.append(MASKED)
        ncol = len(names) if sum(len(name) for name in names) <= 60 else math.ceil(len(names) / 2)
        handles, names = _legend_row_major(handles, names, ncol)
        axes.legend(
            handles,
            names,
            loc="upper center",
            bbox_to_anchor=(0.5, 0),
            # A fixed 20 pt below the axis (under the tick labels), however tall the axes.
            bbox_transform=axes.transAxes + ScaledTranslation(0, -20 / 72, axes.figure.dpi_scale_trans),
            ncol=ncol,
            frameon=False,
            handlelength=1.4,
            columnspacing=1.2,
        )

    return _render(_height(wrapped, 0.45, 1.2), draw)


def _or_text(odds_ratio: float, low: float, high: float) -> str:
    return f"{fmt_decimal(odds_ratio, 2)} [{fmt_decimal(low, 2)} ; {fmt_decimal(high, 2)}]"


def _tick(x: float) -> str:
    """A log-axis tick: « 0,05 », « 0,5 », « 1 », « 20 »."""
    return fmt_decimal(x, 0) if x >= 1 else fmt_decimal(x, 3).rstrip("0")


def _log_ticks(low: float, high: float) -> list[float]:
    mantissas = (1, 2, 5) if high / low <= 300 else (1,)  # over wide ranges, powers of ten only
    candidates = [m * 10.0**e for e in range(-3, 4) for m in mantissas]
    return [t for t in candidates if low <= t <= high]


def forest_plot(
    labels: Sequence[str], odds_ratios: Sequence[float], low: Sequence[float], high: Sequence[float]
) -> str:
    """Odds ratios with their 95 % intervals on a log axis, first label on top; NaN odds ratio = reference level.

    The value « 4,09 [1,69 ; 9,89] » is written at the right of each row, « réf. » for a reference level.
    """
    _check_lengths("forest_plot", labels=labels, odds_ratios=odds_ratios, low=low, high=high)
    rows = []
    for label, odds_ratio, lo, hi in zip(labels, odds_ratios, low, high):
        if math.isnan(odds_ratio):
            rows.append(None)
            continue
        values = (float(odds_ratio), float(lo), float(hi))
        if not all(math.isfinite(v) and v > 0 for v in values) or not values[1] <= values[0] <= values[2]:
            raise ValueError(
                f"forest_plot : « {label} » : l'odds ratio et ses bornes doivent être des nombres finis strictement"
                f" positifs (échelle logarithmique), borne basse ≤ OR ≤ borne haute ; reçu OR = {odds_ratio},"
                f" IC = [{lo} ; {hi}]"
            )
        rows.append(values)
    wrapped = _wrap(labels, 40)
    extent = [v for row in rows if row is not None for v in row] + [1.0]  # the line at 1 always shows
    x_low, x_high = min(extent) / 1.3, max(extent) * 1.3

    def draw(axes) -> None:
        from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

        positions = _rows(axes, wrapped)
        shown = [(y, row) for y, row in zip(positions, rows) if row is not None]
        if shown:
            ys, (ors, lows, highs) = [y for y, _ in shown], zip(*(row for _, row in shown))
            errors = [[o - lo for o, lo in zip(ors, lows)], [hi - o for o, hi in zip(ors, highs)]]
            drawn = axes.errorbar(ors, ys, xerr=errors, fmt="s", color=BLUE, markersize=4, capsize=2, elinewidth=1)
            drawn.lines[0].set_gid("points-odds-ratios")  # names the group of point markers in the SVG
        axes.axvline(1, color=INK, linewidth=0.8)
        axes.set_xscale("log")
        axes.set_xlim(x_low, x_high)
        axes.xaxis.set_major_locator(FixedLocator(_log_ticks(x_low, x_high)))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _tick(x)))
        axes.xaxis.set_minor_locator(NullLocator())
        axes.set_xlabel("Odds ratio (IC 95 %, échelle logarithmique)")
        column = axes.get_yaxis_transform()  # x in axes fraction, y in data
        axes.text(1.03, 1.0, "OR [IC 95 %]", transform=axes.transAxes, va="bottom", fontweight="bold")
        for y, row in zip(positions, rows):
            axes.text(1.03, y, "réf." if row is None else _or_text(*row), transform=column, va="center")

    return _render(_height(wrapped, 0.3, 0.9), draw)


def share_bars(labels: Sequence[str], props: Sequence[float | None], xlabel: str) -> str:
    """Horizontal bars of shares (0–1), first label on top, each labelled with its percentage; None is a
    masked share (not drawn, « masqué » written)."""
    _check_lengths("share_bars", labels=labels, props=props)
    if any(p is not None and not 0 <= p <= 1 for p in props):
        raise ValueError(f"share_bars : chaque part doit être entre 0 et 1, reçu {list(props)}")
    wrapped = _wrap(labels, 55)

    def draw(axes) -> None:
        positions = _rows(axes, wrapped)
        for y, p in zip(positions, props):
            if p is None:
                axes.text(0.01, y, MASKED, color=INK, style="italic", fontsize=7, va="center")
                continue
            axes.barh(y, p, height=0.6, color=BLUE)
            axes.text(p + 0.01, y, fmt_percent(p), va="center", fontsize=7, color="#1a1a1a")
        _percent_axis(axes, 0.2)
        axes.set_xlabel(xlabel)

    return _render(_height(wrapped, 0.28, 0.7), draw)


@dataclass(frozen=True)
class FunnelPanel:
    """One indicator of a funnel plot, as its table gives it: the units drawn (``respondents``, ``props``,
    ``labels``, ``outside``: beyond the 99.8 % limits), the pooled proportion (None when not shown) and the
    control limits at each unit's number of respondents (``limits_n``, increasing, with the 95 % and 99.8 %
    lows and highs at those numbers)."""

    title: str
    respondents: Sequence[int]
    props: Sequence[float]
    labels: Sequence[str]
    outside: Sequence[bool]
    pooled: float | None
    limits_n: Sequence[int]
    low_95: Sequence[float]
    high_95: Sequence[float]
    low_998: Sequence[float]
    high_998: Sequence[float]


FUNNEL_COLUMNS = 3


def funnel_plots(panels: Sequence[FunnelPanel]) -> str:
    """Funnel plots, one panel per indicator (three per row): each unit's proportion against its number of
    respondents, the pooled proportion as a line and the 95 % and 99.8 % control limits as curves through the
    units' numbers of respondents. With 12 units or fewer every unit is labelled, else those beyond the 99.8 %
    limits when they are 12 or fewer."""
    for panel in panels:
        _check_lengths("funnel_plots", respondents=panel.respondents, props=panel.props, labels=panel.labels,
                       outside=panel.outside)
        _check_lengths("funnel_plots", limits_n=panel.limits_n, low_95=panel.low_95, high_95=panel.high_95,
                       low_998=panel.low_998, high_998=panel.high_998)
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    rows = max(1, math.ceil(len(panels) / FUNNEL_COLUMNS))
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(WIDTH_IN, 1.9 * rows + 0.4))
        FigureCanvasAgg(figure)
        grid = figure.subplots(rows, FUNNEL_COLUMNS, squeeze=False)
        for index, axes in enumerate(grid.flat):
            if index >= len(panels):
                axes.set_visible(False)
                continue
            panel = panels[index]
            axes.spines[["top", "right"]].set_visible(False)
            axes.plot(panel.limits_n, panel.low_95, "--", color=INK, linewidth=0.7, label="limites à 95 %")
            axes.plot(panel.limits_n, panel.high_95, "--", color=INK, linewidth=0.7)
            axes.plot(panel.limits_n, panel.low_998, ":", color=INK, linewidth=0.8, label="limites à 99,8 %")
            axes.plot(panel.limits_n, panel.high_998, ":", color=INK, linewidth=0.8)
            if panel.pooled is not None:
                axes.axhline(panel.pooled, color=ORANGE, linewidth=1, label="proportion de la région")
            points = axes.plot(panel.respondents, panel.props, "o", color=BLUE, markersize=3, clip_on=False)
            points[0].set_gid(f"points-{index}")
            # Every unit labelled when there are few, else those outside the widest limits when they are few
            # enough to be read; beyond that their names would merge into a black band.
            every, few_outside = len(panel.labels) <= 12, sum(panel.outside) <= 12
            for n, p, label, out in zip(panel.respondents, panel.props, panel.labels, panel.outside):
                if every or (out and few_outside):
                    axes.annotate(label, (n, p), xytext=(2, 2), textcoords="offset points", fontsize=6)
            values = [*panel.props, *panel.low_998, *panel.high_998]
            axes.set_ylim(max(0.0, min(values) - 0.05), min(1.0, max(values) + 0.05))
            # Ticks every 10 % and at the fewest and most respondents: an axis prints no number of its own.
            axes.yaxis.set_major_locator(MultipleLocator(0.1))
            axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: fmt_percent(y)))
            axes.set_xticks(sorted({min(panel.limits_n), max(panel.limits_n)}))
            axes.grid(color="#eeeeee", linewidth=0.5)
            axes.set_axisbelow(True)
            axes.set_title("\n".join(_wrap([panel.title], 30)), fontsize=7.5)
            axes.set_xlabel("Répondants", fontsize=7)
        handles, names = grid.flat[0].get_legend_handles_labels()
        figure.legend(handles, names, loc="lower center", ncol=len(names), frameon=False)
        figure.tight_layout(rect=(0, 0.06, 1, 1))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
