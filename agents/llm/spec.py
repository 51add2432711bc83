"""An LLM agent as data: provider, model, sampling, limits and prompting variants.

Specs sit inline in tournament files (an ``[[agents]]`` table with ``provider`` and ``model``)
and are stored with the tournament's configuration. A spec names the *environment variable*
holding the key, never the key.
"""

from __future__ import annotations

import importlib.util
import os
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from arena.errors import ConfigError

DEFAULT_KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
LOCAL_DEFAULT_MODEL = "smollm2-135m"

# How providers' keys begin (OpenAI, Anthropic, Groq, xAI, Google, Hugging Face, Replicate,
# Perplexity, GitHub, GitLab, ...): an environment variable's name never does.
_KEY_PREFIX = re.compile(r"^(sk|gsk|xai|hf|r8|pplx|ghp|gho|github_pat|glpat|pk|rk)[-_]|^AIza")


def looks_like_key(value: str) -> bool:
    """Whether ``value`` looks like an API key rather than the name of a variable holding one."""
    if _KEY_PREFIX.match(value):
        return True
    mixed = any(c.islower() for c in value) and any(c.isupper() for c in value)
    return len(value) >= 24 and mixed and any(c.isdigit() for c in value)


class LLMSpec(BaseModel):
    """How to call one model and how it plays."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    provider: Literal["openai", "anthropic", "openai-compatible", "local"]
    model: str = Field(min_length=1)  # for "local": "smollm2-135m" (default) or a .gguf path
    base_url: str | None = Field(None, pattern=r"^https?://")
    api_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    max_tokens: int = Field(256, ge=1, le=200_000)
    system_prompt: str | None = None
    seed: bool = True  # send a per-call sampling seed where the provider takes one
    timeout: float = Field(60.0, gt=0.0, le=3600.0)  # seconds per HTTP request
    max_retries: int = Field(2, ge=0, le=10)  # transport retries, done by the SDK
    move_retries: int = Field(2, ge=0, le=10)  # re-asks after an unusable reply
    concurrency: int = Field(16, ge=1, le=4096)  # calls in flight per provider endpoint
    memory_tokens: int = Field(4000, ge=0, le=1_000_000)  # earlier games and feedback kept
    predict_first: bool = False  # ask for a prediction of the other's move before the answer
    shuffle_options: bool = False  # list the options in a new order every round
    labels: list[str] | None = None  # option labels, e.g. ["J", "F"]
    constrained: bool = False  # send the game's schema of a legal reply (constrained decoding)
    protocol: str | None = Field(None, pattern=r"^[a-z][a-z0-9_-]{0,31}$")  # the game's style
    # The "local" provider's llama.cpp server (measured defaults: benchmarks/results/local_model.md)
    threads: int | None = Field(None, ge=1, le=256)  # CPU threads; default: the cores available
    slots: int = Field(2, ge=1, le=64)  # requests answered in parallel
    context: int = Field(4096, ge=512, le=131_072)  # tokens of context per slot

    @model_validator(mode="before")
    @classmethod
    def _local_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("provider") == "local":
            # One call in flight per slot: more would only queue inside the server.
            slots = data.get("slots", 2)
            usable = isinstance(slots, int) and slots >= 1  # else the slots error is the one
            defaults = {"model": LOCAL_DEFAULT_MODEL, "concurrency": slots if usable else 2}
            return {**defaults, **data}
        return data

    @field_validator("api_key_env", mode="before")
    @classmethod
    def _a_name_not_a_key(cls, value: Any) -> Any:
        if isinstance(value, str) and looks_like_key(value):
            # "not_echoed": the one-line error must not quote the value back (arena.validation)
            raise PydanticCustomError(
                "not_echoed",
                "this looks like an API key itself; give the name of the environment variable "
                "that holds it (e.g. OPENAI_API_KEY); the value was not stored",
            )
        return value

    @model_validator(mode="after")
    def _endpoint(self) -> LLMSpec:
        if self.provider == "openai-compatible" and not self.base_url:
            raise ValueError("base_url is required for provider 'openai-compatible'")
        if self.provider == "local" and self.base_url:
            raise ValueError("provider 'local' starts its own server: give no base_url")
        if self.constrained and self.provider == "anthropic":
            raise ValueError("constrained: provider 'anthropic' takes no JSON schema for replies")
        if self.constrained and self.predict_first:
            raise ValueError("constrained replies hold the move only: not with predict_first")
        local_only = {"threads", "slots", "context"} & self.model_fields_set
        if self.provider != "local" and local_only:
            raise ValueError(f"{', '.join(sorted(local_only))}: only for provider 'local'")
        return self

    @property
    def key_variable(self) -> str | None:
        """The environment variable the key is read from (``None``: no key is sent)."""
        return self.api_key_env or DEFAULT_KEY_VARIABLES.get(self.provider)

    @property
    def sdk(self) -> str:
        """The official SDK package this provider is called through."""
        return "anthropic" if self.provider == "anthropic" else "openai"

    def check_sdk(self) -> None:
        """A missing SDK (or, for "local", llama.cpp or the model file) is a configuration
        error, reported before any match starts."""
        needed = [self.sdk, "xllamacpp"] if self.provider == "local" else [self.sdk]
        extra = "local" if self.provider == "local" else "llm"
        for package in needed:
            try:
                found = importlib.util.find_spec(package) is not None
            except (ImportError, ValueError):  # a broken or blocked install
                found = False
            if not found:
                raise ConfigError(
                    f"provider {self.provider!r} needs the {package} package: "
                    f"pip install 'strategic-arena[{extra}]'"
                )
        if self.provider == "local":
            from arena.agents.llm.local_model import model_path

            model_path(self.model)  # raises a ConfigError naming what is missing

    def api_key(self) -> str:
        """The key from the environment; a missing one is a clear configuration error."""
        variable = self.key_variable
        if variable is None:
            return "not-needed"  # local OpenAI-compatible servers (vLLM, Ollama, llama.cpp)
        value = os.environ.get(variable)
        if not value:
            raise ConfigError(
                f"environment variable {variable} is not set (the {self.provider} key)"
            )
        return value
