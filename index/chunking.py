"""Token-aware chunks of paragraphs, sized by the embedder's own tokenizer."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.embedders.base import Embedder
from index.types import Chunk, Document

RETRIEVABLE_KINDS = frozenset({"body"})
PREFIX_BUDGET_TOKENS = 40  # room for the speaker label added to the embedded text


def chunk_document(
    document: Document, embedder: Embedder, max_tokens: int = 0, overlap_tokens: int = 24
) -> list[Chunk]:
    """Chunks of every retrievable paragraph; none longer than the model's max length.

    A paragraph that fits is one chunk; a longer one is split at sentence and word
    boundaries. Every chunk keeps its paragraph number and character offsets.
    """
    limit = max_tokens or embedder.max_tokens
    size = max(16, limit - PREFIX_BUDGET_TOKENS)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=min(overlap_tokens, size // 4),
        length_function=embedder.count_tokens,
        separators=["\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    for paragraph in document.paragraphs:
        if paragraph.kind not in RETRIEVABLE_KINDS:
            continue
        if embedder.count_tokens(paragraph.text) <= size:
            pieces = [paragraph.text]
        else:
            pieces = splitter.split_text(paragraph.text)
        previous = (-1, 0)  # (start, end) of the previous chunk within the paragraph
        for text in pieces:
            found = _locate(paragraph.text, text, *previous)
            if found < 0:  # never store an offset that does not slice back to the text
                continue
            previous = (found, found + len(text))
            start = paragraph.start + found
            end = start + len(text)
            chunk_id = hashlib.sha256(f"{document.doc_id}|{start}|{end}".encode()).hexdigest()[:16]
            chunks.append(
                Chunk(
                    chunk_id,
                    document.doc_id,
                    paragraph.number,
                    start,
                    end,
                    text,
                    (paragraph.number,),
                )
            )
    return chunks


def _locate(paragraph: str, piece: str, prev_start: int, prev_end: int) -> int:
    """Where ``piece`` starts: overlapping the previous chunk if it can, else after it.

    Chunks come in order; an overlapping chunk starts after the previous start and no
    later than the previous end, so repeated text cannot pull it back to an earlier copy.
    """
    overlapping = paragraph.rfind(piece, prev_start + 1, prev_end + len(piece))
    return overlapping if overlapping >= 0 else paragraph.find(piece, prev_end)
