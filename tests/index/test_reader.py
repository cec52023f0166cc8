"""index/reader.py: canonical text and helpful InputFileError messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import InputFileError, QuotebotError
from index.pipeline import make_document
from index.reader import (
    PageMeta,
    SourceText,
    canonical_text,
    decode,
    document_id,
    looks_like_html,
    read_source,
)

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
    assert ".txt, .md or .html" in str(info.value)


@pytest.mark.parametrize("name", ["report.pdf", "article.docx", "noext"])
def test_wrong_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, b"Some article text")
    with pytest.raises(InputFileError) as info:
        read_source(path, MAX)
    message = str(info.value)
    assert name in message
    assert ".txt or .md" in message and ".html or .htm" in message
    if name == "report.pdf":
        assert ".pdf" in message
    if name == "noext":
        assert "(none)" in message


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputFileError, match="binary") as info:
        read_source(path, MAX)
    assert "image.txt" in str(info.value)
    assert "a PNG image" in str(info.value)
    assert "UTF-8" in str(info.value)
    unknown = write(tmp_path, "blob.txt", bytes(range(256)) * 4)
    with pytest.raises(InputFileError, match="looks like a binary file"):
        read_source(unknown, MAX)


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


# -- non-text files are named by their bytes, whatever their suffix -------------------------
@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", ".docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00\x01\x00", "a GIF image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "a WebP image"),
        (b"{\\rtf1\\ansi Some text}", "an RTF document"),
    ],
)
def test_non_text_bytes_are_named(tmp_path: Path, data: bytes, what: str) -> None:
    path = write(tmp_path, "article.txt", data)
    with pytest.raises(InputFileError) as info:
        read_source(path, MAX)
    message = str(info.value)
    assert what in message and "article.txt" in message
    assert ".txt or .md" in message and ".html or .htm" in message


# -- HTML ------------------------------------------------------------------------------------
HTML = Path(__file__).resolve().parents[1] / "data" / "html"


def test_html_page_becomes_title_and_paragraphs() -> None:
    text = read_source(HTML / "harbour-strike.html", MAX)
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "Dockworkers walk out at Port Elland"
    assert paragraphs[1].startswith("Hundreds of dockworkers at Port Elland stopped work")
    assert (
        paragraphs[-1]
        == "Talks between the union and the port's operators are due to resume on Monday.\n"
    )
    assert len(paragraphs) == 6
    # navigation, scripts, styles, asides and the footer are not article text
    for noise in ("Most read", "Cookie settings", "analytics", "font-family", "<p", "Home"):
        assert noise not in text
    assert isinstance(text, SourceText)
    assert text.page == PageMeta("Dockworkers walk out at Port Elland", "2025-03-14", "Priya Desai")


def test_html_document_gets_title_date_and_plain_canonical_text() -> None:
    text = read_source(HTML / "harbour-strike.html", MAX)
    doc = make_document(text, "harbour-strike.html")
    assert type(doc.text) is str and doc.text == str(text)
    assert doc.doc_id == document_id(str(text))
    assert (doc.title, doc.date, doc.author) == (
        "Dockworkers walk out at Port Elland",
        "2025-03-14",
        "Priya Desai",
    )
    assert [p.kind for p in doc.paragraphs][:2] == ["title", "body"]
    assert doc.paragraphs[2].text.startswith("“We have asked for a fair wage")


def test_htm_page_without_a_date() -> None:
    text = read_source(HTML / "library-hours.htm", MAX)
    assert text.startswith("Town library extends its opening hours\n\nThe central library")
    assert "Share this story" not in text and "Contact" not in text
    assert isinstance(text, SourceText) and text.page is not None
    assert text.page.date is None
    assert make_document(text, "library-hours.htm").date is None


def test_html_pasted_into_a_txt_file_is_converted() -> None:
    text = read_source(HTML / "pasted-fragment.txt", MAX)
    assert isinstance(text, SourceText) and text.page is not None
    assert text.startswith("Night trains return to the valley line\n\nPassenger services")
    assert "<p>" not in text and "<h1>" not in text
    assert "\n\n“People who work late shifts have waited years for this,” said Marta" in text


@pytest.mark.parametrize(
    "start", ["<!DOCTYPE html>", "<!doctype HTML>", "  <html lang='en'>", "<!-- saved -->\n<html>"]
)
def test_text_starting_like_a_page_is_html(start: str) -> None:
    assert looks_like_html(f"{start}<body><p>Some words.</p></body></html>")


def test_an_article_that_quotes_a_few_tags_stays_plain_text(tmp_path: Path) -> None:
    article = (
        "Hostile <b>markup</b> test <script>window.__pwned=1</script>\n\n"
        "<script>window.__pwned=1</script> was pasted into this draft.\n\n"
        '<img src=x onerror="window.__pwned=1"> was pasted here too.\n'
    )
    assert not looks_like_html(article)
    text = read_source(write(tmp_path, "security.txt", article.encode()), MAX)
    assert text == article and type(text) is str
    assert not looks_like_html("Use a <p> tag for paragraphs, a <div> for blocks and <br> rarely.")


def test_html_without_article_text_is_a_clear_error(tmp_path: Path) -> None:
    page = (
        b"<!DOCTYPE html><html><head><title></title></head><body><script>x()</script></body></html>"
    )
    with pytest.raises(InputFileError, match="no article text") as info:
        read_source(write(tmp_path, "blank.html", page), MAX)
    assert "blank.html" in str(info.value)


def test_uploaded_html_bytes_are_converted_by_name_or_content() -> None:
    data = (HTML / "library-hours.htm").read_bytes()
    assert decode(data, "upload.html", MAX).startswith("Town library extends")
    assert decode(data, "upload.txt", MAX).startswith("Town library extends")


def test_an_html_page_is_indexed_with_its_quotes_and_date() -> None:
    from index.config import Config
    from index.embedders import make_embedder
    from index.pipeline import prepare

    config = Config(embedder="hashing")
    text = read_source(HTML / "harbour-strike.html", MAX)
    prepared = prepare(text, "harbour-strike.html", make_embedder(config), config)
    assert prepared.document.date == "2025-03-14"
    said = {q.speaker: q.text for q in prepared.extraction.quotes}
    assert said["Tomas Reyes"] == "We have asked for a fair wage for two years and nobody listened"
    assert said["Helen Marsh"] == "A long strike would hurt every shop on the coast"
    for q in prepared.extraction.quotes:
        assert prepared.document.text[q.start : q.end] == q.text


def test_a_page_saved_in_its_declared_charset_is_read(tmp_path: Path) -> None:
    page = (
        '<!DOCTYPE html><html><head><meta charset="windows-1252"><title>Café owners protest'
        "</title></head><body><article><h1>Café owners protest</h1>"
        "<p>Owners of cafés in the old town closed their doors on Monday in protest at the new "
        "rules on outdoor seating, which they say will cost them half their summer trade.</p>"
        "<p>“We were never asked,” said José Núñez, who runs a café on the main square.</p>"
        "</article></body></html>"
    ).encode("cp1252")
    text = read_source(write(tmp_path, "cafes.html", page), MAX)
    assert text.startswith("Café owners protest\n\nOwners of cafés in the old town")
    assert "“We were never asked,” said José Núñez" in text
    # plain text gets no such help: the fix is to re-save it as UTF-8
    with pytest.raises(InputFileError, match="not valid UTF-8"):
        read_source(write(tmp_path, "cafes.txt", "Café “Olé”".encode("cp1252")), MAX)
    # a declared charset that Python does not know is the same clear error
    bogus = page.replace(b"windows-1252", b"no-such-charset")
    with pytest.raises(InputFileError, match="not valid UTF-8"):
        read_source(write(tmp_path, "bogus.html", bogus), MAX)
