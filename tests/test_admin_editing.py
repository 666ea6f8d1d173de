"""Editing the catalogue in the admin: the score grid, change reasons, the criterion's history
in words, the warning about stored results, and the index grouped by kind of table.

Forms are posted the way a browser would (``tests.admin_forms``).
"""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

from decisions import questionnaire
from decisions.admin import marked_stale, stale_warning
from decisions.admin_site import CATALOGUE_GROUP, OPERATIONAL_GROUP
from decisions.models import (
    AnswerOption,
    Criterion,
    FunctionAssessment,
    OptionScore,
    Question,
    Source,
    SourcingModel,
)
from decisions.models.catalogue import CATALOGUE_MODELS
from decisions.vocabulary import OFFICE_CRITERION
from tests import factories
from tests.admin_forms import admin_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def score_field(model: SourcingModel) -> str:
    return "score_" + model.slug.replace("-", "_")


def scored_models() -> list[SourcingModel]:
    return list(SourcingModel.objects.filter(is_scored=True).order_by("order", "slug"))


def option_prefix(data: dict[str, Any], option: AnswerOption) -> str:
    """The form prefix of ``option``'s row on its criterion's page."""
    return next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.startswith("questions-0-options-")
        and key.endswith("-id")
        and value == str(option.pk)
    )


def history_rows(model: type, **filters: Any) -> list[Any]:
    return list(model.history.filter(**filters).order_by("history_id"))


# --- the option-by-model grid -----------------------------------------------------------------


def test_each_option_is_a_row_with_a_labelled_score_cell_per_scored_model(staff_client):
    criterion = Criterion.objects.get(slug="complexity")
    option = AnswerOption.objects.filter(question__criterion=criterion).order_by("order").first()

    page = staff_client.get(admin_url(criterion, "change")).content.decode()

    data = form_data(staff_client.get(admin_url(criterion, "change")))
    prefix = option_prefix(data, option)
    for model in scored_models():
        name = f"{prefix}-{score_field(model)}"
        assert Decimal(data[name]) == option.scores.get(model=model).score
        # A table cell has no <label>: its input is named by its column and its row.
        assert f'aria-label="{escape(model.abbreviation)} — {escape(option.label)}"' in page
    assert f'aria-label="Label — {escape(option.label)}"' in page
    assert "-scores-TOTAL_FORMS" not in page  # no nested score rows with model dropdowns


def test_changing_one_cell_saves_that_score_only_with_who_and_why(staff_client, staff):
    criterion = Criterion.objects.get(slug="complexity")
    option = AnswerOption.objects.filter(question__criterion=criterion).order_by("order").first()
    kpo = SourcingModel.objects.get(slug="kpo")
    score = option.scores.get(model=kpo)
    other_scores = {s.pk: s.score for s in OptionScore.objects.exclude(pk=score.pk)}
    history_before = OptionScore.history.count()
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data[f"{option_prefix(data, option)}-{score_field(kpo)}"] = "6.5"
    data["change_reason"] = "Routine work scores lower for KPO"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["errors"]
    score.refresh_from_db()
    assert score.score == Decimal("6.5")
    assert {s.pk: s.score for s in OptionScore.objects.exclude(pk=score.pk)} == other_scores
    assert OptionScore.history.count() == history_before + 1  # unchanged cells are not re-saved
    latest = score.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        staff,
        "Routine work scores lower for KPO",
    )


@pytest.mark.parametrize("value", ["11", "-1", "abc", "4.555"])
def test_a_score_outside_the_scale_is_refused_on_its_cell(staff_client, value):
    criterion = Criterion.objects.get(slug="complexity")
    option = AnswerOption.objects.filter(question__criterion=criterion).order_by("order").first()
    bpo = SourcingModel.objects.get(slug="bpo")
    before = option.scores.get(model=bpo).score
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data[f"{option_prefix(data, option)}-{score_field(bpo)}"] = value
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["errors"]
    assert option.scores.get(model=bpo).score == before


