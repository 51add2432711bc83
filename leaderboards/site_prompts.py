"""The prompts of a stored match's LLM turns, rebuilt by replaying its stored moves.

The store keeps what a model replied (every attempt of a turn), never what it was asked: the
prompts follow from the game, the seed and the moves, so they are rebuilt here as the agent
built them (``arena.agents.llm.agent``). The game is made from the tournament's stored settings
and reset with the match's seed and options; each LLM seat gets the game's text protocol with
the options its spec sets (``shuffle_options``, ``labels``, ``protocol``) and its seat's seed;
then the stored moves are played in their order, and before each LLM turn the protocol
describes that seat's observation, as the agent's question was made. Its system prompt is the
spec's own, the protocol's rules and, in a feedback schedule, what the learner remembered
before the match (the stored memory). For each unusable reply of a turn the re-ask is rebuilt
too: the reason the game's parser gives for that attempt and the legal options.

A match that cannot be replayed (its game changed since, a move the game now refuses) has no
prompts, and says why: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arena.records import MatchRecord

# A prompt longer than this is cut on the page (a model's context held it; a page need not).
PROMPT_CHARS = 20_000
ATTEMPTS = "\n---\n"  # how the agent joins the replies of one turn's attempts


@dataclass(frozen=True)
class TurnPrompt:
    """What one LLM turn was asked: the question, and the re-ask after each unusable reply."""

    question: str
    reasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prompts:
    """A match's rebuilt prompts: each LLM seat's system prompt and each LLM turn's question,
    or why there are none (``problem``)."""

    systems: dict[int, str] = field(default_factory=dict)
    turns: dict[tuple[int, int], TurnPrompt] = field(default_factory=dict)
    problem: str | None = None


def llm_specs(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The stored specs of a tournament's language models, by display name."""
    from arena.registry import agent_class

    specs = {}
    for entry in config.get("agents", []):
        if not isinstance(entry, dict):
            continue
        try:
            uses_llm = agent_class(str(entry.get("name"))).info.uses_llm
        except Exception:  # an agent this arena no longer knows: not one to replay
            continue
        if uses_llm:
            specs[str(entry.get("display_name"))] = dict(entry.get("params") or {})
    return specs


def rebuild_prompts(
    record: MatchRecord,
    config: Mapping[str, Any],
    memory: Mapping[str, Any] | None = None,
    learner: int | None = None,
) -> Prompts:
    """The prompts of ``record``'s LLM turns (see the module docstring); ``memory`` is what
    the learner in seat ``learner`` remembered before the match, in a feedback schedule."""
    specs = llm_specs(config)
    seats = {seat: specs[agent] for seat, agent in enumerate(record.agents) if agent in specs}
    if not seats:
        return Prompts()
    try:
        return _replay(record, config, seats, memory if learner is not None else None, learner)
    except Exception as error:  # the game refuses the stored moves: say so, guess nothing
        return Prompts(problem=f"the match does not replay ({type(error).__name__}: {error})")


