"""The result page of one function: recommendation, reasons, robustness, decision, recompute."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from decisions import selectors
from decisions.demo_profiles import ARCHETYPES, MIXED
from decisions.models import Activity, Criterion, FunctionAssessment, SourcingModel
from decisions.presentation import FunctionView
from decisions.services import REASON_REQUIRED
from decisions.vocabulary import BPO, DELIVERY_LOCATION_CRITERION, OFFICE_CRITERION
from tests import factories
from tests.admin_forms import admin_url, form_data
from tests.conftest import answer_archetype

pytestmark = pytest.mark.django_db

PAYROLL = "Payroll processing"
MARKET_RESEARCH = "Market research"
LEGAL = "Contract review and legal research"
RND = "Product research and development"


def result_url(function: FunctionAssessment) -> str:
    return reverse("decisions:function-result", args=[function.pk])


def recompute_url(function: FunctionAssessment) -> str:
    return reverse("decisions:function-recompute", args=[function.pk])


def make_archetype(assessment, user, name: str) -> FunctionAssessment:
    """A function named and answered as the archetype, linked to its catalogue activity."""
    activity = Activity.objects.get(slug=ARCHETYPES[name]["activity"])
    function = factories.FunctionAssessmentFactory(
        assessment=assessment, name=name, activity=activity
    )
    return answer_archetype(function, user, name)


@pytest.fixture
def payroll(assessment, manager):
    return make_archetype(assessment, manager, PAYROLL)


def page(client, function) -> str:
    response = client.get(result_url(function))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_result_page_explains_the_recommendation(manager_client, payroll):
    summary = FunctionView(payroll)
    html = page(manager_client, payroll)

    assert 'class="badge badge-model badge-model-bpo' in html
    assert "Business process outsourcing" in html
    assert "Why BPO" in html
    for driver in summary.reasons_for:
        assert escape(driver.name) in html
        said = f"You said \u2018{driver.option_label}\u2019 for {driver.name} — points to BPO"
        assert escape(said) in html
    assert escape(summary.robustness) in html
    assert summary.robustness.startswith(("Robust: ", "Sensitive: "))
    assert " from " not in summary.robustness  # no "from 1 to 40.75"
    assert f"{summary.band.label}</strong> (BPO leads" in html
    assert f"by {summary.margin_points} points out of 100" in html
    assert "for the lead" not in html  # no "+12.9 points for the lead"
    assert escape(summary.contract_shape) in html
    assert "onshore, back office" in html  # the delivery/office refinement
    assert "<svg" in html
    assert 'role="img"' in html
    assert summary.criteria_version in html


def payroll_shortlist(payroll: FunctionAssessment) -> list[selectors.ShortlistEntry]:
    wanted = FunctionView(payroll).wanted
    return selectors.provider_shortlist(
        model_slug=BPO, activity_id=payroll.activity_id, wanted=wanted
    )


def test_the_profile_answers_ask_for_their_delivery_options(payroll):
    wanted = FunctionView(payroll).wanted

    assert [option.slug for option in wanted] == ["onshore", "back-office"]


def test_result_page_lists_the_shortlist_and_what_each_provider_lacks(manager_client, payroll):
    shortlist = payroll_shortlist(payroll)
    html = page(manager_client, payroll)

    assert shortlist
    for entry in shortlist:
        assert escape(entry.provider.name) in html
    assert "Sample profile" in html
    lacking = {need for entry in shortlist for need in entry.lacks}
    assert lacking  # the shipped samples include some that do not fit payroll
    if "location" in lacking:
        assert "Does not deliver onshore" in html
    if "office" in lacking:
        assert "Serves the front office only." in html
    if "activity" in lacking:
        assert "Does not list Payroll processing among the activities it serves." in html


def test_renaming_profile_answer_codes_in_admin_keeps_the_shortlist(manager_client, payroll, staff):
    """The shortlist follows each answer's delivery option by foreign key, not its code."""
    before = [(entry.provider.pk, entry.lacks) for entry in payroll_shortlist(payroll)]
    fits_before = page(manager_client, payroll).count("Fits your answers")
    assert any(lacks for _pk, lacks in before)
    assert fits_before
    client = Client()  # the admin's own browser: manager_client stays signed in
    client.force_login(staff)
    renames = {DELIVERY_LOCATION_CRITERION: "home-country", OFFICE_CRITERION: "internal-work"}
    for criterion_slug, new_code in renames.items():
        option = payroll.answers.get(question__criterion__slug=criterion_slug).option
        url = admin_url(option, "change")
        data = form_data(client.get(url))
        data["code"] = new_code
        assert client.post(url, data).status_code == HTTPStatus.FOUND
        option.refresh_from_db()
        assert option.code == new_code

    response = manager_client.post(recompute_url(payroll))  # stores the renamed codes
    assert response.status_code == HTTPStatus.FOUND

    assert [(entry.provider.pk, entry.lacks) for entry in payroll_shortlist(payroll)] == before
    html = page(manager_client, payroll)
    assert html.count("Fits your answers") == fits_before
    assert "onshore, back office" in html


