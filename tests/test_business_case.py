"""The business case and the risk register: services, pages, frozen vs live figures."""

from __future__ import annotations

import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions import questionnaire, records, services
from decisions.formatting import is_currency, money
from decisions.models import (
    BusinessCase,
    Criterion,
    PriceOverride,
    PricingAssumption,
    RiskRating,
    RiskType,
    SourcingModel,
)
from decisions.presentation import FunctionView
from tests.conftest import add_archetype

pytestmark = pytest.mark.django_db


def result_url(function) -> str:
    return reverse("decisions:function-result", args=[function.pk])


def case_url(function) -> str:
    return reverse("decisions:function-business-case", args=[function.pk])


def price_url(function, model: str) -> str:
    return reverse("decisions:function-price", args=[function.pk, model])


def risks_url(function) -> str:
    return reverse("decisions:function-risks", args=[function.pk])


def settings_url(organization) -> str:
    return reverse("decisions:organization-settings", args=[organization.pk])


def save_baseline(function, user, **figures):
    values = {"annual_cost": None, "ftes": None, "cost_per_fte": None, "yearly_volume": None}
    return services.business_case_save(
        function=function,
        user=user,
        currency=function.assessment.organization.currency,
        **(values | figures),
    )


@pytest.fixture
def payroll(assessment, manager):
    """BPO, delivered onshore: the sample assumption is 80 % of today's cost (70 to 95 %)."""
    return add_archetype(assessment, manager, "Payroll processing")


@pytest.fixture
def legal(assessment, manager):
    """LPO (KPO's specialisation), onshore."""
    return add_archetype(assessment, manager, "Contract review and legal research")


def a_quote(**values) -> services.PriceInput:
    """A provider's single price, a share of today's cost by default."""
    defaults = {
        "kind": "quote",
        "provider": "Quoting Ltd",
        "basis": "share",
        "low": Decimal("0.5"),
        "expected": Decimal("0.5"),
        "high": Decimal("0.5"),
        "currency": "",
        "transition_basis": "amount",
        "transition_value": Decimal(0),
        "governance_basis": "amount",
        "governance_value": Decimal(0),
        "note": "",
    }
    return services.PriceInput(**(defaults | values))


def view_of(function) -> FunctionView:
    function.refresh_from_db()
    return FunctionView(function)


# --- the estimate ----------------------------------------------------------------------------


def test_no_baseline_means_no_business_case_yet(manager_client, payroll):
    body = manager_client.get(result_url(payroll)).content.decode()

    assert view_of(payroll).business_case is None
    assert "No business case yet" in body
    assert "BPO" in body  # the recommendation stands


def test_the_estimate_uses_the_recorded_assumption_and_the_live_baseline(manager, payroll):
    save_baseline(payroll, manager, ftes=Decimal(10), cost_per_fte=Decimal(50000))

    case = view_of(payroll).business_case
    bpo = case.recommended

    assert bpo.slug == "bpo"
    assert bpo.source == "assumption"
    assert bpo.is_sample
    # 500,000 today; 80 % price plus 4 % governance = 420,000 a year; 10 % transition.
    assert bpo.estimate.expected.annual_run_cost == Decimal("420000.00")
    assert bpo.estimate.expected.annual_saving == Decimal("80000.00")
    assert bpo.estimate.low.annual_saving == Decimal("5000.00")  # at the high price, 95 %
    assert bpo.estimate.high.annual_saving == Decimal("130000.00")  # at the low price, 70 %
    assert bpo.estimate.transition_cost == Decimal("50000.00")
    assert bpo.estimate.expected.payback_months == 8  # ceil(12 * 50,000 / 80,000)
    assert [e.slug for e in case.estimates][:2] == ["bpo", "in-house"]


def test_editing_the_baseline_changes_the_figures_at_once(manager, payroll):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    before = view_of(payroll).business_case.recommended.estimate.expected.annual_saving

    save_baseline(payroll, manager, annual_cost=Decimal(200000))
    after = view_of(payroll).business_case.recommended.estimate.expected.annual_saving

    assert (before, after) == (Decimal("16000.00"), Decimal("32000.00"))


def test_an_admin_edit_to_an_assumption_shows_only_after_a_recompute(
    manager_client, manager, payroll
):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    assumption = PricingAssumption.objects.get(sourcing_model__slug="bpo", location__slug="onshore")
    assumption.low, assumption.expected = Decimal("0.50"), Decimal("0.60")
    assumption.full_clean()
    assumption.save()

    body = manager_client.get(result_url(payroll)).content.decode()
    assert "€16,000" in body  # still the recorded 80 %
    assert "The pricing assumptions have changed" in body

    manager_client.post(reverse("decisions:function-recompute", args=[payroll.pk]))
    body = manager_client.get(result_url(payroll)).content.decode()
    assert "€36,000" in body  # 100,000 - (60,000 + 4,000)
    assert "The pricing assumptions have changed" not in body


def test_a_result_stored_before_pricing_existed_still_loads_and_asks_for_a_recompute(
    manager, payroll
):
    snapshot = dict(payroll.snapshot)
    snapshot.pop(records.PRICING_KEY)
    type(payroll).objects.filter(pk=payroll.pk).update(snapshot=snapshot)
    save_baseline(payroll, manager, annual_cost=Decimal(100000))

    view = view_of(payroll)

    assert view.snapshot.pricing == ()
    assert view.criteria_version == payroll.criteria_version  # pricing is not hashed
    assert "recompute" in str(view.business_case.recommended.problem)


def test_kpo_and_lpo_figures_carry_the_documents_caveat(manager_client, manager, legal):
    save_baseline(legal, manager, annual_cost=Decimal(400000))

    case = view_of(legal).business_case
    caveats = {e.slug: e.caveat for e in case.estimates}
    body = manager_client.get(result_url(legal)).content.decode()

    assert case.recommended.slug == "lpo"
    assert caveats == {"lpo": True, "in-house": False, "bpo": False, "kpo": True}
    assert "may or may not save cost" in body


def test_a_negative_saving_is_said_plainly(manager_client, manager, payroll):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    services.price_save(
        function=payroll,
        model=SourcingModel.objects.get(slug="bpo"),
        user=manager,
        price=a_quote(
            provider="Dear Provider Ltd",
            low=Decimal("1.2"),
            expected=Decimal("1.2"),
            high=Decimal("1.2"),
        ),
    )

    body = manager_client.get(result_url(payroll)).content.decode()

    assert "would cost €20,000 a year more than keeping the work in-house" in body
    assert "quote from Dear Provider Ltd" in body


def test_a_quote_in_money_needs_the_volume_and_the_same_currency(manager, payroll):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    quote = a_quote(
        provider="Per-slip Payroll",
        basis="per-transaction",
        low=Decimal("2.5"),
        expected=Decimal("2.5"),
        high=Decimal("2.5"),
        currency="EUR",
    )
    bpo = SourcingModel.objects.get(slug="bpo")

    with pytest.raises(ValidationError) as no_volume:
        services.price_save(function=payroll, model=bpo, user=manager, price=quote)
    assert "yearly volume" in str(no_volume.value.message_dict["basis"])

    save_baseline(payroll, manager, annual_cost=Decimal(100000), yearly_volume=20000)
    with pytest.raises(ValidationError) as dollars:
        services.price_save(
            function=payroll,
            model=bpo,
            user=manager,
            price=quote.__class__(**{**vars(quote), "currency": "USD"}),
        )
    assert "EUR" in str(dollars.value.message_dict["currency"])
    assert not PriceOverride.objects.exists()

    services.price_save(function=payroll, model=bpo, user=manager, price=quote)
    assert view_of(payroll).business_case.recommended.estimate.expected.annual_run_cost == Decimal(
        "50000.00"
    )
    # The volume cannot go while a price needs it.
    with pytest.raises(ValidationError) as needed:
        save_baseline(payroll, manager, annual_cost=Decimal(100000))
    assert "BPO" in str(needed.value.message_dict["yearly_volume"])
    assert BusinessCase.objects.get(function=payroll).yearly_volume == 20000


