"""Tests for the pure business-case arithmetic (no database, no Django)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decisions.costing import (
    MAX_AMOUNT,
    MAX_TERM_MONTHS,
    SCENARIOS,
    AbsurdValueError,
    Baseline,
    Basis,
    Charge,
    CostingError,
    CurrencyMismatchError,
    Estimate,
    IncompleteBaselineError,
    InvalidNumberError,
    InvertedRangeError,
    MissingFtesError,
    MissingVolumeError,
    NegativeAmountError,
    Pricing,
    Scenario,
    Terms,
    business_case,
    estimate,
    in_house_estimate,
)

D = Decimal
BASELINE = Baseline("EUR", ftes=D(10), cost_per_fte=D(60000))  # 600,000 a year
OFFSHORE_BPO = Pricing(
    "bpo",
    Basis.SHARE,
    D("0.55"),
    D("0.65"),
    D("0.75"),
    transition=Charge(Basis.SHARE, D("0.25")),  # 150,000 once
    governance=Charge(Basis.SHARE, D("0.08")),  # 48,000 a year
    location="offshore",
)
THREE_YEARS = Terms(months=36, discount_rate=D(0))


# --------------------------------------------------------------------------- unit tests


def test_hand_computed_estimate_without_discounting() -> None:
    e = estimate(BASELINE, OFFSHORE_BPO, THREE_YEARS)
    assert (e.model, e.location, e.currency, e.in_house) == ("bpo", "offshore", "EUR", False)
    assert e.baseline == D("600000.00")
    assert e.transition_cost == D("150000.00")
    assert e.annual_governance == D("48000.00")
    # expected: price 390,000 + 48,000 = 438,000; saving 162,000; 1,800,000 / 162,000 = 11.1
    assert e.expected == Scenario(
        annual_price=D("390000.00"),
        annual_run_cost=D("438000.00"),
        annual_saving=D("162000.00"),
        payback_months=12,
        net_value=D("336000.00"),  # 3 x 162,000 - 150,000
    )
    # The low saving comes from the high price (0.75), the high saving from the low (0.55).
    assert e.low == Scenario(D("450000.00"), D("498000.00"), D("102000.00"), 18, D("156000.00"))
    assert e.high == Scenario(D("330000.00"), D("378000.00"), D("222000.00"), 9, D("516000.00"))
    assert e.loses_money is False
    assert e.may_lose_money is False


def test_net_value_discounts_monthly_at_the_effective_yearly_rate() -> None:
    e = estimate(BASELINE, OFFSHORE_BPO, Terms(months=36, discount_rate=D("0.08")))
    # 13,500 at the end of each month t, discounted by 1.08 ** (t / 12); 150,000 up front.
    independent = sum(13500 / 1.08 ** (t / 12) for t in range(1, 37)) - 150000
    assert abs(float(e.expected.net_value) - independent) < 0.01
    assert e.expected.net_value == D("282584.97")  # the direct sum at 50 digits: 282584.9737
    # Payback is undiscounted and unchanged by the rate.
    assert e.expected.payback_months == 12


def test_a_full_year_at_the_rate_discounts_by_the_rate() -> None:
    # No transition; a saving of 12,000 a year paid as 1,000 at each month's end.
    baseline = Baseline("EUR", annual_cost=D(12000))
    free = Pricing("bpo", Basis.AMOUNT, D(0), D(0), D(0), currency="EUR")
    monthly = estimate(baseline, free, Terms(12, D("0.10"))).expected.net_value
    # Between a year-end lump (12,000 / 1.1) and no discounting at all.
    assert D("10909.09") < monthly < D(12000)
    assert estimate(baseline, free, Terms.from_years(1, D(0))).expected.net_value == D(12000)


def test_negative_saving_is_allowed_and_flagged() -> None:
    kpo = Pricing(
        "kpo",
        Basis.SHARE,
        D("0.9"),
        D("1.1"),
        D("1.3"),
        transition=Charge(Basis.AMOUNT, D(50000)),
        currency="EUR",
    )
    e = estimate(BASELINE, kpo, THREE_YEARS)
    assert e.expected.annual_saving == D("-60000.00")
    assert e.expected.payback_months is None  # never pays back
    assert e.expected.net_value == D("-230000.00")  # 3 x -60,000 - 50,000
    assert e.high.annual_saving == D("60000.00")
    assert e.high.payback_months == 10
    assert e.loses_money is True
    assert e.may_lose_money is True


def test_no_transition_cost_pays_back_at_once_even_at_a_loss() -> None:
    kpo = Pricing("kpo", Basis.SHARE, D("1.2"), D("1.2"), D("1.2"))
    e = estimate(BASELINE, kpo, THREE_YEARS)
    assert [getattr(e, s).payback_months for s in SCENARIOS] == [0, 0, 0]
    assert e.loses_money is True


def test_per_transaction_and_per_fte_prices() -> None:
    baseline = Baseline("GBP", annual_cost=D(500000), ftes=D("7.5"), yearly_volume=D(100000))
    per_transaction = Pricing(
        "bpo",
        Basis.PER_TRANSACTION,
        D("3.20"),
        D("3.50"),
        D("4.00"),
        governance=Charge(Basis.AMOUNT, D(25000)),
        currency="GBP",
    )
    e = estimate(baseline, per_transaction, THREE_YEARS)
    assert [getattr(e, s).annual_price for s in SCENARIOS] == [D(400000), D(350000), D(320000)]
    assert e.expected.annual_saving == D("125000.00")
    assert e.transition_cost == D(0)
    assert e.expected.payback_months == 0
    per_fte = replace(
        per_transaction, basis=Basis.PER_FTE, low=D(40000), expected=D(45000), high=D(50000)
    )
    e = estimate(baseline, per_fte, THREE_YEARS)
    assert e.expected.annual_price == D("337500.00")  # 7.5 x 45,000


def test_rounding_happens_once_at_the_end() -> None:
    # 1/3 of 1,000.01 a year: exact figures carry many places until the cents.
    baseline = Baseline("EUR", annual_cost=D("1000.01"))
    third = Pricing("bpo", Basis.SHARE, D("0.333333"), D("0.333333"), D("0.333333"))
    e = estimate(baseline, third, THREE_YEARS)
    assert e.expected.annual_price == D("333.34")  # 333.336666...
    assert e.expected.annual_saving == D("666.67")  # 666.673333...
    # Rounded each on its own, the identity holds to the cent, not always exactly.
    assert abs(e.baseline - e.expected.annual_run_cost - e.expected.annual_saving) <= D("0.01")
    half_cent = Baseline("EUR", annual_cost=D("0.125"))
    free = Pricing("bpo", Basis.AMOUNT, D(0), D(0), D(0), currency="EUR")
    assert estimate(half_cent, free, THREE_YEARS).baseline == D("0.13")  # half up
    # A sub-cent transition shows as 0.00 but, exact, is still paid; a zero is never -0.00.
    cent = Baseline("EUR", annual_cost=D("0.01"))
    tiny = replace(
        free,
        transition=Charge(Basis.SHARE, D("0.001")),
        governance=Charge(Basis.AMOUNT, D("0.01")),
    )
    e = estimate(cent, tiny, Terms(1, D(0)))
    assert e.transition_cost == D("0.00")
    assert e.expected.annual_saving == D("0.00")
    assert e.expected.payback_months is None
    assert str(e.expected.net_value) == "0.00"  # -0.00001, rounded


def test_in_house_and_business_case() -> None:
    case = business_case(BASELINE, [OFFSHORE_BPO], THREE_YEARS)
    keep, bpo = case
    assert keep == in_house_estimate(BASELINE, THREE_YEARS)
    assert keep.in_house is True
    assert keep.model == "in-house"
    for name in SCENARIOS:
        s = getattr(keep, name)
        assert s == Scenario(D("600000.00"), D("600000.00"), D("0.00"), 0, D("0.00"))
    assert keep.transition_cost == D(0)
    assert bpo == estimate(BASELINE, OFFSHORE_BPO, THREE_YEARS)
    with pytest.raises(CostingError, match="takes no pricing"):
        business_case(BASELINE, [replace(OFFSHORE_BPO, model="in-house")], THREE_YEARS)
    with pytest.raises(CostingError, match="two pricings"):
        business_case(BASELINE, [OFFSHORE_BPO, OFFSHORE_BPO], THREE_YEARS)
    onshore = replace(OFFSHORE_BPO, location="onshore")
    assert len(business_case(BASELINE, [OFFSHORE_BPO, onshore], THREE_YEARS)) == 3


def test_estimate_round_trips_through_json() -> None:
    e = estimate(BASELINE, OFFSHORE_BPO, Terms(36, D("0.08")))
    d = e.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["expected"]["annual_saving"] == "162000.00"
    assert d["discount_rate"] == "0.08"
    assert d["term_months"] == 36
    assert Estimate.from_dict(json.loads(json.dumps(d))) == e
    never = estimate(
        BASELINE, replace(OFFSHORE_BPO, low=D(2), expected=D(2), high=D(2)), THREE_YEARS
    )
    assert Estimate.from_dict(never.to_dict()).expected.payback_months is None
    with pytest.raises(CostingError, match="malformed"):
        Estimate.from_dict({**d, "baseline": "lots"})
    with pytest.raises(CostingError, match="malformed"):
        Estimate.from_dict({k: v for k, v in d.items() if k != "low"})


def pricing(**changes: Any) -> Pricing:
    return replace(OFFSHORE_BPO, **changes)


@pytest.mark.parametrize(
    ("build", "error", "field"),
    [
        (lambda: Baseline("EUR", annual_cost=D(-1)), NegativeAmountError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost=D(0)), NegativeAmountError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost=1000.0), InvalidNumberError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost="1000"), InvalidNumberError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost=True), InvalidNumberError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost=D("NaN")), InvalidNumberError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost=D("Infinity")), InvalidNumberError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost=D("1.0000001")), InvalidNumberError, "annual_cost"),
        (lambda: Baseline("EUR", annual_cost=D("2e12")), AbsurdValueError, "annual_cost"),
        (lambda: Baseline("EUR", ftes=D("2e6"), cost_per_fte=D(1)), AbsurdValueError, "ftes"),
        (
            lambda: Baseline("EUR", ftes=D("1e6"), cost_per_fte=D("1e7")),
            AbsurdValueError,
            "cost_per_fte",
        ),
        (lambda: Baseline("EUR"), IncompleteBaselineError, "annual_cost"),
        (
            lambda: Baseline("EUR", annual_cost=D(1), ftes=D(1), cost_per_fte=D(1)),
            IncompleteBaselineError,
            "annual_cost",
        ),
        (lambda: Baseline("EUR", cost_per_fte=D(1)), IncompleteBaselineError, "ftes"),
        (
            lambda: Baseline("EUR", annual_cost=D(1), yearly_volume=D(-5)),
            NegativeAmountError,
            "yearly_volume",
        ),
        (lambda: Baseline("eur", annual_cost=D(1)), CurrencyMismatchError, "currency"),
        (lambda: Baseline("", annual_cost=D(1)), CurrencyMismatchError, "currency"),
        (lambda: pricing(low=D("0.8")), InvertedRangeError, "low"),
        (lambda: pricing(high=D("0.6")), InvertedRangeError, "high"),
        (lambda: pricing(low=D("-0.1")), NegativeAmountError, "low"),
        (lambda: pricing(high=D(11)), AbsurdValueError, "high"),
        (lambda: pricing(model=""), CostingError, "model"),
        (lambda: pricing(transition=D(5)), InvalidNumberError, "transition"),
        (lambda: pricing(basis=Basis.PER_FTE), CurrencyMismatchError, "currency"),
        (lambda: pricing(governance=Charge(Basis.AMOUNT, D(1))), CurrencyMismatchError, "currency"),
        (lambda: pricing(currency="euro"), CurrencyMismatchError, "currency"),
        (lambda: pricing(basis="per-hour"), ValueError, None),
        (lambda: Charge(Basis.AMOUNT, D(-3)), NegativeAmountError, "value"),
        (lambda: Charge(Basis.SHARE, D(12)), AbsurdValueError, "value"),
        (lambda: Terms(0, D(0)), NegativeAmountError, "months"),
        (lambda: Terms(MAX_TERM_MONTHS + 1, D(0)), AbsurdValueError, "months"),
        (lambda: Terms(12.5, D(0)), InvalidNumberError, "months"),
        (lambda: Terms(12, D("-0.01")), NegativeAmountError, "discount_rate"),
        (lambda: Terms(12, D("1.5")), AbsurdValueError, "discount_rate"),
        (lambda: Terms(12, 0.05), InvalidNumberError, "discount_rate"),
        (lambda: Terms.from_years(31, D(0)), AbsurdValueError, "years"),
        (lambda: Terms.from_years(0, D(0)), NegativeAmountError, "months"),
        (lambda: Terms.from_years(1.5, D(0)), InvalidNumberError, "years"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_field(
    build: Any, error: type[Exception], field: str | None
) -> None:
    with pytest.raises(error) as raised:
        build()
    assert isinstance(raised.value, ValueError)
    if field is not None:
        assert isinstance(raised.value, CostingError)
        assert raised.value.field == field


def test_pricing_that_does_not_fit_the_baseline() -> None:
    no_volume = Baseline("EUR", annual_cost=D(100000))
    per_transaction = Pricing("bpo", Basis.PER_TRANSACTION, D(1), D(2), D(3), currency="EUR")
    with pytest.raises(MissingVolumeError, match="no yearly volume") as raised:
        estimate(no_volume, per_transaction, THREE_YEARS)
    assert raised.value.field == "yearly_volume"
    per_fte = replace(per_transaction, basis=Basis.PER_FTE)
    with pytest.raises(MissingFtesError, match="no FTE count"):
        estimate(no_volume, per_fte, THREE_YEARS)
    transition_per_fte = replace(
        OFFSHORE_BPO, transition=Charge(Basis.PER_FTE, D(5000)), currency="EUR"
    )
    with pytest.raises(MissingFtesError):
        estimate(no_volume, transition_per_fte, THREE_YEARS)
    with pytest.raises(CurrencyMismatchError, match="USD") as mismatch:
        estimate(no_volume, replace(per_transaction, currency="USD"), THREE_YEARS)
    assert mismatch.value.field == "currency"
    # A share-only pricing has no currency and fits any baseline.
    assert (
        estimate(Baseline("JPY", annual_cost=D(10**9)), OFFSHORE_BPO, THREE_YEARS).currency == "JPY"
    )
    huge = Baseline("EUR", annual_cost=D(1), yearly_volume=D("1e12"))
    with pytest.raises(AbsurdValueError, match="beyond the limit") as absurd:
        estimate(huge, replace(per_transaction, high=D(10)), THREE_YEARS)
    assert absurd.value.field == "high"
    assert D("1e12") == MAX_AMOUNT


# ------------------------------------------------------------------- property tests

MONEY = {
    "min_value": 0,
    "max_value": 10**7,
    "places": 2,
    "allow_nan": False,
    "allow_infinity": False,
}
money = st.decimals(**MONEY)
positive_money = money.filter(lambda d: d > 0)
VALUES: dict[Basis, st.SearchStrategy[Decimal]] = {
    Basis.AMOUNT: money,
    Basis.SHARE: st.decimals(min_value=0, max_value=3, places=3),
    Basis.PER_FTE: st.decimals(min_value=0, max_value=300000, places=2),
    Basis.PER_TRANSACTION: st.decimals(min_value=0, max_value=100, places=4),
}

BUMPS = {Basis.SHARE: st.decimals(min_value=0, max_value=2, places=3)}


@st.composite
def baselines(draw: st.DrawFn) -> Baseline:
    ftes = draw(st.decimals(min_value=D("0.5"), max_value=500, places=1))
    volume = draw(st.decimals(min_value=1, max_value=10**6, places=0))
    if draw(st.booleans()):
        return Baseline(
            "EUR",
            ftes=ftes,
            cost_per_fte=draw(positive_money.filter(lambda d: d <= 300000)),
            yearly_volume=volume,
        )
    return Baseline("EUR", annual_cost=draw(positive_money), ftes=ftes, yearly_volume=volume)


@st.composite
def charges(draw: st.DrawFn) -> Charge:
    basis = draw(st.sampled_from(list(Basis)))
    return Charge(basis, draw(VALUES[basis]))


@st.composite
def pricings(draw: st.DrawFn, *, transition: bool = True) -> Pricing:
    basis = draw(st.sampled_from(list(Basis)))
    low, expected, high = sorted(draw(st.lists(VALUES[basis], min_size=3, max_size=3)))
    return Pricing(
        "bpo",
        basis,
        low,
        expected,
        high,
        transition=draw(charges()) if transition else Charge(Basis.AMOUNT, D(0)),
        governance=draw(charges()),
        currency="EUR",
    )


terms = st.builds(
    Terms,
    months=st.integers(1, MAX_TERM_MONTHS),
    discount_rate=st.decimals(min_value=0, max_value=D("0.3"), places=4),
)


def savings_order(e: Estimate) -> list[Decimal]:
    return [getattr(e, s).annual_saving for s in SCENARIOS]


def months_or_never(n: int | None) -> float:
    return float("inf") if n is None else n


@given(baselines(), pricings(), terms, st.data())
def test_a_higher_price_never_raises_the_saving(
    baseline: Baseline, p: Pricing, t: Terms, data: st.DataObject
) -> None:
    # Raise low by d1, expected by d1 + d2, high by d1 + d2 + d3: still ordered, each higher.
    # (Shares bump by at most 2 each, so 3 + 3 x 2 stays under the limit of 10.)
    bumps = BUMPS.get(p.basis, VALUES[p.basis])
    d1, d2, d3 = data.draw(st.lists(bumps, min_size=3, max_size=3))
    dearer = replace(p, low=p.low + d1, expected=p.expected + d1 + d2, high=p.high + d1 + d2 + d3)
    a, b = estimate(baseline, p, t), estimate(baseline, dearer, t)
    for name in SCENARIOS:
        cheap, dear = getattr(a, name), getattr(b, name)
        assert dear.annual_price >= cheap.annual_price
        assert dear.annual_saving <= cheap.annual_saving
        assert dear.net_value <= cheap.net_value
        assert months_or_never(dear.payback_months) >= months_or_never(cheap.payback_months)
    more = data.draw(VALUES[p.governance.basis])
    governance = replace(p, governance=Charge(p.governance.basis, p.governance.value + more))
    c = estimate(baseline, governance, t)
    # A higher governance overhead never raises a saving either.
    assert all(x <= y for x, y in zip(savings_order(c), savings_order(a), strict=True))


@given(baselines(), pricings(transition=False), terms)
def test_no_transition_cost_means_payback_zero(baseline: Baseline, p: Pricing, t: Terms) -> None:
    e = estimate(baseline, p, t)
    assert e.transition_cost == 0
    assert [getattr(e, s).payback_months for s in SCENARIOS] == [0, 0, 0]


@given(baselines(), pricings(), terms)
def test_low_never_exceeds_expected_nor_high(baseline: Baseline, p: Pricing, t: Terms) -> None:
    e = estimate(baseline, p, t)
    low, expected, high = (getattr(e, s) for s in SCENARIOS)
    assert low.annual_saving <= expected.annual_saving <= high.annual_saving
    assert low.net_value <= expected.net_value <= high.net_value
    assert low.annual_run_cost >= expected.annual_run_cost >= high.annual_run_cost
    assert (
        months_or_never(low.payback_months)
        >= months_or_never(expected.payback_months)
        >= months_or_never(high.payback_months)
    )
    assert e.may_lose_money >= e.loses_money


@given(baselines(), pricings(), terms)
def test_figures_are_cents_and_add_up_to_the_cent(baseline: Baseline, p: Pricing, t: Terms) -> None:
    e = estimate(baseline, p, t)
    cent = D("0.01")
    for name in SCENARIOS:
        s = getattr(e, name)
        for amount in (s.annual_price, s.annual_run_cost, s.annual_saving, s.net_value):
            assert isinstance(amount, Decimal)
            assert amount.as_tuple().exponent == -2
            assert not (amount.is_zero() and amount.is_signed())  # never -0.00
        assert abs(s.annual_price + e.annual_governance - s.annual_run_cost) <= cent
        assert abs(e.baseline - s.annual_run_cost - s.annual_saving) <= cent
        if s.payback_months is None:
            assert s.annual_saving <= 0  # and the exact transition was positive
        if e.transition_cost > 0 and s.annual_saving < 0:
            assert s.payback_months is None
        if s.payback_months == 0:
            assert e.transition_cost == 0


@given(baselines(), terms)
def test_in_house_has_no_saving_no_transition_and_no_net_value(
    baseline: Baseline, t: Terms
) -> None:
    keep = business_case(baseline, [], t)[0]
    assert keep.in_house
    assert keep.transition_cost == 0
    for name in SCENARIOS:
        s = getattr(keep, name)
        assert (s.annual_saving, s.payback_months, s.net_value) == (0, 0, 0)
        assert s.annual_run_cost == keep.baseline


@given(
    st.decimals(min_value=D("0.01"), max_value=10**6, places=2),
    st.lists(st.decimals(min_value=0, max_value=10**6, places=2), min_size=4, max_size=4),
    st.integers(1, MAX_TERM_MONTHS),
)
def test_payback_is_the_first_month_that_covers_the_transition(
    annual: Decimal, amounts: list[Decimal], months: int
) -> None:
    price, governance, transition, _ = amounts
    baseline = Baseline("EUR", annual_cost=annual)
    p = Pricing(
        "bpo",
        Basis.AMOUNT,
        price,
        price,
        price,
        transition=Charge(Basis.AMOUNT, transition),
        governance=Charge(Basis.AMOUNT, governance),
        currency="EUR",
    )
    s = estimate(baseline, p, Terms(months, D(0))).expected
    saving = annual - price - governance
    assert s.annual_saving == saving  # whole cents in, exact out
    n = s.payback_months
    if transition == 0:
        assert n == 0
    elif saving <= 0:
        assert n is None
    else:
        assert n is not None
        assert n * saving >= 12 * transition > (n - 1) * saving
    # Without discounting the net value is the plain sum.
    plain = saving * months / 12 - transition
    assert abs(s.net_value - plain) <= D("0.005")


@given(baselines(), pricings(), terms, st.decimals(min_value=0, max_value=D("0.3"), places=4))
def test_discounting_harder_shrinks_the_net_value_toward_minus_the_transition(
    baseline: Baseline, p: Pricing, t: Terms, other_rate: Decimal
) -> None:
    slow, fast = sorted((t.discount_rate, other_rate))
    a = estimate(baseline, p, replace(t, discount_rate=slow)).expected
    b = estimate(baseline, p, replace(t, discount_rate=fast)).expected
    if a.annual_saving >= 0:
        assert b.net_value <= a.net_value
    else:
        assert b.net_value >= a.net_value
    assert a.payback_months == b.payback_months


def scaled_baseline(b: Baseline, k: int) -> Baseline:
    if b.annual_cost is not None:
        return replace(b, annual_cost=b.annual_cost * k)
    assert b.cost_per_fte is not None
    return replace(b, cost_per_fte=b.cost_per_fte * k)


def scaled_charge(c: Charge, k: int) -> Charge:
    return c if c.basis is Basis.SHARE else Charge(c.basis, c.value * k)


@given(baselines(), pricings(), terms, st.integers(1, 1000))
def test_scaling_baseline_and_prices_together_scales_the_money(
    baseline: Baseline, p: Pricing, t: Terms, k: int
) -> None:
    money_basis = p.basis is not Basis.SHARE
    scaled = replace(
        p,
        low=p.low * k if money_basis else p.low,
        expected=p.expected * k if money_basis else p.expected,
        high=p.high * k if money_basis else p.high,
        transition=scaled_charge(p.transition, k),
        governance=scaled_charge(p.governance, k),
    )
    a = estimate(baseline, p, t)
    b = estimate(scaled_baseline(baseline, k), scaled, t)
    # Each side is rounded to the cent once: k times a rounded figure may be k/2 cents off.
    tolerance = D("0.005") * (k + 1)
    for x, y in ((a.baseline, b.baseline), (a.transition_cost, b.transition_cost)):
        assert abs(y - k * x) <= tolerance
    for name in SCENARIOS:
        sa, sb = getattr(a, name), getattr(b, name)
        for field in ("annual_price", "annual_run_cost", "annual_saving", "net_value"):
            assert abs(getattr(sb, field) - k * getattr(sa, field)) <= tolerance
        assert sb.payback_months == sa.payback_months


@given(baselines(), st.lists(pricings(), max_size=3), terms)
def test_business_case_round_trips_through_json(
    baseline: Baseline, ps: list[Pricing], t: Terms
) -> None:
    ps = [replace(p, location=f"loc{i}") for i, p in enumerate(ps)]
    for e in business_case(baseline, ps, t):
        assert Estimate.from_dict(json.loads(json.dumps(e.to_dict()))) == e
