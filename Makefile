# Two commands do all the set-up: `make run` and `make test`. Both create .venv when it is missing
# and reinstall only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test bench screenshot install install-test browser clean

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

install: $(VENV)/.stamp-install
install-test: $(VENV)/.stamp-test browser

# The end-to-end test drives Debian's Chromium (a test tool's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: install
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false

test: install-test
	$(PY) -m pytest

# Refresh docs/screenshot.png (the README picture) from the browser test.
screenshot: install-test
	MAGPLAN_UPDATE_SCREENSHOT=1 $(PY) -m pytest tests/test_browser.py -q

bench: install-test
	$(PY) -m bench.browser
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
