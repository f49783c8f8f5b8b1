# The two commands a newcomer copies:  make demo  and  make test.
# Each creates its own virtual environment (.venv) and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := build
# Optional: the source article, to measure coverage in the demo (make demo SOURCE=path/to/article.txt).
SOURCE ?=

.PHONY: demo test bench format check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/attachgraph demo -o $(OUT) $(if $(SOURCE),--source $(SOURCE))

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --out docs/benchmarks.md

format: $(STAMP)
	$(BIN)/attachgraph fmt ontology/attachgraph.ttl ontology/shapes.ttl

check: $(STAMP)
	$(BIN)/attachgraph check

clean:
	rm -rf $(VENV) $(OUT) dist .pytest_cache
