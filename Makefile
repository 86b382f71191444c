# Auzolan — two commands: `make run` (set up everything and serve) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
LOCAL := AUZOLAN_ENV=$${AUZOLAN_ENV:-local}

.PHONY: run test bench install install-dev setup demo serve lint format messages clean

run: setup demo serve

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Auzolan a besoin de Python 3.11 ou plus récent (PYTHON=python3.12 make run pour en choisir un)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.installed-run: $(VENV)/.python-ok requirements.txt requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c requirements.lock
	@touch $@

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# A development machine: commands typed by hand (manage.py validate, ingest…) run in local mode too. Written once if
# absent, never changed afterwards; a production server does not run make (docs/deployment.md).
.env:
	@printf '# Written by make on a development machine: never on a production server (docs/deployment.md).\nAUZOLAN_ENV=local\n' > $@
	@echo "Fichier .env créé (AUZOLAN_ENV=local) : les commandes manage.py tapées à la main utilisent la base locale."

setup: install .env
	@$(LOCAL) $(PY) manage.py migrate --noinput --verbosity 0
	@$(LOCAL) $(PY) manage.py collectstatic --noinput --verbosity 0

demo: setup
	@$(LOCAL) $(PY) manage.py load_demo --skip-if-real

serve: setup
	@$(LOCAL) $(PY) manage.py serve

# The whole suite. The never-a-500 matrices (marker `exhaustive`, about half of the SQLite pass's test time) run on
# SQLite only; while developing, `make test PYTEST_ARGS='-m "not exhaustive"'` leaves them out. On PostgreSQL
# (DATABASE_URL), tests that ask for no database skip themselves too (tests/conftest.py). One worker more than this
# machine's 2 cores: the suite also waits on browsers, DuckDB worker processes and sockets (measured: pytest 6 min 47 s
# with 3 workers, 7 min 54 s with 2). TEST_WORKERS=2 make test on a smaller machine. Where the time goes and what was
# cut: docs/performance.md, "Test suite time". The default distribution (`load`): `--dist loadgroup` (to keep the demo's
# modules on one worker) made the SQLite pass 13 min 10 s instead of ~9 (every other test became its own unit, so the
# modules' once-built worlds were built on every worker). `--durations=30`: each run lists its 30 slowest tests.
TEST_WORKERS ?= 3
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	AUZOLAN_ENV=test DATABASE_URL=$${DATABASE_URL:-sqlite:///:memory:} $(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest -n $(TEST_WORKERS) --durations=30 $(PYTEST_ARGS)

# Benchmarks with their competitors, on demand (minutes; not part of the tests). Figures: docs/performance.md.
bench: install-dev
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# French is the source language: its catalogue is rebuilt from the code and translates every string to itself (msgen),
# so that plurals follow French rules (0 and 1 singular) instead of gettext's fallback for a missing entry (n != 1).
FR_PO := locale/fr/LC_MESSAGES/django.po

messages: install-dev
	rm -f $(FR_PO)
	AUZOLAN_ENV=test $(PY) manage.py makemessages -l fr -l eu -l en -l es --no-obsolete \
		--ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*"
	msgen --output-file=$(FR_PO) $(FR_PO)
	AUZOLAN_ENV=test $(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) var/static
