"""Small generated news articles for store tests: distinct texts, each with a quoted speaker."""

from __future__ import annotations

FIRST = ["Amira", "Bruno", "Chen", "Dalia", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jana"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Varga", "Haddad", "Novak", "Castillo"]
PLACES = ["Port Selva", "Casterra", "Harrowgate", "Valdoria", "Kerrin", "Lowmarsh", "Ostrava"]


def speaker(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}"


def article(n: int) -> str:
    """Article number ``n``: a title, a lead, a quote by ``speaker(n)`` and a closing fact."""
    place = PLACES[n % len(PLACES)]
    return (
        f"Ferry route {n} to {place} suspended after storm\n\n"
        f"The ferry service on route {n} between the mainland and {place} was suspended on "
        f"Monday after a storm damaged the pier, the operator said.\n\n"
        f"\u201cWe expect route {n} to reopen within {n % 9 + 2} days once the pier is "
        f"inspected,\u201d said {speaker(n)}, a spokesperson for the {place} port authority.\n\n"
        f"About {100 + n} passengers were moved to buses, officials said.\n"
    )