def test_an_emptied_cell_of_a_scored_criterion_is_refused(staff_client):
    criterion = Criterion.objects.get(slug="complexity")
    option = AnswerOption.objects.filter(question__criterion=criterion).order_by("order").first()
    in_house = SourcingModel.objects.get(slug="in-house")
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data[f"{option_prefix(data, option)}-{score_field(in_house)}"] = ""
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "missing: In-house" in response.content.decode()
    assert option.scores.filter(model=in_house).exists()


def test_profile_options_have_no_score_cells(staff_client):
    office = Criterion.objects.get(slug=OFFICE_CRITERION)

    data = form_data(staff_client.get(admin_url(office, "change")))

    # (The blank template a new question is cloned from cannot know its criterion yet.)
    rows = [key for key in data if "-empty-" not in key and "__prefix__" not in key]
    assert not [key for key in rows if "-score_" in key]
    assert "questions-0-options-0-delivery_option" in data


def test_an_options_own_page_edits_its_scores_in_the_same_form(staff_client):
    option = AnswerOption.objects.filter(question__criterion__slug="expertise").first()
    bpo = SourcingModel.objects.get(slug="bpo")
    url = admin_url(option, "change")

    data = form_data(staff_client.get(url))
    assert set(data) >= {score_field(model) for model in scored_models()}
    data[score_field(bpo)] = "3"
    data["change_reason"] = "Typo"
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    score = option.scores.get(model=bpo)
    assert score.score == Decimal(3)
    assert score.history.first().history_change_reason == "Typo"


# --- change reasons and the history ------------------------------------------------------------


def test_a_reason_given_on_the_criterion_page_is_kept_with_every_row_it_saves(staff_client, staff):
    criterion = Criterion.objects.get(slug="complexity")
    question = criterion.questions.get()
    option = question.options.order_by("order").first()
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    prefix = option_prefix(data, option)
    data.update(
        {
            "weight": "2.50",
            "questions-0-text": "How complex is the work in an ordinary cycle?",
            f"{prefix}-label": "Routine steps, however often they come round",
            f"{prefix}-{score_field(SourcingModel.objects.get(slug='bpo'))}": "9",
            "change_reason": "Monthly work fits the routine answer",
        }
    )
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    for record in (
        criterion.history.first(),
        question.history.first(),
        option.history.first(),
        OptionScore.history.filter(option_id=option.pk).first(),
    ):
        assert record.history_change_reason == "Monthly work fits the routine answer"
        assert record.history_user == staff


def test_a_reason_longer_than_the_history_keeps_is_refused(staff_client):
    criterion = Criterion.objects.get(slug="complexity")
    url = admin_url(criterion, "change")

    data = form_data(staff_client.get(url))
    data.update({"weight": "2.50", "change_reason": "x" * 101})
    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "at most 100 characters" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.weight != Decimal("2.50")


def test_the_criterion_history_tells_score_option_and_weight_changes_in_words(staff_client, staff):
    criterion = Criterion.objects.get(slug="complexity")
    option = AnswerOption.objects.get(question__criterion=criterion, code="repetitive")
    kpo = SourcingModel.objects.get(slug="kpo")
    old_score = option.scores.get(model=kpo).score
    url = admin_url(criterion, "change")
    data = form_data(staff_client.get(url))
    prefix = option_prefix(data, option)
    data.update(
        {
            "weight": "4",
            f"{prefix}-{score_field(kpo)}": "6",
            f"{prefix}-label": "Routine steps",
            "change_reason": "Review with finance",
        }
    )
    assert staff_client.post(url, data).status_code == HTTPStatus.FOUND

    page = staff_client.get(admin_url(criterion, "history")).content.decode()

    old = f"{old_score.normalize():f}"
    assert escape(f"Score of “Routine steps” for KPO: {old} → 6") in page
    assert escape("Option “Routine steps”") in page
    assert escape(f"“{option.label}” → “Routine steps”") in page
    assert "Weight:</strong> 3 → 4" in page
    assert "Review with finance" in page
    assert staff.username in page
    assert "Option score #" not in page
    assert ">None<" not in page


