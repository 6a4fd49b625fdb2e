# Mapster: every command a developer or CI needs. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MAPSTER := $(BIN)/mapster
export MAPSTER_REFERENCE_DIR ?= $(abspath ../shared/reference)
export MAPSTER_FIXTURES_DIR ?= $(abspath ../shared/fixtures)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mapster
PYTEST_ARGS ?= -n 2
HOST ?= 127.0.0.1:8000

.PHONY: run setup install data messages test test-sqlite test-postgres quality bench clean

## First command: from a fresh clone to a running site with reference and demo data.
run: setup
	$(MAPSTER) runserver $(HOST)

setup: install data

install: $(VENV)/.installed node_modules/.installed locale/en/LC_MESSAGES/django.mo

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po | $(VENV)/.installed
	$(MAPSTER) compilemessages -v0 --ignore=.venv --ignore=node_modules

data: install
	$(MAPSTER) migrate -v0
	$(MAPSTER) reference load
	$(MAPSTER) showcase load-2020
	$(MAPSTER) survey load-barometre-2020
	$(MAPSTER) demo --if-empty

## Second command: every test, on SQLite then on PostgreSQL.
test: install test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL $(MAPSTER) makemigrations --check --dry-run
	$(BIN)/pytest -q tests/core/test_docs.py

bench: install
	$(BIN)/python -m benchmarks

messages: install
	$(MAPSTER) makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete
	$(MAPSTER) compilemessages -v0 --ignore=.venv --ignore=node_modules

clean:
	rm -rf var/mapster.sqlite3* var/static var/screenshots
