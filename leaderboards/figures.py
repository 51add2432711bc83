"""Figures of the published site, drawn by matplotlib as SVG text (no network, no script).

The SVG is made reproducible: a fixed hash salt for element ids and no creation date, so the
same database publishes the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any


def rounds_figure(rounds: Sequence[dict[str, Any]], price_label: str = "mean deal price") -> str:
    """Deal price (mean with its 95% bootstrap interval) and deal rate against the feedback
    round, as one SVG: price on the left axis, deal rate on the right."""
    import matplotlib

    matplotlib.use("Agg")  # no display; idempotent
    import matplotlib.pyplot as plt

    x = [r["round"] for r in rounds]
    priced = [r for r in rounds if r["mean_price"] is not None]
    with plt.rc_context({"svg.hashsalt": "arena", "font.size": 9}):
        figure, price = plt.subplots(figsize=(6.4, 3.2), dpi=100)
        if priced:
            means = [r["mean_price"] for r in priced]
            below = [r["mean_price"] - r["price_ci_low"] for r in priced]
            above = [r["price_ci_high"] - r["mean_price"] for r in priced]
            price.errorbar(
                [r["round"] for r in priced],
                means,
                yerr=[below, above],
                color="#1f4e9c",
                marker="o",
                capsize=3,
                label=f"{price_label} (95% CI)",
            )
        price.set_xlabel("feedback round")
        price.set_ylabel(price_label)
        price.set_xticks(x)
        rate = price.twinx()
        rate.plot(
            x,
            [r["deal_rate"] for r in rounds],
            color="#c0392b",
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
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
        plt.close(figure)
    return out.getvalue()
