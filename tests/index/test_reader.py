"""index/reader.py: canonical text and helpful InputFileError messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import InputFileError, QuotebotError
from index.reader import canonical_text, decode, document_id, read_source

MAX = 2_000_000


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- canonical text --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\r\n\r\nc", "a\nb\n\nc"),
        ("a\rb\r\rc", "a\nb\n\nc"),
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("\ufeffTitle\r\n\r\nBody", "Title\n\nBody"),
        ("\ufeffTitle", "Title"),
        ("plain\n\ntext", "plain\n\ntext"),
    ],
)
def test_canonical_text_normalises_line_endings_and_bom(raw: str, expected: str) -> None:
    assert canonical_text(raw) == expected


def test_canonical_text_keeps_bom_free_text_exactly() -> None:
    text = "“Quote,” she said.\n\n  indented\tline  \n"
    assert canonical_text(text) == text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Title\r\n\r\nBody text here.\r\n", "Title\n\nBody text here.\n"),
        (b"Title\r\rBody text here.\r", "Title\n\nBody text here.\n"),
        (b"\xef\xbb\xbfTitle\r\n\r\nBody", "Title\n\nBody"),
        ("Caf\u00e9 \u201cquote\u201d\n".encode(), "Caf\u00e9 \u201cquote\u201d\n"),
    ],
)
def test_read_source_gives_canonical_text(tmp_path: Path, data: bytes, expected: str) -> None:
    path = write(tmp_path, "article.txt", data)
    assert read_source(path, MAX) == expected


def test_read_source_accepts_md_and_upper_case_suffix(tmp_path: Path) -> None:
    assert read_source(write(tmp_path, "a.md", b"# Title\n\nBody"), MAX) == "# Title\n\nBody"
    assert read_source(write(tmp_path, "B.TXT", b"Body"), MAX) == "Body"


def test_same_text_same_id_regardless_of_line_endings(tmp_path: Path) -> None:
    unix = read_source(write(tmp_path, "u.txt", b"Title\n\nBody"), MAX)
    dos = read_source(write(tmp_path, "d.txt", b"\xef\xbb\xbfTitle\r\n\r\nBody"), MAX)
    assert document_id(unix) == document_id(dos)
    assert document_id(unix) != document_id(unix + "!")


# -- errors ----------------------------------------------------------------------------
def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputFileError, match="does not exist") as info:
        read_source(path, MAX)
    assert "nope.txt" in str(info.value)
    assert "check the path" in str(info.value)


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "articles.txt"
    folder.mkdir()
    with pytest.raises(InputFileError, match="is a folder") as info:
        read_source(folder, MAX)
    assert ".txt or .md" in str(info.value)


@pytest.mark.parametrize("name", ["report.pdf", "article.docx", "noext"])
def test_wrong_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, b"Some article text")
    with pytest.raises(InputFileError) as info:
        read_source(path, MAX)
    message = str(info.value)
    assert name in message
    assert ".txt and .md" in message
    if name == "report.pdf":
        assert ".pdf" in message
    if name == "noext":
        assert "(none)" in message


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputFileError, match="binary") as info:
        read_source(path, MAX)
    assert "image.txt" in str(info.value)
    assert "UTF-8" in str(info.value)


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n"])
def test_empty_or_whitespace_only(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "empty.txt", data)
    with pytest.raises(InputFileError, match="is empty") as info:
        read_source(path, MAX)
    assert "empty.txt" in str(info.value)


def test_no_words(tmp_path: Path) -> None:
    path = write(tmp_path, "digits.txt", b"123 456 --- !!!\n\n789")
    with pytest.raises(InputFileError, match="no words"):
        read_source(path, MAX)


@pytest.mark.parametrize(
    ("data", "bad_byte"),
    [(b"Caf\xe9 au lait", 3), (b"Good text \xff\xfe then \x80", 10), (b"Text \xc3", 5)],
)
def test_invalid_utf8(tmp_path: Path, data: bytes, bad_byte: int) -> None:
    path = write(tmp_path, "latin1.txt", data)
    with pytest.raises(InputFileError, match="not valid UTF-8") as info:
        read_source(path, MAX)
    message = str(info.value)
    assert "latin1.txt" in message
    assert "re-save it as UTF-8" in message
    assert f"(byte {bad_byte})" in message


def test_over_max_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"word " * 300)
    with pytest.raises(InputFileError, match="over the 1,000-byte limit") as info:
        read_source(path, 1000)
    message = str(info.value)
    assert "big.txt" in message
    assert "1,500 bytes" in message
    assert "max_file_bytes" in message
    # exactly at the limit is fine
    assert read_source(path, 1500) == "word " * 300


def test_decode_bytes_like_a_file() -> None:
    assert decode(b"\xef\xbb\xbfA\r\nB", "upload.txt", MAX) == "A\nB"
    with pytest.raises(InputFileError, match="upload.txt"):
        decode(b"\x00\x01", "upload.txt", MAX)


def test_input_file_error_is_a_quotebot_error() -> None:
    assert issubclass(InputFileError, QuotebotError)
