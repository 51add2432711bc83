"""Turn Pydantic validation failures into the one-line errors users see."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from arena.errors import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)


def format_location(loc: tuple[int | str, ...]) -> str:
    """Render a Pydantic location as ``key.sub[2].leaf``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def error_message(detail: Mapping[str, Any]) -> str:
    """What is wrong with one Pydantic error, and the value that was given."""
    if detail["type"] == "extra_forbidden":
        return "unknown key"
    if detail["type"] == "not_echoed":  # the value may be a secret: never quote it
        return str(detail["msg"])
    if detail["type"] != "missing" and "input" in detail:
        return f"{detail['msg']} (got {detail['input']!r})"
    return str(detail["msg"])


def first_error_line(error: ValidationError, prefix: str = "") -> str:
    """One line naming the first invalid key, what was expected and what was given."""
    detail = error.errors(include_url=False)[0]
    where = format_location(tuple(detail["loc"]))
    where = f"{prefix}.{where}" if prefix and where else (prefix or where)
    message = error_message(detail)
    return f"{where}: {message}" if where else message


def validate_model(model: type[ModelT], data: Mapping[str, Any], where: str = "") -> ModelT:
    """Validate ``data`` against ``model``; raise ``ConfigError`` with one precise line."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise ConfigError(first_error_line(error, where)) from None


def read_toml(path: Path, what: str = "file", origin: str = "") -> dict[str, Any]:
    """Read a TOML file; every way it can fail is one ``ConfigError`` line naming the file.

    ``what`` names the kind of file in the messages; ``origin`` says where its name came from.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what}{origin}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, expected a TOML {what}{origin}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read ({error})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: malformed TOML: {error}") from None
