"""What a reader is told when business-case figures do not add up.

The arithmetic (``decisions.costing``) raises a :class:`~decisions.costing.CostingError`
subclass whose ``field`` names the input; :func:`costing_message` turns it into the
translated sentence a form shows beside that field. Models, services and the view model
all use it, so a bad figure reads the same wherever it is caught.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from decisions import costing

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_A_NUMBER = _("Enter a number with at most six decimal places.")
NOT_POSITIVE = _("Enter an amount above zero.")
NEGATIVE = _("Enter zero or more: a negative figure means nothing here.")
TERM_TOO_SHORT = _("A contract term is at least one month.")
ABSURD = _("This figure is far beyond any real business case: check it for a typo.")
LOW_ABOVE_EXPECTED = _("The low price is above the expected price.")
EXPECTED_ABOVE_HIGH = _("The expected price is above the high price.")
ONE_BASELINE = _(
    "Give either today's annual cost, or the number of FTEs and the cost per FTE (not both)."
)
FTES_NEEDED = _("The cost per FTE needs the number of FTEs.")
VOLUME_NEEDED = _("This price is per transaction: the baseline needs a yearly volume.")
FTE_COUNT_NEEDED = _("This price is per FTE: the baseline needs the number of FTEs.")
CURRENCY_NEEDED = _("Amounts of money need their currency.")
CURRENCY_MISMATCH = _("These amounts are in another currency than today's cost.")


def costing_message(error: costing.CostingError) -> StrOrPromise:
    """The sentence a manager or an admin reads for a refused business-case input."""
    match error:
        case costing.InvalidNumberError():
            return NOT_A_NUMBER
        case costing.NegativeAmountError():
            if error.field == "months":
                return TERM_TOO_SHORT
            return NOT_POSITIVE if "positive" in str(error) else NEGATIVE
        case costing.AbsurdValueError():
            return ABSURD
        case costing.InvertedRangeError():
            return LOW_ABOVE_EXPECTED if error.field == "low" else EXPECTED_ABOVE_HIGH
        case costing.IncompleteBaselineError():
            if error.field == "ftes":
                return FTES_NEEDED
            return ONE_BASELINE
        case costing.MissingVolumeError():
            return VOLUME_NEEDED
        case costing.MissingFtesError():
            return FTE_COUNT_NEEDED
        case costing.CurrencyMismatchError():
            return CURRENCY_NEEDED if "need" in str(error) else CURRENCY_MISMATCH
    return str(error)
