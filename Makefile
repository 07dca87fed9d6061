# Lianxi: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo test install lint format serve clean contracts

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

## make demo: install, migrate, load the Anhui demo site group, serve on 127.0.0.1:$(PORT)
## with the background worker and the scheduler beside the server (Ctrl-C stops all three)
demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py load_plugin_demo  # each plugin's demo data, on the sites it is on
	DEBUG=1 $(PY) manage.py run_worker & worker=$$!; \
	DEBUG=1 $(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: lint (ruff) and the whole pytest suite (DATABASE_URL picks the database)
test: install lint
	$(VENV)/bin/pytest

## make contracts: regenerate frontend_contracts/ (OpenAPI document, then example payloads)
contracts: install
	LIANXI_TEST_EXAMPLE_PLUGIN=0 $(PY) manage.py export_openapi
	$(PY) manage.py export_api_examples

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var
