"""A second process loads the solver's kernels from Numba's cache instead of compiling them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json
import arena.solver as solver
from arena.solver.support_enumeration import _support_enumeration as kernel
result = solver.support_enumeration([[3, 0], [5, 1]], [[3, 5], [0, 1]])
print(json.dumps({"equilibria": len(result),
                  "compiled": sum(kernel.stats.cache_misses.values()),
                  "loaded": sum(kernel.stats.cache_hits.values())}))
"""


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"), reason="nothing is compiled"
)
def test_second_process_compiles_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}

    def probe() -> dict:
        done = subprocess.run(
            [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout)

    first, second = probe(), probe()
    assert first == {"equilibria": 1, "compiled": 1, "loaded": 0}
    assert second == {"equilibria": 1, "compiled": 0, "loaded": 1}
    assert any((tmp_path / "numba-cache").rglob("*.nbi"))
