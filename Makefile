# Sourcing Advisor — the two commands of the quick start, and a few more.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck bench setup clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes.
$(VENV)/.runtime-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.runtime-installed

setup: $(VENV)/.runtime-installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py setup_demo

## make run: install, migrate the SQLite database, load catalogue and demo data, serve,
## with one background worker (reports render there) stopped again when the server stops.
run: setup
	@DEBUG=true $(PY) manage.py db_worker --no-reload --interval 0.5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "Background worker started (pid $$worker)."; \
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

## make test: install test dependencies and run the whole suite.
test: $(VENV)/.dev-installed
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev-installed
	DEBUG=true $(VENV)/bin/mypy

## make bench: the performance targets on this machine, side by side in one run
## (needs the local PostgreSQL; installs wrk if missing; writes docs/benchmarks.md).
## BENCH_ARGS passes options, e.g. BENCH_ARGS=--quick for a smoke run (report to a
## temporary file); see `.venv/bin/python -m bench.run --help`.
bench: $(VENV)/.dev-installed
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
