# The two quick-start commands: `make demo` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_HOME := .narcwatch-home

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installing builds the optional C fast path (setup.py) with this machine's compiler; a
# failed build installs pure Python (the --version line says which runs).
$(VENV)/.installed: pyproject.toml setup.py src/narcwatch/_native/_speedups.c | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/narcwatch --version
	touch $@

demo: $(VENV)/.installed  ## install, scan the sample data in examples/, print the report
	rm -rf $(DEMO_HOME)
	$(BIN)/narcwatch scan examples/ --home $(DEMO_HOME) --include-text --format table  # text: for the web UI's highlights
	$(BIN)/narcwatch report --home $(DEMO_HOME)

test: $(VENV)/.installed  ## install and run the whole test suite (what CI runs)
	$(BIN)/narcwatch kb check
	$(BIN)/python -m pytest -n 2 -q

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.installed  ## speed figures (not part of the test suite)
	$(BIN)/python benchmarks/bench_scan.py --docs 10000
	$(BIN)/python benchmarks/bench_match.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache build src/narcwatch/_native/*.so
