"""Play one episode of any PettingZoo game (Parallel or AEC) with seated agents."""

from __future__ import annotations

import asyncio
import functools
import operator
import time
from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

from arena.agents.base import Agent, MatchContext, ScriptedAgent
from arena.errors import ConfigError
from arena.records import MatchRecord, Turn, TurnInfo
from arena.scoring import score_match
from arena.seeding import seat_seed


def _context(
    env: Any,
    agent: Agent,
    seat: int,
    opponents: tuple[str, ...],
    *,
    game_id: str,
    seed: int,
    extra: dict[str, Any] | None,
) -> MatchContext:
    """What ``agent`` is told when it takes ``seat``: its ids, seed and the game's protocol."""
    agent_id = env.possible_agents[seat]
    protocol = None
    if agent.info.uses_llm or agent.info.reads_text:
        options = {"seed": seat_seed(seed, seat), **agent.protocol_options()}
        protocol = env.text_protocol(agent_id, **options)
    extra = dict(extra or {})
    if hasattr(env, "public_info"):  # what every seat may know (item, currency), not the rules
        extra["public"] = env.public_info()
    return MatchContext(
        game_id=game_id,
        agent_id=agent_id,
        seat=seat,
        seed=seat_seed(seed, seat),
        opponents=opponents,
        protocol=protocol,
        extra=extra,
    )


def seat_agents(
    env: Any,
    agents: Sequence[Agent],
    *,
    game_id: str,
    seed: int,
    extra: dict[str, Any] | None = None,
) -> None:
    """Reset each agent for a new match in its seat, with its own derived seed."""
    ids = list(env.possible_agents)
    if len(agents) != len(ids):
        raise ConfigError(f"{game_id} seats {len(ids)} players, got {len(agents)} agents")
    names = [agent.name for agent in agents]
    for seat, agent in enumerate(agents):
        opponents = tuple(n for k, n in enumerate(names) if k != seat)
        agent.reset(_context(env, agent, seat, opponents, game_id=game_id, seed=seed, extra=extra))


def check_seat(env: Any, agent: Agent, seat: int, *, game_id: str) -> None:
    """Seat ``agent`` and, for a simultaneous game, ask it for a first move without playing it.

    What only a match would show otherwise (labels that do not fit the game's options, a
    strategy that plays an action the game lacks) becomes a ``ConfigError`` before anything is
    stored. Language models are only given their protocol: no call is made.
    """
    from pettingzoo import AECEnv

    agent.reset(_context(env, agent, seat, (), game_id=game_id, seed=0, extra=None))
    if isinstance(env, AECEnv) or not isinstance(agent, ScriptedAgent):
        return
    agent_id = env.possible_agents[seat]
    observations, _ = env.reset(seed=0)
    action = agent.decide(observations[agent_id])
    space = env.action_space(agent_id)
    if isinstance(action, bool) or not space.contains(action):
        raise ConfigError(
            f"in seat {agent_id} it plays {action!r}, which {game_id} does not allow "
            f"(actions: {space})"
        )


async def _all_moves(asks: list[Any]) -> list[Any]:
    """Every seat's move at once; when one ask fails, the others are cancelled, not orphaned."""
    tasks = [asyncio.ensure_future(ask) for ask in asks]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


_NO_INFO = (None,) * (len(Turn._fields) - 4)  # a scripted turn's text, latency, tokens, ...
_new_tuple = tuple.__new__


def _bulk_turns(moves: list[dict], paid: list[tuple]) -> list[Turn]:
    """The turns of steps at which every seat moved: each step's actions (dictionaries in
    seat order) and rewards (tuples in seat order).

    Built without a Python loop: the steps, seats, actions and rewards are zipped with the
    ``None`` fields of a scripted turn and each row becomes a ``Turn`` by ``tuple.__new__``.
    """
    steps, seats = _steps_and_seats(len(moves), len(paid[0]))
    actions = chain.from_iterable(map(dict.values, moves))
    rows = zip(steps, seats, actions, chain.from_iterable(paid), *[repeat(None)] * len(_NO_INFO))
    return list(map(_new_tuple, repeat(Turn), rows))


