# `make run`: set up .venv and run the whole workflow; `make test`: set up .venv and run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= all

.PHONY: run report test test-quick lint

$(VENV)/installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt -e .
	touch $@

# `binembed run` checks the configuration (one line per mistake, with file and line), then runs Snakemake.
run: $(VENV)/installed
	$(BIN)/binembed run --cores $(CORES)

# results/report.html, every table and figure on one page (command 1 builds it too).
report: $(VENV)/installed
	$(BIN)/binembed run --cores $(CORES) results/report.html

test: $(VENV)/installed
	$(BIN)/pytest

# Everything but the end-to-end workflow runs (about a minute): while editing the package.
test-quick: $(VENV)/installed
	$(BIN)/pytest -m "not slow"

lint: $(VENV)/installed
	$(BIN)/snakemake --lint
