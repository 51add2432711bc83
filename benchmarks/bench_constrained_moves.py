"""What constrained decoding does to a weak model's invalid moves: SmolLM2-135M, with and without.

The ``local`` provider's SmolLM2-135M-Instruct plays Akata et al.'s repeated Prisoner's Dilemma
(R, S, T, P = 8, 0, 10, 5; options J and F; 2 rounds) against four scripted players
(tit-for-tat, grim-trigger, always-defect, random), every pairing in both seat orders, until
100 matches of the model are played. The same tournament, seeds included, is played twice:
with ``constrained = false`` (the model writes free text, parsed by the game's protocol, and an
unusable reply is answered with the reason and asked again, up to ``move_retries = 2`` times,
then the fallback move is a forfeit) and with ``constrained = true`` (the game's JSON schema of
a legal reply is sent, and llama.cpp samples only replies that match it). Temperature 0.7
(each call seeded), ``max_tokens = 24``, 2 slots, 2 threads; each run uses a fresh database,
so the response cache answers nothing.

Invalid-move rate: the model's turns with a reply that could not be played (unparseable,
illegal, empty, refused or truncated), per turn, whether or not a retry then gave a move.
Forfeit rate: turns on which the fallback move was played, per turn.

Run: ``python benchmarks/bench_constrained_moves.py`` (``--quick``: 20 matches each).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from machine_info import machine  # benchmarks/ is on the path when a script runs

from arena.config import parse_config
from arena.leaderboards.standings import INVALID_MOVE_FAULTS
from arena.store import Store
from arena.tournament import run_tournament

RESULTS = Path(__file__).with_name("results") / "constrained_moves.md"
OPPONENTS = ["tit-for-tat", "grim-trigger", "always-defect", "random"]
ROUNDS = 2
TEMPERATURE = 0.7  # sampling, as models are usually run; at 0 both rows may be flawless


def tournament(constrained: bool, matches: int) -> dict:
    """The model against the opponents, both seat orders, enough repetitions for ``matches``."""
    per_repetition = 2 * len(OPPONENTS)  # the model's matches in one round robin repetition
    model = {
        "name": "smollm2-135m",
        "provider": "local",
        "labels": ["J", "F"],
        "temperature": TEMPERATURE,
        "max_tokens": 24,
        "slots": 2,
        "threads": 2,
        "constrained": constrained,
    }
    return {
        "tournament": {"name": f"constrained-{constrained}", "seed": 2023},
        "game": {"id": "matrix/prisoners-dilemma-v0", "variant": "akata", "rounds": ROUNDS},
        "schedule": {"repetitions": -(-matches // per_repetition)},
        "agents": [model, *({"name": name} for name in OPPONENTS)],
    }


def measure(constrained: bool, matches: int, folder: Path) -> dict:
    """Play one condition; the model's turns, faults, calls and wall time."""
    data = tournament(constrained, matches)
    # Scripted-only pairings are played too (they take no model time); only the model's count.
    config = parse_config(data, source="bench")
    db = folder / f"{constrained}.db"
    started = time.perf_counter()
    run_tournament(config, db)
    seconds = time.perf_counter() - started
    with Store(db, readonly=True) as store:
        usage = store.usage(config.name)["smollm2-135m"]
        played = sum("smollm2-135m" in r.agents for r in store.results(config.name))
        calls = store.count("llm_cache")
    return {
        "matches": played,
        "turns": usage.turns,
        "invalid": usage.turns_with(INVALID_MOVE_FAULTS),
        "forfeits": usage.faults.get("forfeit", 0),
        "calls": calls,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 matches each")
    args = parser.parse_args()
    matches = 20 if args.quick else 100
    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for constrained in (False, True):
            print(f"constrained = {str(constrained).lower()}: playing ...", flush=True)
            result = measure(constrained, matches, Path(folder))
            rows.append((constrained, result))
            print(f"  {result}", flush=True)
    lines = [
        "# Constrained moves: SmolLM2-135M's invalid moves with and without a schema",
        "",
        f"Machine: {machine()}. xllamacpp {version('xllamacpp')}, "
        f"openai {version('openai')}, strategic-arena {version('strategic-arena')}. "
        f"Load average before the run: {load:.2f}, after: {os.getloadavg()[0]:.2f}.",
        f"Akata et al.'s repeated Prisoner's Dilemma, {ROUNDS} rounds, options J and F, against "
        f"{', '.join(OPPONENTS)} in both seat orders; temperature {TEMPERATURE}, max_tokens 24, "
        "move_retries 2, 2 slots; the same seeds in both rows.",
        "",
        "| constrained | matches | model turns | invalid-move rate | forfeit rate "
        "| calls per turn | wall time (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for constrained, r in rows:
        lines.append(
            f"| {str(constrained).lower()} | {r['matches']} | {r['turns']} | "
            f"{r['invalid'] / r['turns']:.1%} | {r['forfeits'] / r['turns']:.1%} | "
            f"{r['calls'] / r['turns']:.2f} | {r['seconds']:.0f} |"
        )
    lines += [
        "",
        "Invalid-move rate: turns with an unparseable, illegal, empty, refused or truncated "
        "reply, per model turn, whether or not a retry then gave a move. Forfeit rate: turns "
        "on which the game's fallback move was played. Calls per turn: model calls (first "
        "replies and retries) per turn.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
