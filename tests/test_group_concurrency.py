"""Deciding together under concurrency (run on PostgreSQL; SQLite queues the writers).

Same harness as tests/test_concurrency.py: threads with their own connections released
together by a barrier.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from decisions import questionnaire, respondents, services
from decisions.models import Answer, Invitation, Respondent, Settlement
from tests import factories
from tests.conftest import answer_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def together(*jobs) -> list[Any]:
    """Run each ``job()`` in its own thread, released at the same moment."""
    barrier = threading.Barrier(len(jobs))

    def worker(job) -> Any:
        try:
            barrier.wait(timeout=10)
            return job()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(worker, jobs))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def colleague(organization):
    user = factories.UserFactory(username="colleague")
    factories.MembershipFactory(organization=organization, user=user)
    return user


def test_two_respondents_saving_the_same_step_at_once_keep_both_answers(
    catalogue, function, manager, colleague
):
    question = questionnaire.current().questions[0]
    url = reverse("decisions:function-step", args=[function.pk, 1])
    mine, theirs = _client(manager), _client(colleague)

    responses = together(
        lambda: mine.post(url, {"option": question.options[0].pk, "action": "continue"}),
        lambda: theirs.post(url, {"option": question.options[1].pk, "action": "continue"}),
    )

    assert [r.status_code for r in responses] == [HTTPStatus.FOUND] * 2
    answers = dict(
        Answer.objects.filter(function=function).values_list("respondent__user__username", "option")
    )
    assert answers == {"manager": question.options[0].pk, "colleague": question.options[1].pk}
    assert Respondent.objects.filter(function=function).count() == 2


def test_the_owner_settling_while_a_respondent_saves(catalogue, function, manager, colleague):
    answer_all(function, manager)
    questions = questionnaire.current().questions
    for question in questions[:-1]:
        services.answer_save(
            function=function, question=question, option_id=question.options[-1].id, user=colleague
        )
    settled = next(q for q in questions if q.criterion.is_scored)
    last = questions[-1]
    owner, respondent = _client(manager), _client(colleague)
    step = reverse("decisions:function-step", args=[function.pk, len(questions)])
    settle = reverse("decisions:function-settle", args=[function.pk])

    responses = together(
        lambda: respondent.post(step, {"option": last.options[0].pk, "action": "continue"}),
        lambda: owner.post(
            settle,
            {
                "question": settled.pk,
                f"settle-{settled.pk}-option": settled.options[0].pk,
                f"settle-{settled.pk}-note": "agreed",
                "action": "settle",
            },
        ),
    )

    assert [r.status_code for r in responses] == [HTTPStatus.FOUND] * 2
    assert Settlement.objects.filter(function=function).count() == 1
    assert Answer.objects.filter(function=function).count() == 2 * len(questions)
    function.refresh_from_db()
    group = function.stored_result.group
    # Whichever came second recomputed with both: two respondents and the settlement.
    assert group is not None
    assert len(group.respondents) == 2
    assert [s.criterion for s in group.settled] == [settled.criterion.slug]


def test_a_double_clicked_invitation_creates_one_account(catalogue, function, manager):
    tokens: list[str] = []
    respondents.invitation_create(
        assessment=function.assessment,
        functions=[function],
        email="guest@example.com",
        created_by=manager,
        link_for=lambda token: tokens.append(token) or "x",
    )
    url = reverse("decisions:invitation-accept", args=[tokens[0]])
    data = {"username": "guest", "password": "a long secret 42"}
    first, second = Client(), Client()

    responses = together(lambda: first.post(url, data), lambda: second.post(url, data))

    assert [r.status_code for r in responses] == [HTTPStatus.FOUND] * 2
    assert all(r["Location"] == reverse("decisions:dashboard") for r in responses)
    assert User.objects.filter(username="guest").count() == 1
    assert Respondent.objects.filter(function=function, user__username="guest").count() == 1
    assert Invitation.objects.get().used_by.username == "guest"
