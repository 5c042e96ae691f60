# The two commands: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
export APP_ENV ?= development

.PHONY: run test install translations serve db seed bench clean messages

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

translations: install
	$(BIN)/pybabel compile --use-fuzzy -d translations >/dev/null

## Extract the messages and merge them into the English catalog (for translators).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --project don-thu .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

db: install
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask seed reference
	$(BIN)/flask seed demo

run: translations seed
	@echo ""
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: translations
	APP_ENV=testing $(BIN)/python -m pytest $(PYTEST_ARGS)

## Load run (bench/run.py): gunicorn with 2 workers on SQLite and PostgreSQL, a table and bench/results/*.json.
## BENCH_PETITIONS=1000000 for the big run; BENCH_DBS=postgresql for one database (docs/deploy.md).
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache
