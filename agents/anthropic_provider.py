"""Anthropic messages through the official async SDK.

The SDK owns transport retries and backoff (``max_retries`` and ``timeout`` from the spec);
this adapter only maps its replies and errors onto ``Completion`` and ``ProviderError``.
Anthropic takes no sampling seed, so none is sent.
"""

from __future__ import annotations

import asyncio
from typing import Any

from arena.agents.llm_provider import Completion, ProviderError
from arena.agents.llm_spec import LLMSpec


class AnthropicProvider:
    """Calls ``messages.create`` on api.anthropic.com or the spec's ``base_url``."""

    def __init__(self, spec: LLMSpec) -> None:
        self.spec = spec
        self._api_key = spec.api_key()
        self._clients: dict[int, Any] = {}

    def _client(self) -> Any:
        import anthropic

        loop = id(asyncio.get_running_loop())  # an httpx pool belongs to one event loop
        if loop not in self._clients:
            self._clients[loop] = anthropic.AsyncAnthropic(
                api_key=self._api_key,
                base_url=self.spec.base_url,
                timeout=self.spec.timeout,
                max_retries=self.spec.max_retries,
            )
        return self._clients[loop]

    async def complete(
        self, system: str, messages: list[dict[str, str]], *, seed: int | None
    ) -> Completion:
        import anthropic

        options: dict[str, Any] = {}
        if self.spec.temperature is not None:
            options["temperature"] = min(self.spec.temperature, 1.0)  # Anthropic's range is 0-1
        try:
            reply = await self._client().messages.create(
                model=self.spec.model,
                system=system,
                messages=messages,
                max_tokens=self.spec.max_tokens,
                **options,
            )
        except anthropic.APITimeoutError as error:
            raise ProviderError("timeout", f"timed out after {self.spec.timeout:g} s") from error
        except anthropic.APIStatusError as error:
            raise ProviderError("transport", f"HTTP {error.status_code}") from error
        except anthropic.APIError as error:
            raise ProviderError("transport", type(error).__name__) from error
        except ValueError as error:  # a body that is not JSON
            raise ProviderError("transport", f"malformed response ({error})") from error
        text = "".join(getattr(block, "text", "") for block in reply.content)
        return Completion(
            text=text,
            tokens_in=reply.usage.input_tokens,
            tokens_out=reply.usage.output_tokens,
            truncated=reply.stop_reason == "max_tokens",
            refused=reply.stop_reason == "refusal",
        )
