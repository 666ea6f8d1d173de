"""Numbers as readers see them, formatted in one place (pure: no Django import).

Scores, margins and contributions are stored as fractions of 1; pages, the PDF
and the exports show them as points out of 100.
"""

from __future__ import annotations

from decimal import Decimal


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
