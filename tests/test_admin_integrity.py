"""The admin and operational data: who may see it, what may change, and the history kept.

Operational data — organisations and their members, assessments, functions,
answers, users and groups — is for superusers only, whatever permissions a
staff member was granted; catalogue editors see the catalogue only. Who
answered, who decided, the assessment a function belongs to and the
organisation, author and status of an assessment never change in the admin;
answers change only through the questionnaire. Every change to an assessment,
a function or an answer is kept with who made it.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from decisions.models import (
    Answer,
    Assessment,
    AssessmentVersion,
    Criterion,
    FunctionAssessment,
    Invitation,
    Membership,
    Organization,
    ReportRender,
    Respondent,
    Settlement,
    SourcingModel,
)
from tests import factories
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

OPERATIONAL = [
    Organization,
    Membership,
    Assessment,
    FunctionAssessment,
    Answer,
    Respondent,
    Settlement,
    Invitation,
    User,
    Group,
    AssessmentVersion,
    ReportRender,
]
CATALOGUE_APP_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label == "decisions" and model not in OPERATIONAL
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rows(recommended_function, manager) -> dict[type, object]:
    function = recommended_function
    return {
        Organization: function.assessment.organization,
        Membership: Membership.objects.get(user=manager),
        Assessment: function.assessment,
        FunctionAssessment: function,
        Answer: function.answers.first(),
        User: manager,
        Group: Group.objects.create(name="Catalogue editors"),
    }


def staff_with(*permissions: Permission, username: str) -> User:
    user = factories.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(permissions)
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def staff_with_every_permission(db) -> User:
    """Staff granted every permission there is, but not a superuser."""
    return staff_with(*Permission.objects.all(), username="almighty")


@pytest.fixture
def catalogue_editor(db) -> User:
    permissions = Permission.objects.filter(
        content_type__app_label="decisions",
        content_type__model__in=[m._meta.model_name for m in CATALOGUE_APP_MODELS],
    )
    return staff_with(*permissions, username="editor")


def object_urls(model, obj) -> list[str]:
    urls = [admin_url(model, "changelist"), admin_url(obj, "change"), admin_url(obj, "history")]
    return urls + ([admin_url(obj, "delete")] if model is not Answer else [])


@pytest.mark.parametrize("who", ["staff_with_every_permission", "catalogue_editor"])
def test_operational_data_is_for_superusers_only(client, rows, request, who):
    client.force_login(request.getfixturevalue(who))

    for model, obj in rows.items():
        for url in [*object_urls(model, obj), admin_url(model, "add")]:
            assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url

    autocomplete = reverse("admin:autocomplete")
    for model_name, field in [("membership", "organization"), ("membership", "user")]:
        search = {"app_label": "decisions", "model_name": model_name, "field_name": field}
        assert client.get(autocomplete, search).status_code == HTTPStatus.FORBIDDEN, field

    index = client.get(reverse("admin:index"))
    assert index.status_code == HTTPStatus.OK
    listed = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert listed.isdisjoint({model.__name__ for model in OPERATIONAL})
    assert "Criterion" in listed


def test_catalogue_editors_edit_the_catalogue(client, catalogue_editor):
    criterion = Criterion.objects.get(slug="complexity")
    client.force_login(catalogue_editor)

    for model in CATALOGUE_APP_MODELS:
        assert client.get(admin_url(model, "changelist")).status_code == HTTPStatus.OK, model
    assert client.get(admin_url(criterion, "change")).status_code == HTTPStatus.OK


def test_superusers_see_operational_data(admin_client, rows):
    for model, obj in rows.items():
        for url in object_urls(model, obj):
            assert admin_client.get(url).status_code == HTTPStatus.OK, url


def post_change(client, obj, **changes) -> object:
    """Post the object's change page as a browser would, with some fields tampered with."""
    url = admin_url(obj, "change")
    data = form_data(client.get(url))
    data.update({name: str(value) for name, value in changes.items()})
    return client.post(url, data)


