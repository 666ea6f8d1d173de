"""Django admin: every page renders for staff, nobody else gets in, and the catalogue rules hold.

Forms are posted the way a browser would (``tests.admin_forms``).
"""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from decisions.catalogue_rules import (
    MISSING_SCORES,
    SCORING_CHANGE,
    TOO_FEW_OPTIONS,
    TOO_FEW_READINGS,
    WRONG_DELIVERY_KIND,
)
from decisions.models import (
    AnswerOption,
    AssessmentVersion,
    BusinessCase,
    CatalogueVersion,
    Criterion,
    DeliveryOption,
    FrozenReport,
    FunctionAssessment,
    Invitation,
    OptionScore,
    PriceOverride,
    PricingAssumption,
    Reading,
    ReportRender,
    Respondent,
    RiskMitigation,
    RiskRating,
    RiskType,
    Settlement,
    SourcingModel,
    VersionTransition,
)
from decisions.vocabulary import OFFICE_CRITERION
from tests import factories
from tests.admin_forms import admin_url, form_data

pytestmark = pytest.mark.django_db

REGISTERED = sorted(model._meta.label for model in admin.site._registry)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test here creates several users; the real hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_rows(staff) -> dict[type[models.Model], models.Model]:
    """One row for every model registered in the admin."""
    criterion = factories.scored_criterion(name="Admin test criterion")
    option = AnswerOption.objects.filter(question__criterion=criterion).first()
    disagreement = factories.DisagreementFactory()
    factories.ReadingFactory.create_batch(2, disagreement=disagreement)
    membership = factories.MembershipFactory()
    function = factories.FunctionAssessmentFactory(assessment__organization=membership.organization)
    activity = factories.ActivityFactory()
    provider = factories.ProviderFactory()
    provider.activities.add(activity)
    access = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "someone"}
    return {
        factories.SourceFactory._meta.model: factories.SourceFactory(),
        SourcingModel: factories.SourcingModelFactory(),
        factories.DeliveryOptionFactory._meta.model: factories.DeliveryOptionFactory(),
        activity._meta.model: activity,
        factories.IndustryFactory._meta.model: factories.IndustryFactory(),
        factories.BenefitFactory._meta.model: factories.BenefitFactory(),
        disagreement._meta.model: disagreement,
        Criterion: criterion,
        option.question._meta.model: option.question,
        AnswerOption: option,
        OptionScore: option.scores.first(),
        provider._meta.model: provider,
        # The shipped catalogue's rows (loaded for every test).
        PricingAssumption: PricingAssumption.objects.order_by("pk").first(),
        RiskType: RiskType.objects.order_by("pk").first(),
        membership.organization._meta.model: membership.organization,
        membership._meta.model: membership,
        function.assessment._meta.model: function.assessment,
        FunctionAssessment: function,
        factories.AnswerFactory._meta.model: factories.AnswerFactory(
            function=function, option=option
        ),
        Respondent: factories.RespondentFactory(function=function),
        Settlement: Settlement.objects.create(
            function=function, question=option.question, option=option, settled_at=timezone.now()
        ),
        Invitation: Invitation.objects.create(
            assessment=function.assessment,
            email="guest@example.com",
            token_hash="0" * 64,
            expires_at=timezone.now(),
        ),
        User: staff,
        Group: Group.objects.create(name="Catalogue editors"),
        AccessAttempt: AccessAttempt.objects.create(
            **access, get_data="", post_data="", failures_since_start=1
        ),
        AccessLog: AccessLog.objects.create(**access),
        AccessFailureLog: AccessFailureLog.objects.create(**access),
        AssessmentVersion: AssessmentVersion.objects.create(
            assessment=function.assessment,
            number=1,
            fingerprint="e" * 64,
            state="submitted",
            submitted_at=timezone.now(),
        ),
        ReportRender: ReportRender.objects.create(
            assessment=function.assessment, fingerprint="f" * 64, requested_at=timezone.now()
        ),
    }


@pytest.fixture
def staff_client(client, staff) -> Client:
    client.force_login(staff)
    return client


