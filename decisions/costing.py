"""Pure business-case arithmetic: what each sourcing model would cost, save and pay back.

No Django or project imports. Money is :class:`decimal.Decimal` throughout, computed in a
private context of :data:`PRECISION` significant digits (every input has at most
:data:`MAX_PLACES` decimal places and lies under the ``MAX_*`` limits, so sums and products
are exact; only the monthly discounting divides) and rounded to cents
(:data:`MONEY_ROUNDING`, half up) once, on the way out. Rounding each output on its own
means ``saving`` can differ from ``baseline - run cost`` by a cent when the exact figures
have more than two decimal places.

Inputs
------
* :class:`Baseline` -- today's in-house cost ``B`` a year: given directly
  (``annual_cost``) or as ``ftes * cost_per_fte``; optional ``ftes`` (with a direct annual
  cost) and ``yearly_volume`` for prices per FTE or per transaction; a currency.
* :class:`Pricing` -- for one sourcing model x delivery location: a price range
  ``low <= expected <= high`` on one :class:`Basis`, a one-off ``transition`` and an
  ongoing ``governance`` overhead (the retained organisation), each a :class:`Charge`.
* :class:`Terms` -- contract term ``N`` months and a yearly discount rate ``r``.

A :class:`Charge` resolves to an amount through the baseline: ``AMOUNT`` as given,
``SHARE`` times ``B``, ``PER_FTE`` times the FTEs, ``PER_TRANSACTION`` times the yearly
volume (a missing FTE count or volume is an error, never a zero). Prices and governance are
yearly; the transition is once.

Outputs, per model (:class:`Estimate`)
--------------------------------------
For each price ``p`` of the range, a :class:`Scenario`:

* run cost ``C = p + G`` a year (``G`` the governance overhead);
* saving ``S = B - C`` a year -- negative when outsourcing costs more, which is allowed
  and flagged (:attr:`Estimate.loses_money`, :attr:`Estimate.may_lose_money`);
* payback: the first whole month by whose end the savings cover the transition cost ``T``,
  ``ceil(12 T / S)``; ``0`` when ``T = 0`` (nothing to pay back); ``None`` ("never") when
  ``T > 0`` and ``S <= 0``. It may exceed the term; the page says so. Like every figure,
  it uses the exact ``T`` and ``S``: a transition under half a cent shows as 0.00 yet
  still needs a positive saving to pay back.
* net value over the term: ``-T + (S / 12) * sum_{t=1..N} v^t`` with the monthly discount
  factor ``v = (1 + r) ** (-1/12)`` (``r`` an effective yearly rate). Convention: the
  transition is paid at the start (month 0, undiscounted) and savings accrue from the first
  month, one twelfth at the end of each month.

The scenarios are named by the **saving**: ``low`` is the pessimistic case at the *high*
price, ``high`` the optimistic case at the *low* price, so
``low.annual_saving <= expected.annual_saving <= high.annual_saving`` always holds, and so
do the net values (payback runs the other way). Keeping the work in-house
(:func:`in_house_estimate`) runs at ``B`` with zero saving, transition, payback and net
value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final

from decisions.vocabulary import IN_HOUSE

__all__ = [
    "MAX_AMOUNT",
    "MAX_DISCOUNT_RATE",
    "MAX_FTES",
    "MAX_PLACES",
    "MAX_SHARE",
    "MAX_TERM_MONTHS",
    "MAX_VOLUME",
    "NO_CHARGE",
    "SCENARIOS",
    "AbsurdValueError",
    "Baseline",
    "Basis",
    "Charge",
    "CostingError",
    "CurrencyMismatchError",
    "Estimate",
    "IncompleteBaselineError",
    "InvalidNumberError",
    "InvertedRangeError",
    "MissingFtesError",
    "MissingVolumeError",
    "NegativeAmountError",
    "Pricing",
    "Scenario",
    "Terms",
    "business_case",
    "estimate",
    "in_house_estimate",
]

# Beyond these an input is a typo, not a business case.
MAX_AMOUNT: Final = Decimal("1e12")  # any amount of money, a year or once
MAX_FTES: Final = Decimal("1e6")
MAX_VOLUME: Final = Decimal("1e12")  # transactions a year
MAX_SHARE: Final = Decimal(10)  # a price at ten times today's cost
MAX_TERM_MONTHS: Final = 360
MAX_DISCOUNT_RATE: Final = Decimal(1)  # 100 % a year
MAX_PLACES: Final = 6

PRECISION: Final = 60
CENT: Final = Decimal("0.01")
MONEY_ROUNDING: Final = ROUND_HALF_UP
_CONTEXT = Context(prec=PRECISION, traps=[InvalidOperation, DivisionByZero, Overflow])
_CURRENCY = re.compile(r"[A-Z]{3}")
_ZERO = Decimal(0)


class CostingError(ValueError):
    """Invalid business-case input; ``field`` names the input it is about."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidNumberError(CostingError):
    """Not a Decimal or int, not finite, or more than MAX_PLACES decimal places."""