@functools.lru_cache(maxsize=64)
def _steps_and_seats(steps: int, seats: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Each turn's step and seat when every seat moves at each of ``steps`` steps."""
    return tuple(chain.from_iterable(zip(*[range(steps)] * seats))), tuple(range(seats)) * steps


def _play_scripted(
    env: Any, agents: Sequence[Agent], observations: dict, infos: dict
) -> tuple[list[Turn], dict]:
    """Scripted agents' episode: ``decide`` called directly, no event loop round trip.

    While every seat is in play the loop only asks for moves, steps the game and keeps each
    step's actions and rewards; the turns are made from them at the end. Steps at which some
    seats are out (a game that drops players) are recorded one by one.
    """
    ids = list(env.possible_agents)
    decides = [agent.decide for agent in agents]  # type: ignore[attr-defined]
    step_env = env.step
    moves: list[dict] = []
    paid: list[tuple] = []

    def rewards_of(rewards: dict) -> tuple:  # a seat the game gave no reward: None
        return tuple(rewards.get(a) for a in ids)

    pick = operator.itemgetter(*ids) if len(ids) > 1 else rewards_of
    if len(ids) == 2:  # two seats (every matrix game): the moves asked for without a loop
        (first, second), (decide_first, decide_second) = ids, decides
        while len(env.agents) == 2:
            actions = {
                first: decide_first(observations[first]),
                second: decide_second(observations[second]),
            }
            observations, rewards, _, _, infos = step_env(actions)
            moves.append(actions)
            try:
                paid.append(pick(rewards))
            except KeyError:
                paid.append(rewards_of(rewards))
    else:
        pairs = list(zip(ids, decides))
        while len(env.agents) == len(ids):
            actions = {a: decide(observations[a]) for a, decide in pairs}
            observations, rewards, _, _, infos = step_env(actions)
            moves.append(actions)
            try:
                paid.append(pick(rewards))
            except KeyError:
                paid.append(rewards_of(rewards))
    turns = _bulk_turns(moves, paid) if moves else []
    step = len(moves)
    seats = list(zip(ids, range(len(ids)), decides))
    while env.agents:
        live = [s for s in seats if s[0] in env.agents]
        actions = {a: decide(observations[a]) for a, _, decide in live}
        observations, rewards, _, _, infos = step_env(actions)
        turns += [
            _new_tuple(Turn, (step, seat, actions[a], rewards.get(a), *_NO_INFO))
            for a, seat, _ in live
        ]
        step += 1
    return turns, infos


async def _play_parallel(
    env: Any, agents: Sequence[Agent], seed: int, options: dict[str, Any] | None = None
) -> tuple[list[Turn], dict]:
    observations, infos = env.reset(seed=seed, options=options)
    if all(isinstance(agent, ScriptedAgent) for agent in agents):
        return _play_scripted(env, agents, observations, infos)
    seats = list(zip(env.possible_agents, range(len(agents)), agents))
    turns: list[Turn] = []
    step = 0
    while env.agents:
        live = [s for s in seats if s[0] in env.agents] if len(env.agents) < len(seats) else seats
        moves = await _all_moves([agent.act(observations[a]) for a, _, agent in live])
        actions = {a: move for (a, _, _), move in zip(live, moves)}
        observations, rewards, _, _, infos = env.step(actions)
        for a, seat, agent in live:
            info = agent.pop_turn_info() or ()
            turns.append(Turn(step, seat, actions[a], rewards.get(a), *info))
        step += 1
    return turns, infos


async def _moderated(
    env: Any, agent: Agent, agent_id: str, action: Any, moderator: Any
) -> tuple[Any, dict[str, Any] | None]:
    """A free-text move with the moderator's verdict folded in (the game's protocol says how).

    Only seats whose protocol declares itself ``moderated`` (free talk, where the reply is the
    message and closes nothing by itself) are moderated; the verdict is returned for the record.
    """
    context = getattr(agent, "context", None)
    protocol = context.protocol if context is not None else None
    if protocol is None or not getattr(protocol, "moderated", False):
        return action, None
    if moderator is None:
        from arena.judges.rule_moderator import RuleModerator

        moderator = RuleModerator()
    dialogue = [*env.dialogue(), (agent_id, action["message"])]
    verdict = await moderator.moderate(dialogue, protocol.currency)
    return protocol.settle(action, verdict), verdict.as_dict()


async def _play_aec(
    env: Any,
    agents: Sequence[Agent],
    seed: int,
    moderator: Any = None,
    options: dict[str, Any] | None = None,
) -> tuple[list[Turn], dict]:
    env.reset(seed=seed, options=options)
    seat_of = {agent_id: seat for seat, agent_id in enumerate(env.possible_agents)}
    by_id = dict(zip(env.possible_agents, agents))
    turns: list[Turn] = []
    infos: dict[str, dict] = {}
    step = 0
    sealed = getattr(env, "simultaneous", None)
    for agent_id in env.agent_iter():
        observation, _, terminated, truncated, info = env.last()
        infos[agent_id] = info
        if terminated or truncated:
            env.step(None)
            continue
        agent = by_id[agent_id]
        together: list[str] = sealed() if sealed is not None else []
        if len(together) > 1 and not all(isinstance(by_id[a], ScriptedAgent) for a in together):
            step = await _sealed_moves(env, [by_id[a] for a in together], together, turns, step)
            continue
        verdict = None
        if isinstance(agent, ScriptedAgent):
            action = agent.decide(observation)
        else:
            action = await agent.act(observation)
            action, verdict = await _moderated(env, agent, agent_id, action, moderator)
        env.step(action)
        info = agent.pop_turn_info() or ()
        reward = env.rewards.get(agent_id)
        if verdict is None:
            turns.append(Turn(step, seat_of[agent_id], action, reward, *info))
        else:
            details = TurnInfo(*info)
            turns.append(Turn(step, seat_of[agent_id], action, reward, *details, verdict=verdict))
        step += 1
    return turns, infos


async def _sealed_moves(
    env: Any, agents: list[Agent], agent_ids: list[str], turns: list[Turn], step: int
) -> int:
    """The moves of players whose moves are sealed together (a vote, say), asked for at once.

    The game vouches (``simultaneous``) that none of their observations changes until the
    last move is in, so asking them concurrently is asking them in turn; the moves are then
    played in the game's order. Returns the next step number.
    """
    seat_of = {agent_id: seat for seat, agent_id in enumerate(env.possible_agents)}
    observations = [env.observe(agent_id) for agent_id in agent_ids]
    moves = await _all_moves([agent.act(obs) for agent, obs in zip(agents, observations)])
    for agent, agent_id, action in zip(agents, agent_ids, moves):
        if env.agent_selection != agent_id:  # the game broke its word: a bug, not a move
            raise RuntimeError(
                f"sealed moves out of order: {agent_id} before {env.agent_selection}"
            )
        env.step(action)
        info = agent.pop_turn_info() or ()
        turns.append(Turn(step, seat_of[agent_id], action, env.rewards.get(agent_id), *info))
        step += 1
    return step


def _totals(env: Any, turns: list[Turn], infos: dict[str, dict]) -> tuple[float, ...]:
    """Each seat's total: the game's own ``payoffs`` report, else the sum of rewards."""
    for info in infos.values():
        if "payoffs" in info:
            return tuple(float(info["payoffs"][a]) for a in env.possible_agents)
    totals = [0.0] * len(env.possible_agents)
    for turn in turns:
        totals[turn.seat] += turn.reward or 0.0
    return tuple(totals)


async def run_match(
    env: Any,
    agents: Sequence[Agent],
    *,
    game_id: str,
    seed: int,
    params: dict[str, Any] | None = None,
    match_index: int | None = None,
    extra: dict[str, Any] | None = None,
    moderator: Any = None,
    options: dict[str, Any] | None = None,
) -> MatchRecord:
    """Play one episode of ``env`` with ``agents`` in seat order and return its record.

    ``extra`` reaches every agent in its ``MatchContext`` (the LLM response cache, say).
    ``moderator`` decides deals in free-text negotiations (default: the rule moderator).
    ``options`` go to the game's ``reset`` (a schedule's fixed roles); they are game
    parameters too, so the record's ``params`` hold them and replay the match alone.
    """
    from pettingzoo import AECEnv

    started = time.perf_counter()
    seat_agents(env, agents, game_id=game_id, seed=seed, extra=extra)
    if isinstance(env, AECEnv):
        turns, infos = await _play_aec(env, agents, seed, moderator, options)
    else:
        turns, infos = await _play_parallel(env, agents, seed, options)
    outcome = env.outcome() if hasattr(env, "outcome") else {}
    metrics = env.metrics() if hasattr(env, "metrics") else {}
    metrics = score_match(env, agents, metrics)
    return MatchRecord(
        game_id=game_id,
        params={**(params or {}), **(options or {})},
        seed=seed,
        agents=tuple(agent.name for agent in agents),
        payoffs=_totals(env, turns, infos),
        turns=turns,
        steps=(turns[-1].step + 1) if turns else 0,
        match_index=match_index,
        duration=time.perf_counter() - started,
        outcome=outcome,
        metrics=metrics,
    )


def play_match(
    game_id: str,
    agents: Sequence[str | Agent],
    seed: int = 0,
    api: str | None = None,
    **params: Any,
) -> MatchRecord:
    """Play one match of a registered game between registered agents (or agent objects).

    >>> game = "matrix/prisoners-dilemma-v0"
    >>> record = play_match(game, ["tit-for-tat", "always-defect"], rounds=3)
    >>> record.payoffs
    (2.0, 7.0)
    """
    from arena.registry import make_agent, make_game

    env = make_game(game_id, api=api, **params)
    seated = [a if isinstance(a, Agent) else make_agent(a) for a in agents]
    played: list[MatchRecord] = []

    async def play() -> None:  # the record is not the main task's result: see FixturePlayer.play
        played.append(await run_match(env, seated, game_id=game_id, seed=seed, params=params))

    asyncio.run(play())
    return played[0]
