"""OpenAI chat completions (and any OpenAI-compatible server) through the official async SDK.

The SDK owns transport retries and backoff (``max_retries`` and ``timeout`` from the spec);
this adapter maps its replies and errors onto ``Completion`` and ``ProviderError`` and reports
each attempt the SDK made (see ``arena.agents.llm.http_transport``).
"""

from __future__ import annotations

from typing import Any

from arena.agents.llm.http_transport import recording_http_client
from arena.agents.llm.provider import (
    Completion,
    ProviderError,
    attempt_faults,
    sdk_call,
    shared_client,
)
from arena.agents.llm.spec import LLMSpec


class OpenAIProvider:
    """Calls the chat completions API on api.openai.com or the spec's ``base_url``."""

    def __init__(self, spec: LLMSpec, base_url: str | None = None) -> None:
        self.spec = spec
        self.base_url = base_url or spec.base_url  # a local server's, found at run time
        self._api_key = spec.api_key()
        self.extra_body: dict[str, Any] = {}  # fields only some servers take

    def _client(self) -> Any:
        import openai

        return shared_client(
            self.spec,
            lambda: openai.AsyncOpenAI(
                api_key=self._api_key,
                base_url=self.base_url,
                timeout=self.spec.timeout,
                max_retries=self.spec.max_retries,
                http_client=recording_http_client(
                    openai.DefaultAsyncHttpxClient, max(self.spec.concurrency, 16)
                ),
            ),
        )

    def _options(self, seed: int | None) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.spec.temperature is not None:
            options["temperature"] = self.spec.temperature
        if seed is not None:
            options["seed"] = seed
        # OpenAI's own models take max_completion_tokens; compatible servers take max_tokens.
        limit = "max_completion_tokens" if self.spec.provider == "openai" else "max_tokens"
        options[limit] = self.spec.max_tokens
        return options

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        seed: int | None,
        schema: dict[str, Any] | None = None,
    ) -> Completion:
        import openai
        from openai.types.chat import ChatCompletion

        body = {
            "model": self.spec.model,
            "messages": [{"role": "system", "content": system}, *messages],
            **self._options(seed),
            **self.extra_body,
        }
        if schema is not None:  # constrained decoding: only a legal reply can be sampled
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "move", "schema": schema, "strict": True},
            }
        client = self._client()
        with sdk_call(openai, self.spec.timeout) as attempts:
            # The client's own POST: its retries, timeouts, errors and typed reply, without
            # chat.completions.create's walk of every message through the parameter types,
            # which costs milliseconds a call on a long conversation of plain strings.
            reply = await client.post("/chat/completions", cast_to=ChatCompletion, body=body)
        if not reply.choices:
            raise ProviderError(
                "transport", "a reply with no choices", attempt_faults(attempts, "transport")
            )
        choice = reply.choices[0]
        usage = reply.usage
        details = getattr(usage, "prompt_tokens_details", None)
        refusal = getattr(choice.message, "refusal", None)
        return Completion(
            text=choice.message.content or "",
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            tokens_cached=(getattr(details, "cached_tokens", None) or 0) if details else 0,
            truncated=choice.finish_reason == "length",
            refused=bool(refusal) or choice.finish_reason == "content_filter",
            faults=attempt_faults(attempts),
        )
