# Setup and everyday commands. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install install-dev translations messages browser db demo bench clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations

install-dev: $(VENV)/.installed-dev translations browser

# Compiled catalogues are build output; the .po files are the source.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d app/translations >/dev/null

# Refresh the catalogue after changing UI strings, then translate the new entries in the .po file.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l zh_Hans_CN --no-fuzzy-matching

# Debian's Chromium for the Playwright tests (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; }

db: install
	$(BIN)/flask db upgrade
	$(BIN)/flask processes deploy

demo: db
	$(BIN)/flask demo load

run: demo
	HOTLINE_SCHEDULER=1 $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest -q

# Rebuild the process designer's scripts and styles into app/static/designer/ after changing
# assets/. Needs Node.js 20 and npm; the output is committed, so run and test need neither.
assets:
	cd assets && npm ci --no-audit --no-fund && npm test && npm run build

bench: install-dev
	$(BIN)/python bench/lifecycle.py
	$(BIN)/python bench/sla_deadline.py
	$(BIN)/python bench/sla_sweep.py
	$(BIN)/python bench/designer_rejections.py
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) instance .pytest_cache
