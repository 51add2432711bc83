"""Names: one rule for all of them, and user text made printable."""

from __future__ import annotations

import pytest

from arena.names import NAME_MAX, name_problem, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain name", "plain name"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\nb\tc", "a\\nb\\tc"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),  # a right-to-left override reorders text
        ("caf\u00e9 \U0001f600", "caf\u00e9 \U0001f600"),  # letters and emoji stay as they are
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize(
    "name", ["tit-for-tat", "gpt-4o (temp 0.7)", "[/bold]", "x" * NAME_MAX, "模型-甲"]
)
def test_names_that_pass(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "empty"),
        ("\t", "empty"),
        ("a ", "whitespace"),
        ("a\u2028b", "control characters"),
        ("a\u202eb", "control characters"),
        ("\u0301accent", "combining mark"),
        ("x" * (NAME_MAX + 1), f"at most {NAME_MAX}"),
        (7, "must be a string"),
    ],
)
def test_names_that_fail(name: object, problem: str) -> None:
    found = name_problem(name)
    assert found is not None and problem in found


def test_the_docstring_examples_run() -> None:
    import doctest

    import arena.names

    result = doctest.testmod(arena.names)
    assert result.attempted > 0 and result.failed == 0
