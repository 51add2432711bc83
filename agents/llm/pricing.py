"""What language-model tokens cost: a price list per provider and model, and the cost of a turn.

Prices are US dollars per million tokens, read from TOML: the list shipped with the package
(``agents/llm/data/prices.toml``, dated by its ``as_of``) with the user's own file laid over
it, entry by entry. Prices change more often than releases do, so the user's file is the one
to trust::

    as_of = 2026-11-23
    [openai]
    "gpt-4o" = { input = 2.50, cached_input = 1.25, output = 10.00 }
    ["openai-compatible"]
    "llama-3.1-8b" = { input = 0.0, output = 0.0 }

Cached input tokens are a part of the input tokens that the provider read from its prompt
cache; they are billed at ``cached_input`` (at ``input`` when a model has no cached price).
A model that is not listed has no price: its cost is ``None``, never a guess. A dated snapshot
(``gpt-4o-2024-08-06``, ``claude-sonnet-4-5-20250929``) or a ``-latest`` alias is priced as its
base model unless the snapshot is listed itself; other extensions of a listed name
(``claude-opus-4-6`` of ``claude-opus-4``, ``gpt-4o-realtime-preview`` of ``gpt-4o``) are other
models with other prices and are not matched.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arena.errors import ConfigError
from arena.validation import error_message, read_toml

PROVIDERS = ("openai", "anthropic", "openai-compatible")
ENVIRONMENT_VARIABLE = "ARENA_PRICES"
PER_TOKENS = 1_000_000  # prices are per million tokens

# What may follow a listed model name in a snapshot of it: a date or the "latest" alias.
_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_PRICE = Field(ge=0.0, allow_inf_nan=False)


class _ModelEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    input: float = _PRICE
    output: float = _PRICE
    cached_input: float | None = Field(None, ge=0.0, allow_inf_nan=False)


class _PriceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)
    as_of: dt.date | None = Field(None, strict=False)  # a TOML date or "YYYY-MM-DD"
    openai: dict[str, _ModelEntry] = Field(default_factory=dict)
    anthropic: dict[str, _ModelEntry] = Field(default_factory=dict)
    openai_compatible: dict[str, _ModelEntry] = Field(
        default_factory=dict, alias="openai-compatible"
    )


@dataclass(frozen=True)
class ModelPrice:
    """US dollars per million tokens of one model."""

    input: float
    output: float
    cached_input: float | None = None

    def cost(self, tokens_in: int, tokens_out: int, tokens_cached: int = 0) -> float:
        """Dollars for one call; ``tokens_cached`` is the cached part of ``tokens_in``."""
        for name, value in (("tokens_in", tokens_in), ("tokens_out", tokens_out)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0 (got {value})")
        if not 0 <= tokens_cached <= tokens_in:
            raise ValueError(
                f"tokens_cached must be between 0 and tokens_in={tokens_in} (got {tokens_cached})"
            )
        cached_rate = self.input if self.cached_input is None else self.cached_input
        dollars = (
            (tokens_in - tokens_cached) * self.input
            + tokens_cached * cached_rate
            + tokens_out * self.output
        )
        return dollars / PER_TOKENS


@dataclass(frozen=True)
class PriceTable:
    """Prices by provider and model, and where they came from."""

    models: Mapping[str, Mapping[str, ModelPrice]]
    as_of: dt.date | None = None
    sources: tuple[str, ...] = ()

    def price(self, provider: str, model: str) -> ModelPrice | None:
        """The price of ``model``, else of the listed model it is a snapshot of, else ``None``."""
        listed = self.models.get(provider, {})
        if model in listed:
            return listed[model]
        return listed.get(_SNAPSHOT.sub("", model))

    def cost(
        self,
        provider: str,
        model: str,
        tokens_in: int,
        tokens_out: int,
        tokens_cached: int = 0,
    ) -> float | None:
        """Dollars for one call, or ``None`` when the model has no price (a model of the
        ``local`` provider runs on this machine: it costs nothing)."""
        if provider == "local":
            return 0.0
        price = self.price(provider, model)
        if price is None:
            return None
        return price.cost(tokens_in, tokens_out, tokens_cached)


def shipped_prices_path() -> str:
    """Where the price list shipped with the package is."""
    return str(files("arena.agents.llm").joinpath("data/prices.toml"))


def _key_path(loc: tuple[int | str, ...]) -> str:
    """A Pydantic location as a TOML dotted key: ``openai."gpt-4.1".input``."""
    return ".".join(str(part) if _BARE_KEY.match(str(part)) else f'"{part}"' for part in loc)


def _problem(detail: Mapping[str, Any]) -> str:
    loc = tuple(detail["loc"])
    if detail["type"] == "extra_forbidden" and len(loc) == 1:
        return f"unknown key (expected as_of or a provider: {', '.join(PROVIDERS)})"
    if detail["type"] == "model_type":
        return (
            "expected a table like { input = 2.5, cached_input = 1.25, output = 10.0 } "
            f"(got {detail.get('input')!r})"
        )
    return error_message(detail)


def _read_price_file(path: Path, origin: str = "") -> _PriceFile:
    """Parse and validate one price file; every problem is one line naming the file and key."""
    data = read_toml(path, "price file", origin)
    try:
        return _PriceFile.model_validate(data)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = _key_path(tuple(detail["loc"]))
        raise ConfigError(f"{path}: {where}: {_problem(detail)}") from None


def load_prices(path: str | Path | None = None) -> PriceTable:
    """The shipped prices with the user's file (``path``, else ``$ARENA_PRICES``) laid over them.

    An entry of the user's file replaces the shipped entry of the same provider and model as a
    whole, so a price the user lists is never half ours. The table's ``as_of`` is the user's
    when the user's file gives one.
    """
    origin = ""
    if path is None and os.environ.get(ENVIRONMENT_VARIABLE):
        path, origin = os.environ[ENVIRONMENT_VARIABLE], f" (named by ${ENVIRONMENT_VARIABLE})"
    shipped = shipped_prices_path()
    layers = [_read_price_file(Path(shipped))]
    sources = [shipped]
    if path is not None:
        layers.append(_read_price_file(Path(path), origin))
        sources.append(str(path))
    models: dict[str, dict[str, ModelPrice]] = {provider: {} for provider in PROVIDERS}
    as_of = None
    for layer in layers:
        as_of = layer.as_of or as_of
        for provider in PROVIDERS:
            entries: dict[str, _ModelEntry] = getattr(layer, provider.replace("-", "_"))
            for model, entry in entries.items():
                models[provider][model] = ModelPrice(entry.input, entry.output, entry.cached_input)
    return PriceTable(models=models, as_of=as_of, sources=tuple(sources))


@functools.cache
def default_prices() -> PriceTable:
    """``load_prices()`` read once per process (``$ARENA_PRICES`` as it was at the first call)."""
    return load_prices()
