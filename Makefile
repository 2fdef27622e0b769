# The single entry point: `make demo` runs CDO Hub with the Guangdong demo; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(BIN)/cdohub demo

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/org_tree.py
	$(BIN)/python bench/catalog.py
	$(BIN)/python bench/discovery.py
	$(BIN)/python bench/quality/run.py

clean:
	rm -rf $(VENV) var
