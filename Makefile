# dyadline: `make demo` and `make test` set everything up on a fresh machine
# (Python 3.11, make, git) and run.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared/data

.PHONY: demo test bench install clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@rm -f demo.duckdb
	$(BIN)/dyadline code examples/articles --db demo.duckdb --quiet
	$(BIN)/dyadline events --db demo.duckdb --dyads

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py --shared $(SHARED) --out BENCHMARKS.md

clean:
	rm -rf $(VENV) demo.duckdb build *.egg-info