# --- bad input on the pages: a message beside the field, nothing stored ------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"annual_cost": "-5"}, "annual_cost", "above zero"),
        ({"annual_cost": "0"}, "annual_cost", "above zero"),
        ({"annual_cost": "5e13"}, "annual_cost", "far beyond"),
        ({"annual_cost": "abc"}, "annual_cost", "Enter a number"),
        (
            {"annual_cost": "100000", "cost_per_fte": "50000", "ftes": "2"},
            "annual_cost",
            "not both",
        ),
        ({"cost_per_fte": "50000"}, "ftes", "needs the number of FTEs"),
        ({"ftes": "900000", "cost_per_fte": "5000000"}, "cost_per_fte", "far beyond"),
        ({}, "annual_cost", "not both"),
    ],
)
def test_a_bad_baseline_is_refused_beside_its_field(manager_client, payroll, data, field, message):
    response = manager_client.post(case_url(payroll), {"currency": "EUR", **data})

    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not BusinessCase.objects.exists()


def test_a_baseline_posted_in_a_stale_currency_is_refused(manager_client, payroll, organization):
    organization.currency = "USD"
    organization.save()

    response = manager_client.post(case_url(payroll), {"currency": "EUR", "annual_cost": "1000"})

    assert response.status_code == HTTPStatus.OK
    assert "now reports in USD" in response.content.decode()
    assert not BusinessCase.objects.exists()


def test_a_baseline_saves_and_returns_to_the_result(manager_client, payroll):
    response = manager_client.post(
        case_url(payroll), {"currency": "EUR", "ftes": "2.5", "cost_per_fte": "60000"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == result_url(payroll) + "#business-case"
    body = manager_client.get(result_url(payroll)).content.decode()
    assert "2.5 FTEs \u00d7 €60,000 = €150,000 a year" in body
    assert "Payback" in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"low": "0.9", "expected": "0.8", "high": "0.95"}, "low", "low price is above"),
        ({"low": "0.7", "expected": "0.9", "high": "0.8"}, "high", "expected price is above"),
        ({"expected": "-1"}, "expected", "zero or more"),
        ({"expected": "11"}, "expected", "far beyond"),
        ({"basis": "per-fte", "expected": "30000"}, "currency", "need their currency"),
        ({"basis": "per-fte", "expected": "30000", "currency": "USD"}, "currency", "in EUR"),
        ({"basis": "per-fte", "expected": "30000", "currency": "XXY"}, "currency", "valid choice"),
        ({"kind": "quote", "provider": ""}, "provider", "Name the provider"),
    ],
)
def test_a_bad_price_is_refused_beside_its_field(
    manager_client, manager, payroll, data, field, message
):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    form = {
        "kind": "override",
        "basis": "share",
        "expected": "0.7",
        "transition_basis": "share",
        "transition_value": "0.1",
        "governance_basis": "share",
        "governance_value": "0.05",
    }

    response = manager_client.post(price_url(payroll, "bpo"), form | data)

    assert response.status_code == HTTPStatus.OK
    assert message in " ".join(response.context["form"].errors[field])
    assert not PriceOverride.objects.exists()


def test_a_price_for_in_house_or_an_unknown_model_is_404(manager_client, manager, payroll):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))

    assert manager_client.get(price_url(payroll, "in-house")).status_code == HTTPStatus.NOT_FOUND
    assert manager_client.get(price_url(payroll, "nope")).status_code == HTTPStatus.NOT_FOUND


