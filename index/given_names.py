"""The gender a given name points to ("Michelle" f, "Barack" unknown), for agreement
checks: "Mr. Obama" is not Michelle Obama, and "she said" is not Barack Obama's cue.

The table (``index/data/given_names.tsv``) holds the given names of US birth records that
at least 95% of their bearers share with one sex; ``scripts/given_names.py`` rebuilds it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "given_names.tsv"


@cache
def _genders() -> dict[str, str]:
    rows = TABLE.read_text(encoding="utf-8").splitlines()
    return dict(row.split("\t") for row in rows if row and not row.startswith("#"))


def given_name_gender(name: str) -> str | None:
    """ "m" or "f" when a full name opens with a given name of one gender, else None."""
    words = name.split()
    if len(words) < 2:
        return None
    return _genders().get(words[0].strip(".").lower())
