"""Catalogue change pages for staff who may change one model but only view the others.

A catalogue editor may, say, change criteria, questions and options but only
view option scores: the criterion page then shows the scores read-only and
must still save (issue 14, item 5). Every catalogue change form is posted
with such partial permissions; none may answer with a server error.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import models
from django.utils.html import escape

from decisions.admin import CANNOT_DELETE_CHILDREN
from decisions.models import (
    Activity,
    AnswerOption,
    Benefit,
    Criterion,
    DeliveryOption,
    Disagreement,
    Industry,
    OptionScore,
    Provider,
    Question,
    Reading,
    Source,
    SourcingModel,
)
from tests import factories
from tests.admin_forms import admin_url, catalogue_row, form_data

pytestmark = pytest.mark.django_db

CATALOGUE: list[type[models.Model]] = [
    Source,
    SourcingModel,
    DeliveryOption,
    Activity,
    Industry,
    Benefit,
    Disagreement,
    Reading,
    Criterion,
    Question,
    AnswerOption,
    OptionScore,
    Provider,
]

# The field each page's test edits, and the new value.
EDITED_FIELD: dict[type[models.Model], tuple[str, str]] = {
    Source: ("title", "Renamed source"),
    SourcingModel: ("name", "Renamed model"),
    DeliveryOption: ("name", "Renamed delivery option"),
    Activity: ("name", "Renamed activity"),
    Industry: ("name", "Renamed industry"),
    Benefit: ("name", "Renamed benefit"),
    Disagreement: ("topic", "Renamed disagreement"),
    Criterion: ("name", "Renamed criterion"),
    Question: ("text", "Renamed question?"),
    AnswerOption: ("label", "Renamed option"),
    OptionScore: ("score", "7.00"),
    Provider: ("name", "Renamed provider"),
}

# (page, models the editor may change): every other catalogue model is view-only.
CASES: list[tuple[type[models.Model], frozenset[type[models.Model]]]] = [
    (Criterion, frozenset({Criterion})),
    (Criterion, frozenset({Criterion, Question})),
    (Criterion, frozenset({Criterion, Question, AnswerOption})),
    (Question, frozenset({Question})),
    (Question, frozenset({Question, AnswerOption})),
    (AnswerOption, frozenset({AnswerOption})),
    (Disagreement, frozenset({Disagreement})),
    *[
        (model, frozenset({model}))
        for model in (
            Source,
            SourcingModel,
            DeliveryOption,
            Activity,
            Industry,
            Benefit,
            OptionScore,
            Provider,
        )
    ],
]


def case_id(case: tuple[type[models.Model], frozenset[type[models.Model]]]) -> str:
    page, changes = case
    return f"{page.__name__}-page-changing-" + "-".join(sorted(m.__name__ for m in changes))


def editor_client(client: Any, changes: frozenset[type[models.Model]]) -> Any:
    """A staff user (not a superuser) who views the whole catalogue and may add, change and
    delete the rows of ``changes``."""
    user = factories.UserFactory(username="catalogue-editor", is_staff=True)
    codenames = [f"view_{m._meta.model_name}" for m in CATALOGUE] + [
        f"{action}_{m._meta.model_name}" for m in changes for action in ("add", "change", "delete")
    ]
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="decisions", codename__in=codenames)
    )
    client.force_login(user)
    return client


def children_state() -> tuple[Any, ...]:
    return (
        list(Question.objects.order_by("pk").values_list("pk", "text", "criterion_id")),
        list(AnswerOption.objects.order_by("pk").values_list("pk", "label", "code")),
        list(OptionScore.objects.order_by("pk").values_list("pk", "model_id", "score")),
        list(Reading.objects.order_by("pk").values_list("pk", "statement")),
    )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_change_form_saves_with_view_only_inlines_and_relations(client, catalogue, case):
    page, changes = case
    obj = catalogue_row(page)
    client = editor_client(client, changes)
    url = admin_url(obj, "change")
    field, value = EDITED_FIELD[page]
    before = children_state()

    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    data = form_data(response)
    data[field] = value
    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context and response.context.get(
        "errors"
    )
    obj.refresh_from_db()
    assert str(getattr(obj, field)) == value
    after = children_state()
    if page is OptionScore:
        return  # the edited row is one of the "children"
    if page is AnswerOption:
        assert after[0] == before[0]
        assert after[2:] == before[2:]
    elif page is Question:
        assert after[1:] == before[1:]
    elif page is Disagreement:
        assert after[:3] == before[:3]
    else:
        assert after == before


def test_a_new_option_without_scores_is_refused_when_scores_are_view_only(client, catalogue):
    """The reported path: change criteria, questions and options, only view scores."""
    criterion = Criterion.objects.get(slug="complexity")
    client = editor_client(client, frozenset({Criterion, Question, AnswerOption}))
    url = admin_url(criterion, "change")
    data = form_data(client.get(url))
    index = int(data["questions-0-options-TOTAL_FORMS"])
    prefix = f"questions-0-options-{index}"
    data.update(
        {
            "questions-0-options-TOTAL_FORMS": str(index + 1),
            f"{prefix}-label": "A new answer",
            f"{prefix}-code": "a-new-answer",
            f"{prefix}-explanation": "",
            f"{prefix}-order": "9",
            # Score cells are disabled for this editor: a browser sends none, and a
            # tampered post is ignored (a disabled field keeps its initial value).
            f"{prefix}-score_bpo": "5",
            f"{prefix}-score_kpo": "5",
            f"{prefix}-score_in_house": "5",
        }
    )
    options_before = AnswerOption.objects.filter(question__criterion=criterion).count()

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "Give this option a score for every scored model" in response.content.decode()
    assert AnswerOption.objects.filter(question__criterion=criterion).count() == options_before


def test_a_question_whose_options_the_editor_may_not_delete_is_kept(client, catalogue):
    criterion = Criterion.objects.get(slug="complexity")
    client = editor_client(client, frozenset({Criterion, Question}))
    url = admin_url(criterion, "change")
    data = form_data(client.get(url))
    data["questions-0-DELETE"] = "on"
    before = children_state()

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert escape(str(CANNOT_DELETE_CHILDREN)) in response.content.decode()
    assert children_state() == before
