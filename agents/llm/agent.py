"""A language model as a player of any registered game, through the game's text protocol.

Each match the agent reads the rules and what it remembers of earlier matches (their
transcripts and the feedback it was given, newest first within a token budget), then each turn
sends the game's description of its observation and parses the reply with the game's protocol.
A reply that cannot be used (empty, refused, truncated, unparseable, illegal) is answered with
the reason and the legal options, up to ``move_retries`` times; then the game's declared
fallback move is played and the turn is marked ``forfeit``. Transport failures are retried by
the SDK alone (each failed attempt is still recorded as a fault); a call that fails after its
retries is not a move: it raises ``EndpointError`` naming the agent, the endpoint and what the
provider said, and the runner stores the match as void and plays it again later.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from arena.agents.base import Agent, AgentInfo, MatchContext
from arena.agents.llm.cache import cache_key
from arena.agents.llm.provider import (
    Completion,
    Provider,
    ProviderError,
    concurrency_limit,
    endpoint_url,
    has_answered,
    make_provider,
    note_answered,
)
from arena.agents.llm.spec import LLMSpec
from arena.errors import ConfigError, EndpointError, MoveError
from arena.records import TurnInfo
from arena.seeding import derive_seed

PREDICT_FIRST = (
    "Before you answer, predict the other player's choice this round. Reply in two lines:\n"
    "Prediction: <the option you expect the other player to choose>\n"
    "Answer: <the option you choose>"
)
_ANSWER = re.compile(r"answer\s*[:\-]\s*(.*)", re.IGNORECASE | re.DOTALL)
_MAX_SEED = 2**31 - 1


def move_text(reply: str, predict_first: bool) -> str:
    """The part of a reply that names the move: after the last 'Answer:' when predicting."""
    if not predict_first:
        return reply
    answers = _ANSWER.findall(reply)
    if not answers:
        raise MoveError("the reply has no 'Answer:' line; " + PREDICT_FIRST.splitlines()[-1])
    return str(answers[-1])


def constrained_move(reply: str) -> str:
    """The ``move`` of a constrained reply (``{"move": "Option J"}``)."""
    try:
        data = json.loads(reply)
    except ValueError:
        asked = 'the reply is not the JSON object {"move": ...} that was asked for'
        raise MoveError(asked) from None
    move = data.get("move") if isinstance(data, dict) else None
    if not isinstance(move, str):
        raise MoveError('the reply has no "move" string')
    return move


def approximate_tokens(text: str) -> int:
    """A provider-neutral token estimate (about four characters a token in English)."""
    return len(text) // 4 + 1


def transcript(conversation: list[dict[str, str]]) -> str:
    """A finished match's conversation as text to remember."""
    speaker = {"user": "Game", "assistant": "You"}
    return "\n".join(f"{speaker[m['role']]}: {m['content']}" for m in conversation)


def memory_sections(transcripts: list[str], feedback: list[str], budget: int) -> list[str]:
    """Earlier games and the feedback on them, newest first until ``budget`` tokens are spent.

    Feedback is short and was written to be kept, so it is taken before transcripts. Each
    kept item is quoted as data, in the order it came.
    """
    sections = []
    for title, items in (
        ("Feedback you were given after earlier games", feedback),
        ("Transcripts of your earlier games", transcripts),
    ):
        kept: list[str] = []
        for item in reversed(items):
            cost = approximate_tokens(item)
            if cost > budget:
                break
            budget -= cost
            kept.append(f'"""\n{item}\n"""')
        if kept:
            sections.append(f"{title}:\n" + "\n\n".join(reversed(kept)))
    return sections


