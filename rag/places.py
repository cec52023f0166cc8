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
def _state_abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern finding the AP abbreviation of every US state whose abbreviation
    differs from its name ("Conn.", "N.H.", "W.Va."), and each abbreviation's state: one
    pass over a text, not one per state."""
    import us

    names = {
        state.ap_abbr: state.name
        for state in us.states.STATES
        if state.ap_abbr and state.ap_abbr != state.name
    }
    longest_first = sorted(names, key=len, reverse=True)
    alternatives = "|".join(re.escape(abbr) for abbr in longest_first)
    return re.compile(rf"(?<![\w.])({alternatives})(?!\w)"), names


def abbreviated_states(text: str) -> frozenset[str]:
    """The US states ``text`` writes by their AP abbreviation ("Bridgeport, Conn." ->
    Connecticut)."""
    pattern, names = _state_abbreviations()
    return frozenset(names[m.group(1)] for m in pattern.finditer(text))
