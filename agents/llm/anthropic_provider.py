"""Anthropic messages through the official async SDK.

The SDK owns transport retries and backoff (``max_retries`` and ``timeout`` from the spec);
this adapter maps its replies and errors onto ``Completion`` and ``ProviderError`` and reports
each attempt the SDK made (see ``arena.agents.llm.http_transport``). Anthropic takes no
sampling seed, so none is sent.
"""

from __future__ import annotations

from typing import Any

from arena.agents.llm.http_transport import recording_http_client
from arena.agents.llm.provider import (
    Completion,
    attempt_faults,
    sdk_call,
    shared_client,
)
from arena.agents.llm.spec import LLMSpec


class AnthropicProvider:
    """Calls the messages API on api.anthropic.com or the spec's ``base_url``."""

    def __init__(self, spec: LLMSpec) -> None:
        self.spec = spec
        self._api_key = spec.api_key()

    def _client(self) -> Any:
        import anthropic

        return shared_client(
            self.spec,
            lambda: anthropic.AsyncAnthropic(
                api_key=self._api_key,
                base_url=self.spec.base_url,
                timeout=self.spec.timeout,
                max_retries=self.spec.max_retries,
                http_client=recording_http_client(
                    anthropic.DefaultAsyncHttpxClient, max(self.spec.concurrency, 16)
                ),
            ),
        )

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        seed: int | None,
        schema: dict[str, Any] | None = None,  # refused by the spec: no constrained replies
    ) -> Completion:
        import anthropic
        from anthropic.types import Message

        body: dict[str, Any] = {
            "model": self.spec.model,
            "system": system,
            "messages": messages,
            "max_tokens": self.spec.max_tokens,
        }
        if self.spec.temperature is not None:
            # SDK 1.0 dropped sampling parameters from create()'s signature; the API still
            # takes them for the models that sample. Anthropic's range is 0 to 1.
            body["temperature"] = min(self.spec.temperature, 1.0)
        client = self._client()
        with sdk_call(anthropic, self.spec.timeout) as attempts:
            # The client's own POST: its retries, timeouts, errors and typed reply, without
            # messages.create's walk of every message through the parameter types.
            reply = await client.post("/v1/messages", cast_to=Message, body=body)
        text = "".join(getattr(block, "text", "") for block in reply.content)
        usage = reply.usage
        cached = getattr(usage, "cache_read_input_tokens", None) or 0
        written = getattr(usage, "cache_creation_input_tokens", None) or 0
        return Completion(
            text=text,
            tokens_in=usage.input_tokens + cached + written,  # Anthropic counts them apart
            tokens_out=usage.output_tokens,
            tokens_cached=cached,
            truncated=reply.stop_reason == "max_tokens",
            refused=reply.stop_reason == "refusal",
            faults=attempt_faults(attempts),
        )
