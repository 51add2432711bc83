"""What the solver's benchmark scripts share: seeded games, median timings, the results file."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def games(size: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``count`` square games with payoffs uniform on [0, 1), seeded by their size."""
    rng = np.random.default_rng(size)
    return [(rng.random((size, size)), rng.random((size, size))) for _ in range(count)]


def timed(call: Callable[[], T], repeats: int, slow: float = np.inf) -> tuple[float, T]:
    """Median seconds of ``repeats`` calls (each repeated to last at least ~2 ms); calls
    slower than ``slow`` seconds are timed 3 times at most."""
    started = time.perf_counter()
    result = call()
    once = time.perf_counter() - started
    if once > slow:
        repeats = min(repeats, 3)
    inner = max(1, int(2e-3 / max(once, 1e-7)))
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(inner):
            call()
        samples.append((time.perf_counter() - started) / inner)
    return median(samples), result


def duration(seconds: float) -> str:
    """Microseconds below a millisecond, milliseconds above."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def main(description: str, run: Callable[[bool], tuple[list[str], bool]], results: Path) -> None:
    """Parse ``--quick``/``--no-write``, run, print the table and write it unless told not to;
    exit 1 when a goal or a check failed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="few games and repeats; no file")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the table")
    args = parser.parse_args()
    lines, ok = run(args.quick)
    text = "\n".join(lines) + "\n"
    print(text)
    if not (args.quick or args.no_write):
        results.parent.mkdir(exist_ok=True)
        results.write_text(text)
        print(f"wrote {results}")
    if not ok:
        raise SystemExit(1)
