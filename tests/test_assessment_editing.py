"""Reshaping an assessment after it was created (issue 13, the flow): rename, delete with a
confirmation, add and remove functions, import a list, recompute every stale result; what the
overview, the dashboard and the result page offer as the next thing to do."""

from __future__ import annotations

import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from decisions import services
from decisions.models import Answer, Assessment, Criterion, FunctionAssessment, SourcingModel
from tests import factories
from tests.conftest import add_archetype, answer_all

pytestmark = pytest.mark.django_db


def edit_url(assessment):
    return reverse("decisions:assessment-edit", args=[assessment.pk])


def detail_url(assessment):
    return reverse("decisions:assessment-detail", args=[assessment.pk])


def test_rename(manager_client, assessment):
    response = manager_client.post(edit_url(assessment), {"title": "  Back office 2027 "})
    assert response.status_code == HTTPStatus.FOUND
    assessment.refresh_from_db()
    assert assessment.title == "Back office 2027"


def test_rename_to_nothing_is_refused_on_the_form(manager_client, assessment):
    title = assessment.title
    response = manager_client.post(edit_url(assessment), {"title": ""})
    assert response.status_code == HTTPStatus.OK
    assert "This field is required." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.title == title


def test_delete_asks_first_and_deletes_only_once_confirmed(manager_client, assessment, function):
    url = reverse("decisions:assessment-delete", args=[assessment.pk])
    page = manager_client.get(url).content.decode()
    assert "This cannot be undone." in page
    manager_client.post(url, {})  # not confirmed
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    response = manager_client.post(url, {"confirm": "yes"}, follow=True)
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert not FunctionAssessment.objects.filter(pk=function.pk).exists()
    assert "deleted." in response.content.decode()


def test_add_a_function_later(manager_client, assessment, function):
    response = manager_client.post(
        reverse("decisions:functions-add", args=[assessment.pk]), {"name": "Travel booking"}
    )
    assert response.status_code == HTTPStatus.FOUND
    added = assessment.functions.get(name="Travel booking")
    assert added.order > function.order


