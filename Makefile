# `make demo` and `make test` each set up everything they need from a bare machine with python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-fonts-recommended latexmk poppler-utils

.PHONY: demo test venv tex chromium bench clean

demo: venv tex
	@echo "== 1. Every result of the lecture, derived step by step; every step machine-checked"
	$(BIN)/derive verify --all
	@echo; echo "== 2. Grading a class's answers (examples/submissions.csv)"
	$(BIN)/derive grade examples/submissions.csv
	@echo; echo "== 3. Training with the derived gradients, generative against discriminative"
	$(BIN)/derive train logistic --data examples/gaussian_classes.csv --target label
	$(BIN)/python -m numeric.demo --data examples/gaussian_classes.csv --target label
	@echo; echo "== 4. The lecture notes and handouts as PDF"
	@$(BIN)/derive report --all > /dev/null; status=$$?; \
	  if [ $$status -eq 0 ]; then echo "Lecture notes: $(CURDIR)/reports/out/lecture-notes.pdf"; \
	  elif [ $$status -eq 3 ]; then echo "Lecture notes (no TeX here, LaTeX only): $(CURDIR)/reports/out/lecture-notes.tex"; \
	  else exit $$status; fi
	@echo; echo "== 5. A course of one's own (examples/course): derivations and problems as data, no package edits"
	$(BIN)/derive --course examples/course verify linreg-gradient linreg-hessian swish-unit
	$(BIN)/derive problem validate examples/course
	$(BIN)/derive --course examples/course grade examples/course/submissions.csv
	@$(BIN)/derive --course examples/course report linreg-gradient linreg-hessian swish-unit -o reports/out/course > /dev/null; \
	  status=$$?; if [ $$status -eq 0 ] || [ $$status -eq 3 ]; then echo "Course handouts: $(CURDIR)/reports/out/course/"; \
	  else exit $$status; fi
	$(BIN)/derive gradescope build --course examples/course linreg-gradient linreg-gradient-bias linreg-hessian swish-grad-w -o reports/out/course/autograder.zip
	$(BIN)/derive gradescope selftest reports/out/course/autograder.zip examples/course/answers.csv
	@echo; echo "== 6. The web app: a student's answer checked through its JSON API"
	$(BIN)/python -m derive.serve.demo
	@$(BIN)/python -m derive.tour

test: venv tex chromium
	$(BIN)/python -m pytest -q

venv: $(STAMP)

# Re-install only when the project's metadata changes, so both targets are cheap to run again.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing derive-toolkit and its dependencies into $(VENV) (log: $(VENV)/install.log) ..."
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/install.log 2>&1 \
	  && $(BIN)/python -m pip install -e '.[test]' >> $(VENV)/install.log 2>&1 \
	  || { tail -n 30 $(VENV)/install.log; echo "pip install failed; see $(VENV)/install.log"; exit 1; }
	touch $(STAMP)

# TeX Live from Debian's packages, for the PDF reports; skipped (with a note) where it cannot be installed.
tex:
	@if command -v latexmk >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing TeX Live (Debian packages: $(TEX_PACKAGES)) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null \
	  || echo "note: TeX Live could not be installed; reports will be written as .tex only"; \
	else echo "note: latexmk not found and cannot install it here; reports will be written as .tex only"; fi

# Debian's Chromium, for the browser tests (Playwright drives it; its own browser download is not used).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Chromium (Debian package: chromium) for the browser tests ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
	  || echo "note: chromium could not be installed; the browser tests will be skipped (outside CI)"; \
	else echo "note: /usr/bin/chromium not found and cannot install it here; the browser tests will be skipped (outside CI)"; fi

bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) reports/out build *.egg-info
