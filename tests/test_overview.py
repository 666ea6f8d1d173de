"""The assessment overview: every function's progress and recommendation, and the portfolio."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from decisions.demo_profiles import ARCHETYPES, MIXED
from decisions.models import Activity, SourcingModel
from decisions.services import decision_record
from tests import factories
from tests.conftest import answer_archetype

pytestmark = pytest.mark.django_db


def overview_url(assessment) -> str:
    return reverse("decisions:assessment-detail", args=[assessment.pk])


def make_archetype(assessment, user, name: str):
    activity = Activity.objects.get(slug=ARCHETYPES[name]["activity"])
    function = factories.FunctionAssessmentFactory(
        assessment=assessment, name=name, activity=activity
    )
    return answer_archetype(function, user, name)


def row_of(html: str, function) -> str:
    match = re.search(rf'<tr id="function-{function.pk}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {function}"
    return match.group(1)


def test_overview_lists_every_function_with_status_and_recommendation(
    manager_client, manager, assessment
):
    payroll = make_archetype(assessment, manager, "Payroll processing")
    mixed = make_archetype(assessment, manager, MIXED)
    research = make_archetype(assessment, manager, "Market research")
    decision_record(
        function=research,
        final_model=SourcingModel.objects.get(slug="in-house"),
        reason="We are building our own team.",
        user=manager,
    )
    pending = factories.FunctionAssessmentFactory(assessment=assessment, name="Facilities <b>")

    response = manager_client.get(overview_url(assessment))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()

    assert "3 of 4 functions have a recommendation." in html
    payroll_row = row_of(html, payroll)
    assert "Payroll processing" in payroll_row
    assert "badge-model-bpo" in payroll_row
    assert f"{round(payroll.confidence * 100)} points" in payroll_row
    assert reverse("decisions:function-result", args=[payroll.pk]) in payroll_row
    assert reverse("decisions:function-review", args=[payroll.pk]) in payroll_row
    assert "Borderline" not in payroll_row

    assert "Borderline — needs expert review" in row_of(html, mixed)

    research_row = row_of(html, research)
    assert "badge-model-kpo" in research_row
    assert "badge-model-in-house" in research_row  # the final decision differs
    assert "differs" in research_row

    pending_row = row_of(html, pending)
    assert escape("Facilities <b>") in pending_row
    assert "0 of 13 questions" in pending_row
    assert ">Start<" in pending_row
    assert reverse("decisions:function-start", args=[pending.pk]) in pending_row
    assert reverse("decisions:function-result", args=[pending.pk]) not in pending_row


def test_overview_draws_the_portfolio_chart(manager_client, manager, assessment):
    payroll = make_archetype(assessment, manager, "Payroll processing")
    legal = make_archetype(assessment, manager, "Contract review and legal research")
    factories.FunctionAssessmentFactory(assessment=assessment, name="Not answered yet")

    html = manager_client.get(overview_url(assessment)).content.decode()
    svg = re.search(r"<svg[^>]*chart-portfolio.*?</svg>", html, re.S)
    assert svg, "no portfolio chart"
    root = ET.fromstring(svg.group(0))  # noqa: S314 - our own page
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert "2 functions" in desc
    assert "BPO, clear: 1 Payroll processing" in desc
    assert "LPO, clear: 2 Contract review and legal research" in desc
    # No link inside an image (axe: nested-interactive): the table above links each function.
    assert list(root.iter("{http://www.w3.org/2000/svg}a")) == []
    for function in (payroll, legal):
        assert reverse("decisions:function-result", args=[function.pk]) in html
    assert "style=" not in svg.group(0)


def test_overview_without_recommendations_explains_the_chart(manager_client, function):
    html = manager_client.get(overview_url(function.assessment)).content.decode()
    assert "The chart appears once a function has a recommendation" in html
    assert "chart-portfolio" not in html
    assert "0 of 1 function has a recommendation." in html


def test_overview_links_the_exports(manager_client, assessment):
    html = manager_client.get(overview_url(assessment)).content.decode()
    for name in ("report-detail", "assessment-export-csv", "assessment-export-json"):
        assert reverse(f"decisions:{name}", args=[assessment.pk]) in html


def test_overview_requires_login(client, assessment):
    response = client.get(overview_url(assessment))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_overview_checks_ownership(outsider_client, assessment):
    assert outsider_client.get(overview_url(assessment)).status_code == HTTPStatus.NOT_FOUND


def test_overview_is_read_only(manager_client, assessment):
    response = manager_client.post(overview_url(assessment))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_function_named_like_its_activity_does_not_repeat_the_name(
    manager_client, manager, assessment
):
    payroll = Activity.objects.get(slug="payroll")
    same = make_archetype(assessment, manager, "Payroll processing")
    assert same.activity.name.casefold() == same.name.casefold()
    other = factories.FunctionAssessmentFactory(
        assessment=assessment, name="Monthly payroll run", activity=payroll
    )

    html = manager_client.get(overview_url(assessment)).content.decode()
    result = manager_client.get(reverse("decisions:function-result", args=[same.pk]))

    def name_cell(function) -> str:
        return re.search(r"<th scope=\"row\".*?</th>", row_of(html, function), re.S).group(0)

    assert name_cell(same).count(escape(same.name)) == 1
    assert escape(payroll.name) in name_cell(other)  # a different name keeps the activity
    assert "catalogue activity" not in result.content.decode()