class LLMAgent(Agent):
    """Plays with a model behind the OpenAI or Anthropic API (or any OpenAI-compatible one)."""

    info = AgentInfo(
        stochastic=True,
        memory_depth=float("inf"),
        families=("*",),
        uses_llm=True,
        needs_network=True,
        source="the model named in its spec",
    )
    Params = LLMSpec

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name, **params)
        self.spec: LLMSpec = self.params  # type: ignore[assignment]
        self.spec.check_sdk()  # fail now, at configuration time, when the SDK is missing
        self.spec.api_key()  # or the key
        self._provider: Provider | None = None
        self._last: TurnInfo | None = None
        self.conversation: list[dict[str, str]] = []
        self.transcripts: list[str] = []

    def protocol_options(self) -> dict[str, Any]:
        # Only what the spec sets: a game whose protocol has no such option says so.
        options: dict[str, Any] = {}
        if self.spec.shuffle_options:
            options["shuffle"] = True
        if self.spec.labels:
            options["labels"] = tuple(self.spec.labels)
        if self.spec.protocol:
            options["protocol"] = self.spec.protocol
        return options

    def reset(self, context: MatchContext) -> None:
        """Start a match: rules, then what is remembered of earlier ones, in the system prompt.

        The conversation of the match before (if this object played one) becomes a transcript
        in memory. Tournaments seat a fresh agent in every match, so matches stay independent
        and replayable; a protocol that wants players to learn across games (a critic loop)
        seats the same object again.
        """
        super().reset(context)
        if context.protocol is None:
            raise MoveError(f"{context.game_id} gives no text protocol for {context.agent_id}")
        if self.conversation:
            self.transcripts.append(transcript(self.conversation))
        self.protocol = context.protocol
        if self.spec.constrained and not hasattr(self.protocol, "schema"):
            raise ConfigError(
                f"constrained: {context.game_id} gives no schema of a legal reply to constrain to"
            )
        self.conversation = []
        self._step = 0
        parts = [self.spec.system_prompt or "", self.protocol.rules(context.agent_id)]
        parts.extend(memory_sections(self.transcripts, self.memory, self.spec.memory_tokens))
        self.system = "\n\n".join(part for part in parts if part)

    def memory_snapshot(self) -> dict[str, Any]:
        """Earlier games' transcripts (the last one included) and the feedback kept."""
        transcripts = list(self.transcripts)
        if self.conversation:
            transcripts.append(transcript(self.conversation))
        return {"feedback": list(self.memory), "transcripts": transcripts}

    def load_memory(self, snapshot: dict[str, Any]) -> None:
        super().load_memory(snapshot)
        self.transcripts = list(snapshot.get("transcripts", []))
        self.conversation = []

    def pop_turn_info(self) -> TurnInfo | None:
        info, self._last = self._last, None
        return info

    def _draw(self, attempt: int) -> int:
        """This call's draw: the same match seed, turn and attempt give the same draw.

        It is sent as the sampling seed where the provider takes one (and the spec allows),
        and it is always part of the cache key, so identical prompts in different matches or
        turns are different draws, as they would be from a sampling model.
        """
        return derive_seed(self.context.seed, self._step, attempt) % _MAX_SEED

    async def _complete(
        self, messages: list[dict[str, str]], draw: int, schema: dict[str, Any] | None = None
    ) -> Completion:
        """One reply: from the response cache when the same call was made before."""
        assert self._provider is not None
        cache = self.context.extra.get("cache")
        key = None
        if cache is not None:
            request = {
                "base_url": self.spec.base_url,
                "system": self.system,
                "messages": messages,
                "temperature": self.spec.temperature,
                "max_tokens": self.spec.max_tokens,
                "draw": draw,
            }
            if schema is not None:  # a constrained call is another call
                request["schema"] = schema
            key = cache_key(self.spec.provider, self.spec.model, request)
            cached = await cache.lookup(key)
            if cached is not None:
                note_answered(self.spec)  # it did answer this call, when it was first made
                return cached
        seed = draw if self.spec.seed else None
        async with concurrency_limit(self.spec):
            if schema is None:
                reply = await self._provider.complete(self.system, messages, seed=seed)
            else:
                reply = await self._provider.complete(
                    self.system, messages, seed=seed, schema=schema
                )
        note_answered(self.spec)
        if cache is not None and key is not None:
            cache.put(key, self.spec.provider, self.spec.model, reply)
        return reply

    async def act(self, observation: Any) -> Any:
        if self._provider is None:
            self._provider = make_provider(self.spec)
        question = self.protocol.describe(observation)
        if self.spec.predict_first:
            question = f"{question}\n{PREDICT_FIRST}"
        messages = [*self.conversation, {"role": "user", "content": question}]
        faults: list[str] = []
        problems: list[str] = []  # what a provider said when it gave no reply
        replies: list[Completion] = []
        schema = self.protocol.schema(observation) if self.spec.constrained else None
        waited = 0.0
        action: Any = None
        for attempt in range(self.spec.move_retries + 1):
            started = time.perf_counter()
            try:
                reply = await self._complete(messages, self._draw(attempt), schema)
            except ProviderError as error:  # the SDK has already retried the transport
                if error.fault == "context_length":  # the agent's configuration: its turn
                    faults.extend(error.faults)
                    waited += time.perf_counter() - started
                    problems.append(f"[context_length] {error}")
                    break
                raise EndpointError(
                    f"agent {self.name!r} ({self.spec.provider} model {self.spec.model!r} at "
                    f"{endpoint_url(self.spec)}): {error}",
                    permanent=error.permanent,
                    answered=has_answered(self.spec),
                ) from None
            waited += time.perf_counter() - started
            faults.extend(reply.faults)
            replies.append(reply)
            try:
                action = self._parse(reply, observation)
                break
            except MoveError as error:
                faults.append("truncated" if reply.truncated else error.fault)
                legal = ", ".join(self.protocol.legal_moves(observation))
                messages = [
                    *messages,
                    {"role": "assistant", "content": reply.text or "(empty)"},
                    {
                        "role": "user",
                        "content": f"That reply cannot be used: {error.reason}. "
                        f"Legal options: {legal}. Reply again.",
                    },
                ]
        if action is None:
            action = self.protocol.fallback(observation)
            faults.append("forfeit")
        final = replies[-1].text if replies else ""
        self.conversation = [
            *self.conversation,
            {"role": "user", "content": question},
            {"role": "assistant", "content": final or "(no reply)"},
        ]
        self._last = self._turn_info(replies, waited, faults, problems)
        self._step += 1
        return action

    def _parse(self, reply: Completion, observation: Any) -> Any:
        """The move a reply names, or ``MoveError`` saying why there is none."""
        if reply.refused:
            raise MoveError("the reply was a refusal", fault="refusal")
        if not reply.text.strip():
            raise MoveError("the reply was empty", fault="empty")
        text = reply.text
        if self.spec.constrained:
            text = constrained_move(text)
        return self.protocol.parse(move_text(text, self.spec.predict_first), observation)

    def _turn_info(
        self, replies: list[Completion], waited: float, faults: list[str], problems: list[str]
    ) -> TurnInfo:
        """What this turn cost and went through, for the match record."""
        from arena.agents.llm.pricing import default_prices

        tokens_in = sum(r.tokens_in for r in replies)
        tokens_out = sum(r.tokens_out for r in replies)
        tokens_cached = min(sum(r.tokens_cached for r in replies), tokens_in)  # servers err
        paid = [r for r in replies if not r.from_cache]  # a replay from the cache costs nothing
        paid_in = sum(r.tokens_in for r in paid)
        cost = default_prices().cost(
            self.spec.provider,
            self.spec.model,
            paid_in,
            sum(r.tokens_out for r in paid),
            min(sum(r.tokens_cached for r in paid), paid_in),
        )
        return TurnInfo(
            text="\n---\n".join([*(r.text for r in replies), *problems]) or None,
            latency=waited,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost=cost,
            fault="+".join(faults) or None,
            tokens_cached=tokens_cached,
        )
