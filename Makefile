# Everyday commands. `make build` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup build test lint typecheck bench screenshots clean

$(BIN)/kg: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet setuptools wheel cython numpy
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/kg

setup: $(BIN)/kg  ## virtualenv, kg and its dependencies, the offline pkuseg model
	$(BIN)/kg setup

build: setup  ## the main job: the seed pages to output/ (graph.ttl, graph.html, …)
	$(BIN)/kg build seeds/ -o output/

test: setup  ## the test suite (browser tests need chromium: .ci/install-browser.sh)
	$(BIN)/pytest -q

lint:
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks

typecheck:
	$(BIN)/mypy kg

bench:  ## benchmarks (see benchmarks/README.md)
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_html.py

screenshots: setup  ## docs/screenshot*.png: graph.html of a fresh seed build, in headless Chromium
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .kg-cache