def test_every_model_of_the_app_has_an_admin():
    app_models = {
        model
        for model in apps.get_app_config("decisions").get_models()
        if not model.__name__.startswith("Historical")
        and model is not Reading  # edited inline on its disagreement
        and model is not CatalogueVersion  # written by database triggers, never by hand
        and model is not RiskMitigation  # edited inline on its risk type
        # Shown read-only on their function's page: the app checks their figures together.
        and model not in {BusinessCase, PriceOverride, RiskRating}
        # Shown read-only on their version's page.
        and model not in {FrozenReport, VersionTransition}
    }

    assert app_models - set(admin.site._registry) == set()
    assert admin.site.is_registered(User)


@pytest.mark.parametrize("label", REGISTERED)
def test_changelist_add_and_change_pages_render_for_staff(staff_client, admin_rows, label):
    model = apps.get_model(label)
    obj = admin_rows[model]
    model_admin = admin.site._registry[model]

    changelist = staff_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert changelist.context["cl"].queryset.filter(pk=obj.pk).exists()

    add = staff_client.get(admin_url(model, "add"))
    if model_admin.has_add_permission(changelist.wsgi_request):
        assert add.status_code == HTTPStatus.OK
        assert f'id="{model._meta.model_name}_form"' in add.content.decode()
    else:
        assert add.status_code == HTTPStatus.FORBIDDEN

    change = staff_client.get(admin_url(obj, "change"))
    assert change.status_code == HTTPStatus.OK
    assert change.context["original"].pk == obj.pk


@pytest.mark.parametrize("label", [label for label in REGISTERED if label.startswith("decisions.")])
def test_catalogue_pages_have_a_history_view_when_the_model_keeps_history(
    staff_client, admin_rows, label
):
    model = apps.get_model(label)
    obj = admin_rows[model]

    response = staff_client.get(admin_url(obj, "history"))

    assert response.status_code == HTTPStatus.OK
    keeps_history = hasattr(model, "history")
    assert ("simple_history/object_history.html" in [t.name for t in response.templates]) is (
        keeps_history
    )


@pytest.mark.parametrize("label", REGISTERED)
def test_signed_in_non_staff_users_are_sent_to_the_admin_login(manager_client, admin_rows, label):
    model = apps.get_model(label)
    obj = admin_rows[model]

    for url in (admin_url(model, "changelist"), admin_url(model, "add"), admin_url(obj, "change")):
        response = manager_client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response.url.startswith(reverse("admin:login")), url


