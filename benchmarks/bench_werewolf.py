"""Werewolf beside OpenSpiel's ``social_deduction``: cost per move, and LLM calls by phase.

Scripted games. OpenSpiel (the ``open_spiel`` wheel): its C++ ``social_deduction`` (a simpler
hidden-imposter game: accuse, claim or skip, then vote) driven through its Python API by
uniformly random players, chance nodes sampled from their outcomes, nothing stored; as it ships
(6 players, 1 imposter) and with 8 players and 2 imposters. The arena: ``social/werewolf-v0``
(8 players: 2 werewolves, a seer, a doctor; default rules) alone in this process with uniformly
random legal moves, nothing stored; then a real tournament of its scripted players through
``run_tournament`` (its default workers), every move, the outcome and the yardsticks stored in
SQLite. The games differ, so the figure to compare is the cost of a move: wall time over
moves made by players (OpenSpiel's chance nodes are not counted as moves). Each side runs
``RUNS`` times, interleaved, and the median is kept.

LLM games. Eight language-model agents (provider ``openai``, the real SDK) play one game for
each seed of ``LLM_SEEDS``, one after another, with Werewolf Arena's floor bidding and a
run-off on a tie, against the loopback server in its own process, which answers each prompt
with a legal move chosen from the prompt after ``DELAY`` seconds and logs when each call
arrived and finished. Per phase: how many calls were in flight at once (sealed moves, asked
together, should all overlap: the night's targets, each turn's bids, the votes; speeches come
one at a time, in order), and the arena process's CPU time per call, live (the SDK included)
and replaying the same games from the response cache with the server stopped (the arena
alone). The server's CPU is not counted: it is another process. The measure shows what
the runner does: were sealed moves asked one at a time, their groups would show one call in
flight and a span of their size, and the goal line would say so.

Run: ``python benchmarks/bench_werewolf.py`` (needs the ``bench`` extra's ``open_spiel``);
``--quick`` for a smaller smoke run that writes no file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from statistics import median
from typing import Any

from loopback_process import LoopbackProcess  # benchmarks/ is on the path when a script runs
from machine_info import machine

GAME = "social/werewolf-v0"
SPIEL_GAMES = 10_000
BARE_GAMES = 600
PER_TOURNAMENT = 1_000  # scripted games a timed tournament plays (rounded up to the schedule)
RUNS = 5  # the machine is shared: five runs, so that the median shrugs off a busy moment
SCRIPTED = ("random", "werewolf-heuristic")  # those registered and playing social games are used
DELAY = 0.05  # seconds the loopback server takes to answer each call
LLM_PLAYERS = 8
LLM_SEEDS = (1, 2, 3)  # one game each
KEY_VARIABLE = "ARENA_BENCH_KEY"
SPIEL_SETTINGS: tuple[tuple[str, dict[str, int]], ...] = (
    ("as it ships: 6 players, 1 imposter", {}),
    ("8 players, 2 imposters", {"players": 8, "imposters": 2}),
)
RESULTS = Path(__file__).with_name("results") / "werewolf.md"

# The loopback server in a child process. Each prompt is answered with a legal move read off
# the question the arena asks last (its last line, or for a bid the seven lines of its options),
# chosen by a checksum of the prompt so that a replay asks and gets the same. The log holds,
# per call, its phase, day, and arrival and finish times; it is printed when stdin closes.
SERVER = r"""
import json, re, sys, time, zlib
from arena.testing.llm_server import LLMServer

DELAY = float(sys.argv[1])
ONE_OF = re.compile(r"\(one of (.+)\)\.$")
DAY = re.compile(r"^(?:Night|Day) (\d+)")
log = []


def move(text):
    lines = text.split("\n")
    pick = zlib.crc32(text.encode())
    if text.endswith("End with a line BID: <0-4>.") and len(lines) >= 7:
        head, kind, reply = lines[-7], "bid", f"BID: {pick % 5}"
    else:
        head = lines[-1]
        names = ONE_OF.search(head)
        options = names.group(1).split(", ") if names else []
        if "Speak to your fellow werewolves" in head:
            kind, reply = "wolf_chat", "Let us take someone quiet tonight."
        elif "your turn to speak" in head:
            kind, reply = "speech", "I am with the village. Tell us what you saw last night."
        elif "TARGET: <name>" in head and options:
            kind, reply = "night", f"TARGET: {options[pick % len(options)]}"
        elif "VOTE: <name>" in head and options:
            kind = "runoff" if "run-off" in head else "vote"
            reply = f"VOTE: {options[pick % len(options)]}"
        else:
            kind, reply = "unknown", "I do not follow."
    day = DAY.match(head)
    return kind, int(day.group(1)) if day else -1, reply