def test_an_own_price_replaces_the_assumption_and_can_be_removed(manager_client, manager, payroll):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    form = {
        "kind": "override",
        "basis": "share",
        "low": "0.5",
        "expected": "0.6",
        "high": "0.7",
        "transition_basis": "amount",
        "transition_value": "12000",
        "governance_basis": "share",
        "governance_value": "0.05",
        "currency": "EUR",
        "note": "Benchmark from our sister company.",
    }

    response = manager_client.post(price_url(payroll, "bpo"), form)

    assert response.status_code == HTTPStatus.FOUND
    bpo = view_of(payroll).business_case.recommended
    assert (bpo.source, bpo.estimate.expected.annual_saving) == ("override", Decimal("35000.00"))
    assert bpo.estimate.expected.payback_months == 5  # ceil(12 * 12,000 / 35,000)

    manager_client.post(reverse("decisions:function-price-delete", args=[payroll.pk, "bpo"]))
    assert view_of(payroll).business_case.recommended.source == "assumption"


def test_removing_the_business_case_removes_its_prices(manager_client, manager, payroll):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    PriceOverride.objects.create(
        function=payroll,
        sourcing_model=SourcingModel.objects.get(slug="kpo"),
        low=1,
        expected=1,
        high=1,
    )

    manager_client.post(reverse("decisions:function-business-case-delete", args=[payroll.pk]))

    assert not BusinessCase.objects.exists()
    assert not PriceOverride.objects.exists()


def test_business_case_pages_wait_for_the_recommendation(manager_client, function):
    for url in (case_url(function), risks_url(function), price_url(function, "bpo")):
        response = manager_client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("decisions:function-start", args=[function.pk])


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("function-business-case", "put"),
        ("function-business-case-delete", "get"),
        ("function-price", "delete"),
        ("function-price-delete", "get"),
        ("function-risks", "put"),
        ("organization-settings", "patch"),
    ],
)
def test_wrong_method_is_405(manager_client, payroll, name, method):
    kwargs = {"pk": payroll.assessment.organization_id if name.startswith("org") else payroll.pk}
    if name.startswith("function-price"):
        kwargs["model"] = "bpo"
    response = getattr(manager_client, method)(reverse(f"decisions:{name}", kwargs=kwargs))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- organisation settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "DEM"}, "currency"),  # a currency of the past
        ({"discount_rate_percent": "-1"}, "discount_rate_percent"),
        ({"discount_rate_percent": "150"}, "discount_rate_percent"),
        ({"contract_term_months": "0"}, "contract_term_months"),
        ({"contract_term_months": "999"}, "contract_term_months"),
    ],
)
def test_bad_settings_are_refused(manager_client, organization, data, field):
    good = {"currency": "EUR", "discount_rate_percent": "8", "contract_term_months": "60"}

    response = manager_client.post(settings_url(organization), good | data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors[field]
    organization.refresh_from_db()
    assert (organization.currency, organization.contract_term_months) == ("EUR", 60)


def test_settings_change_the_net_value_and_flag_other_currencies(
    manager_client, manager, organization, payroll
):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    five_years = view_of(payroll).business_case.recommended.estimate.expected.net_value

    response = manager_client.post(
        settings_url(organization),
        {"currency": "USD", "discount_rate_percent": "0", "contract_term_months": "24"},
    )

    assert response.status_code == HTTPStatus.FOUND
    case = view_of(payroll).business_case
    # 16,000 a year for two years, undiscounted, less the 10,000 transition.
    assert case.recommended.estimate.expected.net_value == Decimal("22000.00") != five_years
    assert case.currency_mismatch
    overview = manager_client.get(
        reverse("decisions:assessment-detail", args=[payroll.assessment_id])
    ).content.decode()
    assert "has no figure in USD and is left out" in overview


def test_currencies_are_real_iso_codes_in_use():
    assert is_currency("EUR")
    assert is_currency("JPY")
    for code in ("eur", "DEM", "XYZ"):
        assert not is_currency(code)
    assert money(Decimal("-1234.5"), "EUR") == "\u2212€1,235"
    assert money(Decimal("0.4"), "USD") == "$0"


# --- risks -------------------------------------------------------------------------------------


def test_risks_save_with_owner_and_show_top_risks_and_a_flag(manager_client, legal):
    response = manager_client.post(
        risks_url(legal),
        {
            "data-security-likelihood": "4",
            "data-security-impact": "5",
            "data-security-owner": "General counsel",
            "exit-likelihood": "2",
            "exit-impact": "2",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    view = view_of(legal)
    assert [(r.slug, r.level.value) for r in view.risks] == [
        ("data-security", "high"),
        ("exit", "low"),
    ]
    assert view.risk_flag
    body = manager_client.get(result_url(legal)).content.decode()
    assert "High residual risk on a recommendation to outsource" in body
    assert "General counsel" in body
    assert "Confidentiality and privilege terms" in body  # LPO's default mitigation


def test_in_house_with_a_high_risk_is_not_flagged(assessment, manager):
    research = add_archetype(assessment, manager, "Product research and development")
    services.risks_save(
        function=research,
        user=manager,
        ratings=[
            services.RatingInput(
                risk_type=RiskType.objects.get(slug="loss-of-know-how"), likelihood=5, impact=5
            )
        ],
    )

    view = view_of(research)
    assert view.high_risks
    assert not view.risk_flag


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"exit-likelihood": "3"}, "impact"),
        ({"exit-impact": "3"}, "likelihood"),
        ({"exit-likelihood": "6", "exit-impact": "3"}, "likelihood"),
        ({"exit-likelihood": "3", "exit-impact": "3", "exit-owner": "x" * 200}, "owner"),
    ],
)
def test_a_bad_rating_saves_nothing(manager_client, payroll, data, field):
    good = {"data-security-likelihood": "2", "data-security-impact": "2"}

    response = manager_client.post(risks_url(payroll), good | data)

    assert response.status_code == HTTPStatus.OK
    forms = {form.prefix: form for form in response.context["forms"]}
    assert forms["exit"].errors[field]
    assert not RiskRating.objects.exists()


