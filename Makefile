# govtext — `make demo` and `make test` do all set-up on a fresh machine (Python 3.11 + package registries).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   := corpora/seeds/2019_party_building_summary.txt

.PHONY: demo test lint bench system-deps clean venv

venv: $(STAMP)

# Install exactly the versions in constraints.txt (the lock), the project itself editable.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# The seed has unfilled placeholders and structural faults, so `check` exits 1 (findings): that is
# the expected review, not a failed demo. Exit 2 (bad input / error) still fails.
demo: $(STAMP)
	$(BIN)/govtext check $(SEED) || test $$? -eq 1

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# System packages for the browser test and CJK charts (Debian): Chromium and Noto CJK fonts.
system-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then \
		echo "system-deps: chromium and fonts-noto-cjk already installed"; \
	else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null && \
		echo "system-deps: installed chromium and fonts-noto-cjk"; \
	fi

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
