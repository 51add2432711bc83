"""Record reference tables from the Axelrod library for the strategies we share with it.

The tests compare our strategies with axelrod's move by move, but must not import axelrod: it
pulls in torch and takes 10-25 s to import. So this script, run by hand whenever a shared
strategy changes (``make bench`` installs axelrod), plays with axelrod itself:

- every ordered pair of our deterministic strategies with an Axelrod twin, self-play included,
  for 200 turns of the default Prisoner's Dilemma (R, S, T, P = 3, 0, 5, 1), keeping both move
  strings and both scores;
- each of them against fixed opponent sequences (axelrod's ``MockPlayer``), which reaches
  histories that pairwise play never does.

It writes ``tests/data/axelrod_reference.json``.
"""

from __future__ import annotations

import json
import random
from importlib.metadata import version
from pathlib import Path

TURNS = 200
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "axelrod_reference.json"


def shared_deterministic() -> dict[str, str]:
    """Our name -> axelrod name, for deterministic built-ins with an Axelrod twin."""
    from arena.registry import AGENTS

    pairs = {}
    for entry in AGENTS:
        info = entry.load().info
        if info.axelrod_name and not info.stochastic:
            pairs[entry.name] = info.axelrod_name
    return pairs


def fixed_sequences() -> list[str]:
    """Opponent move strings: simple patterns and a few seeded random ones."""
    rng = random.Random(2024)
    sequences = ["C" * 12, "D" * 12, "CD" * 6, "DDC" * 4, "CCD" * 4, "DCCDDDCC"]
    sequences += ["".join(rng.choice("CD") for _ in range(40)) for _ in range(4)]
    return sequences


def main() -> None:
    import axelrod as axl

    by_name = {cls.name: cls for cls in axl.strategies}
    shared = shared_deterministic()
    missing = sorted(set(shared.values()) - set(by_name))
    if missing:
        raise SystemExit(f"axelrod has no strategy named {missing}")
    game = axl.Game()  # R, S, T, P = 3, 0, 5, 1

    def moves(actions: list) -> str:
        return "".join(str(action) for action in actions)

    matches = []
    for ours_a, theirs_a in sorted(shared.items()):
        for ours_b, theirs_b in sorted(shared.items()):
            match = axl.Match((by_name[theirs_a](), by_name[theirs_b]()), turns=TURNS, game=game)
            interactions = match.play()
            scores = match.final_score()
            matches.append(
                {
                    "players": [ours_a, ours_b],
                    "moves": [
                        moves([a for a, _ in interactions]),
                        moves([b for _, b in interactions]),
                    ],
                    "scores": [float(scores[0]), float(scores[1])],
                }
            )
    responses = []
    for ours, theirs in sorted(shared.items()):
        for sequence in fixed_sequences():
            actions = [axl.Action.C if c == "C" else axl.Action.D for c in sequence]
            match = axl.Match(
                (by_name[theirs](), axl.MockPlayer(actions=actions)), turns=len(sequence)
            )
            interactions = match.play()
            responses.append(
                {
                    "player": ours,
                    "opponent": sequence,
                    "moves": moves([a for a, _ in interactions]),
                }
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "axelrod_version": version("axelrod"),
                "turns": TURNS,
                "game": {"R": 3, "S": 0, "T": 5, "P": 1},
                "names": shared,
                "matches": matches,
                "responses": responses,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {OUT}: {len(matches)} matches, {len(responses)} responses")


if __name__ == "__main__":
    main()
