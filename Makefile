# Two commands: `make run` (the whole application with demo data) and `make test` (every test).
# With DATABASE_URL / REDIS_URL unset, embedded PostgreSQL and Redis are started under .data/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SERVICES := eval "$$($(BIN)/python -W ignore -m township.devservers env)"
PORT ?= 8000
# 127.0.0.1 by default; HOST=0.0.0.0 make run opens the demo to the network.
HOST ?= 127.0.0.1
export PORT HOST

.PHONY: install run test test-on-date lint check-translations messages services stop timings bench mutants clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

services: install
	@$(SERVICES) && echo "DATABASE_URL=$$DATABASE_URL" && echo "REDIS_URL=$$REDIS_URL"

run: install
	@$(SERVICES) && \
	  $(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py compile_translations && \
	  $(BIN)/python manage.py seed_demo && \
	  $(BIN)/python manage.py demo_logins && \
	  DJANGO_DEBUG=1 $(BIN)/honcho -f Procfile start

# In parallel: one pytest-xdist worker per core (at most 4), each with its own test database; each
# test file whole on one worker, in order (docs/testing.md).  XDIST= runs the suite in one process.
XDIST ?= -n auto --maxprocesses 4 --dist loadfile
test: install
	@$(SERVICES) && \
	  $(BIN)/python manage.py compile_translations && \
	  $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The suite on another day (issue 12: no test may depend on today).  Needs libfaketime (Debian's
# package faketime).  DATE is UTC and the clock runs on from it (an offset from the real clock,
# the same in every process the tests start: a worker started later agrees); the default is 01:30 on
# 1 January in Shanghai, when the UTC date is still 31 December.  Browser tests are left out
# (Chromium's certificates and timers do not like a moved clock).
#   make test-on-date DATE="2026-12-31 02:00:00"     (10:00 on 31 December in Shanghai)
DATE ?= 2026-12-31 17:30:00
test-on-date: install
	@command -v faketime >/dev/null || { echo "test-on-date needs libfaketime: apt-get install faketime"; exit 2; }
	@$(SERVICES) && \
	  $(BIN)/python manage.py compile_translations && \
	  faketime -f "$$($(BIN)/python -c 'import datetime as d, sys; t = d.datetime.fromisoformat(sys.argv[1]).replace(tzinfo=d.UTC); print(f"{int((t - d.datetime.now(d.UTC)).total_seconds()):+d}s")' "$(DATE)")" \
	    $(BIN)/python -m pytest $(XDIST) -m "not browser and not walkthrough" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Refresh the .po files from the code (needs GNU gettext), then fail on any untranslated string.
messages: install
	@$(SERVICES) && $(BIN)/python manage.py makemessages_all
check-translations: install
	@$(SERVICES) && $(BIN)/python manage.py check_translations

# How long migrate, the demo seed and the first page take here (issue 15), into .data/timings.json;
# TIMINGS_ARGS="--suite --bench" also times the whole suite and the bench seed.
timings: install
	@$(SERVICES) && $(BIN)/python -m township.devtools.timings $(TIMINGS_ARGS)

bench: install
	@$(SERVICES) && $(BIN)/python manage.py bench --output .data/bench.json $(BENCH_ARGS)

# Mutation testing (docs/testing.md); slow, not part of `make test` or CI. Run one at a time:
#   flock /tmp/mutants.lock make mutants MODULE=township/workcalendar.py [TESTS="paths"] [JOBS=2]
mutants: install
	@$(SERVICES) && \
	  $(BIN)/python manage.py compile_translations --skip-checks >/dev/null && \
	  $(BIN)/python -m township.devtools.mutants $(if $(MODULE),--module $(MODULE)) \
	    $(if $(TESTS),--tests $(TESTS)) $(if $(JOBS),--jobs $(JOBS))

stop:
	-$(BIN)/python -m township.devservers stop

clean: stop
	rm -rf .data $(VENV)
