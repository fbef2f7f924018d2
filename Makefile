# Two commands for a newcomer: `make run` and `make test`. Each creates or refreshes .venv
# from pyproject.toml first, so a fresh clone needs nothing installed by hand.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench venv clean i18n

# Translations: gettext catalogues under locales/ (bot.i18n). Each .po compiles to its .mo
# whenever it is newer, before anything runs; `make i18n` re-extracts after sentences change.
PYBABEL  := $(VENV)/bin/pybabel
KEYWORDS := -k N_ -k ngettext:1,2 -k pgettext:1c,2 -k plural:2,3
PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Notch needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# One environment for running, testing and benchmarking (the bench's peers are tested too).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $@

venv: $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po | $(STAMP)
	$(PYBABEL) -q compile -d locales -D messages -l $* -i $< -o $@

# Extract every marked sentence into the template, then merge it into each language's catalogue
# (new sentences arrive untranslated; tests/bot/test_catalogues.py fails until they are done).
i18n: $(STAMP)
	$(PYBABEL) extract -F babel.cfg $(KEYWORDS) --add-comments=TRANSLATORS: --no-location --sort-output \
		--project=Notch --copyright-holder="Notch contributors" -o locales/messages.pot .
	$(PYBABEL) update -i locales/messages.pot -d locales -D messages \
		--ignore-obsolete --no-fuzzy-matching

run: $(STAMP) $(MO_FILES)
	$(VENV)/bin/notch run $(ARGS)

# On every core (pytest-xdist): each test has its own database, emulator port and files.
test: $(STAMP) $(MO_FILES)
	$(PY) -m pytest -n auto

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) bench/calibration.py
	$(PY) bench/calibration_limits.py
	$(PY) bench/charts.py
	$(PY) bench/claims.py
	$(PY) bench/inbox_claim.py
	$(PY) bench/lanes.py
	$(PY) bench/fanout.py
	$(PY) bench/priors_fit.py
	$(PY) bench/poison.py
	$(PY) bench/replies.py
	$(PY) bench/press_latency.py
	$(PY) bench/crash.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
