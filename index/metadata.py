"""Article metadata read from the text itself: a date line near the top and a wire
dateline's outlet (``LAGOS (Reuters) —``). Conservative: only whole-line dates and
parenthesised agency names in a dateline count; anything else is left unknown."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.types import Paragraph

HEAD_PARAGRAPHS = 6  # only the first paragraphs carry a date line or a dateline
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_LEAD = r"(?:(?:Published|Updated|Posted|Last updated)(?:\s+on)?:?\s+)?"
_TAIL = r"(?:[,\s]+\d{1,2}[:.]\d\d(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?)?\s*$"
_DATES = [
    re.compile(rf"^{_LEAD}{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TAIL}"),
    re.compile(rf"^{_LEAD}{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TAIL}"),
    re.compile(rf"^{_LEAD}{_YEAR}-(?P<mnum>\d\d)-(?P<day>\d\d){_TAIL}"),
]
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?\s+"
    r"\((?P<outlet>[A-Z][A-Za-z&. ]{1,30})\)\s+[—–-]"
)
_AGENCIES = {
    "AP": "Associated Press",
    "AFP": "Agence France-Presse",
    "UPI": "United Press International",
}


def parse_date(line: str) -> str | None:
    """``23 January, 2024`` / ``Tuesday, January 23, 2024`` / ``2024-01-23`` as a whole
    line (optionally with a time) -> ``2024-01-23``; anything else -> None."""
    text = line.strip()
    if len(text) > 60:
        return None
    for pattern in _DATES:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["mnum"]) if groups.get("mnum") else _MONTHS.get(m["month"].lower())
        day = int(m["day"])
        if month is None or not 1 <= month <= 12 or not 1 <= day <= 31:
            return None
        return f"{int(m['year']):04d}-{month:02d}-{day:02d}"
    return None


def text_date(paragraphs: Sequence[Paragraph]) -> str | None:
    """The date of a date line among the first paragraphs, if any."""
    for p in paragraphs[:HEAD_PARAGRAPHS]:
        for line in p.text.splitlines():
            found = parse_date(line)
            if found:
                return found
    return None


def text_outlet(paragraphs: Sequence[Paragraph]) -> str | None:
    """The agency of a wire dateline (``BRANDON FALLS, Ohio (AP) —`` -> Associated Press)."""
    for p in paragraphs[:HEAD_PARAGRAPHS]:
        m = _DATELINE.match(p.text)
        if m:
            outlet = m["outlet"].strip()
            return _AGENCIES.get(outlet, outlet)
    return None
