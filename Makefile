# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501
# Where `make run` listens: this machine only, unless told (`make run ADDRESS=10.0.0.5`, the
# server's address on the county's network). Any address but 0.0.0.0/:: also keeps Streamlit
# from looking up the machine's public address at start (README: deployment).
ADDRESS ?= 127.0.0.1
# One-click sign-in as a demo user of each role; a real deployment runs with DEMO_SIGN_IN=0.
DEMO_SIGN_IN ?= 1

.PHONY: run serve test bench venv venv-test system-deps fonts haproxy lint format demo

$(VENV)/.run-installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

venv: $(VENV)/.run-installed
venv-test: $(VENV)/.test-installed

## make run: install, load the demo county if the store is empty, serve on http://127.0.0.1:8501
## (server.py: app.py plus the route that sets the HttpOnly session cookie)
run: venv fonts
	$(PY) -m data demo --if-empty
	$(PY) -m data user demo
	DEMO_SIGN_IN=$(DEMO_SIGN_IN) $(PY) -m streamlit run server.py --server.port $(PORT) \
		--server.address $(ADDRESS)

## make test: install what the tests need (Debian chromium and CJK fonts too) and run the suite
test: venv-test system-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

## make bench: build demo stores at BENCH_SCALES persons and write BENCHMARKS.md and
## bench-summary.json (import into SQLite and PostgreSQL, cold start, every page cold and warm,
## CLI, polars floor, naive SQL, RSS, 20 sessions at once, 100 through HAProxy with 1, 2 and 4
## workers: haproxy from system-deps)
BENCH_SCALES ?= 10000 100000 1000000 2200000
bench: venv-test system-deps
	BENCH_SCALES="$(BENCH_SCALES)" $(PY) tests/bench/run.py

# haproxy: `make serve` and its test (tests/e2e/test_workers.py); in /usr/sbin, off a user's PATH.
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh | grep -q . || ! command -v pdftoppm >/dev/null \
		|| ! command -v strace >/dev/null || ! $(HAPROXY_FOUND); then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk poppler-utils \
			strace haproxy; \
	fi

HAPROXY_FOUND := PATH="$$PATH:/usr/sbin:/sbin" command -v haproxy >/dev/null

## make serve WORKERS=N: `make run` with N Streamlit processes behind HAProxy on PORT (default
## 2 workers on 8501; workers on 127.0.0.1, ports from WORKER_PORT). deploy/serve.py restarts a
## worker that stops; Ctrl-C stops everything. README: "Deployment: several workers".
WORKERS ?= 2
WORKER_PORT ?= 8511
serve: venv fonts haproxy
	$(PY) -m data demo --if-empty
	$(PY) -m data user demo
	DEMO_SIGN_IN=$(DEMO_SIGN_IN) $(PY) deploy/serve.py --workers $(WORKERS) --port $(PORT) \
		--address $(ADDRESS) --worker-port $(WORKER_PORT)

haproxy:
	@if ! $(HAPROXY_FOUND); then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy; \
	fi

## a CJK font for the meeting pack's PDF (ui/pack.py embeds it): Debian's fonts-noto-cjk
fonts:
	@if ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fontconfig fonts-noto-cjk; \
	fi

lint: venv-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: venv-test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

demo: venv
	$(PY) -m data demo
