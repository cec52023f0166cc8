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
        add_start_index=True,
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    for paragraph in document.paragraphs:
        if paragraph.kind not in RETRIEVABLE_KINDS:
            continue
        if embedder.count_tokens(paragraph.text) <= size:
            pieces = [(0, paragraph.text)]
        else:
            pieces = [
                (int(d.metadata["start_index"]), d.page_content)
                for d in splitter.create_documents([paragraph.text])
            ]
        for offset, text in pieces:
            start = paragraph.start + offset
            end = start + len(text)
            if document.text[start:end] != text:  # defensive: never store a wrong offset
                found = document.text.find(text, paragraph.start, paragraph.end)
                if found < 0:
                    continue
                start, end = found, found + len(text)
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
