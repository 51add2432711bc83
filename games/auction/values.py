"""Where bidders' private values come from: uniform, a normal clipped to a range, or fixed.

A game's ``values`` parameter is a table, ``{dist = "uniform", low = 0, high = 100}`` (the
default), ``{dist = "normal", mean = 50, std = 20, low = 0, high = 100}`` (drawn, then clipped
to ``[low, high]``) or ``{dist = "fixed", list = [30, 60, 90]}`` (one value per seat, the same
every round). Values are drawn from the game's own seeded generator, a fresh one per round.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from arena.errors import ConfigError
from arena.validation import validate_model

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)
Number = Annotated[float, Field(strict=False, allow_inf_nan=False)]


class Uniform(BaseModel):
    model_config = _STRICT
    dist: Literal["uniform"] = "uniform"
    low: Number = Field(0.0, ge=0.0)
    high: Number = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high:g}) must be above low ({self.low:g})")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def draw_rounds(self, rng: np.random.Generator, rounds: int, n: int) -> np.ndarray:
        """``rounds`` x ``n`` values: the same numbers as ``rounds`` calls of ``draw``."""
        return rng.uniform(self.low, self.high, (rounds, n))

    def describe(self, currency: str = "$") -> str:
        return f"drawn uniformly between {currency}{self.low:g} and {currency}{self.high:g}"


class Normal(BaseModel):
    model_config = _STRICT
    dist: Literal["normal"]
    mean: Number = 50.0
    std: Number = Field(20.0, gt=0.0)
    low: Number = Field(0.0, ge=0.0)
    high: Number = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high:g}) must be above low ({self.low:g})")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.clip(rng.normal(self.mean, self.std, n), self.low, self.high)

    def draw_rounds(self, rng: np.random.Generator, rounds: int, n: int) -> np.ndarray:
        """``rounds`` x ``n`` values: the same numbers as ``rounds`` calls of ``draw``."""
        return np.clip(rng.normal(self.mean, self.std, (rounds, n)), self.low, self.high)

    def describe(self, currency: str = "$") -> str:
        return (
            f"drawn from a normal distribution of mean {currency}{self.mean:g} and standard "
            f"deviation {currency}{self.std:g}, clipped to {currency}{self.low:g}-"
            f"{currency}{self.high:g}"
        )


class Fixed(BaseModel):
    model_config = _STRICT
    dist: Literal["fixed"]
    values: list[Number] = Field(alias="list", min_length=1)

    @model_validator(mode="after")
    def _non_negative(self) -> Fixed:
        if min(self.values) < 0:
            raise ValueError(f"list: values must not be negative, got {min(self.values):g}")
        return self

    @property
    def low(self) -> float:
        return float(min(self.values))

    @property
    def high(self) -> float:
        return float(max(self.values))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if len(self.values) != n:
            raise ConfigError(f"values: list has {len(self.values)} values for {n} bidders")
        return np.array(self.values, dtype=float)

    def draw_rounds(self, rng: np.random.Generator, rounds: int, n: int) -> np.ndarray:
        """The list, once a round."""
        return np.tile(self.draw(rng, n), (rounds, 1))

    def describe(self, currency: str = "$") -> str:
        return "fixed for each bidder, the same every round"


ValueDistribution = Uniform | Normal | Fixed
_KINDS: dict[str, type[BaseModel]] = {"uniform": Uniform, "normal": Normal, "fixed": Fixed}


def parse_values(spec: Any, key: str = "values") -> ValueDistribution:
    """The distribution a ``values`` table names; ``ConfigError`` naming ``key`` otherwise."""
    if isinstance(spec, (Uniform, Normal, Fixed)):
        return spec
    if spec is None:
        return Uniform()
    if not isinstance(spec, dict):
        raise ConfigError(f"{key}: expected a table with dist = 'uniform', 'normal' or 'fixed'")
    kind = spec.get("dist", "uniform")
    if kind not in _KINDS:
        known = ", ".join(repr(k) for k in _KINDS)
        raise ConfigError(f"{key}.dist: unknown value distribution {kind!r} (known: {known})")
    return validate_model(_KINDS[kind], spec, key)  # type: ignore[return-value]


def as_table(dist: ValueDistribution) -> dict[str, Any]:
    """The distribution as the table that names it (for records and ``public_info``)."""
    return dist.model_dump(by_alias=True)