def test_staff_without_permissions_are_refused(client):
    client.force_login(factories.UserFactory(username="intern", is_staff=True))

    response = client.get(admin_url(Criterion, "changelist"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def _search_term(obj: models.Model, lookup: str) -> str:
    value: Any = obj
    for part in lookup.lstrip("^=@").split("__"):
        value = getattr(value, part)
    return str(value)


@pytest.mark.parametrize("label", REGISTERED)
def test_search_finds_the_row(staff_client, admin_rows, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    obj = admin_rows[model]
    search_fields = model_admin.get_search_fields(None)
    if not search_fields:
        pytest.skip(f"{label} has no search box")
    term = _search_term(obj, search_fields[0])

    response = staff_client.get(admin_url(model, "changelist"), {"q": term})

    assert response.status_code == HTTPStatus.OK
    assert obj.pk in [row.pk for row in response.context["cl"].result_list]


def test_criterion_search_matches_by_slug_name_or_text_and_leaves_out_the_rest(staff_client):
    wanted = factories.CriterionFactory(slug="zebra-stripes", name="Stripe count")
    other = factories.CriterionFactory(slug="plain-horse", name="Mane length")

    response = staff_client.get(admin_url(Criterion, "changelist"), {"q": "zebra"})

    shown = [row.pk for row in response.context["cl"].result_list]
    assert wanted.pk in shown
    assert other.pk not in shown


def test_criterion_changelist_counts_questions_and_options(staff_client):
    criterion = factories.scored_criterion(options=3, name="Counted criterion")

    response = staff_client.get(admin_url(Criterion, "changelist"), {"q": criterion.slug})

    row = response.context["cl"].result_list[0]
    assert (row._questions, row._options) == (1, 3)


def _score_field(model: SourcingModel) -> str:
    """The score grid's field of a scored model (a column of the option grid)."""
    return "score_" + model.slug.replace("-", "_")


def test_criterion_change_page_edits_question_options_and_scores_in_one_place(staff_client):
    criterion = factories.scored_criterion(name="Nested page")
    question = criterion.questions.get()
    scored = list(SourcingModel.objects.filter(is_scored=True))

    response = staff_client.get(admin_url(criterion, "change"))

    data = form_data(response)
    assert data["questions-0-text"] == question.text
    for index, option in enumerate(question.options.all()):
        prefix = f"questions-0-options-{index}"
        assert data[f"{prefix}-label"] == option.label
        # One cell per scored model, holding the stored score: no model dropdowns.
        for model in scored:
            stored = option.scores.get(model=model).score
            assert Decimal(data[f"{prefix}-{_score_field(model)}"]) == stored
        assert not any(key.startswith(f"{prefix}-scores-") for key in data)


def test_slug_is_editable_until_the_criterion_is_used(staff_client):
    criterion = factories.scored_criterion(slug="not-used-yet")
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data["slug"] = "renamed-freely"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    criterion.refresh_from_db()
    assert criterion.slug == "renamed-freely"


def test_slug_is_read_only_once_the_criterion_is_used(staff_client):
    criterion = factories.scored_criterion(slug="in-use")
    option = AnswerOption.objects.filter(question__criterion=criterion).first()
    factories.AnswerFactory(option=option)
    url = admin_url(criterion, "change")

    page = staff_client.get(url)
    assert 'name="slug"' not in page.content.decode()
    assert "in-use" in page.content.decode()

    data = form_data(page)
    data["slug"] = "sneaky-rename"
    data["name"] = "Renamed but same slug"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    criterion.refresh_from_db()
    assert (criterion.slug, criterion.name) == ("in-use", "Renamed but same slug")


def test_slug_is_read_only_once_a_sourcing_model_is_scored(staff_client):
    model = SourcingModel.objects.filter(is_scored=True).first() or factories.SourcingModelFactory()
    factories.OptionScoreFactory(model=model)

    page = staff_client.get(admin_url(model, "change"))

    assert 'name="slug"' not in page.content.decode()


def test_a_question_keeps_at_least_two_options(staff_client):
    criterion = factories.scored_criterion()
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data["questions-0-options-1-DELETE"] = "on"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert escape(str(TOO_FEW_OPTIONS)) in response.content.decode()
    assert AnswerOption.objects.filter(question__criterion=criterion).count() == 2


@pytest.mark.parametrize("also_tick_options", [False, True], ids=["server-only", "as-the-js-does"])
def test_deleting_a_question_deletes_its_options_and_scores(staff_client, also_tick_options):
    criterion = factories.scored_criterion()
    question = criterion.questions.get()
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data["questions-0-DELETE"] = "on"
    if also_tick_options:  # nested-admin's script ticks the children's boxes too
        data["questions-0-options-1-DELETE"] = "on"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert not criterion.questions.exists()
    assert not AnswerOption.objects.filter(question_id=question.pk).exists()
    assert not OptionScore.objects.filter(option__question_id=question.pk).exists()


def _new_question_payload(data: dict[str, Any], scores: list[list[str]]) -> dict[str, Any]:
    """Add one question with an option per entry of ``scores`` (one score per scored model)."""
    models_ = list(SourcingModel.objects.filter(is_scored=True).order_by("order", "slug"))
    data.update(
        {
            "questions-TOTAL_FORMS": "1",
            "questions-0-text": "How is the work defined?",
            "questions-0-help_text": "",
            "questions-0-order": "0",
            "questions-0-options-TOTAL_FORMS": str(len(scores)),
            "questions-0-options-INITIAL_FORMS": "0",
            "questions-0-options-MIN_NUM_FORMS": "0",
            "questions-0-options-MAX_NUM_FORMS": "1000",
        }
    )
    for i, option_scores in enumerate(scores):
        prefix = f"questions-0-options-{i}"
        data.update(
            {
                f"{prefix}-label": f"Answer {i}",
                f"{prefix}-code": f"answer-{i}",
                f"{prefix}-explanation": "",
                f"{prefix}-order": str(i),
            }
        )
        for j, model in enumerate(models_):
            data[f"{prefix}-{_score_field(model)}"] = (
                option_scores[j] if j < len(option_scores) else ""
            )
    return data


def test_a_new_criterion_is_saved_with_its_question_options_and_scores(staff_client):
    n = SourcingModel.objects.filter(is_scored=True).count()
    url = admin_url(Criterion, "add")
    data = form_data(staff_client.get(url))
    data.update(
        {
            "name": "Regulatory exposure",
            "slug": "regulatory-exposure",
            "kind": "scored",
            "weight": "1.50",
            "order": "50",
            "explanation": "How regulated the work is.",
            "bpo_side": "Light regulation.",
            "kpo_side": "Heavy regulation.",
        }
    )
    data = _new_question_payload(data, [["2"] * n, ["8"] * n])

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    criterion = Criterion.objects.get(slug="regulatory-exposure")
    question = criterion.questions.get()
    assert [o.label for o in question.options.all()] == ["Answer 0", "Answer 1"]
    assert OptionScore.objects.filter(option__question=question).count() == 2 * n


def test_an_option_must_score_every_scored_model(staff_client):
    url = admin_url(Criterion, "add")
    data = form_data(staff_client.get(url))
    data.update(
        {
            "name": "Half scored",
            "slug": "half-scored",
            "kind": "scored",
            "weight": "1",
            "order": "51",
            "explanation": "x",
            "bpo_side": "b",
            "kpo_side": "k",
        }
    )
    data = _new_question_payload(data, [["5"], ["5"]])  # only the first scored model

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "Give this option a score for every scored model" in response.content.decode()
    assert str(MISSING_SCORES).split(";")[0] in response.content.decode()
    assert not Criterion.objects.filter(slug="half-scored").exists()


def test_options_of_a_profile_criterion_need_no_scores(staff_client):
    url = admin_url(Criterion, "add")
    data = form_data(staff_client.get(url))
    data.update(
        {
            "name": "Time zone",
            "slug": "time-zone",
            "kind": "profile",
            "weight": "0",
            "order": "52",
            "explanation": "x",
            "bpo_side": "b",
            "kpo_side": "k",
        }
    )
    data = _new_question_payload(data, [[], []])

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert AnswerOption.objects.filter(question__criterion__slug="time-zone").count() == 2


def test_history_records_who_changed_a_weight(staff_client, staff):
    criterion = factories.scored_criterion(weight=Decimal(1))
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data["weight"] = "2.75"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    latest = criterion.history.first()
    assert latest.weight == Decimal("2.75")
    assert latest.history_user == staff
    assert latest.prev_record.weight == Decimal(1)
    history_page = staff_client.get(admin_url(criterion, "history")).content.decode()
    assert staff.username in history_page


def test_weights_can_be_edited_from_the_criterion_list(staff_client, staff):
    criterion = factories.CriterionFactory(slug="listed", weight=Decimal(1))
    changelist = staff_client.get(admin_url(Criterion, "changelist"), {"q": "listed"})
    data = {key: value for key, value in form_data(changelist).items() if key != "_save"}
    data.update({"form-0-weight": "4", "_save": "Save"})

    staff_client.post(admin_url(Criterion, "changelist") + "?q=listed", data)

    criterion.refresh_from_db()
    assert criterion.weight == Decimal(4)
    assert criterion.history.first().history_user == staff


def test_function_results_are_read_only(staff_client):
    function = factories.FunctionAssessmentFactory(confidence=0.25, name="Payroll")
    url = admin_url(function, "change")

    page = staff_client.get(url)
    assert 'name="confidence"' not in page.content.decode()
    assert 'name="recommended_model"' not in page.content.decode()

    data = form_data(page)
    data.update({"confidence": "0.99", "name": "Payroll and benefits"})
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    function.refresh_from_db()
    assert (function.name, function.confidence) == ("Payroll and benefits", 0.25)


def test_user_page_lists_the_users_organisations(staff_client, manager, organization):
    page = staff_client.get(admin_url(manager, "change")).content.decode()

    assert 'name="memberships-TOTAL_FORMS"' in page
    assert escape(organization.name) in page


def test_revert_page_of_a_criterion_with_a_locked_slug_opens(staff_client):
    criterion = factories.scored_criterion(slug="locked-for-revert")
    factories.AnswerFactory(option=AnswerOption.objects.filter(question__criterion=criterion)[0])
    url = admin_url(criterion, "change")
    data = form_data(staff_client.get(url))
    data["weight"] = "2.00"
    staff_client.post(url, data)
    record = criterion.history.order_by("history_id").first()

    response = staff_client.get(admin_url(criterion, "simple_history", criterion.pk, record.pk))

    assert response.status_code == HTTPStatus.OK
    assert 'name="slug"' not in response.content.decode()
    assert 'name="weight"' in response.content.decode()


def test_slug_is_prepopulated_from_the_name_only_when_adding(staff_client):
    criterion = factories.scored_criterion()

    add_page = staff_client.get(admin_url(Criterion, "add"))
    change_page = staff_client.get(admin_url(criterion, "change"))

    assert [f["field"].name for f in add_page.context["adminform"].prepopulated_fields] == ["slug"]
    assert change_page.context["adminform"].prepopulated_fields == []


def test_a_disagreement_keeps_two_readings(staff_client):
    disagreement = factories.DisagreementFactory()
    factories.ReadingFactory.create_batch(2, disagreement=disagreement)
    url = admin_url(disagreement, "change")

    data = form_data(staff_client.get(url))
    data["readings-1-DELETE"] = "on"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert escape(str(TOO_FEW_READINGS)) in response.content.decode()
    assert disagreement.readings.count() == 2


def test_profile_options_name_their_delivery_option_and_scored_ones_do_not(staff_client):
    office = Criterion.objects.get(slug=OFFICE_CRITERION)
    scored = factories.scored_criterion()

    profile_page = staff_client.get(admin_url(office, "change")).content.decode()
    scored_page = staff_client.get(admin_url(scored, "change")).content.decode()

    assert 'name="questions-0-options-0-delivery_option"' in profile_page
    assert 'name="questions-0-options-0-label"' in scored_page
    assert 'name="questions-0-options-0-delivery_option"' not in scored_page


def test_a_profile_option_must_point_at_a_delivery_option_of_its_kind(staff_client):
    office = Criterion.objects.get(slug=OFFICE_CRITERION)
    front = AnswerOption.objects.get(question__criterion=office, code="front")
    url = admin_url(office, "change")
    data = form_data(staff_client.get(url))
    index = next(
        key.split("-")[3]
        for key, value in data.items()
        if key.startswith("questions-0-options-") and key.endswith("-id") and value == str(front.pk)
    )
    offshore = DeliveryOption.objects.get(slug="offshore")
    data[f"questions-0-options-{index}-delivery_option"] = str(offshore.pk)

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    front.refresh_from_db()
    assert front.delivery_option.slug == "front-office"
    # The admin offers only locations and offices; the criterion decides which kind fits.
    assert escape(str(WRONG_DELIVERY_KIND % {"kind": "office"})) in response.content.decode()


def test_a_model_stays_in_scoring_unless_its_scores_change_with_it(staff_client):
    bpo = SourcingModel.objects.get(slug="bpo")
    url = admin_url(bpo, "change")
    data = form_data(staff_client.get(url))
    data.pop("is_scored")  # unticked

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert escape(str(SCORING_CHANGE)) in response.content.decode()
    bpo.refresh_from_db()
    assert bpo.is_scored