def test_the_criterion_history_shows_the_fixture_load_and_changes_without_a_reason(staff_client):
    criterion = Criterion.objects.get(slug="complexity")
    question = Question.objects.get(criterion=criterion)
    question.help_text = "Changed by a script."
    question.save()  # outside a request: no user, no reason

    page = staff_client.get(admin_url(criterion, "history")).content.decode()

    assert "Loaded from fixture catalogue.json" in page  # how the shipped rows arrived
    assert escape("Question “How complex is a typical piece of work") in page
    assert "Changed by a script." in page
    assert "No reason given" in page
    assert "Not recorded" in page
    assert ">None<" not in page


def test_other_histories_say_no_reason_was_given_instead_of_none(staff_client):
    source = Source.objects.order_by("pk").first()
    source.title = "Retitled by a script"
    source.save()

    page = staff_client.get(admin_url(source, "history")).content.decode()

    assert "No reason given" in page
    assert "Not recorded" in page  # no user: saved outside a request
    assert "None" not in page.split('id="change-history"')[1].split("</table>")[0]


def test_a_history_page_of_no_criterion_is_404(staff_client):
    url = reverse("admin:decisions_criterion_history", args=["not-a-number"])

    assert staff_client.get(url).status_code == HTTPStatus.NOT_FOUND


# --- stored results a change would mark --------------------------------------------------------


def test_the_criterion_page_says_how_many_stored_results_a_change_would_mark(
    staff_client, recommended_function
):
    factories.FunctionAssessmentFactory(
        status=FunctionAssessment.Status.RECOMMENDED, criteria_version="0ldcafe0"
    )  # computed under older criteria already: not counted
    criterion = Criterion.objects.get(slug="complexity")
    assert recommended_function.criteria_version == questionnaire.current().version

    page = staff_client.get(admin_url(criterion, "change")).content.decode()

    assert escape(stale_warning(1)) in page


def test_saving_a_weight_reports_the_results_it_marked(staff_client, recommended_function):
    criterion = Criterion.objects.get(slug="complexity")
    url = admin_url(criterion, "change")
    data = form_data(staff_client.get(url))
    data["weight"] = "5"

    response = staff_client.post(url, data, follow=True)

    assert escape(marked_stale(1)) in response.content.decode()
    recommended_function.refresh_from_db()
    assert recommended_function.criteria_version != questionnaire.current().version


def test_saving_what_results_do_not_depend_on_reports_nothing(staff_client, recommended_function):
    criterion = Criterion.objects.get(slug="complexity")
    url = admin_url(criterion, "change")
    data = form_data(staff_client.get(url))
    data["explanation"] = "Reworded for the guide only."

    response = staff_client.post(url, data, follow=True)

    assert "now marked as computed under older criteria" not in response.content.decode()
    recommended_function.refresh_from_db()
    assert recommended_function.criteria_version == questionnaire.current().version


def test_no_warning_when_no_stored_result_is_current(staff_client):
    page = staff_client.get(admin_url(Criterion.objects.get(slug="complexity"), "change"))

    assert "stale-warning" not in page.content.decode()


def test_the_weights_list_warns_too_and_names_each_weight_input(staff_client, recommended_function):
    page = staff_client.get(admin_url(Criterion, "changelist")).content.decode()

    assert escape(stale_warning(1)) in page
    criterion = Criterion.objects.get(slug="complexity")
    assert f'aria-label="Weight — {escape(criterion.name)}"' in page


# --- the index -----------------------------------------------------------------------------------


def test_the_index_lists_the_catalogue_apart_from_operational_tables(admin_client):
    response = admin_client.get(reverse("admin:index"))

    groups = {str(app["name"]): app for app in response.context["app_list"]}
    assert next(iter(groups)) == str(CATALOGUE_GROUP)
    catalogue = {m["model"] for m in groups[str(CATALOGUE_GROUP)]["models"]}
    operational = {m["model"] for m in groups[str(OPERATIONAL_GROUP)]["models"]}
    registered = {model for model in CATALOGUE_MODELS if admin.site.is_registered(model)}
    assert catalogue == registered
    assert FunctionAssessment in operational
    assert operational.isdisjoint(catalogue)
