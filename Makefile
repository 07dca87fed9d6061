# Lianxi: the two commands a newcomer needs are `make demo` and `make test`.
# Python 3.11 to 3.13; another interpreter gets its own virtualenv, e.g.
#   make test PYTHON=python3.13 VENV=.venv-py3.13
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

PORTAL_PORT ?= 8001
PORTAL := frontend_contracts/reference-portal

.PHONY: demo demo-data test install lint format serve clean contracts portal portal-test

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

## make demo: install, migrate, load the Anhui demo site group, serve on 127.0.0.1:$(PORT)
## with the background worker and the scheduler beside the server (Ctrl-C stops all three)
demo: demo-data
	DEBUG=1 $(PY) manage.py run_worker & worker=$$!; \
	DEBUG=1 $(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make demo-data: what `make demo` does before serving (DATABASE_URL, MEDIA_ROOT pick where)
demo-data: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py load_plugin_demo  # each plugin's demo data, on the sites it is on

## make portal: the reference micro-portal on 127.0.0.1:$(PORTAL_PORT), against `make demo` on :$(PORT)
portal: $(PORTAL)/node_modules/.package-lock.json
	cd $(PORTAL) && npm run build
	@echo "参考微门户:http://127.0.0.1:$(PORTAL_PORT)/?site=340123 (接口:http://127.0.0.1:$(PORT))"
	cd $(PORTAL) && LIANXI_API=http://127.0.0.1:$(PORT) npx vite preview --port $(PORTAL_PORT) --strictPort

$(PORTAL)/node_modules/.package-lock.json: $(PORTAL)/package-lock.json
	cd $(PORTAL) && npm ci --no-audit --no-fund

## make portal-test: the portal's unit, contract and browser tests (serves its own demo; see its README)
portal-test: install
	bash $(PORTAL)/scripts/test.sh

## make test: lint (ruff) and the whole pytest suite (DATABASE_URL picks the database),
## one worker process per core (TEST_WORKERS=0: all in one process); each test file stays
## in one worker, so a module's expensive fixture (the demo) is built once. The tests
## marked serial (they empty the database when they end) run afterwards, in one process.
TEST_WORKERS ?= auto
test: install lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile -m "not serial"
	$(VENV)/bin/pytest -m serial

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
	rm -rf $(VENV) .venv-py3.* db.sqlite3 db.sqlite3-* var
