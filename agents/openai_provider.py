"""OpenAI chat completions (and any OpenAI-compatible server) through the official async SDK.

The SDK owns transport retries and backoff (``max_retries`` and ``timeout`` from the spec);
this adapter only maps its replies and errors onto ``Completion`` and ``ProviderError``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from arena.agents.llm_provider import Completion, ProviderError
from arena.agents.llm_spec import LLMSpec


class OpenAIProvider:
    """Calls ``chat.completions.create`` on api.openai.com or the spec's ``base_url``."""

    def __init__(self, spec: LLMSpec) -> None:
        self.spec = spec
        self._api_key = spec.api_key()
        self._clients: dict[int, Any] = {}

    def _client(self) -> Any:
        import openai

        loop = id(asyncio.get_running_loop())  # an httpx pool belongs to one event loop
        if loop not in self._clients:
            self._clients[loop] = openai.AsyncOpenAI(
                api_key=self._api_key,
                base_url=self.spec.base_url,
                timeout=self.spec.timeout,
                max_retries=self.spec.max_retries,
            )
        return self._clients[loop]

    async def complete(
        self, system: str, messages: list[dict[str, str]], *, seed: int | None
    ) -> Completion:
        import openai

        options: dict[str, Any] = {}
        if self.spec.temperature is not None:
            options["temperature"] = self.spec.temperature
        if seed is not None:
            options["seed"] = seed
        # OpenAI's own models take max_completion_tokens; compatible servers take max_tokens.
        limit = "max_completion_tokens" if self.spec.provider == "openai" else "max_tokens"
        options[limit] = self.spec.max_tokens
        try:
            reply = await self._client().chat.completions.create(
                model=self.spec.model,
                messages=[{"role": "system", "content": system}, *messages],
                **options,
            )
        except openai.APITimeoutError as error:
            raise ProviderError("timeout", f"timed out after {self.spec.timeout:g} s") from error
        except openai.APIStatusError as error:
            raise ProviderError("transport", f"HTTP {error.status_code}") from error
        except openai.APIError as error:
            raise ProviderError("transport", type(error).__name__) from error
        except ValueError as error:  # a body that is not JSON
            raise ProviderError("transport", f"malformed response ({error})") from error
        choice = reply.choices[0]
        usage = reply.usage
        refusal = getattr(choice.message, "refusal", None)
        return Completion(
            text=choice.message.content or "",
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            truncated=choice.finish_reason == "length",
            refused=bool(refusal) or choice.finish_reason == "content_filter",
        )
