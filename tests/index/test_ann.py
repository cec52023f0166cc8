"""Vector search by size (index/ann.py): IVF recall against exact search on a clustered
set, filters that stay exact, and the store's filtered dense search against numpy."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from eval.bench_ann import clustered
from index.ann import AnnSettings, VectorIndex, exact
from index.config import Config
from rag import QuoteBot
from tests.index.articles import article

IVF = AnnSettings(threshold=1, nprobe=8, exact_limit=500)


@functools.lru_cache(maxsize=1)
def _index(n: int) -> tuple[VectorIndex, np.ndarray]:
    data = clustered(n + 50, clusters=200, seed=3)
    return VectorIndex(np.ascontiguousarray(data[:n])), data[n:]


def test_ivf_recall_at_10_against_exact() -> None:
    vectors, queries = _index(20_000)
    recalls = []
    for q in queries:
        want, _ = exact(vectors.vectors, q, 10)
        found, scores = vectors.search(q, 10, settings=IVF)
        assert len(found) == 10 and np.all(np.diff(scores) <= 1e-6)  # best first
        recalls.append(len(set(want.tolist()) & set(found.tolist())) / 10)
    assert vectors.ivf().nlist == 128  # IVF really answered (sqrt(20,000) lists)
    assert np.mean(recalls) >= 0.95


def test_selective_filter_is_exact() -> None:
    vectors, queries = _index(20_000)
    allowed = np.sort(np.random.default_rng(1).choice(20_000, 400, replace=False))
    for q in queries[:10]:
        want, want_scores = exact(vectors.vectors, q, 10, allowed)
        brute = allowed[np.argsort(-(vectors.vectors[allowed] @ q), kind="stable")[:10]]
        found, scores = vectors.search(q, 10, allowed, IVF)
        assert found.tolist() == want.tolist() == brute.tolist()
        assert np.allclose(scores, want_scores)
        assert set(found.tolist()) <= set(allowed.tolist())


def test_wide_filter_through_ivf_keeps_to_the_filter() -> None:
    vectors, queries = _index(20_000)
    allowed = np.arange(0, 20_000, 4, dtype=np.int64)  # 5,000 > exact_limit: IVF + selector
    recalls = []
    for q in queries[:20]:
        want, _ = exact(vectors.vectors, q, 10, allowed)
        found, _ = vectors.search(q, 10, allowed, IVF)
        assert set(found.tolist()) <= set(allowed.tolist())
        recalls.append(len(set(want.tolist()) & set(found.tolist())) / 10)
    assert np.mean(recalls) >= 0.9


def test_store_dense_filters_match_brute_force(tmp_path: Path) -> None:
    config = Config(embedder="hashing", ann_threshold=1)  # IVF on every block
    bot = QuoteBot.create(tmp_path / "idx", config)
    first = bot.add_text(article(0), "a0.txt")
    for n in range(1, 6):
        bot.add_text(article(n), f"a{n}.txt")
    store = bot.store
    units, matrix = store.units, store.view_vectors()
    query = bot.embedder.embed(["when will the ferry route reopen"])[0]
    for doc_ids, kinds in (
        (frozenset([first]), None),
        (None, ("quote",)),
        (frozenset([first]), ("paragraph",)),
    ):
        keep = [
            i
            for i, u in enumerate(units)
            if (doc_ids is None or u.doc_id in doc_ids) and (kinds is None or u.kind in kinds)
        ]
        assert keep
        scores = matrix[keep] @ query
        order = sorted(range(len(keep)), key=lambda j: (-scores[j], j))[:5]
        found = store.dense(query, 5, doc_ids=doc_ids, kinds=kinds)
        assert [u.index_text for u, _ in found] == [units[keep[j]].index_text for j in order]
        assert np.allclose([s for _, s in found], [scores[j] for j in order], atol=1e-5)
    assert store.dense(query, 5, doc_ids=frozenset(["no-such-doc"])) == []
    bot.close()


def test_vector_search_leaves_the_embedders_threads_alone() -> None:
    """FAISS and torch share one OpenMP runtime: importing the store and searching (exact
    and IVF) must not pin torch to FAISS's one search thread."""
    import os
    import subprocess
    import sys

    script = (
        "import torch; before = torch.get_num_threads()\n"
        "import numpy as np\n"
        "from index.ann import AnnSettings, VectorIndex\n"
        "data = np.random.default_rng(0).standard_normal((4000, 16)).astype('float32')\n"
        "index = VectorIndex(data)\n"
        "index.search(data[0], 5)\n"
        "index.search(data[0], 5, settings=AnnSettings(threshold=1, nprobe=4))\n"
        "print(before, torch.get_num_threads())\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "OMP_NUM_THREADS": "2"}  # two threads even on a one-core machine
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
        env=env,
    )
    before, after = done.stdout.split()[-2:]
    assert before == "2" and after == before
