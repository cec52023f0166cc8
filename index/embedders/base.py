"""The embedder protocol: every implementation turns texts into unit-length float32 vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """What indexing and retrieval need from an embedding model."""

    @property
    def name(self) -> str:
        """Recorded in the index manifest; the same name must be used to load it."""
        ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Longest input, in the model's own tokens, that is embedded without truncation."""
        ...

    def count_tokens(self, text: str) -> int:
        """Length of ``text`` in the model's tokens, special tokens included."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), dimension) float32 array of L2-normalised rows."""
        ...
