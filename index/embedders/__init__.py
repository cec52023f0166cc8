"""Embedders, picked by name from the config."""

from __future__ import annotations

from index.config import Config
from index.embedders.base import Embedder
from index.embedders.hashing import HashingEmbedder

EMBEDDERS = ("sentence-transformers", "hashing")


def make_embedder(config: Config) -> Embedder:
    """The embedder the config names (imports heavy libraries only when needed)."""
    if config.embedder == "hashing":
        return HashingEmbedder(config.hashing_dimension)
    if config.embedder == "sentence-transformers":
        from index.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(config.model)
    raise ValueError(f"unknown embedder {config.embedder!r}: use one of {', '.join(EMBEDDERS)}")


__all__ = ["Embedder", "HashingEmbedder", "make_embedder"]
