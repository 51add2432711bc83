"""The language model a judge asks (an LLM moderator or critic): the agents' spec and providers.

A judge's table in a tournament file takes the same keys as a language-model agent
(``provider``, ``model``, ``base_url``, ``api_key_env``, ``temperature``, ``max_tokens``, ...),
goes through the same providers and SDKs, shares their concurrency limits, and keeps its replies
in the same response cache, so a rerun replays its verdicts and feedback offline. A call that
fails after the SDK's retries is infrastructure, not a verdict: it raises ``EndpointError`` and
the match is void, as for an agent.
"""

from __future__ import annotations

from typing import Any

from arena.agents.llm.cache import cache_key
from arena.agents.llm.provider import (
    Completion,
    ProviderError,
    concurrency_limit,
    endpoint_url,
    has_answered,
    make_provider,
    note_answered,
)
from arena.agents.llm.spec import LLMSpec
from arena.errors import EndpointError
from arena.validation import validate_model


class JudgeModel:
    """``await model.ask(system, prompt)``: one reply, from the cache when it was asked before."""

    def __init__(self, role: str, **spec: Any) -> None:
        self.role = role
        self.spec = validate_model(LLMSpec, spec)
        self.spec.check_sdk()
        self.spec.api_key()
        self.cache: Any = None
        self._provider: Any = None
        self.calls: list[Completion] = []

    def use_cache(self, cache: Any) -> None:
        """Answer from (and keep replies in) ``cache``, a ``ResponseCache``."""
        self.cache = cache

    async def ask(self, system: str, prompt: str, draw: int = 0) -> str:
        """The model's reply to ``prompt`` (``draw`` tells apart calls that should differ)."""
        messages = [{"role": "user", "content": prompt}]
        key = None
        if self.cache is not None:
            request = {
                "judge": self.role,
                "base_url": self.spec.base_url,
                "system": system,
                "messages": messages,
                "temperature": self.spec.temperature,
                "max_tokens": self.spec.max_tokens,
                "draw": draw,
            }
            key = cache_key(self.spec.provider, self.spec.model, request)
            cached = await self.cache.lookup(key)
            if cached is not None:
                self.calls.append(cached)
                return cached.text
        if self._provider is None:
            self._provider = make_provider(self.spec)
        seed = draw if self.spec.seed else None
        try:
            async with concurrency_limit(self.spec):
                reply = await self._provider.complete(system, messages, seed=seed)
        except ProviderError as error:
            raise EndpointError(
                f"{self.role} ({self.spec.provider} model {self.spec.model!r} at "
                f"{endpoint_url(self.spec)}): {error}",
                permanent=error.permanent,
                answered=has_answered(self.spec),
            ) from None
        note_answered(self.spec)
        if self.cache is not None and key is not None:
            self.cache.put(key, self.spec.provider, self.spec.model, reply)
        self.calls.append(reply)
        return reply.text
