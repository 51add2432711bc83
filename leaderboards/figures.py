"""Figures of the published site, drawn by matplotlib as SVG text (no network, no script).

Every figure is made reproducible: a fixed hash salt for element ids and no creation date or
other metadata, so the same database publishes the same bytes. Text stays text
(``svg.fonttype = "none"``), escaped by matplotlib's SVG writer, so a name in a figure is
searchable and shown as written; long names are cut to ``LABEL_CHARS`` characters in tick
labels (the tables beside every figure hold them whole).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from arena.names import printable

LABEL_CHARS = 28
BLUE, RED, GREY, GREEN = "#1f4e9c", "#c0392b", "#8a94a3", "#2e7d4f"
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def label(name: str, most: int = LABEL_CHARS) -> str:
    """A name as a tick label: control characters visible, at most ``most`` characters.

    >>> label("generous tit for tat (forgives one defection in three)", 20)
    'generous tit for ta…'
    """
    text = printable(name)
    return text if len(text) <= most else text[: most - 1] + "\u2026"


@contextmanager
def _drawing(salt: str) -> Iterator[Any]:
    """matplotlib without a display, with the site's style, for one figure."""
    import matplotlib

    matplotlib.use("Agg")  # no display; idempotent
    import matplotlib.pyplot as plt

    style: dict[str, Any] = {
        "svg.hashsalt": salt,
        "svg.fonttype": "none",
        "font.size": 9,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with plt.rc_context(style):  # type: ignore[arg-type]
        yield plt


def _svg(plt: Any, figure: Any) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata=_METADATA)
    plt.close(figure)
    return out.getvalue()


def _height(rows: int, per_row: float = 0.26, base: float = 1.1) -> float:
    return min(base + per_row * max(rows, 1), 60.0)


def rounds_figure(rounds: Sequence[dict[str, Any]], price_label: str = "mean deal price") -> str:
    """Deal price (mean with its 95% bootstrap interval) and deal rate against the feedback
    round, as one SVG: price on the left axis, deal rate on the right."""
    x = [r["round"] for r in rounds]
    priced = [r for r in rounds if r["mean_price"] is not None]
    with _drawing("arena-rounds") as plt:
        figure, price = plt.subplots(figsize=(6.4, 3.2), dpi=100)
        price.spines["right"].set_visible(True)
        if priced:
            means = [r["mean_price"] for r in priced]
            below = [r["mean_price"] - r["price_ci_low"] for r in priced]
            above = [r["price_ci_high"] - r["mean_price"] for r in priced]
            price.errorbar(
                [r["round"] for r in priced],
                means,
                yerr=[below, above],
                color=BLUE,
                marker="o",
                capsize=3,
                label=f"{price_label} (95% CI)",
            )
        price.set_xlabel("feedback round")
        price.set_ylabel(price_label)
        price.set_xticks(x)
        rate = price.twinx()
        rate.spines["right"].set_visible(True)
        rate.plot(
            x,
            [r["deal_rate"] for r in rounds],
            color=RED,
            marker="s",
            linestyle="--",
            label="deal rate",
        )
        rate.set_ylabel("deal rate")
        rate.set_ylim(0.0, 1.05)
        handles = price.get_legend_handles_labels()[0] + rate.get_legend_handles_labels()[0]
        price.legend(handles=handles, loc="lower right", frameon=False)
        price.set_title("Deal price and deal rate by feedback round")
        figure.tight_layout()
        return _svg(plt, figure)


def interval_figure(
    names: Sequence[str],
    values: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    title: str,
    xlabel: str,
    salt: str,
    reference: float | None = None,
    reference_label: str = "",
) -> str:
    """Dot-and-whisker rows, the first name on top: each value with its 95% interval (a
    dot alone where the interval is missing), and an optional vertical reference line."""
    n = len(names)
    y = np.arange(n)[::-1]
    with _drawing(salt) as plt:
        figure, axes = plt.subplots(figsize=(6.8, _height(n)), dpi=100)
        for k in range(n):
            value, low, high = values[k], lows[k], highs[k]
            if value is None or not math.isfinite(value):
                continue
            if low is not None and high is not None and math.isfinite(low + high):
                axes.plot([low, high], [y[k], y[k]], color="#9db4d8", linewidth=4, zorder=1)
            axes.plot([value], [y[k]], "o", color=BLUE, markersize=5, zorder=2)
        if reference is not None and math.isfinite(reference):
            axes.axvline(reference, color=RED, linestyle="--", linewidth=1, label=reference_label)
            if reference_label:
                axes.legend(loc="lower right", frameon=False)
        axes.set_yticks(y)
        axes.set_yticklabels([label(name) for name in names])
        axes.set_ylim(-0.7, n - 0.3)
        axes.set_xlabel(xlabel)
        axes.set_title(title)
        axes.grid(axis="x", color="#e3e7ec", linewidth=0.8)
        axes.set_axisbelow(True)
        figure.tight_layout()
        return _svg(plt, figure)


