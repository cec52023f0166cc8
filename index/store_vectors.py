"""Searching and reading a snapshot's vectors (see ``index/store.py``): nearest rows
across its blocks, and every live view's vector as one read-only matrix in row order."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from index.ann import IVF_MIN_BLOCK, AnnSettings
from index.segments import Block, combine


def in_row_order(parts: Sequence[Block]) -> Block:
    """One block holding the vectors of ``parts`` (none masked), rows ascending."""
    joined = combine(parts, frozenset())
    assert joined is not None, "only called with vectors to join"
    if len(joined.rows) > 1 and not bool(np.all(joined.rows[1:] > joined.rows[:-1])):
        order = np.argsort(joined.rows, kind="stable")
        return Block.of(joined.rows[order], joined.vectors()[order])
    return joined


def nearest_rows(
    blocks: Sequence[Block],
    masked: frozenset[int],
    q: np.ndarray,
    k: int,
    allowed: np.ndarray | None,
    settings: AnnSettings,
    size: int,
) -> list[tuple[int, float]]:
    """The ``k`` best (row, score) of ``blocks`` for the query row ``q`` by inner product,
    masked rows left out: exact for every block while ``size`` (live vectors) is under
    ``settings.threshold``, else IVF for every block big enough for it to pay."""
    if size < settings.threshold:  # every block exact
        settings = dataclasses.replace(settings, threshold=size + 1)
    else:  # every block big enough for IVF to pay gets it
        settings = dataclasses.replace(settings, threshold=min(settings.threshold, IVF_MIN_BLOCK))
    fetch = k if allowed is not None else k + len(masked)
    hits = [
        (row, score)
        for block in blocks
        for row, score in block.search(q, fetch, allowed, settings)
        if row not in masked
    ]
    hits.sort(key=lambda h: (-h[1], h[0]))
    return hits[:k]


def view_matrix(
    blocks: tuple[Block, ...], masked: frozenset[int], live: np.ndarray
) -> tuple[tuple[Block, ...], np.ndarray]:
    """The vector of every row of ``live`` (ascending, not empty) as one read-only matrix,
    and the blocks to search from now on (``blocks``, or one block joining them when they
    hold exactly the live vectors: then the matrix is that block's, no second copy)."""
    if not masked and sum(b.size for b in blocks) == len(live):
        # the blocks hold every view and nothing else: joined in row order (a block's
        # rows ascend) they are the matrix itself, and this snapshot searches the joined
        # block from now on (same vectors; the memory of one copy, not two)
        if len(blocks) > 1:
            blocks = (in_row_order(blocks),)
        matrix = blocks[0].vectors().view()
        matrix.flags.writeable = False
        return blocks, matrix
    rows = np.concatenate([b.rows for b in blocks])
    vectors = np.concatenate([b.vectors() for b in blocks])
    keep = np.isin(rows, live)
    order = np.argsort(rows[keep], kind="stable")
    matrix = np.ascontiguousarray(vectors[keep][order])
    matrix.flags.writeable = False
    return blocks, matrix
