# Two entry points: `make demo` (set up + run the flagship) and `make test`
# (set up + lint + type-check + the whole test suite). Everything lives in .venv/.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup lint typecheck bench bench-scaling bench-sweep clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/stavka run two-fronts-1941 --seed 7 --report out/demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest -n 2 tests

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py

# Monte Carlo figures of the README (several minutes each; see the scripts' docstrings)
bench-scaling: $(STAMP)
	$(BIN)/python benchmarks/bench_scaling.py --json out/bench-scaling.json

bench-sweep: $(STAMP)
	$(BIN)/python benchmarks/bench_sweep.py --json out/bench-sweep.json

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
