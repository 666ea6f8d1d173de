"""The catalogue version moves on every catalogue write, whatever the path, and the
questionnaire cache follows it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions import catalogue_version, questionnaire
from decisions.models import Criterion
from decisions.models.catalogue import catalogue_tables
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db


def _raw_touch(table: str) -> None:
    """Rewrite one row of a table in place, with raw SQL (no ORM, no signals)."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id) FROM {quoted}")  # noqa: S608 - a table name of ours
        (row_id,) = cursor.fetchone()
        assert row_id is not None, f"{table} is empty: load the catalogue"
        cursor.execute(f"UPDATE {quoted} SET id = id WHERE id = %s", [row_id])  # noqa: S608


@pytest.mark.parametrize("table", catalogue_tables())
def test_a_raw_write_to_any_catalogue_table_moves_the_version(catalogue, table):
    before = catalogue_version.current_token()
    _raw_touch(table)
    assert catalogue_version.current_token() != before


def test_the_tables_list_covers_every_catalogue_relation():
    tables = set(catalogue_tables())
    for expected in (
        "decisions_criterion",
        "decisions_optionscore",
        "decisions_provider_delivery_options",
        "decisions_benefit_sourcing_models",
    ):
        assert expected in tables


def test_a_queryset_update_moves_the_version_and_refreshes_the_questionnaire(catalogue):
    before = questionnaire.current()
    Criterion.objects.filter(slug="complexity").update(name="How hard the work is")
    after = questionnaire.current()
    assert after is not before
    names = {q.criterion.slug: q.criterion.name for q in after.questions}
    assert names["complexity"] == "How hard the work is"


def test_the_questionnaire_is_read_once_per_version(catalogue):
    first = questionnaire.current()
    with CaptureQueriesContext(connection) as queries:
        again = questionnaire.current()
    assert again is first
    assert len(queries) == 1  # the version token, nothing else
    assert "decisions_catalogueversion" in queries[0]["sql"]


def test_wording_changes_move_the_cache_but_not_the_criteria_version(catalogue):
    before = questionnaire.current()
    Criterion.objects.filter(slug="complexity").update(explanation="Reworded.")
    after = questionnaire.current()
    assert after is not before
    assert after.version == before.version  # the explanation does not score


def test_a_weight_change_moves_the_criteria_version(catalogue):
    before = questionnaire.current().version
    Criterion.objects.filter(slug="complexity").update(weight=7)
    assert questionnaire.current().version != before


def test_a_flushed_version_row_is_recreated(catalogue):
    from decisions.models import CatalogueVersion

    CatalogueVersion.objects.all().delete()
    token = catalogue_version.current_token()
    assert token
    assert CatalogueVersion.objects.get(pk=1).token == token


def test_the_result_pages_criteria_check_touches_no_catalogue_table(
    client, manager, function, catalogue
):
    answer_all(function, manager)
    client.force_login(manager)
    url = reverse("decisions:function-result", args=[function.pk])
    client.get(url)  # warm the questionnaire cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    heavy = ("decisions_question", "decisions_answeroption", "decisions_optionscore")
    for query in queries:
        assert not any(f'"{table}"' in query["sql"] for table in heavy), query["sql"]
