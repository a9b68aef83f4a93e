# The whole quick start: `make demo` runs gridgov, `make test` tests it.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/gridgov demo

test: $(VENV)/.installed
	scripts/test

lint: $(VENV)/.installed
	$(BIN)/ruff check gridgov && $(BIN)/ruff format --check gridgov

messages: $(VENV)/.installed
	cd gridgov && ../$(BIN)/django-admin makemessages -l en --no-obsolete && ../$(BIN)/django-admin compilemessages
