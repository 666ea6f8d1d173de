"""Hypothesis-generated form posts to every questionnaire and decision endpoint.

Whatever is posted — random text, missing or repeated fields, overlong and
unicode values, ids of other questions, other organisations or nothing at all —
the answer is a page or a redirect (never a 5xx), and the database holds either
no new row or one complete, valid row: no half-written answer, no assessment
without functions. Each example runs in a savepoint that is rolled back, so
examples do not depend on each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions import questionnaire, services
from decisions.models import (
    Activity,
    Answer,
    AnswerOption,
    Assessment,
    FunctionAssessment,
    SourcingModel,
)
from decisions.models.assessments import NAME_MAX, NOTE_MAX, REASON_MAX
from decisions.services import STALE_FORM
from tests import factories
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # fixtures build the data; examples roll back
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# ---- strategies --------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e3",
    "9" * 40,  # beyond any integer column
    "null",
    "None",
    "[]",
    "{}",
    "true",
    "\x00",
    "\uff11",  # a full-width digit one: int() accepts it
    "\u202e",  # right-to-left override
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "💥" * 3,
    "e\u0301" * 4,
]


def overlong(limit: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda n, ch: ch * n, st.integers(limit - 2, limit * 3), st.sampled_from("aé💥 \n")
    )


def junk(*extra: Any) -> st.SearchStrategy[Any]:
    """One form value: random text, a nasty constant, a number, one of ``extra``."""
    scalars = st.one_of(
        st.text(max_size=40),
        st.sampled_from(NASTY),
        st.integers(-(2**70), 2**70).map(str),
        *(st.sampled_from(list(extra)),) if extra else (),
    )
    return st.one_of(scalars, st.lists(scalars, min_size=2, max_size=4))


def form(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the fields (missing ones are left out), plus an unexpected one."""
    return st.fixed_dictionaries(
        {}, optional={**fields, "unexpected": junk(), "csrfmiddlewaretoken": junk()}
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def post(client: Client, url: str, data: dict[str, Any]):
    response = client.post(url, data)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}, response.status_code
    return response


# ---- questionnaire steps -----------------------------------------------------------------


def answers_of(function: FunctionAssessment) -> dict[int, tuple[int, str]]:
    return {
        question: (option, note)
        for question, option, note in Answer.objects.filter(function=function).values_list(
            "question", "option", "note"
        )
    }


def assert_consistent(function: FunctionAssessment) -> None:
    """Progress counters and the stored recommendation agree with the answer rows."""
    function.refresh_from_db()
    answers = Answer.objects.filter(function=function).select_related("option")
    for answer in answers:
        answer.full_clean()
        assert answer.option.question_id == answer.question_id
        assert len(answer.note) <= NOTE_MAX
    questions = [q.id for q in questionnaire.current().questions]
    assert function.answered_count == len(answers)
    complete = len(answers) == len(questions)
    assert (function.status == FunctionAssessment.Status.RECOMMENDED) is complete
    assert (function.result is not None) is complete


def answer_first(function: FunctionAssessment, count: int) -> FunctionAssessment:
    """Answer the first ``count`` questions (first option) through the service."""
    for question in questionnaire.current().questions[:count]:
        services.answer_save(
            function=function,
            question=question,
            option_id=question.options[0].id,
            user=function.assessment.owner,
        )
    function.refresh_from_db()
    return function


