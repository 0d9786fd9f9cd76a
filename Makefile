# campaign-kpi: `make demo` and `make test` set everything up from the lock file, idempotently.
# Needs only Python 3.11+ (and Debian's chromium for the report PDFs and browser tests, installed
# on demand).

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CONFIG ?= $(if $(wildcard data/campaign-kpi.yaml),data/campaign-kpi.yaml,data/campaign-kpi.example.yaml)

export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup catalogs demo test lint dev browser benchmark clean

help:
	@echo "make demo       install, then run the whole pipeline offline on the demo account (and its weekly report)"
	@echo "make test       install, then run ruff and every test (browser tests included)"
	@echo "make dev        open the Dagster UI on the same definitions"
	@echo "make benchmark  time a warm demo and one nightly partition"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-groups --all-extras
	touch $@

# The local BigQuery emulator the BigQuery engine is tested against, in a venv of its own (it
# needs a sqlglot that ibis 12 cannot use); installed from its own hashed lock file, for the
# tests only.
BQEMULATOR := $(TOOLS)/bqemulator

$(BQEMULATOR)/.synced: tests/fakes/bqemulator/requirements.lock | $(UV)
	$(PYTHON) tests/fakes/bqemulator/install.py

# The gettext catalogs compiled by Babel (.mo beside each .po; the code compiles a stale or
# missing one in memory, so a translator's edit shows without this step).
LOCALES := kpi/language/locales
DOMAINS = $(basename $(notdir $(wildcard $(LOCALES)/en/LC_MESSAGES/*.po)))

catalogs: $(VENV)/.synced
	$(BIN)/pybabel -q compile -d $(LOCALES) -D "$(DOMAINS)"

setup: $(VENV)/.synced catalogs

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

demo: setup browser
	$(BIN)/campaign-kpi demo

lint: setup
	$(BIN)/ruff check .

test: setup $(BQEMULATOR)/.synced browser lint
	$(BIN)/python -m pytest -n auto --dist loadscope --no-loadscope-reorder --durations=20

dev: setup
	mkdir -p data/out
	$(BIN)/python -m assets.instance data/dagster_home   # its dagster.yaml: telemetry off
	DAGSTER_HOME=$(CURDIR)/data/dagster_home \
	CAMPAIGN_KPI_CONFIG=$(abspath $(CONFIG)) \
	CAMPAIGN_KPI_DATA_DIR=$(CURDIR)/data \
	env --default-signal=INT,TERM $(BIN)/dagster dev -m assets.definitions

benchmark: setup
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(VENV) $(TOOLS) data/out data/warehouse.duckdb data/dagster_home test-artifacts
