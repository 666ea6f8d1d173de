"""A page's query count does not grow with the data: the same small world, then grown.

Every page a manager or a visitor reads is requested once in a small world
(one organisation, one assessment, one computed function), then again after
the world has grown on every axis that page could iterate over: more
functions in the assessment (computed by the service for other archetypes,
and copies, some with a final decision), more assessments in the
organisation, another organisation's data, more provider profiles and more
catalogue rows. The two counts must be equal. Each count is taken on the
second request, after a first one warmed whatever a page may cache, so the
comparison is between like and like. A check on each grown page proves it
really shows the grown data.

These were measured by `make bench`; here they are tests, and the bench
reports the same counts on a far larger database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions import questionnaire, selectors, services
from decisions.models import (
    Answer,
    Assessment,
    Benefit,
    BusinessCase,
    Disagreement,
    FunctionAssessment,
    Industry,
    Organization,
    PriceOverride,
    Provider,
    Reading,
    RiskRating,
    RiskType,
    SourcingModel,
)
from decisions.reports.pdf import TEMPLATE, PDFReport
from decisions.vocabulary import DeliveryKind
from tests import factories
from tests.conftest import add_archetype

pytestmark = pytest.mark.django_db

SHOWN = "Payroll processing"
OTHERS = (
    "Market research",
    "Contract review and legal research",
    "Product research and development",
)
COPIES = 8
MORE_ASSESSMENTS = 12


@dataclass
class World:
    organization: Organization
    manager: AbstractBaseUser
    assessment: Assessment
    computed: FunctionAssessment  # answered completely: it has a recommendation
    fresh: FunctionAssessment  # nothing answered: the questionnaire walk starts here


def _copy[M: models.Model](instance: M, **overrides: Any) -> M:
    """A new row with every column of ``instance`` (and its many-to-many links) copied.

    Generic on purpose: a computed function's stored recommendation comes along
    whatever columns it is kept in.
    """
    meta = instance._meta
    values = {
        field.attname: getattr(instance, field.attname)
        for field in meta.concrete_fields
        if not field.primary_key
    }
    copy = type(instance)._default_manager.create(**(values | overrides))
    for field in meta.many_to_many:
        getattr(copy, field.name).set(getattr(instance, field.name).all())
    return copy


def _copy_function(source: FunctionAssessment, **overrides: Any) -> FunctionAssessment:
    """A copy of a function with its answers."""
    copy = _copy(source, **overrides)
    Answer.objects.bulk_create(_copy_rows(source.answers.all(), function_id=copy.pk))
    return copy


def _copy_rows(rows: models.QuerySet[Answer], **overrides: Any) -> list[Answer]:
    out = []
    for row in rows:
        values = {
            field.attname: getattr(row, field.attname)
            for field in row._meta.concrete_fields
            if not field.primary_key
        }
        out.append(Answer(**(values | overrides)))
    return out


@pytest.fixture
def world(organization, manager) -> World:
    assessment = factories.AssessmentFactory(
        organization=organization, owner=manager, title="Shown review"
    )
    computed = add_archetype(assessment, manager, SHOWN, order=1)
    _business_case(computed)
    fresh = factories.FunctionAssessmentFactory(assessment=assessment, name="Fresh", order=2)
    return World(organization, manager, assessment, computed, fresh)


def _business_case(function: FunctionAssessment, risks: int = 1) -> None:
    """A baseline, an own price and ``risks`` rated risks (what the business pages read)."""
    BusinessCase.objects.create(function=function, currency="EUR", annual_cost=100000)
    PriceOverride.objects.create(
        function=function,
        sourcing_model=SourcingModel.objects.get(slug="kpo"),
        low=1,
        expected=1,
        high=1,
    )
    for risk_type in RiskType.objects.order_by("order")[:risks]:
        RiskRating.objects.create(function=function, risk_type=risk_type, likelihood=4, impact=4)


def grow(world: World) -> None:
    """More of everything the pages read."""
    assessment, manager = world.assessment, world.manager
    kpo = SourcingModel.objects.get(slug="kpo")
    # The shown assessment: other recommendations, copies, final decisions.
    for order, name in enumerate(OTHERS, start=10):
        add_archetype(assessment, manager, name, order=order)
    for number in range(COPIES):
        copy = _copy_function(world.computed, name=f"Copied function {number}", order=20 + number)
        if number % 2:
            services.decision_record(
                function=copy, final_model=kpo, reason="Because.", user=manager
            )
        _business_case(copy, risks=3)
    factories.FunctionAssessmentFactory.create_batch(3, assessment=assessment)
    # The organisation: more assessments, the newest titled so the dashboard can be checked.
    for number in range(MORE_ASSESSMENTS):
        other = factories.AssessmentFactory(
            organization=world.organization, owner=manager, title=f"Grown review {number}"
        )
        for order in range(2):
            _copy_function(world.computed, assessment=other, order=order)
    RiskRating.objects.filter(function=world.computed).delete()
    for risk_type in RiskType.objects.all():
        RiskRating.objects.create(
            function=world.computed, risk_type=risk_type, likelihood=2, impact=5
        )
    # Another organisation's data, which no page of ours may read.
    stranger = factories.AssessmentFactory(title="Stranger's review")
    for order in range(COPIES):
        _copy_function(world.computed, assessment=stranger, order=order)
    # The catalogue: more providers (the shortlists), activities, industries, benefits,
    # delivery options, disagreements with their readings.
    for provider in list(Provider.objects.all()):
        _copy(provider, slug=f"{provider.slug}-copy", name=f"{provider.name} (copy)")
    source = factories.SourceFactory()
    for kind in DeliveryKind:
        option = factories.DeliveryOptionFactory(kind=kind)
        option.sources.add(source)
    for number in range(3):
        disagreement = Disagreement.objects.create(slug=f"grown-{number}", topic="Grown topic")
        for statement in ("Yes.", "No."):
            Reading.objects.create(disagreement=disagreement, statement=statement, source=source)
    for number in range(3):
        RiskType.objects.create(
            slug=f"grown-risk-{number}", name=f"Grown risk {number}", description="More.", order=50
        )
    for model in SourcingModel.objects.all():
        activity = factories.ActivityFactory(typical_model=model, name=f"Grown {model.slug}")
        Industry.objects.create(slug=f"grown-{model.slug}", name="Grown", typical_model=model)
        benefit = Benefit.objects.create(
            slug=f"grown-{model.slug}", name="Grown benefit", description="More."
        )
        benefit.sourcing_models.add(model)
        activity.sources.add(source)


def _request(
    client: Client, method: str, url: str, data: dict[str, Any] | None = None
) -> tuple[int, str]:
    """(queries, body) of one request, which must succeed."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}, (url, response.status_code)
    body = response.content.decode(errors="replace") if method == "get" else ""
    return len(queries), body