class NegativeAmountError(CostingError):
    """An amount, count or rate below zero (or zero where it must be positive)."""


class AbsurdValueError(CostingError):
    """A value beyond the MAX_* limits."""


class InvertedRangeError(CostingError):
    """A low price above the expected or high one, or an expected price above the high."""


class IncompleteBaselineError(CostingError):
    """Neither an annual cost nor FTEs x cost per FTE, or both at once."""


class MissingVolumeError(CostingError):
    """A per-transaction charge for a baseline without a yearly volume."""


class MissingFtesError(CostingError):
    """A per-FTE charge for a baseline without an FTE count."""


class CurrencyMismatchError(CostingError):
    """Amounts in another currency than the baseline's, or in no stated currency."""


def _number(value: object, what: str, *, limit: Decimal, positive: bool = False) -> Decimal:
    """``value`` as a Decimal in ``[0, limit]`` (``(0, limit]`` if ``positive``), or raise."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidNumberError(f"{what} must be a Decimal or an int, got {value!r}", field=what)
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidNumberError(f"{what} must be finite, got {value!r}", field=what)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise InvalidNumberError(
            f"{what} has more than {MAX_PLACES} decimal places: {value!r}", field=what
        )
    if number < 0 or (positive and number == 0):
        sign = "positive" if positive else "zero or more"
        raise NegativeAmountError(f"{what} must be {sign}, got {value!r}", field=what)
    if number > limit:
        raise AbsurdValueError(f"{what} of {value} is beyond the limit of {limit}", field=what)
    return number


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)  # normalising a frozen dataclass's own field


def _currency(value: object, what: str) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise CurrencyMismatchError(
            f"{what} must be an ISO 4217 code such as 'EUR', got {value!r}", field=what
        )
    return value


class Basis(StrEnum):
    """What a charge's value is measured in."""

    AMOUNT = "amount"  # money: a year for prices and governance, once for a transition
    SHARE = "share"  # a share of the baseline's annual cost (0.65 = 65 %)
    PER_FTE = "per-fte"  # money per in-house FTE the work takes today
    PER_TRANSACTION = "per-transaction"  # money per transaction of the yearly volume


_LIMITS: Final[Mapping[Basis, Decimal]] = {
    Basis.AMOUNT: MAX_AMOUNT,
    Basis.SHARE: MAX_SHARE,
    Basis.PER_FTE: MAX_AMOUNT,
    Basis.PER_TRANSACTION: MAX_AMOUNT,
}


@dataclass(frozen=True)
class Charge:
    """A value on a basis, e.g. ``Charge(Basis.SHARE, Decimal("0.08"))`` for 8 % of cost."""

    basis: Basis
    value: Decimal

    def __post_init__(self) -> None:
        _set(self, "basis", Basis(self.basis))
        _set(self, "value", _number(self.value, "value", limit=_LIMITS[self.basis]))

    @property
    def in_money(self) -> bool:
        """Whether the value is money (and so in some currency)."""
        return self.basis is not Basis.SHARE and self.value != 0


NO_CHARGE: Final = Charge(Basis.AMOUNT, _ZERO)