def ratings_figure(
    agents: Sequence[str],
    ratings: Sequence[float],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
) -> str:
    """Each agent's Bradley-Terry rating with its 95% bootstrap interval, best on top."""
    return interval_figure(
        agents,
        ratings,
        lows,
        highs,
        title="Ratings with 95% intervals",
        xlabel="Bradley-Terry rating (Elo scale: 400 points = odds of 10 to 1)",
        salt="arena-ratings",
        reference=1000.0,
        reference_label="mean rating (1000)",
    )


def heatmap_figure(
    matrix: np.ndarray,
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    title: str,
    colorbar: str,
    salt: str,
    fmt: str = "{:.2f}",
    limits: tuple[float, float] | None = None,
    cmap: str = "RdBu",
    xlabel: str = "opponent (column)",
    ylabel: str = "agent (row)",
) -> str:
    """A matrix as coloured cells (vector rectangles, no raster image), values written in the
    cells of a small one; NaN cells (never met) are grey with a dash."""
    data = np.ma.masked_invalid(np.asarray(matrix, dtype=float))
    n_rows, n_cols = data.shape
    side = 0.42 if max(n_rows, n_cols) <= 12 else 0.22
    width = min(max(6.0, 3.2 + side * n_cols), 40.0)  # room for the title and the colour bar
    height = min(max(4.4, 2.4 + side * n_rows), 40.0)
    with _drawing(salt) as plt:
        import matplotlib

        colours = matplotlib.colormaps[cmap].with_extremes(bad="#d9dde3")
        figure, axes = plt.subplots(figsize=(width, height), dpi=100)
        if limits is None:
            finite = data.compressed()
            limits = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            if limits[0] == limits[1]:
                limits = (limits[0] - 1.0, limits[1] + 1.0)
        mesh = axes.pcolormesh(
            data, cmap=colours, vmin=limits[0], vmax=limits[1], edgecolors="#ffffff", linewidth=0.5
        )
        axes.set_xticks(np.arange(n_cols) + 0.5)
        axes.set_xticklabels([label(c, 20) for c in columns], rotation=60, ha="right")
        axes.set_yticks(np.arange(n_rows) + 0.5)
        axes.set_yticklabels([label(r, 24) for r in rows])
        axes.invert_yaxis()
        axes.set_aspect("equal")
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        if max(n_rows, n_cols) <= 12:
            for i in range(n_rows):
                for j in range(n_cols):
                    value = data[i, j]
                    masked = np.ma.is_masked(value)
                    colour = "#1d2330"
                    if not masked:
                        red, green, blue, _ = colours(mesh.norm(float(value)))
                        if 0.299 * red + 0.587 * green + 0.114 * blue < 0.5:
                            colour = "#ffffff"  # light text on a dark cell
                    axes.text(
                        j + 0.5,
                        i + 0.5,
                        "\u2013" if masked else fmt.format(float(value)),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color=colour,
                    )
        bar = figure.colorbar(mesh, ax=axes, shrink=0.8, pad=0.02)
        if bar.solids is not None:
            bar.solids.set_rasterized(False)  # vector cells: an embedded image is a fetch too
        bar.set_label(colorbar)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.set_title(title)
        figure.tight_layout()
        return _svg(plt, figure)


def nash_figure(agents: Sequence[str], mixture: Sequence[float], ratings: Sequence[float]) -> str:
    """The Nash-averaged view: each agent's mass in the maximum-entropy Nash mixture (left)
    and its Nash rating, its expected log-odds against that mixture (right; 0 = in support)."""
    n = len(agents)
    y = np.arange(n)[::-1]
    mass = np.asarray(mixture, dtype=float)
    rating = np.asarray(ratings, dtype=float)
    played = mass > 1e-9
    with _drawing("arena-nash") as plt:
        figure, (left, right) = plt.subplots(1, 2, figsize=(7.6, _height(n)), dpi=100, sharey=True)
        left.barh(y, mass, color=np.where(played, BLUE, GREY))
        left.set_xlim(0.0, max(1.0, float(mass.max(initial=0.0)) * 1.05))
        left.set_xlabel("mass in the Nash mixture")
        left.set_title("Maximum-entropy Nash mixture")
        left.set_yticks(y)
        left.set_yticklabels([label(a) for a in agents])
        left.set_ylim(-0.7, n - 0.3)
        right.barh(y, np.nan_to_num(rating), color=np.where(played, BLUE, RED))
        right.axvline(0.0, color="#1d2330", linewidth=0.8)
        right.set_xlabel("Nash rating (log-odds against the mixture)")
        right.set_title("Nash average")
        for axes in (left, right):
            axes.grid(axis="x", color="#e3e7ec", linewidth=0.8)
            axes.set_axisbelow(True)
        figure.tight_layout()
        return _svg(plt, figure)


