# The two commands: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test install translations migrate demo worker lint bench clean audit

$(STAMP): pyproject.toml
	# PyICU builds against ICU's headers: install them from Debian when missing and we are root.
	pkg-config --exists icu-i18n 2>/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq libicu-dev pkg-config; } \
	  || { echo "PyICU needs libicu-dev and pkg-config (apt-get install libicu-dev pkg-config)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

translations: install
	$(PY) scripts/i18n.py compile

migrate: translations
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

# Serves on http://127.0.0.1:5000 with the mail delivery worker running inline (mail in instance/mail/).
run: demo
	NETWORK_INLINE_WORKER=1 $(FLASK) run --host 127.0.0.1 --port 5000 --no-reload

worker: install
	$(FLASK) mail deliver --loop

test: translations
	bash scripts/test.sh

# Known vulnerabilities in the dependencies (pip-audit); skipped with a message where its database is unreachable.
audit: install
	PY=$(PY) bash scripts/audit.sh

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