def test_clearing_a_rating_removes_it(manager_client, manager, payroll):
    exit_risk = RiskType.objects.get(slug="exit")
    services.risks_save(
        function=payroll,
        user=manager,
        ratings=[services.RatingInput(risk_type=exit_risk, likelihood=2, impact=3)],
    )

    manager_client.post(risks_url(payroll), {"exit-likelihood": "", "exit-impact": ""})

    assert not RiskRating.objects.exists()


def test_benefits_show_what_the_model_buys_with_sources_and_caveats(manager_client, legal):
    body = manager_client.get(result_url(legal)).content.decode()

    assert "What LPO buys" in body
    assert "Expert insight" in body  # LPO's own
    assert "Cost savings" in body  # KPO's, which LPO specialises
    assert "KPO might save money or might not" in body  # the benefit's caveat
    assert 'class="source-ref"' in body


# --- the overview and the exports ------------------------------------------------------------


def test_overview_adds_up_the_portfolio(manager_client, manager, assessment, payroll, legal):
    save_baseline(payroll, manager, annual_cost=Decimal(100000))
    save_baseline(legal, manager, annual_cost=Decimal(200000))
    services.risks_save(
        function=legal,
        user=manager,
        ratings=[
            services.RatingInput(
                risk_type=RiskType.objects.get(slug="data-security"), likelihood=5, impact=4
            )
        ],
    )
    url = reverse("decisions:assessment-detail", args=[assessment.pk])

    body = manager_client.get(url).content.decode()

    # Payroll BPO onshore saves 16,000 (1,000 to 26,000); legal LPO onshore 85 % + 8 %
    # of 200,000 saves 14,000 (-36,000 to 34,000).
    assert "€30,000" in body
    assert "from \u2212€35,000 to €60,000" in body
    assert "1 high risk rated across the functions" in body
    assert response_total(manager_client, url) == Decimal("30000.00")


def response_total(client, url) -> Decimal:
    return client.get(url).context["overview"].saving_total


