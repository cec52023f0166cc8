"""The MiniLM embedder encodes each distinct text once and hands every copy its vector."""

from __future__ import annotations

import numpy as np
import pytest

from index.embedders.sentence_transformer import SentenceTransformerEmbedder


@pytest.mark.model
def test_repeated_texts_share_one_encoding() -> None:
    embedder = SentenceTransformerEmbedder()
    texts = [
        "The port reopened on Monday.",
        "Critics doubt the cost.",
        "The port reopened on Monday.",
    ]
    vectors = embedder.embed(texts)
    assert vectors.shape == (3, embedder.dimension) and vectors.dtype == np.float32
    assert np.array_equal(vectors[0], vectors[2])
    alone = embedder.embed(["Critics doubt the cost."])[0]
    assert np.allclose(vectors[1], alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, embedder.dimension)
