# The README's two commands: `make run` and `make test`. Everything else here supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint check-questionnaires frontend clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate a SQLite file under var/, load demo data once, serve on 127.0.0.1:8000
run: install
	bash scripts/system-packages.sh
	$(BIN)/survey-app migrate
	$(BIN)/survey-app demo
	SURVEY_DEMO_MODE=true $(BIN)/survey-app serve

## test: install, lint, type-check, then the whole suite on SQLite and on PostgreSQL
test: install lint check-questionnaires
	bash scripts/test-legs.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## frontend: rebuild the committed CSS and vendored JS from pinned npm packages (needs npm)
frontend:
	bash scripts/build-frontend.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts

check-questionnaires: install
	$(BIN)/survey-app questionnaires check > /dev/null || $(BIN)/survey-app questionnaires check
