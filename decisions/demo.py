"""Demo data for `make run`: an organisation, two managers, an admin and two assessments.

The second manager (finance) answered two functions of the completed assessment too,
differently from the first, so they show disagreement, consensus and settling.

Idempotent: running it again keeps what exists (and resets the demo passwords
so the printed sign-ins always work).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction

from decisions import questionnaire, services
from decisions.demo_profiles import ARCHETYPES
from decisions.models import (
    Activity,
    Assessment,
    Criterion,
    FunctionAssessment,
    Membership,
    Organization,
    PricingBasis,
    Respondent,
    RiskType,
    SourcingModel,
)
from decisions.vocabulary import BPO, IN_HOUSE

ORGANIZATION = ("Northwind Manufacturing (demo)", "northwind-demo")
COMPLETED_TITLE = "2027 sourcing review"
IN_PROGRESS_TITLE = "Shared services follow-up"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    is_staff: bool


DEMO_USERS = (
    DemoUser("manager", "advisor-demo-manager", "Maria", "Lindqvist", False),
    DemoUser("admin", "advisor-demo-admin", "Arun", "Mehta", True),
    DemoUser("finance", "advisor-demo-finance", "Felix", "Okafor", False),
    DemoUser("approver", "advisor-demo-approver", "Olivia", "Brandt", False),
)
# The second manager (finance) answered two functions of the completed assessment as well,
# seeing them differently from the first: (function, archetype, the answers that differ).
SECOND_OPINIONS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        # Finance sees the analytics team's monthly dashboards as routine production work.
        "Data analytics",
        "Data analytics",
        {
            "task-definition": "mostly-rules",
            "complexity": "standard-with-exceptions",
            "skill-level": "trained-staff",
            "driver": "volume-and-quality",
            "value-addition": "efficiency-and-reporting",
        },
    ),
    (
        # Borderline already; finance sees the commentary as analysis: with that one answer
        # the group leans to KPO by a hair, and settling it decides the function.
        "Monthly management reporting",
        "Monthly management reporting",
        {"complexity": "analytical"},
    ),
)
# Each demo user's role in the demo organisation (the manager created it: the owner).
DEMO_ROLES = {
    "manager": Membership.Role.OWNER,
    "admin": Membership.Role.MEMBER,
    "approver": Membership.Role.APPROVER,
    "finance": Membership.Role.MEMBER,
}


# Today's cost of the completed assessment's functions: (FTEs, cost per FTE in EUR, volume).
BASELINES: dict[str, tuple[str, str, int | None]] = {
    "Payroll processing": ("6", "62000", 36000),
    "Customer help desk": ("25", "48000", 180000),
    "Technical support": ("12", "55000", None),
    "Data entry": ("8", "40000", None),
    "Market research": ("4", "105000", None),
    "Data analytics": ("5", "95000", None),
    "Investment research": ("3", "120000", None),
    "Contract review and legal research": ("4", "110000", None),
    "Product research and development": ("20", "105000", None),
    "Monthly management reporting": ("3", "85000", None),
}
# A few rated risks: (risk type slug, likelihood, impact, owner).
RISKS: dict[str, list[tuple[str, int, int, str]]] = {
    "Payroll processing": [
        ("data-security", 2, 4, "HR director"),
        ("regulation-compliance", 2, 4, "HR director"),
        ("transition-disruption", 3, 3, "Payroll lead"),
    ],
    "Customer help desk": [
        ("quality-service-levels", 3, 4, "Head of customer service"),
        ("provider-dependence", 3, 3, "Procurement"),
        ("data-security", 2, 3, "Information security officer"),
    ],
    "Market research": [
        ("coordination-overhead", 4, 3, "Marketing director"),
        ("loss-of-know-how", 3, 4, "Marketing director"),
    ],
    "Data analytics": [("data-security", 3, 4, "Information security officer")],
    "Contract review and legal research": [
        ("data-security", 3, 5, "General counsel"),
        ("regulation-compliance", 3, 4, "General counsel"),
        ("quality-service-levels", 2, 4, "General counsel"),
    ],
    "Product research and development": [("loss-of-know-how", 2, 5, "CTO")],
    "Monthly management reporting": [("loss-of-know-how", 3, 3, "CFO")],
}
# One provider's quote, to show a quote beside the sample assumptions.
QUOTE = services.PriceInput(
    kind="quote",
    provider="Example Offshore Helpdesk (sample profile)",
    basis=PricingBasis.PER_TRANSACTION,
    low=Decimal("5.40"),
    expected=Decimal("5.40"),
    high=Decimal("5.40"),
    currency="EUR",
    transition_basis=PricingBasis.AMOUNT,
    transition_value=Decimal(90000),
    governance_basis=PricingBasis.SHARE,
    governance_value=Decimal("0.05"),
    note="Demo quote: EUR 5.40 per ticket, a one-off transition fee of EUR 90,000.",
)


def _business_case(function: FunctionAssessment, user: User) -> None:
    """The demo function's baseline, a quote for the help desk, and its rated risks."""
    ftes, cost, volume = BASELINES[function.name]
    services.business_case_save(
        function=function,
        user=user,
        currency=function.assessment.organization.currency,
        annual_cost=None,
        ftes=Decimal(ftes),
        cost_per_fte=Decimal(cost),
        yearly_volume=volume,
    )
    if function.name == "Customer help desk":
        services.price_save(
            function=function, model=SourcingModel.objects.get(slug=BPO), user=user, price=QUOTE
        )
    types = {t.slug: t for t in RiskType.objects.all()}
    services.risks_save(
        function=function,
        user=user,
        ratings=[
            services.RatingInput(
                risk_type=types[slug], likelihood=likelihood, impact=impact, owner=owner
            )
            for slug, likelihood, impact, owner in RISKS.get(function.name, [])
        ],
    )


