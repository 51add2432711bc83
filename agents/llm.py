"""A language model as a player of any registered game, through the game's text protocol.

Each match the agent reads the rules (and the feedback it was given after earlier matches),
then each turn sends the game's description of its observation and parses the reply with the
game's protocol. A reply that cannot be used (empty, refused, truncated, unparseable, illegal)
is answered with the reason and the legal options, up to ``move_retries`` times; then the game's
declared fallback move is played and the turn is marked ``forfeit``. Transport failures are
retried by the SDK alone; when its retries are spent the turn falls back at once.
"""

from __future__ import annotations

import re
import time
from typing import Any

from arena.agents.base import Agent, AgentInfo, MatchContext
from arena.agents.llm_provider import (
    Completion,
    Provider,
    ProviderError,
    concurrency_limit,
    make_provider,
)
from arena.agents.llm_spec import LLMSpec
from arena.errors import MoveError
from arena.llm_cache import cache_key
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
        self.spec.api_key()  # fail now, at configuration time, when the key is missing
        self._provider: Provider | None = None
        self._last: TurnInfo | None = None
        self.conversation: list[dict[str, str]] = []

    def protocol_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"shuffle": self.spec.shuffle_options}
        if self.spec.labels:
            options["labels"] = tuple(self.spec.labels)
        return options

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        if context.protocol is None:
            raise MoveError(f"{context.game_id} gives no text protocol for {context.agent_id}")
        self.protocol = context.protocol
        self.conversation = []
        self._step = 0
        parts = [self.spec.system_prompt or "", self.protocol.rules(context.agent_id)]
        if self.memory:
            notes = "\n\n".join(f'"""\n{note}\n"""' for note in self.memory)
            parts.append(f"Feedback you were given after earlier games:\n{notes}")
        self.system = "\n\n".join(part for part in parts if part)

    def pop_turn_info(self) -> TurnInfo | None:
        info, self._last = self._last, None
        return info

    def _seed(self, attempt: int) -> int | None:
        """A per-call sampling seed: same match seed, turn and attempt, same draw."""
        if not self.spec.seed:
            return None
        return derive_seed(self.context.seed, self._step, attempt) % _MAX_SEED

    async def _complete(self, messages: list[dict[str, str]], seed: int | None) -> Completion:
        """One reply: from the response cache when the same call was made before."""
        assert self._provider is not None
        cache = self.context.extra.get("cache")
        key = None
        if cache is not None:
            request = {
                "system": self.system,
                "messages": messages,
                "temperature": self.spec.temperature,
                "max_tokens": self.spec.max_tokens,
                "seed": seed,
            }
            key = cache_key(self.spec.provider, self.spec.model, request)
            cached = cache.get(key)
            if cached is not None:
                return cached
        async with concurrency_limit(self.spec):
            reply = await self._provider.complete(self.system, messages, seed=seed)
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
        replies: list[str] = []
        tokens_in = tokens_out = 0
        waited = 0.0
        action: Any = None
        for attempt in range(self.spec.move_retries + 1):
            started = time.perf_counter()
            try:
                reply = await self._complete(messages, self._seed(attempt))
            except ProviderError as error:
                faults.append(error.fault)
                waited += time.perf_counter() - started
                break  # the SDK has already retried the transport
            waited += time.perf_counter() - started
            tokens_in += reply.tokens_in
            tokens_out += reply.tokens_out
            replies.append(reply.text)
            try:
                if reply.refused:
                    raise MoveError("the reply was a refusal", fault="refusal")
                if not reply.text.strip():
                    raise MoveError("the reply was empty", fault="empty")
                action = self.protocol.parse(move_text(reply.text, self.spec.predict_first))
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
        final = replies[-1] if replies else ""
        self.conversation = [
            *self.conversation,
            {"role": "user", "content": question},
            {"role": "assistant", "content": final or "(no reply)"},
        ]
        self._last = TurnInfo(
            text="\n---\n".join(replies) if replies else None,
            latency=waited,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost=None,
            fault="+".join(faults) or None,
        )
        self._step += 1
        return action
