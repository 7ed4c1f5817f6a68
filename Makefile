# GI-Assistent. On a fresh machine:  make run   (build everything, start the app)   |   make test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run ingest serve test test-fast eval bench lint corpus browser ocr office office-pdfs clean-index

# torch first and alone: pip finds the CPU wheel on local disk; otherwise it pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ocr

ingest: setup
	$(PY) -m assistant ingest

serve: setup
	$(PY) app.py

run: ingest serve

# Debian's chromium for the browser tests (Playwright drives it; no browser download), and axe-core from npm
# (pinned in tests/axe/package-lock.json) for the accessibility checks.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@cd tests/axe && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	  npm ci --no-audit --no-fund --loglevel=error; }

# Tesseract with its German model reads scanned PDF pages (OCR); poppler's pdftoppm renders pages in tests.
ocr:
	@{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx deu \
	  && command -v pdftoppm >/dev/null 2>&1; } || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr-deu poppler-utils >/dev/null; }

# LibreOffice (headless) with German hyphenation and the Libertine fonts builds the office-made PDFs
# (tests/data/office, the XQuAD two-column PDFs of `make eval`).
office:
	@{ command -v soffice >/dev/null 2>&1 && dpkg -s hyphen-de fonts-linuxlibertine >/dev/null 2>&1; } || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  libreoffice-writer-nogui hyphen-de fonts-linuxlibertine >/dev/null; }

test: setup browser office
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not slow and not browser"

eval: setup office
	$(PY) -m assistant eval
	$(PY) -m assistant.xquad_eval --format both
	$(PY) -m assistant.extraction_eval --large
	$(PY) -m assistant.workspace_report

bench: setup
	$(PY) -m assistant bench

lint: setup
	$(VENV)/bin/ruff check assistant tests scripts evals app.py

corpus: setup
	$(PY) scripts/build_corpus.py

office-pdfs: setup office
	$(PY) scripts/office_pdfs.py --out tests/data/office

clean-index:
	rm -rf index/chroma index/bm25 index/manifest.json
