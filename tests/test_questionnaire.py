"""The questionnaire steps and the review page."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from decisions import questionnaire
from decisions.models import Answer, FunctionAssessment
from tests import factories
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db


def step_url(function, step):
    return reverse("decisions:function-step", args=[function.pk, step])


@pytest.fixture
def questions():
    return questionnaire.current().questions


def test_step_shows_both_sides_and_the_question(manager_client, function, questions):
    response = manager_client.get(step_url(function, 1))
    assert response.status_code == HTTPStatus.OK
    criterion = questions[0].criterion
    page = response.content.decode()
    assert criterion.name in page
    assert criterion.bpo_side in page
    assert criterion.kpo_side in page
    assert questions[0].text in page
    assert f"Question 1 of {len(questions)}" in page
    for option in questions[0].options:
        assert option.label in page


def test_every_step_renders(manager_client, function, questions):
    for number, question in enumerate(questions, start=1):
        response = manager_client.get(step_url(function, number))
        assert question.text in response.content.decode()


def test_delivery_and_office_questions_are_part_of_the_flow(questions):
    slugs = [q.criterion.slug for q in questions]
    assert "delivery-location" in slugs
    assert "office" in slugs


def test_step_requires_login(client, function):
    response = client.get(step_url(function, 1))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_step_checks_ownership(outsider_client, function):
    assert outsider_client.get(step_url(function, 1)).status_code == HTTPStatus.NOT_FOUND
    option = questionnaire.current().questions[0].options[0]
    response = outsider_client.post(step_url(function, 1), {"option": option.pk})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Answer.objects.exists()


@pytest.mark.parametrize("step", [0, 99])
def test_step_out_of_range_is_404(manager_client, function, step):
    assert manager_client.get(step_url(function, step)).status_code == HTTPStatus.NOT_FOUND


def test_unknown_function_is_404(manager_client):
    assert manager_client.get(step_url(type("F", (), {"pk": 999999}), 1)).status_code == 404


def test_step_wrong_method(manager_client, function):
    assert manager_client.put(step_url(function, 1)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert manager_client.delete(step_url(function, 1)).status_code == 405


def test_save_and_continue_saves_and_moves_on(manager_client, manager, function, questions):
    option = questions[0].options[1]
    response = manager_client.post(
        step_url(function, 1),
        {"option": option.pk, "note": "  Checked with HR  ", "action": "continue"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == step_url(function, 2) + "#question"
    answer = Answer.objects.get(function=function, question_id=questions[0].id)
    assert answer.option_id == option.id
    assert answer.note == "Checked with HR"
    assert answer.answered_by == manager
    function.refresh_from_db()
    assert function.answered_count == 1
    assert function.status == FunctionAssessment.Status.IN_PROGRESS
    # The saved answer is shown when the step is opened again.
    page = manager_client.get(step_url(function, 1)).content.decode()
    checked = re.findall(r'<input[^>]*type="radio"[^>]*value="(\d+)"[^>]*\schecked', page)
    assert checked == [str(option.pk)]
    assert "Checked with HR" in page


def test_changing_an_answer_keeps_one_row(manager_client, function, questions):
    first, second = questions[0].options[:2]
    manager_client.post(step_url(function, 1), {"option": first.pk})
    manager_client.post(step_url(function, 1), {"option": second.pk})
    assert Answer.objects.filter(function=function).count() == 1
    assert Answer.objects.get(function=function).option_id == second.id


@pytest.mark.parametrize("value", ["", "999999", "abc", "1 OR 1=1"])
def test_bad_option_is_a_form_error(manager_client, function, value):
    response = manager_client.post(step_url(function, 1), {"option": value, "action": "continue"})
    assert response.status_code == HTTPStatus.OK
    assert "alert-danger" in response.content.decode()
    assert not Answer.objects.exists()


def test_option_of_another_question_is_refused(manager_client, function, questions):
    foreign = questions[1].options[0]
    response = manager_client.post(step_url(function, 1), {"option": foreign.pk})
    assert response.status_code == HTTPStatus.OK
    assert "Choose one of the options offered for this question." in response.content.decode()
    assert not Answer.objects.exists()


def test_overlong_note_is_refused(manager_client, function, questions):
    option = questions[0].options[0]
    response = manager_client.post(step_url(function, 1), {"option": option.pk, "note": "x" * 1001})
    assert response.status_code == HTTPStatus.OK
    assert "at most 1000 characters" in response.content.decode()
    assert not Answer.objects.exists()


def test_back_without_answer_saves_nothing(manager_client, function):
    response = manager_client.post(step_url(function, 3), {"action": "back"})
    assert response.url == step_url(function, 2) + "#question"
    assert not Answer.objects.exists()


def test_back_on_first_step_returns_to_assessment(manager_client, function):
    response = manager_client.post(step_url(function, 1), {"action": "back"})
    assert response.url == reverse("decisions:assessment-detail", args=[function.assessment_id])


def test_save_and_exit_saves_and_leaves(manager_client, function, questions):
    option = questions[0].options[0]
    response = manager_client.post(step_url(function, 1), {"option": option.pk, "action": "exit"})
    assert response.url.startswith(
        reverse("decisions:assessment-detail", args=[function.assessment_id])
    )
    assert Answer.objects.filter(function=function).count() == 1


def test_unknown_action_counts_as_continue(manager_client, function, questions):
    option = questions[0].options[0]
    response = manager_client.post(
        step_url(function, 1), {"option": option.pk, "action": "drop table"}
    )
    assert response.url == step_url(function, 2) + "#question"


def test_resume_goes_to_first_unanswered_step(manager_client, function, questions):
    for number in (1, 2, 4):
        manager_client.post(
            step_url(function, number), {"option": questions[number - 1].options[0].pk}
        )
    response = manager_client.get(reverse("decisions:function-start", args=[function.pk]))
    assert response.url == step_url(function, 3)


def test_last_step_leads_to_review_and_a_recommendation(
    manager_client, manager, function, questions
):
    answer_all(function, manager)
    last = len(questions)
    response = manager_client.post(
        step_url(function, last), {"option": questions[-1].options[0].pk}
    )
    assert response.url == reverse("decisions:function-review", args=[function.pk])
    function.refresh_from_db()
    assert function.status == FunctionAssessment.Status.RECOMMENDED
    assert function.recommended_model is not None
    start = manager_client.get(reverse("decisions:function-start", args=[function.pk]))
    assert start.url == reverse("decisions:function-review", args=[function.pk])


def test_editing_from_review_returns_to_review(manager_client, function, questions):
    url = step_url(function, 2) + "?from=review"
    response = manager_client.post(url, {"option": questions[1].options[0].pk})
    assert response.url == reverse("decisions:function-review", args=[function.pk])


def test_functions_answered_in_parallel_do_not_interfere(manager_client, assessment, questions):
    one = factories.FunctionAssessmentFactory(assessment=assessment, name="Payroll")
    two = factories.FunctionAssessmentFactory(assessment=assessment, name="Market research")
    first, last = questions[0].options[0], questions[0].options[-1]
    manager_client.post(step_url(one, 1), {"option": first.pk})
    manager_client.post(step_url(two, 1), {"option": last.pk})
    manager_client.post(step_url(one, 2), {"option": questions[1].options[0].pk})
    assert Answer.objects.get(function=one, question_id=questions[0].id).option_id == first.id
    assert Answer.objects.get(function=two, question_id=questions[0].id).option_id == last.id
    assert one.answers.count() == 2
    assert two.answers.count() == 1


def test_review_lists_answers_with_edit_links(manager_client, manager, function, questions):
    answer_all(function, manager)
    response = manager_client.get(reverse("decisions:function-review", args=[function.pk]))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for number, question in enumerate(questions, start=1):
        assert question.criterion.name in page
        assert step_url(function, number) + "?from=review" in page
    assert "See the recommendation" in page


def _most(question, model_a, model_b):
    """The option of a question that favours model_a over model_b the most."""

    def pull(option):
        return option.scores[model_a] - option.scores[model_b]

    return max(question.options, key=pull)


def test_review_flags_contradictory_answers(manager_client, manager, function, questions):
    by_slug = {q.criterion.slug: q for q in questions}
    picks = {
        "task-definition": _most(by_slug["task-definition"], "bpo", "kpo"),
        "complexity": _most(by_slug["complexity"], "kpo", "bpo"),
    }
    answer_all(function, manager, lambda q: picks.get(q.criterion.slug, q.options[0]))
    page = manager_client.get(
        reverse("decisions:function-review", args=[function.pk])
    ).content.decode()
    assert "Some answers contradict each other" in page
    assert picks["task-definition"].label in page
    assert picks["complexity"].label in page


def test_consistent_answers_are_not_flagged(manager_client, manager, function):
    answer_all(function, manager)  # the first option is the most BPO-like everywhere
    page = manager_client.get(
        reverse("decisions:function-review", args=[function.pk])
    ).content.decode()
    assert "Some answers contradict each other" not in page


def test_review_checks_ownership(outsider_client, function):
    url = reverse("decisions:function-review", args=[function.pk])
    assert outsider_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert outsider_client.post(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def _query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(ctx.captured_queries)


@pytest.mark.parametrize("which", ["step", "review"])
def test_query_count_does_not_grow_with_functions(manager_client, manager, assessment, which):
    function = factories.FunctionAssessmentFactory(assessment=assessment)
    answer_all(function, manager)
    url = (
        step_url(function, 2)
        if which == "step"
        else reverse("decisions:function-review", args=[function.pk])
    )
    few = _query_count(manager_client, url)
    factories.FunctionAssessmentFactory.create_batch(49, assessment=assessment)
    many = _query_count(manager_client, url)
    assert few == many
