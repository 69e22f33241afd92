# Two commands for a new user: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test setup setup-dev chromium nginx lint validate unit e2e bench serve-cluster load clean

run: $(VENV)/.runtime
	MALLOC_ARENA_MAX=2 MIMALLOC_ABANDONED_RECLAIM_ON_FREE=1 MIMALLOC_PURGE_DELAY=0 \
	  $(BIN)/streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev chromium nginx
	$(BIN)/ruff check .
	$(BIN)/python -m atlas validate data
	$(BIN)/pytest

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

# Debian's python3 needs python3-venv for `-m venv`; install it when we may.
$(VENV)/bin/python:
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c "import ensurepip" 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && apt-get install -y -q python3-venv; \
	  else echo "Please install python3-venv (sudo apt-get install python3-venv)"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The browser tests drive Debian's chromium; no browser is downloaded.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && apt-get install -y -q chromium; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

# The cluster test and `make serve-cluster` put Debian's nginx in front of the app.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && apt-get install -y -q nginx; \
	  else echo "The cluster test needs Debian's nginx: sudo apt-get install nginx"; exit 1; fi; }

lint: $(VENV)/.dev
	$(BIN)/ruff check .

validate: $(VENV)/.runtime
	$(BIN)/python -m atlas validate data

unit: $(VENV)/.dev
	$(BIN)/pytest --ignore=tests/e2e

e2e: $(VENV)/.dev chromium nginx
	$(BIN)/pytest tests/e2e

# The scale benchmark (not a test): real data, then synthetic packages (benchmarks/synth.py), timed
# on the server and in Debian's chromium beside a floor page of the same events (one Plotly chart);
# writes benchmarks/results.md. make bench SIZES="real 1000 10000 100000"
SIZES ?= real 1000 10000
bench: $(VENV)/.dev chromium
	$(BIN)/python -m benchmarks.run $(SIZES)

# N copies of the app behind nginx at http://127.0.0.1:$(CLUSTER_PORT)/atlas/ (see deploy/).
N ?= 2
CLUSTER_PORT ?= 8080
serve-cluster: $(VENV)/.runtime nginx
	$(BIN)/python -m deploy.cluster --copies $(N) --port $(CLUSTER_PORT)

# The classroom benchmark (not a test): real websocket sessions against one process and the
# cluster, then visitors uploading ~40 MB at once; writes its section of benchmarks/results.md.
# make load SESSIONS=30 BIG_SESSIONS=10 UPLOADS=10
SESSIONS ?= 30
BIG_SESSIONS ?= 10
UPLOADS ?= 10
load: $(VENV)/.dev nginx
	$(BIN)/python -m benchmarks.load --sessions $(SESSIONS) --big-sessions $(BIG_SESSIONS) \
	  --upload-visitors $(UPLOADS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