def policy(request):
    arrived = time.monotonic()
    kind, day, reply = move(request.last_user_text)
    time.sleep(DELAY)
    log.append((kind, day, arrived, time.monotonic()))  # list.append is atomic
    return reply


with LLMServer(policy=policy) as server:
    print(server.port, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
    print(json.dumps({"calls": server.stats.calls, "log": log}), flush=True)
"""


def cpu_seconds() -> float:
    """This process's CPU time (every thread; not the server, which is another process)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- scripted games ------------------------------------------------------------------------


def time_openspiel(params: dict[str, int], games: int) -> tuple[float, float]:
    """Games a second and moves a game: uniformly random players, chance drawn by its odds."""
    import pyspiel

    game = pyspiel.load_game("social_deduction", params)
    rng = random.Random(0)
    moves = 0
    started = time.perf_counter()
    for _ in range(games):
        state = game.new_initial_state()
        while not state.is_terminal():
            if state.is_chance_node():
                outcomes, odds = zip(*state.chance_outcomes())
                state.apply_action(rng.choices(outcomes, odds)[0])
                continue
            legal = state.legal_actions()
            state.apply_action(legal[rng.randrange(len(legal))])
            moves += 1
    return games / (time.perf_counter() - started), moves / games


def time_bare_env(games: int) -> tuple[float, float]:
    """Games a second and moves a game of the environment alone, in this one process: a
    uniformly random legal target or bid from each observation, one fixed speech; no agent,
    no record, nothing stored. The floor under any tournament's rate."""
    from arena.games.social.werewolf import BID, SPEECH, WOLF_CHAT, floor_bid, speech, target
    from arena.registry import make_game

    env = make_game(GAME)
    rng = random.Random(0)
    talk = speech("I am with the village.")
    moves = 0
    started = time.perf_counter()
    for k in range(games):
        env.reset(seed=k)
        for _ in env.agent_iter():
            observation, _, terminated, truncated, _ = env.last()
            if terminated or truncated:
                env.step(None)
                continue
            phase = observation["phase"]
            if phase in (SPEECH, WOLF_CHAT):
                env.step(talk)
            elif phase == BID:
                env.step(floor_bid(rng.randrange(5)))
            else:
                legal = observation["legal"].nonzero()[0]
                env.step(target(int(legal[rng.randrange(len(legal))])))
            moves += 1
    return games / (time.perf_counter() - started), moves / games


def scripted_players() -> list[str]:
    """The scripted players of ``SCRIPTED`` that are registered and play social games."""
    from arena.registry import AGENTS, agent_class

    found = []
    for name in SCRIPTED:
        if name in AGENTS:
            families = agent_class(name).info.families
            if "*" in families or "social" in families:
                found.append(name)
    return found


def time_arena(players: list[str], folder: Path, run: int, games: int) -> tuple[float, float, int]:
    """Games a second, moves a game and workers: a round robin of the scripted players
    (every mix of them over the 8 seats), everything stored."""
    from arena.config import parse_config
    from arena.schedule import seatings_count
    from arena.store import Store
    from arena.tournament import run_tournament

    mixes = seatings_count(len(players), 8, swap_seats=False, self_play=True)
    config = parse_config(
        {
            "tournament": {"name": f"werewolf-{run}", "seed": run},
            "game": {"id": GAME},
            "schedule": {"repetitions": -(-games // mixes), "self_play": True, "swap_seats": False},
            "agents": [{"name": name} for name in players],
        }
    )
    db = folder / f"arena-{run}.db"
    started = time.perf_counter()
    report = run_tournament(config, db)
    seconds = time.perf_counter() - started
    with Store(db, readonly=True) as store:
        steps = store.connection.execute("SELECT sum(steps) FROM matches").fetchone()[0]
    return report.played / seconds, steps / report.played, report.workers


# -- LLM games -----------------------------------------------------------------------------


def llm_config(port: int, name: str, seed: int) -> dict[str, Any]:
    """Eight models on one endpoint in one game, Werewolf Arena's floor bidding."""
    agents = [
        {
            "name": f"model-{k}",
            "provider": "openai",
            "model": f"model-{k}",
            "base_url": f"http://127.0.0.1:{port}/v1",
            "api_key_env": KEY_VARIABLE,
            "timeout": 30.0,
        }
        for k in range(LLM_PLAYERS)
    ]
    return {
        "tournament": {"name": name, "seed": seed},
        "game": {"id": GAME, "speaking": "bidding", "tie": "runoff"},
        "schedule": {"repetitions": 1, "swap_seats": False},
        "agents": agents,
    }


def phases(log: list[list[Any]]) -> dict[str, dict[str, float]]:
    """Per kind of call: calls, groups (a run of calls of one kind, game and day, in order of
    arrival: one vote, one turn's bids, one night's targets, the speeches between two bids),
    mean calls a group, groups of two calls or more and those of them whose calls were all in
    flight at once, the most in flight within a group, the most calls in flight anywhere while
    one of these was (1: it overlapped nothing), and the median span of a group (first arrival
    to last finish) in delays."""
    calls = sorted(log, key=lambda call: call[2])
    groups: list[list[list[Any]]] = []
    for call in calls:
        if groups and groups[-1][0][:2] == call[:2]:
            groups[-1].append(call)
        else:
            groups.append([call])
    table: dict[str, dict[str, float]] = {}
    for kind in dict.fromkeys(call[0] for call in calls):
        mine = [g for g in groups if g[0][0] == kind]
        most = [in_flight(g) for g in mine]
        beside = max(in_flight(during(call, calls)) for g in mine for call in g)
        table[kind] = {
            "calls": sum(len(g) for g in mine),
            "groups": len(mine),
            "size": sum(len(g) for g in mine) / len(mine),
            "shared": sum(len(g) > 1 for g in mine),  # groups of two calls or more
            "all_at_once": sum(m == len(g) > 1 for m, g in zip(most, mine)),
            "most": max(most),
            "beside": beside,
            "span": median((max(c[3] for c in g) - g[0][2]) / DELAY for g in mine),
        }
    return table


def in_flight(calls: list[list[Any]]) -> int:
    """The most of ``calls`` in flight at one moment."""
    edges = sorted([(c[2], 1) for c in calls] + [(c[3], -1) for c in calls])
    now = most = 0
    for _, change in edges:
        now += change
        most = max(most, now)
    return most


def during(call: list[Any], calls: list[list[Any]]) -> list[list[Any]]:
    """The calls in flight while ``call`` was, cut to its lifetime (``call`` among them)."""
    start, end = call[2], call[3]
    return [
        [*c[:2], max(c[2], start), min(c[3], end)] for c in calls if c[2] < end and start < c[3]
    ]


def llm_games(folder: Path, seeds: tuple[int, ...]) -> dict[str, Any]:
    """One live game a seed against the server (one after another, so that no two games'
    calls mix), then the same games replayed from the cache with the server stopped."""
    import openai  # noqa: F401  (the SDK's import outside the timing)

    from arena.config import parse_config
    from arena.store import Store
    from arena.tournament import run_tournament

    os.environ.setdefault(KEY_VARIABLE, "loopback-key")
    db = folder / "llm.db"
    timings: dict[str, tuple[float, float, int]] = {}
    begun = []  # when each live game started, on the clock the server's log uses
    with LoopbackProcess(SERVER, str(DELAY)) as server:
        for run in ("live", "replay"):
            for seed in seeds:
                config = parse_config(llm_config(server.port, f"{run}-{seed}", seed))
                begun.append(time.monotonic())
                cpu, started = cpu_seconds(), time.perf_counter()
                report = run_tournament(config, db)
                seconds = time.perf_counter() - started
                timings[f"{run}-{seed}"] = (seconds, cpu_seconds() - cpu, report.workers)
            if run == "live":
                served = json.loads(server.stop())  # the replay must not need it
    log = []  # kind, (game, day), arrived, finished
    for kind, day, arrived, finished in served["log"]:
        game = sum(at <= arrived for at in begun[: len(seeds)]) - 1
        log.append([kind, (game, day), arrived, finished])
    unknown = [call for call in log if call[0] == "unknown"]
    if unknown:
        raise SystemExit(f"{len(unknown)} prompts the server could not read")
    games = []
    with Store(db, readonly=True) as store:
        for k, seed in enumerate(seeds):
            calls = sum(call[1][0] == k for call in log)
            for run in ("live", "replay"):
                used = store.usage(f"{run}-{seed}")
                turns = sum(u.turns for u in used.values())
                faults = {agent: u.faults for agent, u in used.items() if u.faults}
                if turns != calls or faults:
                    raise SystemExit(f"{run}-{seed}: {turns} turns, {calls} calls, {faults}")
            (played,) = store.outcomes(f"live-{seed}")
            outcome = played["outcome"]
            games.append(
                {
                    "seed": seed,
                    "calls": calls,
                    "days": outcome.get("days"),
                    "winner": outcome.get("winner") or "undecided",
                    "live": timings[f"live-{seed}"],
                    "replay": timings[f"replay-{seed}"],
                }
            )
    if sum(g["calls"] for g in games) != served["calls"]:
        raise SystemExit(f"the server answered {served['calls']} calls, the games made fewer")
    return {"games": games, "phases": phases(log)}


# -- the report ----------------------------------------------------------------------------


def scripted_rows(quick: bool) -> tuple[list[str], str]:
    """The scripted table's rows, and a line on what was (not) run."""
    import arena.tournament  # noqa: F401  (imports outside the timing)
    from arena.backends.local import default_workers

    runs = 1 if quick else RUNS
    spiel_games = SPIEL_GAMES // 10 if quick else SPIEL_GAMES
    bare_games = BARE_GAMES // 10 if quick else BARE_GAMES
    games = PER_TOURNAMENT // 10 if quick else PER_TOURNAMENT
    players = scripted_players()
    spiels: list[list[tuple[float, float]]] = [[] for _ in SPIEL_SETTINGS]
    bare, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):  # interleaved, so that a busy moment hits every side alike
            for k, (_, params) in enumerate(SPIEL_SETTINGS):
                spiels[k].append(time_openspiel(params, spiel_games))
            bare.append(time_bare_env(bare_games))
            if players:
                ours.append(time_arena(players, Path(tmp), run, games))

    def row(engine: str, who: str, stored: str, rate: float, moves: float, unit: float) -> str:
        cost = 1e6 / (rate * moves)
        return (
            f"| {engine} | {who} | {stored} | {rate:,.0f} | {moves:.1f} | {rate * moves:,.0f} "
            f"| {cost:.2f} | {cost / unit:.1f} |"
        )

    medians = [(median(r for r, _ in s), median(m for _, m in s)) for s in spiels]
    unit = 1e6 / (medians[-1][0] * medians[-1][1])  # the 8-player game's cost of a move
    rows = [
        row(
            f"OpenSpiel `social_deduction` ({label}), one process",
            "uniform random",
            "nothing",
            rate,
            moves,
            unit,
        )
        for (label, _), (rate, moves) in zip(SPIEL_SETTINGS, medians)
    ]
    rate, moves = median(r for r, _ in bare), median(m for _, m in bare)
    rows.append(
        row(
            f"arena `{GAME}` alone, one process",
            "uniform random legal moves",
            "nothing",
            rate,
            moves,
            unit,
        )
    )
    if not players:
        return rows, f"No scripted player of {', '.join(SCRIPTED)} plays social games yet."
    rate, moves = median(r for r, _, _ in ours), median(m for _, m, _ in ours)
    workers = ours[0][2] if ours else default_workers()
    who = " and ".join(f"`{p}`" for p in players)
    mix = "every mix over the 8 seats, " if len(players) > 1 else ""
    rows.append(
        row(
            f"arena `{GAME}`, tournament, {workers} workers",
            f"{who} ({mix}{games:,}+ games)",
            "every move, outcome and yardstick",
            rate,
            moves,
            unit,
        )
    )
    return rows, f"Scripted players: {', '.join(players)}."


def llm_lines(quick: bool) -> list[str]:
    seeds = LLM_SEEDS[:1] if quick else LLM_SEEDS
    with tempfile.TemporaryDirectory() as tmp:
        result = llm_games(Path(tmp), seeds)
    games = result["games"]
    workers = {g["live"][2] for g in games}
    lines = [
        f"{len(games)} game{'s' if len(games) > 1 else ''} of {LLM_PLAYERS} language models "
        "(provider `openai`, the real SDK, one endpoint), one after another, with Werewolf "
        "Arena's floor bidding and a run-off on a tie; the loopback server (its own process) "
        "answers each call after "
        f"{DELAY * 1000:.0f} ms with a legal move read off the prompt. The arena ran each with "
        f"{', '.join(map(str, sorted(workers)))} worker(s). *One at a time* is calls x delay: "
        "the wall time if no two calls overlapped. The replay plays the same games from the "
        "response cache with the server stopped: every step but the SDK's.",
        "",
        "| game (seed) | days | winner | calls | one at a time s | wall s "
        "| live CPU ms a call (SDK included) | replay wall s | replay CPU ms a call (the arena) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for g in games:
        (wall, cpu, _), (replay_wall, replay_cpu, _) = g["live"], g["replay"]
        lines.append(
            f"| {g['seed']} | {g['days']} | {g['winner']} | {g['calls']:,} "
            f"| {g['calls'] * DELAY:.2f} | {wall:.2f} | {1000 * cpu / g['calls']:.2f} "
            f"| {replay_wall:.2f} | {1000 * replay_cpu / g['calls']:.2f} |"
        )
    calls = sum(g["calls"] for g in games)
    total = [sum(g[run][k] for g in games) for run in ("live", "replay") for k in (0, 1)]
    lines += [
        f"| all | | | {calls:,} | {calls * DELAY:.2f} | {total[0]:.2f} "
        f"| {1000 * total[1] / calls:.2f} | {total[2]:.2f} | {1000 * total[3] / calls:.2f} |",
        "",
        "Calls by phase, as the server logged them (arrival and finish). A group is a run of "
        "calls of one kind, game and day in order of arrival: one night's targets, one turn's "
        "bids, one vote; with floor bidding every speech is a group of its own. *Most in "
        "flight beside* is the most calls in flight at any moment one of these calls was "
        "(1: it overlapped nothing). The span is a group's first arrival to its last finish, "
        f"in delays ({DELAY * 1000:.0f} ms): about 1 when its calls are made at once, its size "
        "when they are made one after another.",
        "",
        "| phase | calls | groups | calls a group | groups of 2+ all in flight at once "
        "| most in flight in a group | most in flight beside | median span (delays) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = ("wolf_chat", "night", "bid", "speech", "vote", "runoff")
    for kind, p in sorted(result["phases"].items(), key=lambda item: order.index(item[0])):
        together = f"{int(p['all_at_once'])} of {int(p['shared'])}" if p["shared"] else "-"
        lines.append(
            f"| {kind} | {int(p['calls'])} | {int(p['groups'])} | {p['size']:.1f} "
            f"| {together} | {int(p['most'])} | {int(p['beside'])} | {p['span']:.2f} |"
        )
    sealed = [p for k, p in result["phases"].items() if k in ("night", "bid", "vote", "runoff")]
    talk = [p for k, p in result["phases"].items() if k in ("speech", "wolf_chat")]
    at_once = all(p["all_at_once"] == p["shared"] for p in sealed)
    in_order = all(p["beside"] == 1 for p in talk)
    lines += [
        "",
        "Goal (issue 12): the sealed moves of a phase asked at once, speeches in order. "
        + ("Met" if at_once and in_order else "Not met")
        + ": sealed moves "
        + ("all at once in every group" if at_once else "not all at once")
        + "; speeches and the wolves' messages "
        + ("one at a time, overlapping nothing." if in_order else "overlapped other calls."),
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the games, 1 run; no file")
    args = parser.parse_args()
    rows, players = scripted_rows(args.quick)
    runs = 1 if args.quick else RUNS
    lines = [
        "# Werewolf: the arena beside OpenSpiel's `social_deduction`, and LLM calls by phase",
        "",
        f"Machine: {machine()}. open_spiel {version('open_spiel')}, openai {version('openai')}, "
        f"strategic-arena {version('strategic-arena')}. One run of "
        f"`benchmarks/bench_werewolf.py`.",
        "",
        "## Scripted games",
        "",
        f"Median of {runs} run{'s' if runs > 1 else ''} each, interleaved. {players} "
        "A move is a player's decision (OpenSpiel's chance nodes, which deal roles and "
        "signals, are not counted); the cost "
        "of a move is wall time over moves (in a tournament, across its workers), and its "
        "ratio is to OpenSpiel's 8-player game.",
        "",
        "| engine | players | stored | games/s | moves a game | moves/s | µs a move "
        "| cost a move, x OpenSpiel's |",
        "|---|---|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "The games differ: `social_deduction` gives each player one of a few discrete moves "
        "(accuse, claim, skip, vote) and a C++ state; Werewolf's moves are typed by phase "
        "(a free-text speech, a target, a bid) and every observation carries the player's "
        "whole visible log, as the text protocol needs it.",
        "",
        "## LLM games: concurrency and the arena's CPU per call",
        "",
        *llm_lines(args.quick),
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.quick:
        RESULTS.write_text(table, encoding="utf-8")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
