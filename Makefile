# govtext — `make demo` and `make test` do all set-up on a fresh machine (Python 3.11 + package registries).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   := corpora/seeds/2019_party_building_summary.txt

.PHONY: demo test lint bench system-deps clean venv i18n

venv: $(STAMP)

# Install exactly the versions in constraints.txt (the lock), the project itself editable, with every
# extra (web, corpus, dask) and the test tools: the suite covers all commands.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[all,test]'
	touch $(STAMP)

# The seed has unfilled placeholders and structural faults, so `check` exits 1 (findings): that is
# the expected review, not a failed demo. Exit 2 (bad input / error) still fails.
demo: $(STAMP)
	$(BIN)/govtext check $(SEED) || test $$? -eq 1

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

# System packages first (skipped when present), then the lock install, ruff, the whole suite.
test: system-deps $(STAMP) lint
	$(BIN)/python -m pytest -q

# Extract the reviewer-facing strings (babel.cfg) and update the catalogues; the build compiles them.
LOCALE := src/govtext/locale
i18n:
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext -k _ --no-location --sort-output \
		--project govtext -o $(LOCALE)/govtext.pot src/govtext
	$(BIN)/pybabel update -i $(LOCALE)/govtext.pot -d $(LOCALE) -D govtext -l zh_CN --no-fuzzy-matching --ignore-obsolete

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# System packages for the browser test and the CJK charts (Debian): Chromium and Noto CJK fonts.
# Installs only what is missing, with apt-get as root or through sudo, and says so in one line.
# GOVTEXT_SYSDEPS_DRY_RUN=1 prints the apt-get commands instead of running them: the same recipe
# (tests/test_lint_integrations.py runs it with a PATH where chromium and fc-list are absent).
system-deps:
	@need=""; \
	command -v chromium >/dev/null 2>&1 || need="chromium"; \
	{ command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family 2>/dev/null | grep -qi 'noto.*cjk'; } \
		|| need="$$need fonts-noto-cjk fontconfig"; \
	need="$${need# }"; \
	if [ -z "$$need" ]; then echo "system-deps: chromium and fonts-noto-cjk already installed"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo "; \
	else echo "system-deps: cannot install $$need: run as root or install sudo" >&2; exit 2; fi; \
	echo "system-deps: installing $$need with $${sudo}apt-get (for the browser test and CJK charts)"; \
	run() { if [ -n "$$GOVTEXT_SYSDEPS_DRY_RUN" ]; then echo "+ $$*"; else "$$@" >/dev/null; fi; }; \
	run $${sudo}apt-get update -qq && \
	run $${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
