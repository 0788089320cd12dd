# Thin aliases. The two commands a fresh machine needs (Python 3.11, pip, make):
#   make figures   set up .venv and execute every notebook, writing figures/
#   make test      set up .venv and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kazframe-installed

.PHONY: setup figures test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements-lock.txt -e ".[dev,scale]"
	touch $(STAMP)

figures: setup
	$(BIN)/kazframe figures

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run.py --n 10000 100000 --profile

lint: setup
	$(BIN)/ruff check kazframe tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache
