# Kabinet: `make demo` starts the portal with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kabinet
# Database 8 and the next ones (one per test process: the tests empty theirs before each test).
REDIS_TEST_URL ?= redis://127.0.0.1:6379/8
# The Redis pass: what runs differently with REDIS_URL set (the cache, sessions, throttles,
# RQ tasks and workers, health); the rest of the suite does not look at where the cache is.
REDIS_TESTS ?= src/kabinet/core src/kabinet/accounts src/kabinet/catalog \
  src/kabinet/imports/tests/test_tasks.py src/kabinet/exchange/tests/test_http_auth.py

.PHONY: install system-packages demo test test-sqlite test-postgres test-redis test-e2e test-api lint \
  messages check-deploy

# Debian packages the tests need: Chromium for the browser tests, gettext for translations,
# DejaVu fonts for the Russian text of the demo's generated PDFs and pictures.
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null \
	  || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium gettext fonts-dejavu-core >/dev/null; \
	  else echo "Please install: sudo apt-get install chromium gettext fonts-dejavu-core"; exit 1; fi; fi

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/activate
	$(BIN)/pip install -q --disable-pip-version-check -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	@command -v msgfmt >/dev/null || $(MAKE) system-packages
	cd src/kabinet && DEBUG=1 ../../$(BIN)/kabinet compilemessages -v0

demo: install
	DEBUG=1 $(BIN)/kabinet demo

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/kabinet makemigrations --check --dry-run -v1

test-sqlite:
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider -m "not e2e" -q -n 2 --durations=5

# Under CI=true an unreachable PostgreSQL fails the run; on a laptop without one it is skipped.
test-postgres:
	@url=$${DATABASE_URL:-$(PG_TEST_URL)}; \
	if [ "$${CI:-}" != "true" ] && ! $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1].replace('/kabinet','/postgres'), connect_timeout=3).close()" "$$url" 2>/dev/null; then \
	  echo "PostgreSQL at $$url does not answer: PostgreSQL suite skipped (CI requires it)."; exit 0; fi; \
	DATABASE_URL=$$url $(BIN)/pytest -p no:cacheprovider -m "not e2e" -q -n 2 --durations=5

# The focused pass with REDIS_URL set (cache and sessions in Redis, tasks on RQ), on
# PostgreSQL when it answers. Under CI=true an unreachable Redis fails the run.
test-redis:
	@if [ "$${CI:-}" != "true" ] && ! $(BIN)/python -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()" "$(REDIS_TEST_URL)" 2>/dev/null; then \
	  echo "Redis at $(REDIS_TEST_URL) does not answer: Redis suite skipped (CI requires it)."; exit 0; fi; \
	url=$${DATABASE_URL:-$(PG_TEST_URL)}; \
	if [ "$${CI:-}" = "true" ] || $(BIN)/python -c "import psycopg,sys,urllib.parse as u; \
	  psycopg.connect(u.urlunsplit(u.urlsplit(sys.argv[1])._replace(path='/postgres')), connect_timeout=3).close()" "$$url" 2>/dev/null; then \
	  export DATABASE_URL=$$url; else unset DATABASE_URL; fi; \
	REDIS_URL=$(REDIS_TEST_URL) TASKS_BACKEND=rq \
	  $(BIN)/pytest -p no:cacheprovider -m "not e2e" -q -n 2 --durations=5 $(REDIS_TESTS)

test-e2e:
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider -m e2e -q

# The ERP API against its OpenAPI document (schemathesis over WSGI, bounded to under a minute).
# Part of the suite, so `make test` (and .ci/run) runs it on SQLite and PostgreSQL; this target
# runs it alone.
test-api:
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider -q -n 2 src/kabinet/api/tests/test_erp_schema.py

# Everything: lint, the suite on SQLite and on PostgreSQL, the Redis pass, the browser tests.
test: install system-packages lint
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	$(MAKE) --no-print-directory test-postgres || status=1; \
	$(MAKE) --no-print-directory test-redis || status=1; \
	$(MAKE) --no-print-directory test-e2e || status=1; \
	exit $$status

check-deploy:
	DEBUG=0 SECRET_KEY=$$(python3 -c "import secrets; print(secrets.token_urlsafe(64))") \
	  ALLOWED_HOSTS=portal.example.com $(BIN)/kabinet check --deploy --fail-level WARNING
