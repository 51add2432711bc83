"""Prices per model: the shipped list, the user's file over it, snapshots, and bad files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from arena.agents.llm.pricing import (
    ENVIRONMENT_VARIABLE,
    PROVIDERS,
    ModelPrice,
    default_prices,
    load_prices,
)
from arena.errors import ConfigError

# Round numbers, so that the arithmetic below reads at a glance.
USER_PRICES = """
as_of = 2030-01-02
[openai]
"gpt-4o" = { input = 2.0, cached_input = 0.5, output = 8.0 }
"gpt-4o-2024-05-06" = { input = 4.0, output = 16.0 }
"gpt-4o-mini" = { input = 0.2, output = 0.8 }
["openai-compatible"]
"llama-3.1-8b" = { input = 0.0, output = 0.0 }
"qwen-72b" = { input = 1.0, output = 3.0 }
"""

M = 1_000_000


@pytest.fixture(autouse=True)
def _no_user_prices(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without ``$ARENA_PRICES`` and with the per-process table forgotten."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    default_prices.cache_clear()
    yield
    default_prices.cache_clear()


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "prices.toml"
    path.write_text(USER_PRICES, encoding="utf-8")
    return path


WELL_KNOWN = [
    ("openai", "gpt-4o"),
    ("openai", "gpt-4o-mini"),
    ("openai", "gpt-4.1"),
    ("openai", "gpt-4.1-mini"),
    ("openai", "gpt-4.1-nano"),
    ("openai", "o3"),
    ("openai", "o4-mini"),
    ("openai", "gpt-5"),
    ("openai", "gpt-5-mini"),
    ("anthropic", "claude-sonnet-4-5"),
    ("anthropic", "claude-haiku-4-5"),
    ("anthropic", "claude-opus-4-1"),
    ("anthropic", "claude-3-5-sonnet"),
    ("anthropic", "claude-3-5-haiku"),
]


@pytest.mark.parametrize(("provider", "model"), WELL_KNOWN, ids=[m for _, m in WELL_KNOWN])
def test_the_shipped_list_prices_well_known_models(provider: str, model: str) -> None:
    price = load_prices().price(provider, model)
    assert price is not None
    assert 0 < price.input <= price.output
    assert price.cached_input is None or price.cached_input < price.input


def test_the_shipped_list_is_dated_and_prices_no_compatible_server() -> None:
    table = load_prices()
    assert isinstance(table.as_of, dt.date)
    assert set(table.models) == set(PROVIDERS)
    assert table.models["openai-compatible"] == {}
    assert len(table.sources) == 1 and table.sources[0].endswith("prices.toml")


SNAPSHOTS = [
    ("openai", "gpt-4o-2024-08-06", "gpt-4o"),
    ("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),  # the longer name, not gpt-4o
    ("openai", "gpt-4.1-2025-04-14", "gpt-4.1"),
    ("openai", "o3-mini-2025-01-31", "o3-mini"),
    ("anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ("anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku"),
    ("anthropic", "claude-opus-4-20250514", "claude-opus-4"),
]


@pytest.mark.parametrize(
    ("provider", "snapshot", "base"), SNAPSHOTS, ids=[s for _, s, _ in SNAPSHOTS]
)
def test_a_dated_snapshot_costs_what_its_model_costs(
    provider: str, snapshot: str, base: str
) -> None:
    table = load_prices()
    assert table.price(provider, snapshot) == table.price(provider, base) is not None


UNKNOWN = [
    ("openai", "gpt-99"),
    ("openai", "gpt-4o-realtime-preview"),  # extends gpt-4o, but is another model
    ("openai", "gpt-4o-2024"),  # not a whole date
    ("anthropic", "gpt-4o"),  # the right name at the wrong provider
    ("openai-compatible", "gpt-4o"),  # a local server's "gpt-4o" is not OpenAI's
    ("bedrock", "claude-sonnet-4-5"),
]


@pytest.mark.parametrize(("provider", "model"), UNKNOWN, ids=[f"{p}:{m}" for p, m in UNKNOWN])
def test_an_unknown_model_has_no_cost(provider: str, model: str) -> None:
    table = load_prices()
    assert table.price(provider, model) is None
    assert table.cost(provider, model, 1000, 1000) is None


COSTS = [
    # provider, model, tokens in, out, cached -> dollars (user file prices)
    ("openai", "gpt-4o", M, 0, 0, 2.0),
    ("openai", "gpt-4o", 0, M, 0, 8.0),
    ("openai", "gpt-4o", M, M, M // 4, 0.75 * 2.0 + 0.25 * 0.5 + 8.0),
    ("openai", "gpt-4o-2024-08-06", 2 * M, 0, 0, 4.0),  # snapshot of gpt-4o
    ("openai", "gpt-4o-2024-05-06", M, M, 0, 4.0 + 16.0),  # listed snapshot wins
    ("openai", "gpt-4o-mini", M, 0, M, 0.2),  # no cached price: cached input at input rate
    ("openai-compatible", "qwen-72b", 500_000, 100_000, 0, 0.5 + 0.3),
    ("openai-compatible", "llama-3.1-8b", M, M, 0, 0.0),
    ("openai", "gpt-4o", 0, 0, 0, 0.0),
]


@pytest.mark.parametrize(
    ("provider", "model", "tokens_in", "tokens_out", "cached", "dollars"),
    COSTS,
    ids=[f"{c[1]}-{c[2]}-{c[3]}-{c[4]}" for c in COSTS],
)
def test_cost_of_a_call(
    user_file: Path,
    provider: str,
    model: str,
    tokens_in: int,
    tokens_out: int,
    cached: int,
    dollars: float,
) -> None:
    table = load_prices(user_file)
    assert table.cost(provider, model, tokens_in, tokens_out, cached) == pytest.approx(dollars)


def test_the_users_file_replaces_whole_entries_and_keeps_the_rest(user_file: Path) -> None:
    shipped = load_prices()
    table = load_prices(user_file)
    assert table.as_of == dt.date(2030, 1, 2)
    assert table.sources == (*shipped.sources, str(user_file))
    # gpt-4o-mini has a cached price in the shipped list; the user's entry has none.
    assert table.price("openai", "gpt-4o-mini") == ModelPrice(0.2, 0.8, None)
    assert table.price("anthropic", "claude-sonnet-4-5") == shipped.price(
        "anthropic", "claude-sonnet-4-5"
    )
    assert table.price("openai", "gpt-4.1") == shipped.price("openai", "gpt-4.1")


def test_the_environment_names_the_users_file(
    user_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(user_file))
    assert load_prices().price("openai-compatible", "qwen-72b") == ModelPrice(1.0, 3.0)
    other = tmp_path / "other.toml"
    other.write_text('["openai-compatible"]\n"qwen-72b" = { input = 9.0, output = 9.0 }\n')
    assert load_prices(other).price("openai-compatible", "qwen-72b") == ModelPrice(9.0, 9.0)


def test_default_prices_are_read_once_per_process(
    user_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(user_file))
    first = default_prices()
    assert first.price("openai-compatible", "qwen-72b") is not None
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    assert default_prices() is first
    default_prices.cache_clear()
    assert default_prices().price("openai-compatible", "qwen-72b") is None


BAD_FILES = [
    ("[opnai]\n", "opnai: unknown key (expected as_of or a provider: openai, anthropic, "),
    ('[openai]\n"gpt-4.1" = { input = -1, output = 2 }\n', 'openai."gpt-4.1".input: Input '),
    ("[openai]\nx = { input = 1, output = inf }\n", "openai.x.output: Input should be a finite"),
    ('[openai]\nx = { input = "1", output = 2 }\n', "openai.x.input: Input should be a valid num"),
    ("[openai]\nx = { input = true, output = 2 }\n", "openai.x.input: Input should be a valid num"),
    ("[openai]\nx = { input = 1 }\n", "openai.x.output: Field required"),
    ("[openai]\nx = { input = 1, output = 2, cache = 1 }\n", "openai.x.cache: unknown key"),
    ("[openai]\nx = 3\n", "openai.x: expected a table like { input = 2.5, "),
    ('["openai-compatible".m]\ninput = 1\noutput = -2\n', "openai-compatible.m.output: Input "),
    ('as_of = "soon"\n', "as_of: Input should be a valid date"),
    ("[openai\n", "malformed TOML: "),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES, ids=[m[:32] for _, m in BAD_FILES])
def test_a_bad_price_file_is_named_with_its_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_prices(path)
    line = str(error.value)
    assert line.startswith(f"{path}: {message}"), line
    assert "\n" not in line


def test_a_missing_price_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=f"^{re.escape(str(missing))}: no such price file$"):
        load_prices(missing)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(missing))
    named = rf"^{re.escape(str(missing))}: no such price file \(named by \$ARENA_PRICES\)$"
    with pytest.raises(ConfigError, match=named):
        load_prices()
    with pytest.raises(ConfigError, match="is a directory"):
        load_prices(tmp_path)


@pytest.mark.parametrize(
    ("tokens_in", "tokens_out", "cached", "message"),
    [
        (-1, 0, 0, r"tokens_in must be >= 0 \(got -1\)"),
        (0, -5, 0, r"tokens_out must be >= 0 \(got -5\)"),
        (10, 0, 11, r"tokens_cached must be between 0 and tokens_in=10 \(got 11\)"),
        (10, 0, -1, r"tokens_cached must be between 0 and tokens_in=10 \(got -1\)"),
    ],
)
def test_impossible_token_counts_are_refused(
    tokens_in: int, tokens_out: int, cached: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_prices().cost("openai", "gpt-4o", tokens_in, tokens_out, cached)