def _warm_count(client: Client, url: str) -> tuple[int, str]:
    _request(client, "get", url)
    return _request(client, "get", url)


@dataclass(frozen=True)
class Page:
    url: Callable[[World], str]
    signed_in: bool = True
    # Text the page shows only once the world has grown.
    grown: str | None = None


PAGES = {
    "step GET": Page(lambda w: reverse("decisions:function-step", args=[w.computed.pk, 3])),
    "review": Page(lambda w: reverse("decisions:function-review", args=[w.computed.pk])),
    "result page": Page(
        lambda w: reverse("decisions:function-result", args=[w.computed.pk]),
        grown="(copy)",  # a copied provider in the shortlist
    ),
    "assessment overview": Page(
        lambda w: reverse("decisions:assessment-detail", args=[w.assessment.pk]),
        grown="Copied function 7",
    ),
    "dashboard": Page(lambda w: reverse("decisions:dashboard"), grown="Grown review 11"),
    "business case page": Page(
        lambda w: reverse("decisions:function-business-case", args=[w.computed.pk])
    ),
    "risks page": Page(
        lambda w: reverse("decisions:function-risks", args=[w.computed.pk]),
        grown="Grown risk",
    ),
    "organisation settings": Page(
        lambda w: reverse("decisions:organization-settings", args=[w.organization.pk])
    ),
    "report and approval": Page(
        lambda w: reverse("decisions:report-detail", args=[w.assessment.pk])
    ),
    "members": Page(lambda w: reverse("decisions:organization-members", args=[w.organization.pk])),
    "guide": Page(lambda w: reverse("decisions:guide"), signed_in=False, grown="Grown kpo"),
    "CSV export": Page(
        lambda w: reverse("decisions:assessment-export-csv", args=[w.assessment.pk]),
        grown="Copied function 7",
    ),
    "JSON export": Page(
        lambda w: reverse("decisions:assessment-export-json", args=[w.assessment.pk]),
        grown="Copied function 7",
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_query_count_is_constant_in_data_size(world, client, name):
    page = PAGES[name]
    if page.signed_in:
        client.force_login(world.manager)
    url = page.url(world)
    small, before = _warm_count(client, url)

    grow(world)
    large, after = _warm_count(client, url)

    if page.grown:
        assert page.grown not in before
        assert page.grown in after
    assert large == small


def _walk(client: Client, function: FunctionAssessment) -> list[int]:
    """Queries of each step POST answering the whole questionnaire (the last computes)."""
    counts = []
    for step, question in enumerate(questionnaire.current().questions, start=1):
        url = reverse("decisions:function-step", args=[function.pk, step])
        option = question.options[0].id
        count, _body = _request(client, "post", url, {"option": option, "action": "continue"})
        counts.append(count)
    function.refresh_from_db()
    assert function.status == FunctionAssessment.Status.RECOMMENDED
    return counts


def test_step_post_query_counts_are_constant_in_data_size(world, client):
    client.force_login(world.manager)
    client.get(reverse("decisions:function-step", args=[world.fresh.pk, 1]))
    small = _walk(client, world.fresh)

    grow(world)
    fresh = factories.FunctionAssessmentFactory(assessment=world.assessment, name="Fresh too")
    large = _walk(client, fresh)

    assert large == small


def test_pdf_exporter_query_count_is_constant_in_data_size(world):
    def count() -> tuple[int, str]:
        functions = selectors.assessment_functions(world.assessment, full=True)
        with CaptureQueriesContext(connection) as queries:
            context = PDFReport().context(world.assessment, functions)
        return len(queries), render_to_string(TEMPLATE, context)

    count()
    small, before = count()

    grow(world)
    count()  # the provider profiles changed: read again once per catalogue version
    large, after = count()

    assert "Copied function 7" not in before
    assert "Copied function 7" in after
    assert large == small


def test_admin_criterion_page_query_count_is_constant_in_the_number_of_options(admin_client):
    """Each option's scores and their models were read row by row (~99 queries a page);
    the option grid reads them for all options at once."""
    counts = []
    for options in (2, 12):
        criterion = factories.scored_criterion(options=2, name=f"{options} options")
        question = criterion.questions.get()
        for order in range(2, options):
            option = factories.AnswerOptionFactory(question=question, order=order)
            for model in SourcingModel.objects.filter(is_scored=True):
                factories.OptionScoreFactory(option=option, model=model, score=order % 11)
        url = reverse("admin:decisions_criterion_change", args=[criterion.pk])
        count, page = _warm_count(admin_client, url)
        assert page.count('class="score-cell"') >= options * 3  # every option's row is there
        counts.append(count)

    assert counts[0] == counts[1]
    assert counts[0] <= 20