def test_who_answered_and_which_function_cannot_change(admin_client, recommended_function, staff):
    answer = recommended_function.answers.select_related("question").first()
    other_function = factories.FunctionAssessmentFactory()
    other_option = answer.question.options.exclude(pk=answer.option_id).first()
    before = (answer.function_id, answer.question_id, answer.option_id, answer.answered_by_id)

    page = admin_client.get(admin_url(answer, "change")).content.decode()
    for field in ("function", "question", "option", "note", "answered_by"):
        assert f'name="{field}"' not in page
    response = post_change(
        admin_client,
        answer,
        function=other_function.pk,
        option=other_option.pk,
        answered_by=staff.pk,
        note="changed by staff",
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    answer.refresh_from_db()
    assert (answer.function_id, answer.question_id, answer.option_id, answer.answered_by_id) == (
        before
    )
    assert answer.note == ""


def test_a_function_cannot_move_to_another_assessment(admin_client, recommended_function, outsider):
    """Moved, it would open for the other organisation's members."""
    function = recommended_function
    decided = SourcingModel.objects.exclude(pk=function.recommended_model_id).first()
    FunctionAssessment.objects.filter(pk=function.pk).update(
        final_model=decided, final_reason="Board", decided_by=function.assessment.owner
    )
    foreign = factories.AssessmentFactory(
        organization=outsider.memberships.get().organization, owner=outsider
    )

    response = post_change(
        admin_client, function, assessment=foreign.pk, decided_by=outsider.pk, name="Renamed"
    )

    assert response.status_code == HTTPStatus.FOUND
    function.refresh_from_db()
    assert function.name == "Renamed"  # what staff may change
    assert function.assessment_id != foreign.pk
    assert function.decided_by_id == function.assessment.owner_id
    admin_client.force_login(outsider)
    result = reverse("decisions:function-result", args=[function.pk])
    assert admin_client.get(result).status_code == HTTPStatus.NOT_FOUND


def test_an_assessments_organisation_author_and_status_cannot_change(
    admin_client, recommended_function, outsider
):
    assessment = recommended_function.assessment
    other_org = outsider.memberships.get().organization
    before = (assessment.organization_id, assessment.owner_id, assessment.status)

    page = admin_client.get(admin_url(assessment, "change")).content.decode()
    for field in ("organization", "owner", "status"):
        assert f'name="{field}"' not in page
    response = post_change(
        admin_client,
        assessment,
        organization=other_org.pk,
        owner=outsider.pk,
        status=Assessment.Status.IN_PROGRESS,
        title="Renamed review",
    )

    assert response.status_code == HTTPStatus.FOUND
    assessment.refresh_from_db()
    assert assessment.title == "Renamed review"
    assert (assessment.organization_id, assessment.owner_id, assessment.status) == before


@pytest.mark.parametrize("model", [Assessment, FunctionAssessment, Answer])
def test_operational_rows_are_not_added_in_the_admin(admin_client, model):
    """They are made in the questionnaire, by their author, with their results."""
    assert admin_client.get(admin_url(model, "add")).status_code == HTTPStatus.FORBIDDEN


# ---- history ------------------------------------------------------------------------------


def test_answers_and_decisions_keep_a_history_with_who_made_them(
    manager_client, manager, recommended_function
):
    function = recommended_function
    question = function.answers.first().question
    option = question.options.exclude(pk=function.answers.first().option_id).first()
    step = reverse("decisions:function-step", args=[function.pk, 1])
    manager_client.post(step, {"option": option.pk, "action": "continue"})
    other = SourcingModel.objects.exclude(pk=function.recommended_model_id).first()
    manager_client.post(
        reverse("decisions:function-result", args=[function.pk]),
        {"final_model": other.pk, "reason": "Board decision"},
    )

    answer = function.answers.get(question=question)
    latest_answer = answer.history.first()
    assert (latest_answer.option_id, latest_answer.history_user) == (option.pk, manager)
    assert latest_answer.prev_record is not None  # the first answer is kept too
    decision = function.history.filter(final_model=other).first()
    assert decision.history_user == manager
    assert decision.decided_by == manager
    assert decision.final_reason == "Board decision"


def test_admin_edits_of_operational_data_keep_a_history(admin_client, recommended_function):
    function = recommended_function
    post_change(admin_client, function, name="Payroll and benefits")
    post_change(admin_client, function.assessment, title="Renamed review")

    staff = User.objects.get(username="admin")
    assert function.history.first().name == "Payroll and benefits"
    assert function.history.first().history_user == staff
    assert function.assessment.history.first().title == "Renamed review"
    assert function.assessment.history.first().history_user == staff
    page = admin_client.get(admin_url(function, "history"))
    records = list(page.context["page_obj"])
    assert records[0].name == "Payroll and benefits"
    assert records[0].history_user == staff
    assert 'id="change-history"' in page.content.decode()


def test_function_history_leaves_the_stored_result_out(recommended_function):
    """The result and snapshot are large and versioned by criteria_version already."""
    fields = {f.name for f in FunctionAssessment.history.model._meta.get_fields()}

    assert {"result", "snapshot", "previous"}.isdisjoint(fields)
    assert {"criteria_version", "recommended_model", "final_model", "decided_by"} <= fields
