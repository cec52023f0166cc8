"""``quotebot bench --ann N``: vector search at scale on a generated corpus of N units.

Clustered, normalised 384-d vectors (what sentence embeddings of news look like to an
index: many topics, each a cloud around its centre) go into the same search blocks the
store uses (``index.segments.Block``, ``index/ann.py``). Printed: exact (flat) search
p50/p95, approximate (IVF) search p50/p95 and recall@10 against exact, the IVF build
time (paid once per process, on the first search past the threshold), a filtered
search's agreement with exact, and exact search time at growing sizes (the crossover
``Config.ann_threshold`` is set from).
"""

from __future__ import annotations

import resource
import statistics
import time
from typing import Any

import faiss
import numpy as np

from eval.metrics import percentile
from index.ann import AnnSettings, VectorIndex, exact, flat_view

DIMENSION = 384


def clustered(n: int, clusters: int = 2000, spread: float = 1.0, seed: int = 0) -> np.ndarray:
    """``n`` unit vectors around ``clusters`` random centres (noise of norm about
    ``spread`` around each unit centre), generated in chunks (float32 throughout)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, DIMENSION), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, DIMENSION), dtype=np.float32)
    sigma = np.float32(spread / np.sqrt(DIMENSION))
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        part = centres[rng.integers(0, clusters, stop - start)]
        part += sigma * rng.standard_normal((stop - start, DIMENSION), dtype=np.float32)
        part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start:stop] = part
    return out


def _ms(times: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(times), "p95": percentile(times, 95)}


def run(
    units: int = 1_000_000, queries: int = 100, nprobe: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Exact against IVF search over ``units`` generated vectors (see the module docstring)."""
    settings = AnnSettings(nprobe=nprobe or AnnSettings().nprobe, threshold=1)
    data = clustered(units + queries, seed=seed)
    corpus, asked = data[:units], data[units:]
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(corpus)
    del data, corpus
    view = flat_view(flat)
    vectors = VectorIndex(view)
    exact_times, truth = [], []
    for q in asked:
        started = time.perf_counter()
        _, found = flat.search(q.reshape(1, -1), 10)
        exact_times.append((time.perf_counter() - started) * 1000)
        truth.append(set(found[0].tolist()))
    started = time.perf_counter()
    vectors.ivf()
    build_s = time.perf_counter() - started
    ann_times, recalls = [], []
    for q, want in zip(asked, truth, strict=True):
        started = time.perf_counter()
        found, _ = vectors.search(q, 10, settings=settings)
        ann_times.append((time.perf_counter() - started) * 1000)
        recalls.append(len(want & set(found.tolist())) / 10)
    # A filter keeping 10% of the units (IVF with a selector and a wider probe), and one
    # keeping 1,000 (exact over just those): recall@10 against exact over the same set.
    rng = np.random.default_rng(seed + 1)
    filtered: dict[str, Any] = {}
    for name, keep in (("10pct", units // 10), ("1000", min(units, 1000))):
        allowed = np.sort(rng.choice(units, keep, replace=False)).astype(np.int64)
        times, hit = [], []
        for q in asked[:20]:
            want_pos, _ = exact(view, q, 10, allowed)
            started = time.perf_counter()
            found, _ = vectors.search(q, 10, allowed, settings)
            times.append((time.perf_counter() - started) * 1000)
            hit.append(len(set(want_pos.tolist()) & set(found.tolist())) / 10)
        filtered[name] = {"ms": _ms(times), "recall@10": statistics.mean(hit)}
    crossover = {}
    for size in (50_000, 100_000, 200_000, 400_000, units):
        if size > units:
            continue
        part = flat
        if size < units:
            part = faiss.IndexFlatIP(DIMENSION)
            part.add(np.ascontiguousarray(view[:size]))
        times = []
        for q in asked[:30]:
            started = time.perf_counter()
            part.search(q.reshape(1, -1), 10)
            times.append((time.perf_counter() - started) * 1000)
        crossover[size] = statistics.median(times)
        del part
    return {
        "units": units,
        "queries": queries,
        "nlist": vectors.ivf().nlist,
        "nprobe": settings.nprobe,
        "exact_ms": _ms(exact_times),
        "ann_ms": _ms(ann_times),
        "recall@10": statistics.mean(recalls),
        "ivf_build_s": build_s,
        "filtered": filtered,
        "exact_p50_ms_by_size": crossover,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def format_table(r: dict[str, Any]) -> str:
    f10, f1k = r["filtered"]["10pct"], r["filtered"]["1000"]
    rows = [
        (
            "exact (flat) search p50 / p95",
            f"{r['exact_ms']['p50']:.1f} / {r['exact_ms']['p95']:.1f} ms",
        ),
        ("IVF search p50 / p95", f"{r['ann_ms']['p50']:.2f} / {r['ann_ms']['p95']:.2f} ms"),
        ("IVF recall@10 vs exact", f"{r['recall@10']:.3f}"),
        ("IVF build (once per process)", f"{r['ivf_build_s']:.1f} s"),
        (
            "filter keeping 10%: p50, recall@10",
            f"{f10['ms']['p50']:.1f} ms, {f10['recall@10']:.3f}",
        ),
        (
            "filter keeping 1,000: p50, recall@10",
            f"{f1k['ms']['p50']:.1f} ms, {f1k['recall@10']:.3f}",
        ),
        ("peak RSS", f"{r['rss_mb']:.0f} MB"),
    ]
    out = [
        f"{r['units']:,} generated units (clustered, 384-d), {r['queries']} queries; "
        f"IVF-flat nlist {r['nlist']}, nprobe {r['nprobe']}"
    ]
    out += [f"{a:40} {b:>22}" for a, b in rows]
    sizes = ", ".join(f"{n:,}: {ms:.1f} ms" for n, ms in r["exact_p50_ms_by_size"].items())
    out.append(f"exact search p50 by size: {sizes}")
    return "\n".join(out)
