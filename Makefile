# Two commands for a newcomer: `make run` and `make test`. Each creates or refreshes .venv
# from pyproject.toml first, so a fresh clone needs nothing installed by hand.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench venv clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Notch needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# One environment for running, testing and benchmarking (the bench's peers are tested too).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $@

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/notch run

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) bench/calibration.py
	$(PY) bench/calibration_limits.py
	$(PY) bench/charts.py
	$(PY) bench/claims.py
	$(PY) bench/lanes.py
	$(PY) bench/fanout.py
	$(PY) bench/priors_fit.py
	$(PY) bench/poison.py
	$(PY) bench/replies.py
	$(PY) bench/press_latency.py
	$(PY) bench/crash.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
