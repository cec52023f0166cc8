"""Read source files into canonical text, with clear errors for files that cannot be indexed.

Plain text (``.txt``/``.md``) is taken as written. HTML (``.html``/``.htm``, or HTML text
saved or pasted as ``.txt``/``.md``) is converted to article text with trafilatura: the
title, a blank line, then the body paragraphs separated by blank lines; that converted text
is the document's canonical text, and the page's title, date and author travel with it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from index.config import SUPPORTED_SUFFIXES
from index.errors import InputFileError

HTML_SUFFIXES = (".html", ".htm")
READABLE_SUFFIXES = (*SUPPORTED_SUFFIXES, *HTML_SUFFIXES)
ACCEPTED = "quotebot reads UTF-8 text (.txt or .md) and web pages (.html or .htm)"

# Leading bytes of formats people try to index, and what to call them in an error.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a zip archive (a .docx, .odt or .epub document is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (.doc, .xls, .ppt)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ\x90\x00", "a program"),
    (b"ID3", "an audio file"),
    (b"OggS", "an audio file"),
    (b"fLaC", "an audio file"),
)
_RIFF = {b"WEBP": "a WebP image", b"WAVE": "an audio file", b"AVI ": "a video"}

_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_TAG = re.compile(r"<(?:!--.*?--|/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?)>", re.S)
_BLOCK_TAG = re.compile(
    r"<(?:p|div|br|h[1-6]|article|section|main|body|head|li|ul|ol|table|tr|td|span|a|meta)\b",
    re.I,
)


@dataclass(frozen=True)
class PageMeta:
    """What a web page says about its article: title, date (``YYYY-MM-DD``), author."""

    title: str | None = None
    date: str | None = None
    author: str | None = None


class SourceText(str):
    """Canonical text (a ``str``) that carries what was read with it: ``page`` is the
    web page's metadata for a converted HTML source, ``None`` for plain text."""

    page: PageMeta | None

    def __new__(cls, text: str, page: PageMeta | None = None) -> SourceText:
        made = super().__new__(cls, text)
        made.page = page
        return made


def canonical_text(raw: str) -> str:
    """The canonical text: the file's text with line endings normalised to ``\\n``."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\ufeff") else text


def document_id(text: str) -> str:
    """Content hash of the canonical text: the same text always gets the same id."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:16]


def sniff(data: bytes) -> str | None:
    """What a non-text file is ("a PDF", "a PNG image" ...), from its leading bytes."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data.startswith(b"RIFF") and data[8:12] in _RIFF:
        return _RIFF[data[8:12]]
    if data[4:8] == b"ftyp":
        return "a video or image (MP4/HEIC)"
    return None


def looks_like_html(text: str) -> bool:
    """True for a web page or HTML fragment: it starts like one, or is mostly tags.

    A plain article that quotes a few tags (``<script>`` in a security story) is not HTML.
    """
    if _HTML_START.match(text):
        return True
    tags = _TAG.findall(text)
    if len(_BLOCK_TAG.findall(text)) < 3:
        return False
    markup = sum(len(t) for t in tags) / max(1, len(text.strip()))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    tag_lines = sum(1 for line in lines if line.startswith("<")) / max(1, len(lines))
    return markup >= 0.4 or tag_lines >= 0.6


def html_to_text(html: str, name: str) -> SourceText:
    """The article in a web page: its title, a blank line, then its paragraphs."""
    import trafilatura

    found = trafilatura.bare_extraction(
        html, include_comments=False, with_metadata=True, favor_recall=True
    )
    meta = found.as_dict() if found is not None and hasattr(found, "as_dict") else found or {}
    body = str(meta.get("text") or "")
    title = _clean(str(meta.get("title") or "")) or None
    paragraphs = [_clean(line) for line in canonical_text(body).split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not any(ch.isalpha() for p in paragraphs for ch in p):
        raise InputFileError(
            f"{name} is a web page with no article text in it: save the page with its "
            "article, or copy the article's text into a .txt file."
        )
    lines = [title, *paragraphs] if title else paragraphs
    date = meta.get("date")
    author = meta.get("author")
    return SourceText(
        "\n\n".join(lines) + "\n",
        PageMeta(title, str(date)[:10] if date else None, str(author) if author else None),
    )


_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def _declared_charset(data: bytes) -> str | None:
    """The charset a web page declares in a ``<meta>`` tag near its start, if not UTF-8.

    Only a page that is not valid UTF-8 is decoded with it (browsers save some pages as
    windows-1252 and say so)."""
    found = _CHARSET.search(data[:4096])
    if found is None:
        return None
    charset = found.group(1).decode("ascii").lower()
    if charset in ("utf-8", "utf8"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return charset
    return None


def _clean(line: str) -> str:
    return " ".join(line.split())


def decode(data: bytes, name: str, max_bytes: int) -> str:
    """Decode uploaded or read bytes as article text (HTML converted to a ``SourceText``),
    or raise InputFileError naming the problem and what is accepted."""
    if len(data) > max_bytes:
        raise InputFileError(
            f"{name} is {len(data):,} bytes, over the {max_bytes:,}-byte limit: "
            "split the file or raise max_file_bytes in the config."
        )
    what = sniff(data)
    if what is not None:
        raise InputFileError(
            f"{name} is a binary file ({what}), not article text: {ACCEPTED}; copy the "
            "article's text into a .txt file."
        )
    if b"\x00" in data[:8192]:
        raise InputFileError(f"{name} looks like a binary file: {ACCEPTED}.")
    try:
        raw = data.decode(_declared_charset(data) or "utf-8")
    except (UnicodeDecodeError, LookupError) as err:
        where = f"byte {err.start}" if isinstance(err, UnicodeDecodeError) else "its charset"
        raise InputFileError(
            f"{name} is not valid UTF-8 ({where}): re-save it as UTF-8 text."
        ) from None
    text = canonical_text(raw)
    if not text.strip():
        raise InputFileError(f"{name} is empty: give an article with some text in it.")
    if name.lower().endswith(HTML_SUFFIXES) or looks_like_html(text):
        return html_to_text(text, name)
    if not any(ch.isalpha() for ch in text):
        raise InputFileError(f"{name} has no words in it: give an article with text.")
    return text


def read_source(path: str | Path, max_bytes: int) -> str:
    """Read a ``.txt``/``.md`` file as canonical text, or an ``.html``/``.htm`` page as its
    converted article text (a ``SourceText`` carrying the page's title, date and author)."""
    file = Path(path)
    if not file.exists():
        raise InputFileError(f"{file} does not exist: check the path.")
    if file.is_dir():
        raise InputFileError(
            f"{file} is a folder: name the .txt, .md or .html files inside it "
            "(`quotebot index FOLDER` reads them all)."
        )
    if file.suffix.lower() not in READABLE_SUFFIXES:
        raise InputFileError(
            f"{file.name} has type {file.suffix or '(none)'}: {ACCEPTED}; save the article "
            "as plain text."
        )
    try:
        data = file.read_bytes()
    except OSError as err:
        raise InputFileError(
            f"{file} cannot be read ({err.strerror}): check its permissions."
        ) from None
    return decode(data, file.name, max_bytes)
