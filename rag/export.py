"""Quotes as CSV, Markdown or JSON for a draft or a spreadsheet: speaker, title, quote,
article, outlet, date, paragraph and character offsets, plus the attributed line."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, Literal

from index.errors import InvalidRequestError
from index.types import ArticleQuote

Format = Literal["csv", "md", "json"]
FORMATS: tuple[Format, ...] = ("csv", "md", "json")
COLUMNS = (
    "speaker",
    "title",
    "quote",
    "article",
    "outlet",
    "date",
    "paragraph",
    "start",
    "end",
    "doc_id",
    "attributed",
)
MEDIA_TYPES = {"csv": "text/csv", "md": "text/markdown", "json": "application/json"}


def quote_row(quote: ArticleQuote) -> dict[str, Any]:
    """One quote as a flat record (the export's columns)."""
    return {
        "speaker": quote.speaker or "",
        "title": quote.speaker_title or "",
        "quote": quote.text,
        "article": quote.article_title or "",
        "outlet": quote.outlet or "",
        "date": quote.date or "",
        "paragraph": quote.paragraph,
        "start": quote.start,
        "end": quote.end,
        "doc_id": quote.doc_id,
        "attributed": quote.attributed(),
    }


def _md_cell(value: object) -> str:
    return " ".join(str(value).split()).replace("\\", "\\\\").replace("|", "\\|")


def export_quotes(quotes: Sequence[ArticleQuote], fmt: str) -> str:
    """``quotes`` as ``csv`` (a header row), ``md`` (a table) or ``json`` (a list)."""
    if fmt not in FORMATS:
        raise InvalidRequestError(f"unknown export format {fmt!r}: use csv, md or json.")
    rows = [quote_row(q) for q in quotes]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    columns = [c for c in COLUMNS if c not in ("doc_id", "attributed")]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(row[c]) for c in columns) + " |")
    return "\n".join(lines) + "\n"