def test_exports_carry_the_business_case_and_risks(manager_client, manager, assessment, payroll):
    save_baseline(payroll, manager, ftes=Decimal(2), cost_per_fte=Decimal(50000))
    services.risks_save(
        function=payroll,
        user=manager,
        ratings=[
            services.RatingInput(
                risk_type=RiskType.objects.get(slug="exit"),
                likelihood=4,
                impact=4,
                owner="=HYPERLINK()",
            )
        ],
    )

    data = json.loads(
        manager_client.get(
            reverse("decisions:assessment-export-json", args=[assessment.pk])
        ).content
    )
    record = data["functions"][0]
    case = record["business_case"]
    assert (case["currency"], case["baseline"], case["chosen_model"]) == ("EUR", "100000.00", "bpo")
    bpo = next(e for e in case["estimates"] if e["model"] == "bpo")
    assert bpo["saving_expected"] == "16000.00"
    assert bpo["sample_assumption"] is True
    assert record["risks"][0]["level"] == "high"
    assert record["high_risk_count"] == 1

    csv = manager_client.get(
        reverse("decisions:assessment-export-csv", args=[assessment.pk])
    ).content.decode("utf-8-sig")
    header, row = csv.splitlines()[:2]
    assert '"business_case.saving_expected"' in header
    assert '"risk.exit.level"' in header
    assert '"16000.00"' in row
    assert '"\'=HYPERLINK()"' in row  # the owner is defused like every cell


# --- data sensitivity ----------------------------------------------------------------------------


def test_data_sensitivity_is_a_scored_criterion_that_pulls_in_house():
    walkthrough = questionnaire.current()
    question = next(q for q in walkthrough.questions if q.criterion.slug == "data-sensitivity")

    assert question.criterion.kind == Criterion.Kind.SCORED
    regulated = question.option(next(o.id for o in question.options if o.code == "regulated"))
    routine = question.option(next(o.id for o in question.options if o.code == "routine"))
    assert max(regulated.scores, key=regulated.scores.get) == "in-house"
    assert regulated.scores["in-house"] > routine.scores["in-house"]
    sources = set(
        Criterion.objects.get(slug="data-sensitivity").sources.values_list("slug", flat=True)
    )
    assert sources == {"product-design"}


def test_sample_pricing_is_labelled_and_never_attributed_to_the_documents():
    assumptions = list(PricingAssumption.objects.select_related("source"))

    assert assumptions
    for assumption in assumptions:
        assert assumption.is_sample
        assert "Sample assumption" in assumption.note
        assert assumption.source.slug == "product-design"


def test_every_risk_type_the_issue_names_has_mitigations_per_model():
    wanted = {
        "data-security",
        "provider-dependence",
        "loss-of-know-how",
        "transition-disruption",
        "quality-service-levels",
        "regulation-compliance",
        "coordination-overhead",
        "exit",
    }
    types = RiskType.objects.prefetch_related("mitigations__sourcing_model")

    assert wanted <= {t.slug for t in types}
    for risk_type in types:
        models = {m.sourcing_model.slug for m in risk_type.mitigations.all()}
        assert {"bpo", "kpo", "lpo"} <= models, risk_type.slug


def test_the_demo_shows_saving_ranges_payback_and_top_risks():
    from decisions.demo import COMPLETED_TITLE, setup_demo
    from decisions.models import Assessment
    from decisions.presentation import AssessmentView
    from decisions.selectors import assessment_functions

    setup_demo()
    setup_demo()  # again: nothing doubles
    assessment = Assessment.objects.get(title=COMPLETED_TITLE)
    overview = AssessmentView(assessment, assessment_functions(assessment))

    assert BusinessCase.objects.count() == len(overview.with_result) == 10
    for view in overview.with_result:
        recommended = view.business_case.recommended
        assert recommended.estimate is not None, view.name
        if not recommended.in_house:
            assert recommended.payback, view.name
    assert overview.portfolio_case.counted == 10
    assert overview.saving_total > 0
    assert overview.high_risk_count >= 1
    assert any(view.risk_flag for view in overview.with_result)
    assert any(view.top_risks for view in overview.with_result)