def ensure_catalogue() -> bool:
    """Load the shipped catalogue when the database has none; True if it loaded."""
    if Criterion.objects.exists():
        return False
    call_command("load_catalogue", verbosity=0)  # checked, with each row's first history entry
    return True


def _answer(
    function: FunctionAssessment,
    user: User,
    archetype: str,
    *,
    limit: int | None = None,
    changes: dict[str, str] | None = None,
) -> None:
    codes = {**ARCHETYPES[archetype], **(changes or {})}
    walkthrough = questionnaire.current()
    for question in walkthrough.questions[:limit]:
        option = next(o for o in question.options if o.code == codes[question.criterion.slug])
        services.answer_save(
            function=function,
            question=question,
            option_id=option.id,
            user=user,
            walkthrough=walkthrough,
        )


def _second_opinions(organization: Organization, manager: User, finance: User) -> None:
    """The finance manager's own answers to two functions (asked by the first manager)."""
    completed = Assessment.objects.filter(organization=organization, title=COMPLETED_TITLE).first()
    if completed is None:
        return
    for name, archetype, changes in SECOND_OPINIONS:
        function = completed.functions.filter(name=name).first()
        if function is None or Respondent.objects.filter(function=function, user=finance).exists():
            continue
        Respondent.objects.create(function=function, user=finance, asked_by=manager)
        _answer(function, finance, archetype, changes=changes)


@transaction.atomic
def setup_demo() -> list[DemoUser]:
    """Create (or refresh) the demo users, organisation and assessments."""
    ensure_catalogue()
    user_model = get_user_model()
    users = {}
    for demo in DEMO_USERS:
        user, _created = user_model.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.email = f"{demo.username}@northwind.example"
        user.is_staff = user.is_superuser = demo.is_staff
        user.is_active = True
        user.set_password(demo.password)
        user.save()
        users[demo.username] = user

    name, slug = ORGANIZATION
    organization, _created = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    for username, user in users.items():
        Membership.objects.update_or_create(
            organization=organization, user=user, defaults={"role": DEMO_ROLES[username]}
        )
    manager = users["manager"]

    if not Assessment.objects.filter(organization=organization, title=COMPLETED_TITLE).exists():
        archetypes = [n for n, a in ARCHETYPES.items() if a.get("expected")]
        activities = {a.slug: a for a in Activity.objects.all()}
        completed = services.assessment_create(
            user=manager,
            organization=organization,
            title=COMPLETED_TITLE,
            custom_functions=[
                (n, activities.get(str(ARCHETYPES[n].get("activity")))) for n in archetypes
            ],
        )
        for function in completed.functions.select_related("assessment__organization"):
            _answer(function, manager, function.name)
            _business_case(function, manager)
            if ARCHETYPES[function.name].get("borderline"):
                services.decision_record(
                    function=function,
                    final_model=SourcingModel.objects.get(slug=IN_HOUSE),
                    reason=(
                        "Borderline call: the finance team keeps month-end reporting in-house "
                        "until the new ERP is live, then we review again."
                    ),
                    user=manager,
                )

    _second_opinions(organization, manager, users["finance"])

    if not Assessment.objects.filter(organization=organization, title=IN_PROGRESS_TITLE).exists():
        in_progress = services.assessment_create(
            user=manager,
            organization=organization,
            title=IN_PROGRESS_TITLE,
            custom_functions=[
                ("Accounts payable", Activity.objects.filter(slug="finance-accounting").first()),
                (
                    "Competitor intelligence",
                    Activity.objects.filter(slug="market-research").first(),
                ),
            ],
        )
        first = in_progress.functions.order_by("order").first()
        assert first is not None
        _answer(first, manager, "Payroll processing", limit=4)
    return list(DEMO_USERS)