@dataclass(frozen=True)
class Baseline:
    """Today's in-house cost of a function, a year.

    Give ``annual_cost``, or ``ftes`` and ``cost_per_fte`` (fully loaded). ``ftes`` may also
    accompany a direct ``annual_cost`` (for prices per FTE); ``yearly_volume`` is needed
    only for prices per transaction.
    """

    currency: str
    annual_cost: Decimal | None = None
    ftes: Decimal | None = None
    cost_per_fte: Decimal | None = None
    yearly_volume: Decimal | None = None

    def __post_init__(self) -> None:
        _currency(self.currency, "currency")
        given = {
            "annual_cost": MAX_AMOUNT,
            "ftes": MAX_FTES,
            "cost_per_fte": MAX_AMOUNT,
            "yearly_volume": MAX_VOLUME,
        }
        for name, limit in given.items():
            value = getattr(self, name)
            if value is not None:
                _set(self, name, _number(value, name, limit=limit, positive=True))
        if (self.annual_cost is None) == (self.cost_per_fte is None):
            raise IncompleteBaselineError(
                "give either the annual cost or the FTEs and the cost per FTE, not both",
                field="annual_cost",
            )
        if self.cost_per_fte is not None and self.ftes is None:
            raise IncompleteBaselineError("the cost per FTE needs the number of FTEs", field="ftes")
        if self.annual > MAX_AMOUNT:
            raise AbsurdValueError(
                f"FTEs x cost per FTE comes to {self.annual}, beyond the limit of {MAX_AMOUNT}",
                field="cost_per_fte",
            )

    @property
    def annual(self) -> Decimal:
        """``B``: the annual cost, exact (not rounded)."""
        if self.annual_cost is not None:
            return self.annual_cost
        if self.ftes is None or self.cost_per_fte is None:  # __post_init__ rules this out
            raise IncompleteBaselineError("no annual cost and no FTE cost", field="annual_cost")
        with localcontext(_CONTEXT):
            return self.ftes * self.cost_per_fte


@dataclass(frozen=True)
class Pricing:
    """A pricing assumption (or a provider's quote) for one sourcing model x location.

    ``low``/``expected``/``high`` are *prices* on ``basis``; ``currency`` is required when
    any value is money rather than a share.
    """

    model: str
    basis: Basis
    low: Decimal
    expected: Decimal
    high: Decimal
    transition: Charge = NO_CHARGE
    governance: Charge = NO_CHARGE
    location: str = ""
    currency: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model:
            raise CostingError("the sourcing model must be named", field="model")
        _set(self, "basis", Basis(self.basis))
        for name in ("low", "expected", "high"):
            _set(self, name, _number(getattr(self, name), name, limit=_LIMITS[self.basis]))
        for name in ("transition", "governance"):
            if not isinstance(getattr(self, name), Charge):
                raise InvalidNumberError(f"{name} must be a Charge", field=name)
        if self.low > self.expected:
            raise InvertedRangeError("the low price is above the expected price", field="low")
        if self.expected > self.high:
            raise InvertedRangeError("the expected price is above the high price", field="high")
        in_money = self.basis is not Basis.SHARE or any(
            charge.in_money for charge in (self.transition, self.governance)
        )
        if self.currency is not None:
            _currency(self.currency, "currency")
        elif in_money:
            raise CurrencyMismatchError("amounts of money need their currency", field="currency")


@dataclass(frozen=True)
class Terms:
    """Contract term in months and a yearly (effective) discount rate, 0.08 = 8 %."""

    months: int
    discount_rate: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.months, bool) or not isinstance(self.months, int):
            raise InvalidNumberError(
                f"months must be a whole number, got {self.months!r}", field="months"
            )
        if self.months < 1:
            raise NegativeAmountError("the term must be at least one month", field="months")
        if self.months > MAX_TERM_MONTHS:
            raise AbsurdValueError(
                f"a term of {self.months} months is beyond {MAX_TERM_MONTHS}", field="months"
            )
        rate = _number(self.discount_rate, "discount_rate", limit=MAX_DISCOUNT_RATE)
        _set(self, "discount_rate", rate)

    @classmethod
    def from_years(cls, years: int, discount_rate: Decimal) -> Terms:
        """A term of whole years."""
        if isinstance(years, bool) or not isinstance(years, int):
            raise InvalidNumberError(f"years must be a whole number, got {years!r}", field="years")
        if years > MAX_TERM_MONTHS // 12:
            raise AbsurdValueError(f"a term of {years} years is too long", field="years")
        return cls(months=12 * years, discount_rate=discount_rate)


def _money(value: Decimal) -> Decimal:
    """Round to cents, half up; a result that rounds to zero is 0.00, never -0.00."""
    cents = value.quantize(CENT, rounding=MONEY_ROUNDING, context=_CONTEXT)
    return cents.copy_abs() if cents.is_zero() else cents


