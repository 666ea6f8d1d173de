"""Demo data for `make run`: an organisation, a manager, an admin and two assessments.

Idempotent: running it again keeps what exists (and resets the demo passwords
so the printed sign-ins always work).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    SourcingModel,
)
from decisions.vocabulary import IN_HOUSE

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
)


def ensure_catalogue() -> bool:
    """Load the shipped catalogue when the database has none; True if it loaded."""
    if Criterion.objects.exists():
        return False
    call_command("load_catalogue", verbosity=0)  # checked, with each row's first history entry
    return True


def _answer(
    function: FunctionAssessment, user: User, archetype: str, *, limit: int | None = None
) -> None:
    codes = ARCHETYPES[archetype]
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
    for user in users.values():
        Membership.objects.get_or_create(organization=organization, user=user)
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
        for function in completed.functions.all():
            _answer(function, manager, function.name)
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
