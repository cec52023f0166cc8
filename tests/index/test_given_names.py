from __future__ import annotations

import pytest

from index.given_names import given_name_gender


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Michelle Obama", "f"),
        ("Donald J. Trump", "m"),
        ("Kelly Ayotte", None),  # given to both sexes
        ("Barack Obama", None),  # too rare in US birth records
        ("Obama", None),  # a surname alone has no given name
    ],
)
def test_a_given_name_points_to_a_gender_only_when_its_bearers_share_one(
    name: str, gender: str | None
) -> None:
    assert given_name_gender(name) == gender
