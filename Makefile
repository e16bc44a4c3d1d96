# Two commands do all the set-up: `make run` and `make test`. Both create .venv when it is missing
# and reinstall only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Where the app listens. The default serves this machine only. Serving other machines is an explicit choice:
# `make run-public` (or HOST=0.0.0.0 make run); then error details never reach the page (see README, Security).
HOST ?= 127.0.0.1
LOCAL_HOSTS := 127.0.0.1 localhost ::1
ERROR_DETAILS := $(if $(filter $(HOST),$(LOCAL_HOSTS)),full,none)

.PHONY: run run-public test bench screenshot install install-test browser bytecode clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "magplan needs Python 3.10 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-install: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(VENV)/.stamp-install $@

install: $(VENV)/.stamp-install bytecode
install-test: $(VENV)/.stamp-test browser bytecode

# The project's modules compiled ahead (as pip does for an installed package): a machine that sets
# PYTHONDONTWRITEBYTECODE, like CI's, otherwise compiles all of them again at every magplan start (0.15 s).
# Up-to-date files are skipped; Python itself recompiles any that a later edit makes stale.
bytecode: | $(PY)
	@$(PY) -m compileall -q planner foods cli ui bench scripts streamlit_app.py >/dev/null

# The end-to-end test drives Debian's Chromium (a test tool's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: install
	@$(if $(filter $(HOST),$(LOCAL_HOSTS)),echo "magplan: http://localhost:$(PORT) (this machine only)",\
	  echo "magplan: serving on $(HOST):$(PORT) to other machines too; anyone who can reach it can upload files and read, change or delete the saved plans (README, Security)")
	$(VENV)/bin/streamlit run streamlit_app.py --server.address $(HOST) --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false --client.showErrorDetails $(ERROR_DETAILS)

# Serve the app to other machines on the network (no error details on the page). Read README, Security, first.
run-public:
	$(MAKE) run HOST=0.0.0.0

test: install-test
	$(PY) -m pytest

# Refresh docs/screenshot.png and docs/screenshot_phone.png (the README pictures) from the browser test.
screenshot: install-test
	MAGPLAN_UPDATE_SCREENSHOT=1 $(PY) -m pytest tests/test_browser.py -q

bench: install-test
	$(PY) -m bench.browser
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
