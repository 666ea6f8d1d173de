"""Deciding together: respondents, "not sure", settlements, invitations, independence."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from decisions import questionnaire, respondents, services
from decisions.demo_profiles import ARCHETYPES
from decisions.forms import NOT_SURE
from decisions.models import Answer, Invitation, Respondent, Settlement
from decisions.presentation import AssessmentView, FunctionView
from tests import factories
from tests.conftest import answer_all, answer_archetype

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(organization):
    user = factories.UserFactory(username="colleague", first_name="Cara", last_name="Colleague")
    factories.MembershipFactory(organization=organization, user=user)
    return user


def _as(archetype: str, **changes: str):
    codes = {**ARCHETYPES[archetype], **changes}

    def choose(question):
        return next(o for o in question.options if o.code == codes[question.criterion.slug])

    return choose


def test_one_respondent_gives_exactly_the_single_answer_result(function, manager):
    answer_archetype(function, manager, "Payroll processing")
    result = function.stored_result

    assert result.group is None
    assert result.unsure == ()
    assert function.recommended_model.slug == "bpo"
    assert FunctionView(function).group is None
    assert Respondent.objects.get(function=function).submitted


def test_two_respondents_are_aggregated_and_disagreement_is_shown(function, manager, colleague):
    answer_archetype(function, manager, "Payroll processing")
    answer_all(function, colleague, _as("Market research"))

    view = FunctionView(function)
    group = view.group
    assert group is not None
    assert sorted(group.respondents) == ["Cara Colleague", "manager"]
    assert 0 <= group.consensus < 1
    assert group.consensus_words
    assert group.open_disagreements  # routine vs knowledge work pull apart
    assert function.open_disagreements == len(group.open_disagreements)
    individual = dict(group.individual)
    assert "Business" in individual["manager"]
    assert "Knowledge" in individual["Cara Colleague"]
    assert function.stored_result.group.rule == "mean-of-option-scores/v1"


def test_settling_a_criterion_updates_the_recommendation_and_keeps_the_answers(
    function, manager, colleague
):
    answer_archetype(function, manager, "Payroll processing")
    answer_all(function, colleague, _as("Market research"))
    before = function.stored_result.engine.scores
    split = FunctionView(function).group.criteria
    row = next(c for c in split if c.open_disagreement)
    question = questionnaire.current().by_id[row.question_id]
    option = next(o for o in question.options if o.code == ARCHETYPES["Market research"][row.slug])

    respondents.criterion_settle(
        function=function, question=question, option_id=option.id, note="Agreed", user=manager
    )

    function.refresh_from_db()
    group = FunctionView(function).group
    assert function.stored_result.engine.scores != before
    settled = group.settled
    assert [(s.criterion, s.option_label, s.note, s.by) for s in settled] == [
        (row.name, option.label, "Agreed", "manager")
    ]
    assert row.name not in group.open_disagreements
    assert Answer.objects.filter(function=function).count() == 2 * len(questionnaire.current())
    assert Settlement.history.count() == 1


def test_only_the_owner_settles(function, manager, colleague):
    answer_all(function, manager)
    answer_all(function, colleague)
    question = questionnaire.current().questions[0]
    with pytest.raises(Exception, match="owner"):
        respondents.criterion_settle(
            function=function,
            question=question,
            option_id=question.options[0].id,
            note="",
            user=colleague,
        )
    assert not Settlement.objects.exists()


def test_not_sure_is_left_out_and_lowers_the_band(function, manager):
    def choose(question):
        return question.options[0]

    answer_all(function, manager, choose)
    sure_band = FunctionView(function).band
    scored = [q for q in questionnaire.current().questions if q.criterion.is_scored]
    for question in scored[:4]:
        services.answer_save(function=function, question=question, option_id=None, user=manager)
    function.refresh_from_db()

    view = FunctionView(function)
    assert view.unsure_names == [q.criterion.name for q in scored[:4]]
    assert function.unsure_share > 0
    order = ["clear", "leaning", "close-call"]
    assert order.index(view.band.slug) >= order.index(sure_band.slug)


def test_not_sure_is_refused_on_a_question_that_does_not_score(function, manager):
    profile = next(q for q in questionnaire.current().questions if not q.criterion.is_scored)
    with pytest.raises(Exception, match="options"):
        services.answer_save(function=function, question=profile, option_id=None, user=manager)


def test_the_step_form_offers_not_sure(manager_client, function):
    question = next(q for q in questionnaire.current().questions if q.criterion.is_scored)
    url = reverse("decisions:function-step", args=[function.pk, question.number])
    assert "Not sure" in manager_client.get(url).content.decode()

    response = manager_client.post(url, {"option": NOT_SURE, "note": "", "action": "continue"})

    assert response.status_code == HTTPStatus.FOUND
    assert Answer.objects.get(function=function).option is None


def test_a_pending_respondent_does_not_see_the_others_answers(client, function, manager, colleague):
    answer_all(function, manager)
    respondents.respondents_ask(
        assessment=function.assessment,
        functions=[function],
        member=colleague,
        asked_by=manager,
        link="http://testserver/",
    )
    client.force_login(colleague)

    response = client.get(reverse("decisions:function-result", args=[function.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("decisions:function-start", args=[function.pk])
    assert len(mail.outbox) == 1


def test_an_invitation_creates_one_account_once(client, function, manager):
    tokens = []
    respondents.invitation_create(
        assessment=function.assessment,
        functions=[function],
        email="guest@example.com",
        created_by=manager,
        link_for=lambda token: tokens.append(token) or f"http://testserver/i/{token}/",
    )
    invitation = Invitation.objects.get()
    assert invitation.token_hash != tokens[0]
    assert tokens[0] in mail.outbox[0].body
    url = reverse("decisions:invitation-accept", args=[tokens[0]])
    data = {"username": "guest", "password": "a long secret 42"}

    first = client.post(url, data)
    again = client.post(url, data)  # a double click, signed in by now

    assert first.status_code == HTTPStatus.FOUND
    assert again.status_code == HTTPStatus.FOUND
    assert Respondent.objects.filter(function=function, user__username="guest").count() == 1
    client.logout()
    reused = client.post(url, {"username": "other", "password": "a long secret 42"})
    assert reused.status_code == HTTPStatus.NOT_FOUND
    assert "not valid" in reused.content.decode()


def test_a_guest_sees_only_the_functions_they_were_asked_to_answer(client, function, manager):
    other = factories.FunctionAssessmentFactory(assessment=function.assessment, name="Other")
    tokens = []
    respondents.invitation_create(
        assessment=function.assessment,
        functions=[function],
        email="guest@example.com",
        created_by=manager,
        link_for=lambda token: tokens.append(token) or "x",
    )
    client.post(
        reverse("decisions:invitation-accept", args=[tokens[0]]),
        {"username": "guest", "password": "a long secret 42"},
    )

    own = client.get(reverse("decisions:function-step", args=[function.pk, 1]))
    foreign = client.get(reverse("decisions:function-step", args=[other.pk, 1]))
    overview = client.get(reverse("decisions:assessment-detail", args=[function.assessment.pk]))
    result = client.get(reverse("decisions:function-result", args=[function.pk]))

    assert own.status_code == HTTPStatus.OK
    assert foreign.status_code == HTTPStatus.NOT_FOUND
    assert overview.status_code == HTTPStatus.NOT_FOUND
    assert result.status_code == HTTPStatus.NOT_FOUND
    dashboard = client.get(reverse("decisions:dashboard")).content.decode()
    assert function.name in dashboard


def test_a_signed_in_other_user_cannot_use_an_invitation(client, function, manager, colleague):
    tokens = []
    respondents.invitation_create(
        assessment=function.assessment,
        functions=[function],
        email="guest@example.com",
        created_by=manager,
        link_for=lambda token: tokens.append(token) or "x",
    )
    client.force_login(colleague)

    response = client.post(
        reverse("decisions:invitation-accept", args=[tokens[0]]),
        {"username": "guest", "password": "a long secret 42"},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Invitation.objects.get().used_at is None


def test_an_expired_or_guessed_invitation_gets_a_message(client, function, manager):
    guessed = client.get(reverse("decisions:invitation-accept", args=["guess"]))
    assert guessed.status_code == HTTPStatus.NOT_FOUND
    assert "not valid" in guessed.content.decode()


def test_result_page_shows_who_chose_what_and_the_settle_form(
    manager_client, function, manager, colleague
):
    answer_archetype(function, manager, "Payroll processing")
    answer_all(function, colleague, _as("Market research"))

    page = manager_client.get(reverse("decisions:function-result", args=[function.pk]))

    text = page.content.decode()
    assert "The respondents disagree" in text
    assert "What each person" in text
    assert "Cara Colleague" in text
    assert "Settle with an agreed answer" in text


def test_overview_marks_open_disagreement(manager_client, function, manager, colleague):
    answer_archetype(function, manager, "Payroll processing")
    answer_all(function, colleague, _as("Market research"))
    assessment = function.assessment

    view = AssessmentView(assessment, list(assessment.functions.all()))
    page = manager_client.get(reverse("decisions:assessment-detail", args=[assessment.pk]))

    assert view.open_disagreement_count == 1
    assert "Respondents disagree" in page.content.decode()


def test_the_owner_asks_a_member_on_the_respondents_page(manager_client, function, colleague):
    url = reverse("decisions:assessment-respondents", args=[function.assessment.pk])
    response = manager_client.post(
        url, {"ask-member": colleague.pk, "ask-functions": [function.pk]}
    )

    assert response.status_code == HTTPStatus.FOUND
    respondent = Respondent.objects.get(function=function, user=colleague)
    assert respondent.asked_by.username == "manager"
    page = manager_client.get(url).content.decode()
    assert "not yet" in page


def test_a_member_who_is_not_the_owner_cannot_ask(client, function, colleague):
    client.force_login(colleague)
    url = reverse("decisions:assessment-respondents", args=[function.assessment.pk])

    response = client.post(url, {"ask-member": colleague.pk, "ask-functions": [function.pk]})

    assert response.status_code == HTTPStatus.FOUND
    assert not Respondent.objects.exists()


def test_exports_carry_respondents_consensus_and_settlements(
    manager_client, function, manager, colleague
):
    import csv
    import io
    import json

    answer_archetype(function, manager, "Payroll processing")
    answer_all(function, colleague, _as("Market research"))
    question = next(q for q in questionnaire.current().questions if q.criterion.is_scored)
    respondents.criterion_settle(
        function=function,
        question=question,
        option_id=question.options[0].id,
        note="We agreed",
        user=manager,
    )
    pk = function.assessment.pk

    data = json.loads(
        manager_client.get(reverse("decisions:assessment-export-json", args=[pk])).content
    )
    rows = list(
        csv.DictReader(
            io.StringIO(
                manager_client.get(
                    reverse("decisions:assessment-export-csv", args=[pk])
                ).content.decode("utf-8-sig")
            )
        )
    )

    group = data["functions"][0]["group"]
    assert sorted(group["respondents"]) == ["Cara Colleague", "manager"]
    assert group["rule"] == "mean-of-option-scores/v1"
    assert group["settled"][0]["note"] == "We agreed"
    assert {i["respondent"] for i in group["individual"]} == {"Cara Colleague", "manager"}
    assert "Cara Colleague" in rows[0]["group.respondents"]
    assert question.criterion.name in rows[0]["group.settled"]


def test_the_demo_has_two_managers_who_disagree_and_settling_decides():
    from decisions.demo import COMPLETED_TITLE, DEMO_USERS, setup_demo
    from decisions.models import Assessment

    setup_demo()
    setup_demo()  # again: nothing doubles
    assert {"manager", "finance"} <= {u.username for u in DEMO_USERS}
    assessment = Assessment.objects.get(title=COMPLETED_TITLE)
    reporting = assessment.functions.get(name="Monthly management reporting")
    analytics = assessment.functions.get(name="Data analytics")
    assert reporting.respondents.count() == analytics.respondents.count() == 2
    group = FunctionView(reporting).group
    assert reporting.borderline
    assert group.open_disagreements == ["Complexity of the work"]
    assert {model for _name, model in group.individual} == {
        "Business process outsourcing",
        "Knowledge process outsourcing",
    }
    assert FunctionView(analytics).group.open_disagreements

    question = next(
        q for q in questionnaire.current().questions if q.criterion.slug == "complexity"
    )
    maria_choice = next(
        o
        for o in question.options
        if o.code == ARCHETYPES["Monthly management reporting"]["complexity"]
    )
    respondents.criterion_settle(
        function=reporting,
        question=question,
        option_id=maria_choice.id,
        note="Month-end work is a standard cycle.",
        user=assessment.owner,
    )
    reporting.refresh_from_db()
    assert reporting.recommended_model.slug == "bpo"
    assert FunctionView(reporting).group.open_disagreements == []


def test_settling_through_the_page(manager_client, function, manager, colleague):
    answer_archetype(function, manager, "Payroll processing")
    answer_all(function, colleague, _as("Market research"))
    question = next(q for q in questionnaire.current().questions if q.criterion.is_scored)
    url = reverse("decisions:function-settle", args=[function.pk])

    response = manager_client.post(
        url,
        {
            "question": question.pk,
            f"settle-{question.pk}-option": NOT_SURE,
            f"settle-{question.pk}-note": "Nobody knows yet",
            "action": "settle",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    settlement = Settlement.objects.get(function=function)
    assert settlement.option is None
    assert settlement.note == "Nobody knows yet"
    function.refresh_from_db()
    assert question.criterion.slug in function.stored_result.unsure
    page = manager_client.get(reverse("decisions:function-result", args=[function.pk]))
    assert "Nobody knows yet" in page.content.decode()

    manager_client.post(url, {"question": question.pk, "action": "unsettle"})
    assert not Settlement.objects.filter(function=function).exists()


def test_a_tampered_settle_post_gets_a_message(manager_client, function, manager, colleague):
    answer_all(function, manager)
    answer_all(function, colleague)
    url = reverse("decisions:function-settle", args=[function.pk])

    response = manager_client.post(url, {"question": "x", "action": "settle"}, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "no longer exists" in response.content.decode()
    assert not Settlement.objects.exists()


def test_the_stored_group_record_round_trips_and_old_rows_still_load(function, manager, colleague):
    from decisions import records

    answer_archetype(function, manager, "Payroll processing")
    answer_all(function, colleague, _as("Market research"))
    data = function.stored_result.to_json()

    again = records.StoredResult.from_json(data)
    old = records.StoredResult.from_json(
        {k: v for k, v in data.items() if k not in {"group", "unsure", "unsure_share"}}
    )

    assert again == function.stored_result
    assert again.group.respondents == function.stored_result.group.respondents
    assert old.group is None
    assert old.unsure == ()
