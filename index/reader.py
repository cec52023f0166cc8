"""Read source files into canonical text, with clear errors for files that cannot be indexed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from index.config import SUPPORTED_SUFFIXES
from index.errors import InputFileError


def canonical_text(raw: str) -> str:
    """The canonical text: the file's text with line endings normalised to ``\\n``."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\ufeff") else text


def document_id(text: str) -> str:
    """Content hash of the canonical text: the same text always gets the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def decode(data: bytes, name: str, max_bytes: int) -> str:
    """Decode uploaded or read bytes as UTF-8 article text, or raise InputFileError."""
    if len(data) > max_bytes:
        raise InputFileError(
            f"{name} is {len(data):,} bytes, over the {max_bytes:,}-byte limit: "
            "split the file or raise max_file_bytes in the config."
        )
    if b"\x00" in data[:8192]:
        raise InputFileError(f"{name} looks like a binary file: give a UTF-8 .txt or .md article.")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFileError(
            f"{name} is not valid UTF-8 (byte {err.start}): re-save it as UTF-8 text."
        ) from None
    text = canonical_text(raw)
    if not text.strip():
        raise InputFileError(f"{name} is empty: give an article with some text in it.")
    if not any(ch.isalpha() for ch in text):
        raise InputFileError(f"{name} has no words in it: give an article with text.")
    return text


def read_source(path: str | Path, max_bytes: int) -> str:
    """Read a ``.txt`` or ``.md`` file as canonical text."""
    file = Path(path)
    if not file.exists():
        raise InputFileError(f"{file} does not exist: check the path.")
    if file.is_dir():
        raise InputFileError(f"{file} is a folder: name the .txt or .md files inside it.")
    if file.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputFileError(
            f"{file.name} has type {file.suffix or '(none)'}: quotebot reads .txt and .md "
            "files; save the article as plain text."
        )
    try:
        data = file.read_bytes()
    except OSError as err:
        raise InputFileError(
            f"{file} cannot be read ({err.strerror}): check its permissions."
        ) from None
    return decode(data, file.name, max_bytes)
