# Kunskapsbanken: every command a person or CI needs. `make serve` and `make test`
# set up .venv themselves (from requirements.lock), so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ADDR   ?= 127.0.0.1:8000
PAGES  ?= 200
# make serve POLL=1: look for saves every half second instead of using file events
# (for a project on a network drive or in a folder shared into a virtual machine).
POLL   ?=

# Material prints a long notice about MkDocs 2 on every run; it is known and tracked.
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: every date a build writes comes from the last commit, not the clock.
# Outside a git checkout (a downloaded copy) there is no commit: the build uses today, not 1970.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

.PHONY: setup serve serve-full build check test lint links bench offline new-method compare-engines clean

# Re-runs only when the lock or the package definition changed, so it is fast after the first time.
# axe-core (pinned in package-lock.json) is the accessibility engine the browser tests inject.
$(STAMP): requirements.lock pyproject.toml package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

setup: $(STAMP)

# A save rebuilds only the page that changed (it shows after about a second with 1,000
# methods, not 35 s); a change in data/ or mkdocs.yml rebuilds every page. Listings, the
# catalogue and search catch up at the next start or with `make serve-full`, which
# rebuilds everything on every save. Not strict, since MkDocs warns about every dirty
# rebuild; the post-build link check still stops on broken links.
serve: setup
	KB_DRAFTS=1 KB_POLL=$(POLL) $(BIN)/mkdocs serve --dirty --no-strict --dev-addr $(ADDR)

serve-full: setup
	KB_DRAFTS=1 KB_POLL=$(POLL) $(BIN)/mkdocs serve --dev-addr $(ADDR)

build: setup
	$(BIN)/mkdocs build --strict --clean --site-dir site

# The workflows audited by zizmor (offline), every content check, then a strict build into
# build/check-site: broken links, missing anchors and cross-language links in the built HTML
# fail it, naming the page.
check: setup
	test ! -d .github/workflows || $(BIN)/zizmor --offline --strict-collection .github/workflows
	$(BIN)/kb check
	$(BIN)/mkdocs build --strict --quiet --clean --site-dir build/check-site

test: setup
	$(BIN)/python -m pytest

# make new-method                      asks for title, region and focus areas
# make new-method TITLE="…" REGION=syd FOCUS="3 5"
new-method: setup
	$(BIN)/kb new method $(if $(TITLE),--title "$(TITLE)") $(if $(REGION),--region $(REGION)) \
		$(foreach area,$(FOCUS),--focus-area $(area))

# External links: a weekly job, never a gate for a pull request (exit 1 only when a link is
# confirmed broken). Writes build/links-report.md and .json.
links: setup
	$(BIN)/kb links

# Measurements, not tests: a synthetic corpus of PAGES methods in both languages, built with
# and without the project's hooks, checked, and searched in headless Chromium.
bench: setup
	$(BIN)/kb bench --pages $(PAGES)

offline: setup
	$(BIN)/kb offline --out build/kunskapsbanken-offline.zip

# The way off MkDocs, tested: ProperDocs (its maintained fork) must build the same site,
# but for the generator tag. See MAINTAINING.md.
compare-engines: setup
	$(BIN)/kb compare-engines

lint: setup
	$(BIN)/ruff check scripts tests

clean:
	rm -rf site .pytest_cache
