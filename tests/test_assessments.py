"""Dashboard and the new-assessment form."""

from __future__ import annotations

import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Activity, Assessment
from tests import factories
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("decisions:assessment-create")
DASHBOARD_URL = reverse("decisions:dashboard")


def create_payload(organization, **overrides):
    data = {
        "organization": organization.pk,
        "title": "Operations review",
        "request_token": str(uuid.uuid4()),
        "custom-TOTAL_FORMS": "3",
        "custom-INITIAL_FORMS": "0",
        "custom-MIN_NUM_FORMS": "0",
        "custom-MAX_NUM_FORMS": "20",
    }
    data.update(overrides)
    return data


def test_dashboard_lists_only_my_organisations_assessments(manager_client, organization, manager):
    mine = factories.AssessmentFactory(organization=organization, owner=manager, title="Mine")
    factories.FunctionAssessmentFactory(assessment=mine, name="Payroll")
    factories.AssessmentFactory(title="Someone else's")
    response = manager_client.get(DASHBOARD_URL)
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Mine" in page
    assert "Resume: Payroll" in page  # the next function to answer
    assert "Someone else&#x27;s" not in page
    assert "Someone else's" not in page
    assert "Start a new assessment" in page


def test_dashboard_shows_recommendations_and_progress(manager_client, manager, assessment):
    function = factories.FunctionAssessmentFactory(assessment=assessment, name="Help desk")
    factories.FunctionAssessmentFactory(assessment=assessment, name="Research")
    answer_all(function, manager)
    page = manager_client.get(DASHBOARD_URL).content.decode()
    assert "1 of 2 functions have a recommendation" in page
    model = function.recommended_model
    assert f'badge-model-{model.slug}">{model.abbreviation} 1<' in page
    assert "Resume: Research" in page


def test_dashboard_requires_login(client):
    response = client.get(DASHBOARD_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_dashboard_without_organisation_explains(client):
    client.force_login(factories.UserFactory())
    page = client.get(DASHBOARD_URL).content.decode()
    assert "not a member of any organisation" in page


def test_dashboard_query_count_is_constant(manager_client, manager, organization):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(DASHBOARD_URL).status_code == HTTPStatus.OK
        return len(ctx.captured_queries)

    factories.FunctionAssessmentFactory(
        assessment=factories.AssessmentFactory(organization=organization, owner=manager)
    )
    count()  # the questionnaire is read once per catalogue version
    few = count()
    for assessment in factories.AssessmentFactory.create_batch(
        49, organization=organization, owner=manager
    ):
        factories.FunctionAssessmentFactory.create_batch(3, assessment=assessment)
    assert count() == few


def test_create_form_groups_catalogue_activities(manager_client):
    response = manager_client.get(CREATE_URL)
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for activity in Activity.objects.all():
        assert activity.name in page
    assert "Or add your own functions by name" in page


def test_create_with_catalogue_and_custom_functions(manager_client, organization, manager):
    payroll = Activity.objects.get(slug="payroll")
    legal = Activity.objects.get(slug="legal-services")
    data = create_payload(
        organization,
        activities=[payroll.pk],
        **{"custom-0-name": "Contract review", "custom-0-activity": legal.pk},
    )
    response = manager_client.post(CREATE_URL, data)
    assessment = Assessment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("decisions:assessment-detail", args=[assessment.pk])
    assert assessment.owner == manager
    functions = {f.name: f.activity for f in assessment.functions.all()}
    assert functions == {payroll.name: payroll, "Contract review": legal}


def test_double_submit_creates_one_assessment(manager_client, organization):
    data = create_payload(organization, **{"custom-0-name": "Payroll"})
    first = manager_client.post(CREATE_URL, data)
    second = manager_client.post(CREATE_URL, data)
    assert Assessment.objects.count() == 1
    assert first.url == second.url


def test_create_without_functions_is_refused(manager_client, organization):
    response = manager_client.post(CREATE_URL, create_payload(organization))
    assert response.status_code == HTTPStatus.OK
    assert "Choose at least one business function" in response.content.decode()
    assert not Assessment.objects.exists()


def test_duplicate_function_names_are_refused(manager_client, organization):
    payroll = Activity.objects.get(slug="payroll")
    data = create_payload(
        organization, activities=[payroll.pk], **{"custom-0-name": payroll.name.upper()}
    )
    response = manager_client.post(CREATE_URL, data)
    assert "only once per assessment" in response.content.decode()
    assert not Assessment.objects.exists()


def test_every_error_of_the_new_assessment_form_shows_at_once(manager_client, organization):
    """A missing title, a bad custom row and no function chosen: one submit reports all three."""
    data = create_payload(
        organization, title="", **{"custom-0-activity": Activity.objects.first().pk}
    )

    response = manager_client.post(CREATE_URL, data)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "This field is required." in page  # the title
    assert "Give the function a name, or clear the activity." in page
    assert "Choose at least one business function" in page
    assert not Assessment.objects.exists()


def test_a_duplicate_function_shows_with_the_other_errors(manager_client, organization):
    payroll = Activity.objects.get(slug="payroll")
    data = create_payload(
        organization, title="", activities=[payroll.pk], **{"custom-0-name": payroll.name}
    )

    page = manager_client.post(CREATE_URL, data).content.decode()

    assert "This field is required." in page
    assert "only once per assessment" in page
    assert not Assessment.objects.exists()


def test_foreign_organisation_is_refused(manager_client):
    other = factories.OrganizationFactory()
    response = manager_client.post(
        CREATE_URL, create_payload(other, **{"custom-0-name": "Payroll"})
    )
    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"title": "x" * 121},
        {"activities": ["999999"]},
        {"custom-0-name": "y" * 121},
        {"custom-0-activity": "999999", "custom-0-name": "Payroll"},
        {"request_token": "not-a-uuid"},
        {"custom-TOTAL_FORMS": "5000"},
    ],
)
def test_bad_input_is_a_form_error(manager_client, organization, overrides):
    data = create_payload(organization, **{"custom-1-name": "Payroll"})
    data.update(overrides)
    response = manager_client.post(CREATE_URL, data)
    assert response.status_code == HTTPStatus.OK
    assert not Assessment.objects.exists()


