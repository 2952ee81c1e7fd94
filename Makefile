# victimcare — the two commands: `make run` (whole system with demo data) and `make test` (every test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUM := $(shell cksum pyproject.toml | cut -d' ' -f1)
# Two stamps: `make run` needs only what the system runs on; tests, lint and benchmarks add the dev extra
# (Playwright, schemathesis, locust...), which would double a fresh `make run`'s install time.
STAMP := $(VENV)/.installed-$(SUM)
DEV_STAMP := $(VENV)/.installed-dev-$(SUM)


.PHONY: install install-dev run test lint format bench faults migrate seed clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(DEV_STAMP)

## Install what the system runs on (make run); install-dev adds the test, lint and benchmark tools.
install: $(STAMP)

install-dev: $(DEV_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

## Start web server, Celery worker and beat with demo data (SQLite + filesystem broker unless DATABASE_URL/REDIS_URL are set).
run: seed
	$(PY) manage.py runstack

## Run every test (uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set; CI sets them and VC_REQUIRE_SERVICES=1).
test: install-dev
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

## Lint: ruff, and the layer contract (.importlinter) that keeps dependencies pointing one way.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Benchmarks (PostgreSQL; not part of the test run). Prints name=value lines.
bench: install-dev
	$(PY) -m bench
	@# Referrals: a day's crimes of a large force routed (3,000 crimes), on the same database.
	$(PY) -m bench.referral_route
	@# The partner API's referral list for one organisation with 200,000 referrals (its own database,
	@# vc_bench_referrals; PostgreSQL only).
	@if [[ "$$DATABASE_URL" == postgres* ]]; then \
		DATABASE_URL="$${DATABASE_URL%/*}/vc_bench_referrals" $(PY) -m bench.partner_list; \
	fi
	@# Surveys: a week's invitations of a large force (20,000) and the satisfaction results on 200,000
	@# answers (its own database, vc_bench_surveys; PostgreSQL only; bench/surveys.py).
	@if [[ "$$DATABASE_URL" == postgres* ]]; then \
		DATABASE_URL="$${DATABASE_URL%/*}/vc_bench_surveys" $(PY) -m bench.surveys; \
	fi
	@# The portal page and the staff case lists on 1,000,000 crimes, and the outbox with one worker, in a
	@# database of their own (vc_bench_portal beside DATABASE_URL's, or BENCH_PORTAL_DATABASE_URL); on SQLite
	@# they say "skipped".
	@# Then the load test on that database: gunicorn + locust, 200 staff and 500 portal users for 10 minutes
	@# (bench/load.py; LOAD_SECONDS=0 skips it, LOAD_STAFF/LOAD_PORTAL/LOAD_SECONDS make it smaller).
	@# Last, the compliance dashboards, their quarterly return and the roll-up's catch-up on that database
	@# (10.6M duties; bench/dashboard.py).
	@if [[ "$$DATABASE_URL" == postgres* ]]; then \
		url="$${BENCH_PORTAL_DATABASE_URL:-$${DATABASE_URL%/*}/vc_bench_portal}"; \
		DATABASE_URL="$$url" $(PY) -m bench.portal && DATABASE_URL="$$url" $(PY) -m bench.case_lists \
			&& DATABASE_URL="$$url" $(PY) -m bench.outbox \
			&& DATABASE_URL="$$url" $(PY) -m bench.load && DATABASE_URL="$$url" $(PY) -m bench.dashboard; \
	else \
		$(PY) -m bench.portal && $(PY) -m bench.case_lists && $(PY) -m bench.outbox && $(PY) -m bench.load \
			&& $(PY) -m bench.dashboard; \
	fi

## Fault runs (not part of the test run): real worker and beat on their own PostgreSQL (port 5440) and Redis
## (6390), started by bench/faults.py; the broker, the database, a worker, two beats and a full letters disk.
faults: install-dev
	$(PY) -m bench.faults

clean:
	rm -rf var/*.sqlite3* var/broker var/celerybeat-schedule* var/sent-email
