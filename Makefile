# dyadline: `make demo` and `make test` set everything up on a fresh machine
# (Python 3.11, make, git) and run.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared/data
BENCH_N ?= 5000

.PHONY: demo test bench install clean chromium serve

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

# The dashboard's browser test drives Debian's headless Chromium; install it
# when missing and we can (root), else that one test is skipped.
chromium:
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium (apt-get) for the dashboard test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "could not install chromium: the dashboard browser test will be skipped"; \
	else echo "chromium not found and not root: the dashboard browser test will be skipped"; fi

test: $(STAMP) chromium
	$(BIN)/python -m pytest

serve: $(STAMP)
	@test -f demo.duckdb || $(BIN)/dyadline code examples/articles --db demo.duckdb --quiet
	$(BIN)/dyadline serve --db demo.duckdb

bench: $(STAMP)
	$(BIN)/python bench/run.py --shared $(SHARED) --out BENCHMARKS.md --drop-speed
	$(BIN)/python bench/speed.py --n $(BENCH_N) --out BENCHMARKS.md

clean:
	rm -rf $(VENV) demo.duckdb build *.egg-info
