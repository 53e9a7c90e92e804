# One command per chore. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
SCALE  ?= small
SEED   ?= 1
# Test processes: the suite is I/O-bound in places (browsers, servers), so two workers on a
# 2-core machine halve its time. Each worker builds its own session fixtures.
TEST_WORKERS ?= 2

.PHONY: install run demo test test-all bench lint format clean faults faults-fast loadtest

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Builds the small demo the first time (no lake yet), makes sure an admin exists, serves.
run: $(STAMP)
	@test -f "$${POSTMART_DATA_DIR:-data}/lake/catalog.sqlite" || $(BIN)/postmart demo --scale $(SCALE) --seed $(SEED)
	$(BIN)/postmart users ensure-admin
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.headless true

demo: $(STAMP)
	$(BIN)/postmart demo --scale $(SCALE) --seed $(SEED)

# Unit, integration, AppTest and browser tests; slow and benchmark tests are left out.
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow and not bench and not faults" $(PYTEST_ARGS)

test-all: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not bench and not faults" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/pytest -m bench -s -p no:cacheprovider tests/bench $(PYTEST_ARGS)

# Production mode (docs/deploy.md): fault tests against replicas behind nginx and a private
# PostgreSQL cluster; `faults-fast` is the part CI runs after `make test`.
faults: $(STAMP)
	$(BIN)/pytest -m faults -p no:cacheprovider tests/faults $(PYTEST_ARGS)

faults-fast: $(STAMP)
	$(BIN)/pytest -m "faults and not slow" -p no:cacheprovider tests/faults $(PYTEST_ARGS)

# Browser load test against `postmart serve` on 127.0.0.1 (tests/load; not in make test).
# LOADTEST_SOURCE: a demo data dir (built once into data-loadtest/ when missing), read only.
LOADTEST_SOURCE ?= data-loadtest
LOADTEST_ARGS   ?= --replicas 2 --stages 2.5,5 --stage-seconds 60
loadtest: $(STAMP)
	@test -f "$(LOADTEST_SOURCE)/lake/catalog.sqlite" || POSTMART_DATA_DIR=$(LOADTEST_SOURCE) $(BIN)/postmart demo --scale small
	$(BIN)/python -m tests.load.run --source $(LOADTEST_SOURCE) $(LOADTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
