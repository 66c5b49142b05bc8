# papershelf: the pelican-quickstart targets, plus `test` and `bench`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican

INPUTDIR := $(CURDIR)/content
OUTPUTDIR := $(CURDIR)/output
CONFFILE := $(CURDIR)/pelicanconf.py
PUBLISHCONF := $(CURDIR)/publishconf.py
PORT ?= 8000
PELICANOPTS ?=

.PHONY: help install html clean regenerate serve devserver publish test lint check update bench bench-compare lighthouse dist

help:
	@echo 'make install     create $(VENV) with papershelf and its test tools (make html needs neither)'
	@echo 'make html        build the site into output/ (creates $(VENV) on first use)'
	@echo 'make clean       remove output/ and the cache'
	@echo 'make regenerate  rebuild whenever content changes'
	@echo 'make serve       serve output/ at http://localhost:$(PORT)'
	@echo 'make devserver   regenerate and serve'
	@echo 'make publish     build with publishconf.py: make publish SITEURL=https://you.github.io/archive'
	@echo 'make check       validate the content without building'
	@echo 'make update      fetch the daily_papers listings missing since the newest one'
	@echo 'make test        run the test suite'
	@echo 'make bench       benchmark against plain Pelican and Hugo (BENCH_LARGE=1 adds 50,000 and 100,000 papers)'
	@echo 'make bench-compare REV=main  this checkout against another revision, same run'
	@echo 'make lighthouse  Lighthouse scores of five pages of the example archive'
	@echo 'make lint        ruff check and format check'
	@echo 'make dist        build the wheel and sdist into dist/ and check them (TAG=v1.2.0: must match)'

# Pelican answers a missing content folder with a traceback; say it in one line.
define need-content
@test -d "$(INPUTDIR)" || { echo "$(INPUTDIR): no such content folder (make html INPUTDIR=...)" >&2; exit 1; }
endef

# Building needs papershelf and its dependencies; testing adds the test tools.
# Both are brought up to date when pyproject.toml changes. The install keeps the
# checkout on sys.path, where Pelican finds the plugin in pelican/plugins/ (a
# namespace package, as an installed plugin is).
INSTALL = $(BIN)/python -m pip install --quiet --disable-pip-version-check
EDITABLE = -e '.$(1)' --config-settings editable_mode=compat

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(INSTALL) $(call EDITABLE,)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(INSTALL) $(call EDITABLE,[test])
	touch $@

install: $(VENV)/.installed-test

html: $(VENV)/.installed
	$(need-content)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

clean:
	rm -rf $(OUTPUTDIR) $(CURDIR)/cache

regenerate: $(VENV)/.installed
	$(need-content)
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

serve: $(VENV)/.installed
	$(need-content)
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) $(PELICANOPTS)

devserver: $(VENV)/.installed
	$(need-content)
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) $(PELICANOPTS)

publish: $(VENV)/.installed
	$(need-content)
	@test -n "$(SITEURL)" || { echo "make publish needs the site's address: make publish SITEURL=https://you.github.io/archive (make html builds a site that works from any folder)" >&2; exit 1; }
	SITEURL="$(SITEURL)" $(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) $(PELICANOPTS)

check: $(VENV)/.installed
	$(BIN)/papershelf check $(INPUTDIR)

update: $(VENV)/.installed
	$(BIN)/papershelf fetch --content $(INPUTDIR)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTESTOPTS)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

bench-compare: $(VENV)/.installed-test
	$(BIN)/python bench/compare.py $(REV)

lighthouse: $(VENV)/.installed-test
	$(BIN)/python bench/lighthouse.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

dist: $(VENV)/.installed-test
	@version=$$($(BIN)/python -c 'import importlib.metadata as m; print(m.version("pelican-papershelf"))'); \
	test -z "$(TAG)" || test "$(TAG)" = "v$$version" || { echo "tag $(TAG) is not v$$version, the version in pyproject.toml" >&2; exit 1; }
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*
