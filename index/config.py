"""The one configuration object. Its values are written into the index manifest."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "all-MiniLM-L6-v2"
FORMAT_VERSION = 2  # 2: one WAL SQLite database + vector segments under the manifest
# Bump when extraction or indexed units change: the default index is then rebuilt.
PIPELINE_VERSION = "2026-12-08.2"
SUPPORTED_SUFFIXES = (".txt", ".md")


def default_index_dir() -> Path:
    """Where the default index of the bundled article lives (``$QUOTEBOT_HOME`` overrides)."""
    home = os.environ.get("QUOTEBOT_HOME")
    base = Path(home) if home else Path.home() / ".cache" / "quotebot"
    return base / "index"


def bundled_article() -> Path:
    """The article shipped with the package."""
    return Path(__file__).parent / "corpus" / "iran-pakistan-relationship.txt"


@dataclass(frozen=True)
class Config:
    """Settings for indexing and answering.

    Per-call arguments elsewhere override these, ``None`` meaning "use the config".
    """

    embedder: str = "sentence-transformers"  # or "hashing" (deterministic, for tests)
    model: str = DEFAULT_MODEL  # a sentence-transformers name or local path
    hashing_dimension: int = 384
    chunk_tokens: int = 0  # 0: the embedder's own max sequence length
    chunk_overlap_tokens: int = 24
    k: int = 5
    candidates: int = 40  # per ranking, before fusion
    keyword_weight: float = 0.2  # paragraph fusion: cosine + weight * normalised BM25
    quote_boost: float = 0.1  # opinion questions: paragraphs with attributed quotes
    fact_boost: float = 0.03  # factual questions: narrative paragraphs
    speaker_boost: float = 0.15  # paragraphs quoting the person a question names
    follow_up_boost: float = 0.15  # a short follow-up: paragraphs the previous answer cited
    max_file_bytes: int = 2_000_000
    answer_max_quotes: int = 5  # at most; the answer path gives as many as fitted per kind
    generator: str = "extractive"  # or "openai": an OpenAI-compatible endpoint rephrases
    generator_url: str = (
        "http://127.0.0.1:11434/v1"  # e.g. Ollama's; key: $QUOTEBOT_GENERATOR_API_KEY
    )
    generator_model: str = "llama3.1"
    generator_timeout_s: float = 20.0
    answer_max_facts: int = 2
    paragraphs: int = 4  # paragraphs an answer draws on
    opinion_paragraphs: int = 8  # analysis questions look further for what experts said
    typed_paragraphs: int = 12  # when / how many / which country: further for the right kind
    answer_margin: float = 0.25  # include further evidence scoring within this of the best
    answer_reach: float = 0.25  # consider paragraphs scoring within this of the top one
    focus_reach: float = 0.1  # the attribute a fact question asks for, in a paragraph this close
    kind_bonus: float = 0.2  # quotes for analysis questions, source sentences for facts
    topic_gap: float = 0.15  # a person is off-topic when another passage is this much closer
    min_dense_score: float = 0.30  # below this, with no keyword support, the evidence is weak
    support_floor: float = 0.36  # best unit similarity + half the question's word coverage
    sure_similarity: float = 0.45  # a unit this close answers even with no words in common
    max_question_chars: int = 2000  # longer questions and search queries are refused
    writer_timeout_s: float = 300.0  # how long a writer waits for another process's write lock
    add_batch_size: int = 16  # articles prepared, embedded in one call and committed together
    merge_factor: int = 10  # this many vector segments of one size tier are merged into one
    store: str = "embedded"  # or "postgres": PostgreSQL + pgvector at ``dsn``
    dsn: str = ""  # postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (store="postgres")
    ann_threshold: int = 100_000  # vectors in the index from which IVF replaces exact search
    ann_nprobe: int = 24  # IVF lists probed per query (recall@10 >= 0.95 at 1M: eval/bench_ann.py)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)
