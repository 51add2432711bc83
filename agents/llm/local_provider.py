"""A model on this machine, through llama.cpp's OpenAI-compatible server and the openai SDK.

The ``local`` provider needs no key and no network. Its server (``arena.agents.llm.local_server``)
starts when the first call needs it, and the calls then go through the same adapter as any
OpenAI-compatible endpoint, so faults, the response cache, token counts and the concurrency
limit are the same code. Each request asks llama.cpp not to reuse its prompt cache: with it on,
the first reply to a prompt could differ from later identical ones, and the same seed must give
the same reply.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from arena.agents.llm.local_model import model_path
from arena.agents.llm.local_server import ServerSettings, server_for
from arena.agents.llm.openai_provider import OpenAIProvider
from arena.agents.llm.provider import Completion
from arena.agents.llm.spec import LLMSpec


def settings_of(spec: LLMSpec) -> ServerSettings:
    """The server a spec needs: its model file, threads (default: the cores), slots, context."""
    threads = spec.threads or max(1, len(os.sched_getaffinity(0)))
    return ServerSettings(model_path(spec.model), threads, spec.slots, spec.context)


class LocalProvider:
    """Starts (once per process) and calls the local model's server."""

    def __init__(self, spec: LLMSpec) -> None:
        self.spec = spec
        self._inner: OpenAIProvider | None = None
        self._starting = asyncio.Lock()

    async def _provider(self) -> OpenAIProvider:
        async with self._starting:
            if self._inner is None:
                server = await asyncio.to_thread(server_for, settings_of(self.spec))
                self._inner = OpenAIProvider(self.spec, base_url=server.base_url)
                self._inner.extra_body = {"cache_prompt": False}
        return self._inner

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        seed: int | None,
        schema: dict[str, Any] | None = None,
    ) -> Completion:
        provider = await self._provider()
        return await provider.complete(system, messages, seed=seed, schema=schema)
