# Two entry points for a fresh machine with Python 3.11+ and make:
#   make run   - set up, load the demo organization, serve on http://127.0.0.1:8000
#   make test  - set up, lint, type-check and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup browser lint typecheck pytest eval bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/copilot serve --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Debian's chromium (and a Chinese font) for the browser tests (Playwright drives it through its executable path;
# nothing is downloaded by Playwright itself)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && $(APT_INSTALL) >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo $(APT_INSTALL) >/dev/null; \
	  else false; fi; } || echo "chromium could not be installed here: the browser tests will skip" \
	  "(and fail where COPILOT_REQUIRE_BROWSER=1, as in CI)"

# the suite in two halves side by side, and beside them its storage, retrieval and API tests again
# on PostgreSQL and a Chroma server (tests/run_suite.py: the three share nothing; either failing
# fails the target)
pytest: $(STAMP) browser
	$(BIN)/python -m tests.run_suite

test: lint typecheck pytest

EVAL := ../shared/evalsets
eval: $(STAMP)
	$(BIN)/copilot eval followups $(EVAL)/dev/followups.jsonl --out var/preds/followups.jsonl
	$(BIN)/copilot eval times $(EVAL)/dev/times.jsonl --out var/preds/times-dev.jsonl
	$(BIN)/copilot eval times $(EVAL)/external/times-jionlp.jsonl --out var/preds/times-jionlp.jsonl
	$(BIN)/copilot eval amounts $(EVAL)/dev/amounts.jsonl --out var/preds/amounts-dev.jsonl
	$(BIN)/copilot eval amounts $(EVAL)/external/amounts-cn.jsonl --out var/preds/amounts-cn.jsonl
	$(BIN)/copilot eval contracts $(EVAL)/dev/contracts.jsonl --out var/preds/contracts.jsonl
	$(BIN)/copilot eval search evaluators/data/search-dev.jsonl --out var/preds/search.jsonl
	$(BIN)/copilot eval search evaluators/data/search-dev2.jsonl --out var/preds/search2.jsonl
	$(BIN)/copilot eval search evaluators/data/search-dev3.jsonl --out var/preds/search3.jsonl
	$(BIN)/copilot eval ask $(EVAL)/dev/ask.jsonl --out var/preds/ask-dev.jsonl
	$(BIN)/copilot eval ask evaluators/data/ask-blind1.jsonl --out var/preds/ask-blind1.jsonl
	$(BIN)/copilot eval ask evaluators/data/ask-blind2.jsonl --out var/preds/ask-blind2.jsonl
	$(BIN)/copilot eval ask evaluators/data/ask-holdout.jsonl --out var/preds/ask-holdout.jsonl
	$(BIN)/copilot eval suggest $(EVAL)/dev/suggest.jsonl --out var/preds/suggest-dev.jsonl
	$(BIN)/copilot eval suggest evaluators/data/suggest-blind1.jsonl --out var/preds/suggest-blind1.jsonl
	$(BIN)/copilot eval suggest evaluators/data/suggest-holdout.jsonl --out var/preds/suggest-holdout.jsonl

screenshots: $(STAMP) browser
	$(BIN)/python -m tests.e2e.screenshots docs/screenshots

bench: $(STAMP)
	$(BIN)/copilot bench ingest -n 3000
	$(BIN)/python -m benchmarks.ask_http
	$(BIN)/python -m benchmarks.rhythm_http
	$(BIN)/python -m benchmarks.letters

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
