"""Countries named three ways: by name, by demonym and by capital.

News text uses them interchangeably ("Tehran hit back", "Iran retaliated", "the Iranian
strike"), and readers ask the same way: "Did Islamabad see it coming?" is a question about
Pakistan. Matching words by place lets coverage and keyword search treat them as one, and
keeps "Damascus" from counting as unknown in an article that says "the Syrian capital".
The table comes from the ``countryinfo`` package (names, capitals and demonyms). US states
are also written by their AP Stylebook abbreviation ("Bridgeport, Conn."); those come from
the ``us`` package.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CAPITAL_SUFFIX = re.compile(r"\s+(?:D\.C\.|City)$")


def _single(form: object) -> str | None:
    """``form`` lower-cased when it is one word (multi-word names are left out)."""
    if not isinstance(form, str):  # missing, or a list for countries with several capitals
        return None
    form = _CAPITAL_SUFFIX.sub("", form.strip())
    return form.lower() if re.fullmatch(r"[A-Za-z’'-]{3,}", form) else None


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, frozenset[str]]]:
    """Each one-word place form mapped to its country's name and all its forms; a form
    shared by several countries ("American") goes to the most populous one."""
    from countryinfo import all_countries

    def population(country: object) -> int:
        try:
            return int(country.population() or 0)  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            return 0

    table: dict[str, tuple[str, frozenset[str]]] = {}
    for country in sorted(all_countries(), key=population, reverse=True):
        name = country.name()
        forms = frozenset(
            f for f in (_single(name), _single(country.capital()), _single(country.demonym())) if f
        )
        if not isinstance(name, str) or not forms:
            continue
        for form in forms:
            table.setdefault(form, (name.lower(), forms))
    return table


def _lookup(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s$", "", word)
    if word not in _table() and word.endswith("s"):
        return word[:-1]  # "Iranians", "Pakistanis"
    return word


def place_forms(word: str) -> frozenset[str]:
    """All forms of the country ``word`` names ("tehran" -> iran, iranian, tehran), or none."""
    found = _table().get(_lookup(word))
    return found[1] if found else frozenset()


def place_key(word: str) -> str | None:
    """The name of the country ``word`` names ("islamabad" -> "pakistan"), or None."""
    found = _table().get(_lookup(word))
    return found[0] if found else None


@lru_cache(maxsize=1)
def _state_abbreviations() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each US state whose AP abbreviation differs from its name, with a pattern finding
    that abbreviation in text ("Conn.", "N.H.", "W.Va.")."""
    import us

    return tuple(
        (state.name, re.compile(rf"(?<![\w.]){re.escape(state.ap_abbr)}(?!\w)"))
        for state in us.states.STATES
        if state.ap_abbr and state.ap_abbr != state.name
    )


def abbreviated_states(text: str) -> frozenset[str]:
    """The US states ``text`` writes by their AP abbreviation ("Bridgeport, Conn." ->
    Connecticut)."""
    return frozenset(name for name, pattern in _state_abbreviations() if pattern.search(text))
