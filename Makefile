# IOP Finder: the two commands a new user needs are `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format setup browser demo serve-production benchmark clean messages

## make run: set everything up and serve the site with the demo data on http://127.0.0.1:8000
run: setup
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_demo
	DEBUG=1 $(PYTHON) manage.py runserver $(HOST):$(PORT)

## make test: lint, then the whole test suite (browser tests included)
test: setup browser lint
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PYTHON) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[test]"
	touch $@

## Debian's Chromium drives the browser tests (Playwright's own browser download is not used).
browser:
	@test -x /usr/bin/chromium || scripts/install-chromium

## make serve-production: gunicorn (gunicorn.conf.py) + whitenoise, debug off, settings from the environment
serve-production: setup
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py collectstatic --noinput
	$(BIN)/gunicorn iopfinder.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT)

## make benchmark: 25,000 synthetic programs on scratch SQLite and PostgreSQL databases;
## prints the figures and writes docs/benchmarks.md (see README, "Benchmark")
benchmark: setup
	$(PYTHON) manage.py benchmark $(BENCHMARK_ARGS)

## make messages: collect the interface strings into locale/es/LC_MESSAGES/django.po (needs GNU
## gettext's xgettext), then compile the .mo the site reads (polib, no gettext needed)
messages: setup
	$(PYTHON) manage.py makemessages -l es --no-obsolete --ignore='.venv/*' --ignore='staticfiles/*' \
		--ignore='tests/*' --ignore='bench/*' --ignore='templates/admin/*'
	$(PYTHON) scripts/compile-messages

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache .ruff_cache