def faults_figure(
    agents: Sequence[str],
    shares: Mapping[str, Sequence[float]],
    costs: Sequence[float | None],
) -> str:
    """LLM faults and cost per agent: the share of its LLM turns with each fault class
    (stacked; a turn with several classes counts in each), and its cost in US dollars."""
    n = len(agents)
    y = np.arange(n)[::-1]
    palette = ["#c0392b", "#e67e22", "#f1c40f", "#8e44ad", "#16a085", "#7f8c8d", "#2c3e50"]
    priced = any(c is not None for c in costs)
    with _drawing("arena-faults") as plt:
        figure, panels = plt.subplots(
            1,
            2 if priced else 1,
            figsize=(7.6 if priced else 6.4, _height(n)),
            dpi=100,
            sharey=True,
            squeeze=False,
        )
        left = panels[0][0]
        start = np.zeros(n)
        for k, (fault, values) in enumerate(sorted(shares.items())):
            share = np.asarray(values, dtype=float)
            left.barh(y, share, left=start, color=palette[k % len(palette)], label=fault)
            start += share
        left.set_xlim(0.0, max(float(start.max(initial=0.0)) * 1.6, 0.05))  # room for the key
        left.set_yticks(y)
        left.set_yticklabels([label(a) for a in agents])
        left.set_ylim(-0.7, n - 0.3)
        left.set_xlabel("share of the agent's LLM turns")
        left.set_title("Faults by class")
        if shares:
            left.legend(loc="upper right", frameon=False, fontsize=7)
        if priced:
            right = panels[0][1]
            right.barh(y, [c or 0.0 for c in costs], color=BLUE)
            right.set_xlabel("cost (US dollars)")
            right.set_title("Cost")
        figure.tight_layout()
        return _svg(plt, figure)


def auction_figure(report: Mapping[str, Any]) -> str:
    """An auction tournament's own measures (``arena report``): revenue per item with the
    theory's expectation, allocative efficiency, and each bidder's profit a match, each a
    mean with its 95% bootstrap interval."""

    def whisker(axes: Any, y: float, measure: Mapping[str, Any], colour: str = BLUE) -> None:
        mean, low, high = measure.get("mean"), measure.get("ci_low"), measure.get("ci_high")
        if mean is None:
            return
        if low is not None and high is not None:
            axes.plot([low, high], [y, y], color="#9db4d8", linewidth=4)
        axes.plot([mean], [y], "o", color=colour)

    bidders = list(report.get("bidders", []))
    n = len(bidders)
    with _drawing("arena-auction") as plt:
        figure, (revenue, efficiency, profit) = plt.subplots(
            1,
            3,
            figsize=(10.0, max(2.6, _height(n))),
            dpi=100,
            gridspec_kw={"width_ratios": [1, 1, 1.6]},
        )
        whisker(revenue, 0.0, report["revenue_per_item"])
        expected = report.get("expected_revenue_per_item")
        if expected is not None:
            revenue.axvline(expected, color=RED, linestyle="--", label="equilibrium")
            revenue.legend(loc="lower right", frameon=False, fontsize=7)
        revenue.set_yticks([])
        revenue.set_xlabel("revenue per item")
        revenue.set_title("Revenue")
        whisker(efficiency, 0.0, report["efficiency"], GREEN)
        efficiency.axvline(1.0, color=GREY, linestyle=":", label="efficient")
        efficiency.set_yticks([])
        efficiency.set_xlabel("allocative efficiency")
        efficiency.set_title("Efficiency")
        y = np.arange(n)[::-1]
        for k, bidder in enumerate(bidders):
            whisker(profit, float(y[k]), bidder["profit"])
        profit.axvline(0.0, color=GREY, linewidth=0.8)
        profit.set_yticks(y)
        profit.set_yticklabels([label(b["agent"]) for b in bidders])
        profit.set_ylim(-0.7, max(n, 1) - 0.3)
        profit.set_xlabel("profit a match")
        profit.set_title("Profit by bidder")
        for axes in (revenue, efficiency, profit):
            axes.grid(axis="x", color="#e3e7ec", linewidth=0.8)
            axes.set_axisbelow(True)
        figure.suptitle("Auction measures (means with 95% bootstrap intervals)")
        figure.tight_layout()
        return _svg(plt, figure)


def werewolf_figure(report: Mapping[str, Any]) -> str:
    """A Werewolf tournament's win rate by team and by role (``arena report``), each with its
    95% Wilson score interval."""
    rows = [(f"team: {team}", m) for team, m in report.get("teams", {}).items()]
    rows += [(f"role: {role}", m) for role, m in report.get("roles", {}).items()]
    return interval_figure(
        [name for name, _ in rows],
        [m.get("mean") for _, m in rows],
        [m.get("ci_low") for _, m in rows],
        [m.get("ci_high") for _, m in rows],
        title="Win rate by team and role (95% Wilson intervals)",
        xlabel="share of games won",
        salt="arena-werewolf",
        reference=0.5,
        reference_label="even (0.5)",
    )
