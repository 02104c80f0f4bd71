# Two commands do all the set-up on a fresh machine:
#   make run    runs Plaint locally on its embedded defaults (no AWS account needed)
#   make test   installs what it needs and runs the whole suite, ruff and mypy included
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit connectors functional e2e package bench schema model clean \
	chromium browser portal-package

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip<26.3"  # chalice package drives pip and requires pip<26.3
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m devstack

# The browser tests drive Debian's Chromium (never a browser a test tool downloads). Installed
# here when missing, as root with apt-get; otherwise those tests skip and say why.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver >/dev/null) || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "no /usr/bin/chromium and not root with apt-get: browser tests will skip"; fi; \
	fi

test: $(STAMP) chromium
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

browser: $(STAMP) chromium
	$(BIN)/pytest tests/browser

# The portal's Lambda package, offline (no AWS credentials): build/portal/plaint-portal.zip.
# OUTPUTS=stack-outputs.json names the checkpoint bucket and key (see docs/portal.md).
portal-package: $(STAMP)
	$(BIN)/python -m infra.portal_package $(if $(OUTPUTS),--outputs $(OUTPUTS))

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