def test_create_requires_login(client):
    assert client.get(CREATE_URL).url.startswith(reverse("login"))


def test_create_allows_get_and_post_only(manager_client):
    assert manager_client.put(CREATE_URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_user_without_organisation_cannot_create(client):
    client.force_login(factories.UserFactory())
    response = client.get(CREATE_URL)
    assert response.url == DASHBOARD_URL


# ---- a member creates at most ASSESSMENTS_PER_HOUR assessments an hour -----------------------


def create(client, organization, title):
    return client.post(
        CREATE_URL, create_payload(organization, title=title, **{"custom-0-name": "Payroll"})
    )


def test_a_member_creates_at_most_the_hourly_cap(manager_client, manager, organization, settings):
    settings.ASSESSMENTS_PER_HOUR = 3
    for i in range(3):
        assert create(manager_client, organization, f"Run {i}").status_code == HTTPStatus.FOUND

    response = create(manager_client, organization, "One too many")

    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "You have created 3 assessments in the last hour" in text
    assert not Assessment.objects.filter(title="One too many").exists()
    assert Assessment.objects.filter(owner=manager).count() == 3


def test_the_cap_counts_the_last_hour_and_one_member(manager, organization, settings):
    from django.utils import timezone

    from decisions import services

    settings.ASSESSMENTS_PER_HOUR = 2
    earlier = factories.AssessmentFactory.create_batch(2, organization=organization, owner=manager)
    Assessment.objects.filter(pk__in=[a.pk for a in earlier]).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    colleague = factories.UserFactory(username="colleague")
    factories.MembershipFactory(organization=organization, user=colleague)
    factories.AssessmentFactory.create_batch(2, organization=organization, owner=colleague)

    created = [
        services.assessment_create(
            user=manager,
            organization=organization,
            title=f"Now {i}",
            custom_functions=[("Payroll", None)],
        )
        for i in range(2)
    ]

    assert len(created) == 2
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(
            user=manager,
            organization=organization,
            title="Third",
            custom_functions=[("Payroll", None)],
        )
    assert refused.value.code == "too_many_assessments"


def test_a_double_click_on_the_last_allowed_assessment_is_not_refused(
    manager_client, organization, settings
):
    settings.ASSESSMENTS_PER_HOUR = 1
    data = create_payload(organization, **{"custom-0-name": "Payroll"})

    first = manager_client.post(CREATE_URL, data)
    second = manager_client.post(CREATE_URL, data)

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first.url == second.url
    assert Assessment.objects.count() == 1


def test_an_empty_post_gets_the_form_back(manager_client, organization):
    response = manager_client.post(CREATE_URL, {})

    assert response.status_code == HTTPStatus.OK
    assert "New assessment" in response.content.decode()
    assert not Assessment.objects.exists()