def _decimal_dict(obj: object, names: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = str(value) if isinstance(value, Decimal) else value
    return out


@dataclass(frozen=True)
class Scenario:
    """One price's outcome: yearly price, run cost and saving, payback and net value."""

    annual_price: Decimal
    annual_run_cost: Decimal
    annual_saving: Decimal
    payback_months: int | None
    net_value: Decimal

    def to_dict(self) -> dict[str, Any]:
        return _decimal_dict(self, [f.name for f in fields(self)])

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        return cls(
            annual_price=Decimal(data["annual_price"]),
            annual_run_cost=Decimal(data["annual_run_cost"]),
            annual_saving=Decimal(data["annual_saving"]),
            payback_months=data["payback_months"],
            net_value=Decimal(data["net_value"]),
        )


SCENARIOS: Final = ("low", "expected", "high")  # named by the saving, pessimistic first
_ESTIMATE_SCALARS = (
    "model",
    "location",
    "currency",
    "in_house",
    "baseline",
    "transition_cost",
    "annual_governance",
    "term_months",
    "discount_rate",
)


@dataclass(frozen=True)
class Estimate:
    """The business case for one model; money rounded to cents, in ``currency``.

    ``low`` is the pessimistic scenario (high price), ``high`` the optimistic one.
    """

    model: str
    location: str
    currency: str
    in_house: bool
    baseline: Decimal
    transition_cost: Decimal
    annual_governance: Decimal
    term_months: int
    discount_rate: Decimal
    low: Scenario
    expected: Scenario
    high: Scenario

    @property
    def loses_money(self) -> bool:
        """The expected saving is negative: outsourcing would cost more than today."""
        return self.expected.annual_saving < 0

    @property
    def may_lose_money(self) -> bool:
        """Even the range's pessimistic end costs more than today."""
        return self.low.annual_saving < 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: Decimals as strings (``"1234.50"``), ints, bools, None."""
        out = _decimal_dict(self, _ESTIMATE_SCALARS)
        for name in SCENARIOS:
            out[name] = getattr(self, name).to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Estimate:
        """Inverse of :meth:`to_dict`; raises :class:`CostingError` on a malformed dict."""
        try:
            return cls(
                model=data["model"],
                location=data["location"],
                currency=data["currency"],
                in_house=data["in_house"],
                baseline=Decimal(data["baseline"]),
                transition_cost=Decimal(data["transition_cost"]),
                annual_governance=Decimal(data["annual_governance"]),
                term_months=data["term_months"],
                discount_rate=Decimal(data["discount_rate"]),
                low=Scenario.from_dict(data["low"]),
                expected=Scenario.from_dict(data["expected"]),
                high=Scenario.from_dict(data["high"]),
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise CostingError(f"malformed estimate: {error!r}", field="estimate") from error


# ----------------------------------------------------------------------------- arithmetic


def _resolve(charge_basis: Basis, value: Decimal, baseline: Baseline, what: str) -> Decimal:
    """The amount of money a value on ``charge_basis`` comes to for this baseline."""
    with localcontext(_CONTEXT):
        match charge_basis:
            case Basis.AMOUNT:
                amount = value
            case Basis.SHARE:
                amount = value * baseline.annual
            case Basis.PER_FTE:
                if baseline.ftes is None:
                    raise MissingFtesError(
                        f"the {what} is per FTE but the baseline has no FTE count", field="ftes"
                    )
                amount = value * baseline.ftes
            case Basis.PER_TRANSACTION:
                if baseline.yearly_volume is None:
                    raise MissingVolumeError(
                        f"the {what} is per transaction but the baseline has no yearly volume",
                        field="yearly_volume",
                    )
                amount = value * baseline.yearly_volume
    if amount > MAX_AMOUNT:
        raise AbsurdValueError(
            f"the {what} comes to {amount}, beyond the limit of {MAX_AMOUNT}", field=what
        )
    return amount


@lru_cache(maxsize=256)
def _annuity(terms: Terms) -> Decimal:
    """``sum_{t=1..N} v^t`` with ``v = (1 + r) ** (-1/12)``.

    Kept per terms: a fractional Decimal power costs ~0.1 ms, and a list page asks for
    the same organisation's terms for every estimate it shows.
    """
    with localcontext(_CONTEXT):
        if terms.discount_rate == 0:
            return Decimal(terms.months)
        v = (1 + terms.discount_rate) ** (Decimal(-1) / 12)
        return v * (1 - v**terms.months) / (1 - v)


def _payback(transition: Decimal, saving: Decimal) -> int | None:
    """``ceil(12 T / S)`` exactly; 0 without a transition cost, None if it never pays back."""
    if transition == 0:
        return 0
    if saving <= 0:
        return None
    with localcontext(_CONTEXT):
        months, rest = divmod(12 * transition, saving)
    return int(months) + (1 if rest else 0)


def _scenario(
    price: Decimal, governance: Decimal, transition: Decimal, baseline: Decimal, annuity: Decimal
) -> Scenario:
    with localcontext(_CONTEXT):
        run_cost = price + governance
        saving = baseline - run_cost
        net_value = saving / 12 * annuity - transition
    return Scenario(
        annual_price=_money(price),
        annual_run_cost=_money(run_cost),
        annual_saving=_money(saving),
        payback_months=_payback(transition, saving),
        net_value=_money(net_value),
    )


def estimate(baseline: Baseline, pricing: Pricing, terms: Terms) -> Estimate:
    """The business case for outsourcing on ``pricing``; see the module docstring.

    Raises a :class:`CostingError` subclass when the pricing does not fit the baseline
    (another currency, a per-FTE or per-transaction price without FTEs or volume, an
    amount beyond the limits).
    """
    if pricing.currency is not None and pricing.currency != baseline.currency:
        raise CurrencyMismatchError(
            f"the pricing is in {pricing.currency} but the baseline is in {baseline.currency}",
            field="currency",
        )
    governance = _resolve(
        pricing.governance.basis, pricing.governance.value, baseline, "governance"
    )
    transition = _resolve(
        pricing.transition.basis, pricing.transition.value, baseline, "transition"
    )
    annuity = _annuity(terms)
    b = baseline.annual
    scenarios = {
        # Named by the saving: the high price gives the low saving.
        name: _scenario(
            _resolve(pricing.basis, price, baseline, price_field),
            governance,
            transition,
            b,
            annuity,
        )
        for name, price, price_field in (
            ("low", pricing.high, "high"),
            ("expected", pricing.expected, "expected"),
            ("high", pricing.low, "low"),
        )
    }
    return Estimate(
        model=pricing.model,
        location=pricing.location,
        currency=baseline.currency,
        in_house=False,
        baseline=_money(b),
        transition_cost=_money(transition),
        annual_governance=_money(governance),
        term_months=terms.months,
        discount_rate=terms.discount_rate,
        low=scenarios["low"],
        expected=scenarios["expected"],
        high=scenarios["high"],
    )


def in_house_estimate(baseline: Baseline, terms: Terms, *, model: str = IN_HOUSE) -> Estimate:
    """Keeping the work in-house: run cost ``B``, and no saving, transition or net value."""
    b = baseline.annual
    same = _scenario(b, _ZERO, _ZERO, b, _annuity(terms))
    return Estimate(
        model=model,
        location="",
        currency=baseline.currency,
        in_house=True,
        baseline=_money(b),
        transition_cost=_money(_ZERO),
        annual_governance=_money(_ZERO),
        term_months=terms.months,
        discount_rate=terms.discount_rate,
        low=same,
        expected=same,
        high=same,
    )


def business_case(
    baseline: Baseline,
    pricings: Sequence[Pricing],
    terms: Terms,
    *,
    in_house: str = IN_HOUSE,
) -> tuple[Estimate, ...]:
    """Keeping it in-house first, then one :class:`Estimate` per pricing, in order.

    Raises :class:`CostingError` when a pricing is for the in-house model itself or two
    pricings share a model and location.
    """
    seen: set[tuple[str, str]] = set()
    for pricing in pricings:
        if pricing.model == in_house:
            raise CostingError(
                f"{in_house!r} is today's baseline; it takes no pricing", field="model"
            )
        key = (pricing.model, pricing.location)
        if key in seen:
            raise CostingError(f"two pricings for {key!r}", field="model")
        seen.add(key)
    return (
        in_house_estimate(baseline, terms, model=in_house),
        *(estimate(baseline, p, terms) for p in pricings),
    )
