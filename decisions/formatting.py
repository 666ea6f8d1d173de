"""Numbers and money as readers see them, formatted in one place (pure: no Django import).

Scores, margins and contributions are stored as fractions of 1; pages, the PDF
and the exports show them as points out of 100.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.core import Locale, get_global
from babel.numbers import get_currency_name, parse_pattern


def points(score: float) -> int:
    """A 0..1 score or margin as whole points out of 100."""
    return round(score * 100)


def signed_points(value: float) -> str:
    """A 0..1 difference as signed whole points, with a real minus sign (U+2212)."""
    whole = points(value)
    if whole > 0:
        return f"+{whole}"
    return "0" if whole == 0 else f"\u2212{-whole}"


def plain_number(value: float | Decimal | None, places: int = 2) -> str:
    """At most ``places`` decimals, trailing zeros trimmed: 4.8 -> "4.8", 3.0 -> "3"."""
    if value is None:
        return ""
    text = f"{float(value):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def decimal_points(value: float) -> str:
    """A 0..1 share as points with one decimal, kept even when zero: 0.125 -> "12.5"."""
    text = f"{value * 100:.1f}"
    return "0" if text in {"0.0", "-0.0"} else text


# --- money ------------------------------------------------------------------------------------
# Currency codes, names and symbols come from the Unicode CLDR through Babel, so the list of
# codes is a real one (ISO 4217) and another language needs no code change.

MINUS = "\u2212"


def _current_currencies() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today (historic codes left out)."""
    territories = get_global("territory_currencies")
    return frozenset(
        code
        for entries in territories.values()
        for code, _start, end, tender in entries
        if end is None and tender
    )


CURRENCIES: frozenset[str] = _current_currencies()


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 currency in use today (``"EUR"``, not ``"eur"``)."""
    return code in CURRENCIES


def currency_choices(locale: str = "en") -> list[tuple[str, str]]:
    """``(code, "EUR — Euro")`` for every current currency, sorted by code."""
    return [
        (code, f"{code} \u2014 {get_currency_name(code, locale=locale)}")
        for code in sorted(CURRENCIES)
    ]


# Babel's ``format_currency`` parses its pattern and locale on every call; a list page
# formats a few dozen amounts.
_WHOLE_UNITS = parse_pattern("¤#,##0")


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def money(value: Decimal, currency: str, *, locale: str = "en") -> str:
    """An amount in whole units with its currency symbol ("€1,234"); a real minus (U+2212).

    Business-case figures are estimates: cents would be false precision on a page.
    Exports keep the exact amounts.
    """
    text = _WHOLE_UNITS.apply(
        abs(value).quantize(Decimal(1), rounding=ROUND_HALF_UP),
        _locale(locale),
        currency=currency,
        currency_digits=False,
    )
    return f"{MINUS}{text}" if value <= Decimal("-0.5") else text


def percent(value: Decimal) -> str:
    """A share (0.085) as a percentage, trailing zeros trimmed: "8.5 %"."""
    return f"{plain_number(value * 100)}\u00a0%"
