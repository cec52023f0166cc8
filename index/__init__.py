"""Turn documents into a persisted index: reading, paragraphs, attribution, chunks, storage."""
