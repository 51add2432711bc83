"""What every provider adapter returns and raises, so the agent treats them all alike."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from arena.agents.llm_spec import LLMSpec


@dataclass(frozen=True)
class Completion:
    """One model reply."""

    text: str
    tokens_in: int
    tokens_out: int
    truncated: bool = False  # stopped at the token limit
    refused: bool = False  # the provider or model declined to answer


class ProviderError(Exception):
    """A call that produced no reply; ``fault`` is ``timeout`` or ``transport``."""

    def __init__(self, fault: str, message: str) -> None:
        super().__init__(message)
        self.fault = fault


class Provider(Protocol):
    """One endpoint of one provider."""

    async def complete(
        self, system: str, messages: list[dict[str, str]], *, seed: int | None
    ) -> Completion: ...


_LIMITS: dict[tuple[int, str, str], asyncio.Semaphore] = {}


def concurrency_limit(spec: LLMSpec) -> asyncio.Semaphore:
    """The semaphore shared by every agent calling the same endpoint from this event loop."""
    key = (id(asyncio.get_running_loop()), spec.provider, spec.base_url or "")
    if key not in _LIMITS:
        _LIMITS[key] = asyncio.Semaphore(spec.concurrency)
    return _LIMITS[key]


def make_provider(spec: LLMSpec) -> Provider:
    """The adapter for ``spec.provider`` (imports its SDK only now)."""
    if spec.provider == "anthropic":
        from arena.agents.anthropic_provider import AnthropicProvider

        return AnthropicProvider(spec)
    from arena.agents.openai_provider import OpenAIProvider

    return OpenAIProvider(spec)