def _replay(
    record: MatchRecord,
    config: Mapping[str, Any],
    seats: Mapping[int, Mapping[str, Any]],
    memory: Mapping[str, Any] | None,
    learner: int | None,
) -> Prompts:
    from pettingzoo import AECEnv

    from arena.agents.llm.agent import PREDICT_FIRST, memory_sections
    from arena.agents.llm.spec import LLMSpec
    from arena.registry import make_game
    from arena.seeding import seat_seed

    settings = {k: v for k, v in dict(config.get("game") or {}).items() if k != "id"}
    options = {k: v for k, v in record.params.items() if k not in settings} or None
    env = make_game(record.game_id, **settings)
    ids = list(env.possible_agents)
    protocols: dict[int, Any] = {}
    specs: dict[int, LLMSpec] = {}
    systems: dict[int, str] = {}
    for seat, params in seats.items():
        spec = LLMSpec.model_validate(params)
        chosen: dict[str, Any] = {}
        if spec.shuffle_options:
            chosen["shuffle"] = True
        if spec.labels:
            chosen["labels"] = tuple(spec.labels)
        if spec.protocol:
            chosen["protocol"] = spec.protocol
        protocol = env.text_protocol(ids[seat], seed=seat_seed(record.seed, seat), **chosen)
        remembered: Mapping[str, Any] = {}
        if memory is not None and seat == learner:
            remembered = memory
        parts = [spec.system_prompt or "", protocol.rules(ids[seat])]
        parts += memory_sections(
            list(remembered.get("transcripts", [])),
            list(remembered.get("feedback", [])),
            spec.memory_tokens,
        )
        systems[seat] = _cut("\n\n".join(part for part in parts if part))
        protocols[seat], specs[seat] = protocol, spec

    turns: dict[tuple[int, int], TurnPrompt] = {}

    def ask(turn: Any, observation: Any) -> None:
        protocol, spec = protocols[turn.seat], specs[turn.seat]
        question = protocol.describe(observation)
        if spec.predict_first:
            question = f"{question}\n{PREDICT_FIRST}"
        reasks = _reasks(turn, protocol, spec, observation)
        turns[turn.step, turn.seat] = TurnPrompt(_cut(question), reasks)

    ordered = sorted(record.turns, key=lambda t: (t.step, t.seat))
    if isinstance(env, AECEnv):
        env.reset(seed=record.seed, options=options)
        pending = iter(ordered)
        for agent_id in env.agent_iter():
            observation, _, terminated, truncated, _ = env.last()
            if terminated or truncated:
                env.step(None)
                continue
            turn = next(pending, None)
            if turn is None or ids[turn.seat] != agent_id:
                raise ValueError(f"the game asks {agent_id} to move where the record has no turn")
            if turn.seat in protocols:
                ask(turn, observation)
            env.step(turn.action)
    else:
        observations, _ = env.reset(seed=record.seed, options=options)
        steps: dict[int, list[Any]] = {}
        for turn in ordered:
            steps.setdefault(turn.step, []).append(turn)
        for step in sorted(steps):
            for turn in steps[step]:
                if turn.seat in protocols:
                    ask(turn, observations[ids[turn.seat]])
            observations, *_ = env.step({ids[t.seat]: t.action for t in steps[step]})
    return Prompts(systems, turns)


def _reasks(turn: Any, protocol: Any, spec: Any, observation: Any) -> tuple[str, ...]:
    """The re-ask after each unusable attempt of ``turn``: its reason, and the legal options.

    The turn's faults name each failed attempt's class in order (transport faults, which the
    SDK retried within one attempt, are not attempts); the reason is the parser's for that
    attempt's text, as the agent told it, or the class's own sentence.
    """
    from arena.agents.llm.agent import constrained_move, move_text
    from arena.errors import MoveError

    classes = [f for f in (turn.fault or "").split("+") if f]
    failed = [f for f in classes if f in _MOVE_FAULTS]
    if not failed:
        return ()
    attempts = (turn.text or "").split(ATTEMPTS)
    legal = ", ".join(protocol.legal_moves(observation))
    reasks = []
    for k, fault in enumerate(failed):
        reason = _FAULT_REASONS.get(fault, fault)
        text = attempts[k] if k < len(attempts) else ""
        if fault not in ("refusal", "empty", "context_length") and text.strip():
            try:
                reply = constrained_move(text) if spec.constrained else text
                protocol.parse(move_text(reply, spec.predict_first), observation)
            except MoveError as error:
                reason = error.reason
            except Exception:  # the parser of today fails otherwise: keep the class's sentence
                pass
        if fault == "context_length":
            break  # the agent stops asking: the fallback move is played
        reasks.append(f"That reply cannot be used: {reason}. Legal options: {legal}. Reply again.")
    return tuple(reasks)


# The classes of an attempt that gave no usable move, and the agent's words for the simple ones.
_MOVE_FAULTS = frozenset(
    {"unparseable", "illegal", "empty", "refusal", "truncated", "context_length"}
)
_FAULT_REASONS = {
    "refusal": "the reply was a refusal",
    "empty": "the reply was empty",
    "truncated": "the reply was cut off at the token limit",
    "unparseable": "the reply names no move",
    "illegal": "the move is not legal now",
}


def _cut(text: str, most: int = PROMPT_CHARS) -> str:
    if len(text) <= most:
        return text
    return f"{text[:most]}\n[... {len(text) - most} more characters]"


def attempts(text: str | None) -> Sequence[str]:
    """A turn's stored replies, one an attempt (the agent joins them with a ``---`` line)."""
    return (text or "").split(ATTEMPTS) if text else ()