def test_result_page_shows_the_sensitivity_table(manager_client, assessment, manager):
    function = make_archetype(assessment, manager, MIXED)
    summary = FunctionView(function)
    html = page(manager_client, function)

    assert "Borderline — needs expert review" in html
    assert summary.weakest is not None
    assert escape(summary.weakest.name) in html
    assert "any" in html  # a bound that no weight reaches
    assert "Lowest" in html
    assert "Highest" in html


def test_result_requires_login(client, recommended_function):
    response = client.get(result_url(recommended_function))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_result_checks_ownership(outsider_client, recommended_function):
    assert outsider_client.get(result_url(recommended_function)).status_code == HTTPStatus.NOT_FOUND
    response = outsider_client.post(
        result_url(recommended_function),
        {"final_model": recommended_function.recommended_model_id, "reason": ""},
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    recommended_function.refresh_from_db()
    assert recommended_function.final_model is None


def test_unknown_function_is_404(manager_client):
    url = reverse("decisions:function-result", args=[999_999])
    assert manager_client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_result_wrong_method(manager_client, recommended_function, method):
    response = getattr(manager_client, method)(result_url(recommended_function))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_unanswered_function_goes_to_the_questionnaire(manager_client, function):
    response = manager_client.get(result_url(function))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("decisions:function-start", args=[function.pk])


# ---- the final decision ------------------------------------------------------------


def test_confirming_the_recommendation_needs_no_reason(manager_client, manager, payroll):
    response = manager_client.post(
        result_url(payroll), {"final_model": payroll.recommended_model_id, "reason": ""}
    )
    assert response.status_code == HTTPStatus.FOUND
    payroll.refresh_from_db()
    assert payroll.final_model_id == payroll.recommended_model_id
    assert payroll.decided_by == manager
    html = page(manager_client, payroll)
    assert "Recorded:" in html


def test_a_different_decision_without_reason_is_refused(manager_client, payroll):
    kpo = SourcingModel.objects.get(slug="kpo")
    response = manager_client.post(result_url(payroll), {"final_model": kpo.pk, "reason": "  "})
    assert response.status_code == HTTPStatus.OK
    assert escape(str(REASON_REQUIRED)) in response.content.decode()
    payroll.refresh_from_db()
    assert payroll.final_model is None


def test_a_different_decision_with_reason_is_saved_and_shown(manager_client, payroll):
    kpo = SourcingModel.objects.get(slug="kpo")
    reason = "Our payroll rules are <unusual> and need expert judgment."
    response = manager_client.post(result_url(payroll), {"final_model": kpo.pk, "reason": reason})
    assert response.status_code == HTTPStatus.FOUND
    payroll.refresh_from_db()
    assert payroll.final_model == kpo
    assert payroll.final_reason == reason
    html = page(manager_client, payroll)
    assert escape(reason) in html
    assert "differs from the recommendation" in html


@pytest.mark.parametrize("tampered", ["999999", "not-a-number", ""])
def test_tampered_final_model_is_a_form_error(manager_client, payroll, tampered):
    response = manager_client.post(result_url(payroll), {"final_model": tampered, "reason": "x"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "is-invalid" in html
    payroll.refresh_from_db()
    assert payroll.final_model is None


# ---- recompute after the catalogue changed ------------------------------------------


def test_recompute_is_post_only(manager_client, payroll):
    assert manager_client.get(recompute_url(payroll)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_recompute_checks_ownership(outsider_client, recommended_function):
    response = outsider_client.post(recompute_url(recommended_function))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_changed_criteria_are_flagged_and_recompute_shows_what_changed(manager_client, payroll):
    html = page(manager_client, payroll)
    assert "The criteria have changed" not in html
    assert "What changed" not in html
    stored_result, stored_version = payroll.result, payroll.criteria_version
    complexity = Criterion.objects.get(slug="complexity")
    before = complexity.weight
    Criterion.objects.filter(pk=complexity.pk).update(weight=before + Decimal(4))

    html = page(manager_client, payroll)
    assert "The criteria have changed since this recommendation was computed." in html
    assert f'action="{recompute_url(payroll)}"' in html
    payroll.refresh_from_db()
    assert payroll.result == stored_result  # nothing changes until the manager asks
    assert payroll.criteria_version == stored_version

    response = manager_client.post(recompute_url(payroll))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == result_url(payroll) + "?recomputed=1"
    payroll.refresh_from_db()
    assert payroll.criteria_version != stored_version
    just_after = manager_client.get(response.url).content.decode()
    # Just after a recompute, what changed comes before the recommendation itself.
    assert just_after.index("What changed") < just_after.index("Recommended model")

    html = page(manager_client, payroll)
    assert "The criteria have changed" not in html
    assert "What changed" in html
    after = before + Decimal(4)
    weight_line = f"Weight of “{complexity.name}”: {before.normalize():f} → {after.normalize():f}."
    assert escape(weight_line) in html
    assert "The recommendation is still BPO." in html


# ---- the archetypes from the source documents ---------------------------------------


@pytest.mark.parametrize(
    ("name", "slug", "words"),
    [
        (PAYROLL, "bpo", "Business process outsourcing"),
        (MARKET_RESEARCH, "kpo", "Knowledge process outsourcing"),
        (LEGAL, "lpo", "legal specialisation"),
        (RND, "in-house", "Keep in-house"),
    ],
)
def test_archetypes_get_their_model(manager_client, assessment, manager, name, slug, words):
    function = make_archetype(assessment, manager, name)
    assert function.recommended_model.slug == slug
    html = page(manager_client, function)
    assert f"badge-model-{slug}" in html
    assert escape(words) in html


# ---- no N+1 ----------------------------------------------------------------------------


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(ctx.captured_queries)


def _clone_recommended(function: FunctionAssessment, count: int) -> None:
    """``count`` more recommended functions in the same assessment, some with a decision."""
    kpo = SourcingModel.objects.get(slug="kpo")
    FunctionAssessment.objects.bulk_create(
        FunctionAssessment(
            assessment=function.assessment,
            name=f"Function {number}",
            order=number,
            activity=function.activity,
            status=function.status,
            answered_count=function.answered_count,
            recommended_model=function.recommended_model,
            confidence=function.confidence,
            borderline=function.borderline,
            result=function.result,
            snapshot=function.snapshot,
            criteria_version=function.criteria_version,
            computed_at=function.computed_at,
            final_model=kpo if number % 3 == 0 else None,
            final_reason="Because." if number % 3 == 0 else "",
        )
        for number in range(2, count + 2)
    )


def test_result_and_overview_query_counts_do_not_grow(manager_client, payroll):
    overview = reverse("decisions:assessment-detail", args=[payroll.assessment_id])
    for url in (result_url(payroll), overview):
        _count_queries(manager_client, url)  # warm caches (content types, sessions...)
    one = [_count_queries(manager_client, url) for url in (result_url(payroll), overview)]

    _clone_recommended(payroll, 29)
    assert payroll.assessment.functions.filter(status="recommended").count() == 30
    many = [_count_queries(manager_client, url) for url in (result_url(payroll), overview)]

    assert many == one