def test_a_name_already_in_the_assessment_is_refused(manager_client, assessment, function):
    response = manager_client.post(
        reverse("decisions:functions-add", args=[assessment.pk]), {"name": "payroll"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "is already a function of this assessment" in response.content.decode()
    assert assessment.functions.count() == 1


def test_a_function_without_answers_is_removed_at_once(manager_client, assessment, function):
    response = manager_client.post(reverse("decisions:function-remove", args=[function.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not FunctionAssessment.objects.filter(pk=function.pk).exists()


def test_removing_a_function_with_answers_asks_first(manager_client, recommended_function):
    url = reverse("decisions:function-remove", args=[recommended_function.pk])
    response = manager_client.post(url)
    assert response.status_code == HTTPStatus.OK
    assert "This cannot be undone." in response.content.decode()
    assert Answer.objects.filter(function=recommended_function).exists()
    manager_client.post(url, {"confirm": "yes"})
    assert not FunctionAssessment.objects.filter(pk=recommended_function.pk).exists()


def _import(client, assessment, name, content):
    return client.post(
        reverse("decisions:functions-import", args=[assessment.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_import_a_csv_list_skipping_the_heading_and_blank_rows(manager_client, assessment):
    response = _import(
        manager_client, assessment, "list.csv", b"Name\nPayroll\n\n  Market   research \n"
    )
    assert response.status_code == HTTPStatus.FOUND
    assert list(assessment.functions.order_by("order").values_list("name", flat=True)) == [
        "Payroll",
        "Market research",
    ]


def test_import_an_xlsx_list(manager_client, assessment):
    workbook = Workbook()
    sheet = workbook.active
    for value in ["Function", "Payroll", "=1+2", 42]:
        sheet.append([value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _import(manager_client, assessment, "list.xlsx", buffer.getvalue())
    assert response.status_code == HTTPStatus.FOUND
    # A formula is never evaluated: its value as last saved by a spreadsheet is read, and
    # this one was never saved by one (it has none), so its row counts as empty.
    assert sorted(assessment.functions.values_list("name", flat=True)) == ["42", "Payroll"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "list.csv",
            b"Payroll\nLegal\npayroll\n",
            "Row 3: “payroll” is already in the list (row 1).",
        ),
        ("list.csv", b"Payroll\n" + b"x" * 121 + b"\n", "Row 2: the name is longer than 120"),
        ("list.csv", b"Payroll\n\xff\xfe\n", "Row 2 is not readable text"),
        ("list.txt", b"Payroll\n", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("list.xlsx", b"not a zip", "could not be read as an Excel workbook"),
        ("list.csv", b"Name\n\n", "The file holds no function names"),
        ("list.csv", "".join(f"F{i}\n" for i in range(201)).encode(), "more than 200 rows"),
        ("list.csv", b"x" * (1024 * 1024 + 1), "larger than 1024 kB"),
    ],
)
def test_a_bad_file_gets_a_message_naming_the_row_and_adds_nothing(
    manager_client, assessment, name, content, message
):
    response = _import(manager_client, assessment, name, content)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not assessment.functions.exists()


def test_an_imported_name_already_in_the_assessment_is_refused(
    manager_client, assessment, function
):
    response = _import(manager_client, assessment, "list.csv", b"Legal\nPayroll\n")
    assert "“Payroll” is already a function of this assessment." in response.content.decode()
    assert assessment.functions.count() == 1


def test_completed_only_once_every_final_decision_is_recorded(manager, assessment, function):
    answer_all(function, manager)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS
    function.refresh_from_db()
    services.decision_record(
        function=function, final_model=function.recommended_model, reason="", user=manager
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED


def test_recompute_all_summarises_what_flipped_and_is_idempotent(
    manager_client, manager, assessment
):
    payroll = add_archetype(assessment, manager, "Payroll processing", order=1)
    research = add_archetype(assessment, manager, "Market research", order=2)
    assert payroll.recommended_model.slug == "bpo"
    assert research.recommended_model.slug == "kpo"
    # An admin makes every answer score the same for BPO and KPO except one that favours KPO.
    Criterion.objects.filter(slug="complexity").update(weight=Decimal("40"))
    overview = manager_client.get(detail_url(assessment)).content.decode()
    assert "2 results were computed under older criteria" in overview
    dashboard = manager_client.get(reverse("decisions:dashboard")).content.decode()
    assert "2 results computed under older criteria" in dashboard

    url = reverse("decisions:assessment-recompute", args=[assessment.pk])
    page = manager_client.post(url, follow=True).content.decode()
    assert "2 results recomputed with the current criteria." in page
    assert page.index("recomputed with the current criteria") < page.index("functions-table")
    assert "computed under older criteria" not in page

    again = manager_client.post(url, follow=True).content.decode()
    assert "0 results recomputed" in again


def test_recompute_all_names_a_flip(manager_client, manager, assessment):
    payroll = add_archetype(assessment, manager, "Payroll processing", order=1)
    kpo = SourcingModel.objects.get(slug="kpo")
    # Every answer's KPO score goes to the top: the recommendation flips to KPO.
    from decisions.models import OptionScore

    OptionScore.objects.filter(model=kpo).update(score=Decimal("10"))
    page = manager_client.post(
        reverse("decisions:assessment-recompute", args=[assessment.pk]), follow=True
    ).content.decode()
    assert "These recommendations changed:" in page
    assert f"{payroll.name}</a>: BPO → KPO" in page


def test_the_result_page_offers_the_next_function(manager_client, manager, assessment):
    done = add_archetype(assessment, manager, "Payroll processing", order=1)
    factories.FunctionAssessmentFactory(assessment=assessment, name="Travel", order=2)
    page = manager_client.get(reverse("decisions:function-result", args=[done.pk])).content.decode()
    assert "Next function: Travel" in page


def test_the_overview_primary_button_is_the_next_thing_to_do(manager_client, manager, assessment):
    done = add_archetype(assessment, manager, "Payroll processing", order=1)
    factories.FunctionAssessmentFactory(assessment=assessment, name="Travel", order=2)
    page = manager_client.get(detail_url(assessment)).content.decode()
    assert 'class="btn btn-primary" href="/functions/' in page
    assert "Start: Travel" in page
    FunctionAssessment.objects.filter(name="Travel").delete()
    page = manager_client.get(detail_url(assessment)).content.decode()
    assert f"Record the final decision: {done.name}" in page


def test_a_new_assessment_can_import_its_functions_from_a_file(manager_client, organization):
    from tests.test_assessments import CREATE_URL, create_payload

    data = create_payload(
        organization,
        title="Imported",
        **{"list-file": SimpleUploadedFile("list.csv", b"Name\nPayroll\nLegal\n")},
    )
    response = manager_client.post(CREATE_URL, data)
    assert response.status_code == HTTPStatus.FOUND
    assessment = Assessment.objects.get(title="Imported")
    assert list(assessment.functions.order_by("order").values_list("name", flat=True)) == [
        "Payroll",
        "Legal",
    ]


def test_a_new_assessment_with_a_bad_file_shows_the_row_with_the_other_errors(
    manager_client, organization
):
    from tests.test_assessments import CREATE_URL, create_payload

    data = create_payload(
        organization,
        title="",
        **{"list-file": SimpleUploadedFile("list.csv", b"Payroll\npayroll\n")},
    )
    response = manager_client.post(CREATE_URL, data)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Row 2: “payroll” is already in the list" in page
    assert "This field is required." in page  # the title's error at the same time
    assert not Assessment.objects.exists()


def test_the_migration_reopens_assessments_completed_without_final_decisions(
    manager, assessment, function
):
    import importlib
    from pathlib import Path

    from django.apps import apps as django_apps

    folder = Path(importlib.import_module("decisions.migrations").__file__).parent
    (path,) = folder.glob("*_ux_completed_status.py")
    migration = importlib.import_module(f"decisions.migrations.{path.stem}")
    answer_all(function, manager)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.COMPLETED)

    migration.forwards(django_apps, None)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS

    migration.backwards(django_apps, None)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED
