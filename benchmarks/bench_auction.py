"""One million five-bidder first-price auctions in the arena and in OpenSpiel, in one run.

OpenSpiel (the ``open_spiel`` wheel): its C++ ``first_sealed_auction`` with 5 players (values
drawn by its chance nodes, integers 1 to 10), driven through its Python API by equilibrium
bidders of the same kind (each bids the legal amount nearest (n - 1) / n of its value, read
from its information state), nothing stored. The arena: ``auction/first-price-v0`` with 5
``equilibrium`` bidders (the solver's Bayes-Nash bid for values uniform on [0, 100]) through
``run_tournament`` with its default workers, 1,000 matches of 1,000 rounds, every round's
bids stored in SQLite with each match's yardsticks. Rounds (auctions) per second and the ratio;
each side runs ``RUNS`` times, interleaved, and the median is kept.

Run: ``python benchmarks/bench_auction.py`` (needs the ``bench`` extra's ``open_spiel``).
"""

from __future__ import annotations

import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from statistics import median

import numpy as np
from machine_info import machine  # benchmarks/ is on the path when a script runs

ROUNDS = 1_000_000
RUNS = 3
PER_MATCH = 1_000
BIDDERS = 5
RESULTS = Path(__file__).with_name("results") / "auction.md"


def time_openspiel(auctions: int) -> float:
    """Auctions a second: chance draws the values, each bidder bids its equilibrium amount."""
    import pyspiel

    game = pyspiel.load_game("first_sealed_auction", {"players": BIDDERS, "max_value": 10})
    rng = np.random.default_rng(0)
    shade = (BIDDERS - 1) / BIDDERS
    started = time.perf_counter()
    for _ in range(auctions):
        state = game.new_initial_state()
        while not state.is_terminal():
            if state.is_chance_node():
                outcomes = state.chance_outcomes()
                state.apply_action(outcomes[int(rng.integers(len(outcomes)))][0])
                continue
            player = state.current_player()
            value = int(state.information_state_string(player).rsplit(" ", 1)[1])
            legal = state.legal_actions()
            state.apply_action(min(legal, key=lambda bid: abs(bid - shade * value)))
    return auctions / (time.perf_counter() - started)


def time_arena(folder: Path) -> tuple[float, int]:
    """Rounds a second and workers: the equilibrium bidders' tournament, everything stored."""
    from arena.config import parse_config
    from arena.tournament import run_tournament

    config = parse_config(
        {
            "tournament": {"name": "first-price", "seed": 1},
            "game": {"id": "auction/first-price-v0", "bidders": BIDDERS, "rounds": PER_MATCH},
            "schedule": {"repetitions": ROUNDS // PER_MATCH, "self_play": True},
            "agents": [{"name": "equilibrium"}],
        }
    )
    started = time.perf_counter()
    report = run_tournament(config, folder / "arena.db")
    seconds = time.perf_counter() - started
    return report.played * PER_MATCH / seconds, report.workers


def main() -> None:
    import arena.tournament  # noqa: F401  (imports outside the timing)

    spiels, ours_runs = [], []
    for _ in range(RUNS):  # interleaved, so that a busy moment hits both sides alike
        spiels.append(time_openspiel(ROUNDS))
        with tempfile.TemporaryDirectory() as tmp:
            rate, workers = time_arena(Path(tmp))
        ours_runs.append(rate)
    spiel, ours = median(spiels), median(ours_runs)
    lines = [
        "# One million five-bidder first-price auctions: the arena beside OpenSpiel",
        "",
        f"Machine: {machine()}. open_spiel {version('open_spiel')}, strategic-arena "
        f"{version('strategic-arena')}. Median of {RUNS} runs each, interleaved, in one run of "
        "`benchmarks/bench_auction.py`.",
        "",
        "| engine | bidders | stored | auctions/s | ratio to OpenSpiel |",
        "|---|---|---|---:|---:|",
        f"| OpenSpiel `first_sealed_auction` (C++, Python API), one process | 5 equilibrium "
        f"(integer values 1-10) | nothing | {spiel:,.0f} | 1.00 |",
        f"| arena `auction/first-price-v0`, {workers} workers | 5 `equilibrium` (uniform "
        f"values on [0, 100]) | every bid, payment and yardstick | {ours:,.0f} "
        f"| {ours / spiel:.2f} |",
        "",
        "Goal (issue 11): at least OpenSpiel's rate, every round stored. "
        + ("Met." if ours >= spiel else f"Not met: {ours / spiel:.2f}x OpenSpiel's rate."),
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.write_text(table, encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
