# The two set-up commands. Both create .venv when it is missing and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(STAMP)-dev
PORT ?= 8501

.PHONY: run serve test sample bench clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP) $(DEV_STAMP)

# desktop mode: bound to this computer only, no login
run: $(STAMP)
	$(BIN)/streamlit run serve_app.py --server.address localhost --server.port $(PORT)

# team mode (issue 17): every page behind a login; ADDRESS and DATA (a writable folder) as needed
ADDRESS ?= 0.0.0.0
DATA ?= $(HOME)/chainmatch-data
serve: $(STAMP)
	$(BIN)/python -m matcher.cli serve --address $(ADDRESS) --port $(PORT) --data $(DATA)

test: $(DEV_STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# Debian's chromium for the headless map test; nothing to do (and no network) once it is there.
# Without root the test is skipped with its reason; CI runs as root and installs it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium not installed (apt-get install chromium): the browser test will be skipped"

sample: $(STAMP)
	$(BIN)/python data/samples/make_sample.py

bench: $(STAMP)
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
