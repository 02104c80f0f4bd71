# Two commands do all the set-up on a fresh machine:
#   make run    runs Plaint locally on its embedded defaults (no AWS account needed)
#   make test   installs what it needs and runs the whole suite, ruff and mypy included
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit connectors functional e2e package bench schema model clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip<26.3"  # chalice package drives pip and requires pip<26.3
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m devstack

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy plaint connectors storage bootstrap devstack console portal infra bench training tests functions/app.py functions/chalicelib
	$(BIN)/lint-imports
	$(BIN)/pytest

unit: $(STAMP)
	$(BIN)/pytest tests/unit tests/golden

connectors: $(STAMP)
	$(BIN)/pytest tests/connectors

functional: $(STAMP)
	$(BIN)/pytest tests/functional

e2e: $(STAMP)
	$(BIN)/pytest tests/e2e

package: $(STAMP)
	$(BIN)/python -m infra.build

bench: $(STAMP)
	$(BIN)/python -m bench

# Rebuilds plaint/intake/recognition/model.json and docs/recogniser-model.md from the
# data in training/data (deterministic: the same data gives the same content hash).
model: $(STAMP)
	$(BIN)/pip install --quiet -e ".[train]"
	$(BIN)/python -m training.recogniser

schema: $(STAMP)
	$(BIN)/python -m plaint.policy.schema

clean:
	rm -rf $(VENV) build functions/vendor functions/chalicelib/policy.json .pytest_cache .mypy_cache .ruff_cache