@pytest.fixture
def half_answered(function):
    return answer_first(function, len([q.id for q in questionnaire.current().questions]) // 2)


@pytest.fixture
def all_but_last_answered(function):
    return answer_first(function, len([q.id for q in questionnaire.current().questions]) - 1)


@FUZZ
@given(data=st.data())
def test_step_posts_never_fail_or_half_write(manager_client, half_answered, outsider, data):
    function = half_answered
    questions = questionnaire.current().questions
    foreign_options = list(AnswerOption.objects.values_list("pk", flat=True))
    step = data.draw(st.integers(1, len(questions)), label="step")
    question = questions[step - 1]
    own = [str(option.pk) for option in question.options]
    payload = data.draw(
        form(
            {
                "option": st.one_of(st.sampled_from(own), junk(*own, *foreign_options, 10**9)),
                "note": st.one_of(st.text(max_size=200), overlong(NOTE_MAX), junk()),
                "action": st.one_of(st.sampled_from(["continue", "back", "exit"]), junk()),
            }
        ),
        label="payload",
    )
    query = data.draw(st.sampled_from(["", "?from=review", "?from=" + "x" * 300]))
    url = reverse("decisions:function-step", args=[function.pk, step]) + query

    with rolled_back():
        before = answers_of(function)
        response = post(manager_client, url, payload)
        after = answers_of(function)

        changed = {q for q in before.keys() | after.keys() if before.get(q) != after.get(q)}
        assert changed <= {question.pk}
        if response.status_code == HTTPStatus.OK:  # the form again, with its errors
            assert after == before
        if question.pk in changed:
            assert str(after[question.pk][0]) in own
        assert_consistent(function)


@FUZZ
@given(data=st.data())
def test_posts_to_the_last_step_compute_one_complete_result(
    manager_client, all_but_last_answered, data
):
    """The step that completes the questionnaire: the recommendation is all or nothing."""
    function = all_but_last_answered
    questions = questionnaire.current().questions
    last = questions[-1]
    own = [str(option.pk) for option in last.options]
    payload = data.draw(
        form(
            {
                "option": st.one_of(st.sampled_from(own), junk(*own)),
                "note": st.one_of(st.text(max_size=50), overlong(NOTE_MAX)),
                "action": st.one_of(st.just("continue"), junk()),
            }
        )
    )
    url = reverse("decisions:function-step", args=[function.pk, len(questions)])

    with rolled_back():
        post(manager_client, url, payload)
        assert_consistent(function)
        if function.result is not None:
            assert function.snapshot
            assert function.recommended_model_id is not None
            assert function.computed_at is not None


# ---- the result page: final decision and recompute ---------------------------------------


@FUZZ
@given(data=st.data())
def test_decision_posts_never_fail_or_half_write(manager_client, recommended_function, data):
    function = recommended_function
    models = [str(pk) for pk in SourcingModel.objects.values_list("pk", flat=True)]
    payload = data.draw(
        form(
            {
                "final_model": st.one_of(st.sampled_from(models), junk(*models)),
                "reason": st.one_of(st.text(max_size=100), overlong(REASON_MAX), junk()),
            }
        )
    )
    url = reverse("decisions:function-result", args=[function.pk])

    with rolled_back():
        before = FunctionAssessment.objects.values("final_model", "final_reason", "decided_at").get(
            pk=function.pk
        )
        response = post(manager_client, url, payload)
        function.refresh_from_db()

        if response.status_code == HTTPStatus.OK:
            assert (function.final_model_id, function.final_reason, function.decided_at) == (
                before["final_model"],
                before["final_reason"],
                before["decided_at"],
            )
        else:
            assert function.final_model_id is not None
            assert function.decided_at is not None
            assert function.decided_by_id is not None
            assert len(function.final_reason) <= REASON_MAX
            if function.final_model_id != function.recommended_model_id:
                assert function.final_reason.strip()
        assert_consistent(function)


@FUZZ
@given(payload=form({"final_model": junk(), "reason": junk(), "option": junk()}))
def test_recompute_posts_never_fail(manager_client, recommended_function, payload):
    function = recommended_function
    url = reverse("decisions:function-recompute", args=[function.pk])
    with rolled_back():
        before = answers_of(function)
        response = post(manager_client, url, payload)
        assert response.status_code == HTTPStatus.FOUND
        assert answers_of(function) == before
        assert_consistent(function)


# ---- a new assessment ----------------------------------------------------------------------


@pytest.fixture
def foreign(outsider):
    """Another organisation's rows, whose ids a member must not be able to use."""
    organization = outsider.memberships.get().organization
    assessment = factories.AssessmentFactory(
        organization=organization, owner=outsider, request_token=uuid.uuid4()
    )
    factories.FunctionAssessmentFactory(assessment=assessment)
    return {"organization": organization, "assessment": assessment}


@FUZZ
@given(data=st.data())
def test_assessment_create_posts_never_fail_or_half_write(
    manager_client, manager, organization, foreign, data
):
    activities = [str(pk) for pk in Activity.objects.values_list("pk", flat=True)[:6]]
    own_org, other_org = str(organization.pk), str(foreign["organization"].pk)
    name = st.one_of(st.text(max_size=30), overlong(NAME_MAX), st.sampled_from(["Payroll", " "]))
    rows = {
        f"custom-{i}-{field}": strategy
        for i in range(3)
        for field, strategy in (("name", name), ("activity", junk(*activities)))
    }
    payload = data.draw(
        form(
            {
                "organization": st.one_of(st.just(own_org), junk(own_org, other_org)),
                "title": st.one_of(st.text(min_size=1, max_size=40), overlong(NAME_MAX), junk()),
                "activities": st.one_of(
                    st.lists(st.sampled_from(activities), max_size=4), junk(*activities)
                ),
                "request_token": st.one_of(
                    st.uuids().map(str),
                    st.just(str(foreign["assessment"].request_token)),
                    junk(),
                ),
                "custom-TOTAL_FORMS": st.one_of(st.sampled_from(["3", "0", "25"]), junk()),
                "custom-INITIAL_FORMS": st.one_of(st.just("0"), junk()),
                "custom-MIN_NUM_FORMS": st.one_of(st.just("0"), junk()),
                "custom-MAX_NUM_FORMS": st.one_of(st.just("20"), junk()),
                **rows,
            }
        )
    )

    with rolled_back():
        count = Assessment.objects.count()
        response = post(manager_client, reverse("decisions:assessment-create"), payload)

        assert not Assessment.objects.filter(functions__isnull=True).exists()
        new = Assessment.objects.count() - count
        if response.status_code == HTTPStatus.OK:
            assert new == 0
        else:
            assert new in {0, 1}
            match = resolve(response["Location"])
            assert match.url_name == "assessment-detail"
            created = Assessment.objects.get(pk=match.kwargs["pk"])
            assert created.organization_id == organization.pk
            names = list(created.functions.values_list("name", flat=True))
            assert names
            assert all(0 < len(n) <= NAME_MAX and n == n.strip() for n in names)
        assert foreign["assessment"].functions.count() == 1


def test_the_half_answered_function_is_half_answered(half_answered):
    """The fuzzed steps start from a mix of answered and unanswered questions."""
    total = len([q.id for q in questionnaire.current().questions])
    assert 0 < half_answered.answered_count < total
    assert_consistent(half_answered)


def test_answer_all_is_consistent(function, manager):
    assert_consistent(answer_all(function, manager))


def test_a_request_token_of_someone_elses_assessment_is_refused_not_an_error(
    manager_client, manager, organization, foreign
):
    payload = {
        "organization": organization.pk,
        "title": "Reused token",
        "activities": [Activity.objects.order_by("pk").first().pk],
        "request_token": str(foreign["assessment"].request_token),
        "custom-TOTAL_FORMS": "0",
        "custom-INITIAL_FORMS": "0",
    }

    response = post(manager_client, reverse("decisions:assessment-create"), payload)

    assert response.status_code == HTTPStatus.OK
    assert str(STALE_FORM) in response.content.decode()
    assert not Assessment.objects.filter(owner=manager).exists()


@pytest.mark.parametrize("huge", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_an_id_beyond_any_integer_column_is_an_invalid_choice(manager_client, organization, huge):
    """Found by the fuzzing above: on SQLite it raised OverflowError (a 500)."""
    payload = {
        "organization": organization.pk,
        "title": "Huge ids",
        "activities": [huge],
        "request_token": str(uuid.uuid4()),
        "custom-TOTAL_FORMS": "1",
        "custom-INITIAL_FORMS": "0",
        "custom-0-name": "Payroll",
        "custom-0-activity": huge,
    }

    response = post(manager_client, reverse("decisions:assessment-create"), payload)

    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.filter(title="Huge ids").exists()
