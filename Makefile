# dbplan — the two README commands (`make demo`, `make test`) and helpers.
# Everything runs inside .venv, created on first use; nothing needs installing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# pytest-xdist workers: most of the suite waits on PostgreSQL/MariaDB or is CPU-bound
# Hypothesis; three workers keep two cores busy. JOBS=0 runs in one process.
JOBS ?= 3
N ?= 1000

.PHONY: venv demo test doctest lint bench bench-quick soak clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: venv
	@bash scripts/demo.sh

test: venv
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

# Every docstring example in planner/ runs (conftest.py gives them a small real project).
doctest: venv
	$(BIN)/python -m pytest -p no:randomly -p no:cacheprovider --doctest-modules planner --ignore=planner/templates -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: venv
	$(BIN)/python -m bench.run

# every workload of make bench at small sizes, once (a smoke test; writes bench/out/quick.md)
bench-quick: venv
	BENCH_QUICK=1 BENCH_OUT=bench/out/quick.md $(BIN)/python -m bench.run

# N generated pairs per dialect; the three dialects run side by side (one xdist worker each)
soak: venv
	DBPLAN_SOAK=$(N) $(BIN)/python -m pytest -n 3 tests/convergence -m slow -p no:randomly $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis dbplan.sqlite dbplan-reference.sqlite
