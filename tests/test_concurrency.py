"""Two requests at the same moment, on PostgreSQL and on SQLite.

Each request runs in its own thread with its own database connection, and a
barrier releases them together: the way a double-clicked submit or two open
tabs reach the server. Whatever the interleaving, the database ends with
exactly one answer, one recommendation, one assessment — and neither request
gets an error page.

PostgreSQL serialises the writers with row locks (``select_for_update``).
SQLite has one lock for the whole file: its transactions start IMMEDIATE (they
take the write lock at BEGIN and wait up to the busy timeout for it), so a
second writer queues instead of failing with "database is locked". On SQLite
the test database is a file (tests/conftest.py), so the threads really are
separate connections to one database.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from decisions import questionnaire, services
from decisions.models import Activity, Answer, Assessment, FunctionAssessment, SourcingModel
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 2  # requests released together


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at_once(send: Callable[[Client], Any], user, count: int = ATTEMPTS) -> list[Any]:
    """Run ``send(client)`` in ``count`` threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def worker(_index: int) -> Any:
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            return send(client)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_the_same_step_saved_twice_at_once_keeps_one_answer(catalogue, function, manager):
    question = questionnaire.current().questions[0]
    option = question.options[1]
    url = reverse("decisions:function-step", args=[function.pk, 1])

    responses = at_once(
        lambda client: client.post(url, {"option": option.pk, "action": "continue"}), manager
    )

    for response in responses:
        assert response.status_code == HTTPStatus.FOUND
        step_two = reverse("decisions:function-step", args=[function.pk, 2])
        assert response["Location"] == step_two + "#question"
    answers = Answer.objects.filter(function=function)
    assert answers.count() == 1
    assert answers.get().option_id == option.pk
    function.refresh_from_db()
    assert function.answered_count == 1


def test_two_tabs_answering_the_same_step_differently_keep_one_answer(catalogue, function, manager):
    question = questionnaire.current().questions[0]
    first, second = question.options[0], question.options[1]
    url = reverse("decisions:function-step", args=[function.pk, 1])
    options = iter([first.pk, second.pk])
    lock = threading.Lock()

    def send(client: Client):
        with lock:
            option = next(options)
        return client.post(url, {"option": option, "action": "continue"})

    responses = at_once(send, manager)

    assert [r.status_code for r in responses] == [HTTPStatus.FOUND] * 2
    answer = Answer.objects.get(function=function)
    assert answer.option_id in {first.pk, second.pk}  # the last writer wins, whole
    function.refresh_from_db()
    assert function.answered_count == 1


def test_a_double_clicked_last_step_makes_one_recommendation(catalogue, function, manager):
    questions = questionnaire.current().questions
    for question in questions[:-1]:
        services.answer_save(
            function=function, question=question, option_id=question.options[0].id, user=manager
        )
    last = questions[-1]
    url = reverse("decisions:function-step", args=[function.pk, len(questions)])

    responses = at_once(
        lambda client: client.post(url, {"option": last.options[0].pk, "action": "continue"}),
        manager,
    )

    review = reverse("decisions:function-review", args=[function.pk])
    for response in responses:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == review
    assert Answer.objects.filter(function=function).count() == len(questions)
    function.refresh_from_db()
    assert function.status == FunctionAssessment.Status.RECOMMENDED
    assert function.answered_count == len(questions)
    assert function.result is not None
    assert function.recommended_model_id is not None
    assert function.previous is None  # computed once per catalogue version, not stacked
    assert function.assessment.status == Assessment.Status.IN_PROGRESS  # no final decision yet


def test_a_double_clicked_new_assessment_creates_one(catalogue, manager, organization):
    token = str(uuid.uuid4())
    activities = list(Activity.objects.order_by("pk").values_list("pk", flat=True)[:2])
    form = {
        "organization": organization.pk,
        "title": "Double click",
        "activities": activities,
        "request_token": token,
        "custom-TOTAL_FORMS": "3",
        "custom-INITIAL_FORMS": "0",
        "custom-MIN_NUM_FORMS": "0",
        "custom-MAX_NUM_FORMS": "20",
    }

    responses = at_once(
        lambda client: client.post(reverse("decisions:assessment-create"), form), manager
    )

    assessment = Assessment.objects.get()
    assert str(assessment.request_token) == token
    assert assessment.functions.count() == len(activities)
    detail = reverse("decisions:assessment-detail", args=[assessment.pk])
    for response in responses:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == detail


def test_recompute_clicked_twice_keeps_one_consistent_result(catalogue, function, manager):
    answer_all(function, manager)
    stored = FunctionAssessment.objects.get(pk=function.pk).result
    url = reverse("decisions:function-recompute", args=[function.pk])

    responses = at_once(lambda client: client.post(url), manager)

    for response in responses:
        assert response.status_code == HTTPStatus.FOUND
    function.refresh_from_db()
    assert function.result == stored
    assert function.previous is None


def test_a_recompute_beside_a_decision_keeps_both(catalogue, function, manager):
    answer_all(function, manager)
    stored = FunctionAssessment.objects.get(pk=function.pk).result
    other = SourcingModel.objects.exclude(pk=function.recommended_model_id).first()
    recompute = reverse("decisions:function-recompute", args=[function.pk])
    decide = reverse("decisions:function-result", args=[function.pk])
    requests = iter([None, {"final_model": other.pk, "reason": "Board decision"}])
    lock = threading.Lock()

    def send(client: Client):
        with lock:
            payload = next(requests)
        return client.post(decide, payload) if payload else client.post(recompute)

    responses = at_once(send, manager)

    assert [r.status_code for r in responses] == [HTTPStatus.FOUND] * ATTEMPTS
    function.refresh_from_db()
    assert function.result == stored
    assert function.final_model_id == other.pk
    assert function.final_reason == "Board decision"
    assert function.decided_by_id == manager.pk


def test_parallel_new_assessments_do_not_pass_the_hourly_cap(
    catalogue, manager, organization, settings
):
    settings.ASSESSMENTS_PER_HOUR = 1
    forms = iter(
        {
            "organization": organization.pk,
            "title": f"Parallel {i}",
            "request_token": str(uuid.uuid4()),
            "custom-TOTAL_FORMS": "1",
            "custom-INITIAL_FORMS": "0",
            "custom-0-name": "Payroll",
        }
        for i in range(ATTEMPTS)
    )
    lock = threading.Lock()

    def send(client: Client):
        with lock:
            form = next(forms)
        return client.post(reverse("decisions:assessment-create"), form)

    responses = at_once(send, manager)

    assert sorted(r.status_code for r in responses) == [HTTPStatus.OK, HTTPStatus.FOUND]
    assert Assessment.objects.count() == 1
