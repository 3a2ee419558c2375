# Kunskapsbanken: every command a person or CI needs. `make serve` and `make test`
# set up .venv themselves (from requirements.lock), so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ADDR   ?= 127.0.0.1:8000
PAGES  ?= 200

# Material prints a long notice about MkDocs 2 on every run; it is known and tracked.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build check test lint links bench offline new-method clean

# Re-runs only when the lock or the package definition changed, so it is fast after the first time.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

setup: $(STAMP)

serve: setup
	$(BIN)/mkdocs serve --dev-addr $(ADDR)

build: setup
	$(BIN)/mkdocs build --strict --clean --site-dir site

check: setup
	$(BIN)/kb check

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check scripts tests

clean:
	rm -rf site .pytest_cache
