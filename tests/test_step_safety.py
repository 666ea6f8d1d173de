"""Nothing typed on a step is lost: Enter saves and continues, notes survive Back and
Save and exit, "Saved" is confirmed, and a step posted after the session expired comes
back filled in after signing in again — for that person only, and never saved unasked."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from decisions import questionnaire
from decisions.models import Answer
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def step_url(function, step):
    return reverse("decisions:function-step", args=[function.pk, step])


@pytest.fixture
def questions():
    return questionnaire.current().questions


def test_save_and_continue_is_the_first_submit_button_so_enter_saves(manager_client, function):
    page = manager_client.get(step_url(function, 2)).content.decode()
    form = page[page.index('class="step-form"') :]
    first_submit = form.index('type="submit"')
    assert form[first_submit : first_submit + 60].count('value="continue"') == 1


def test_an_unanswered_step_shows_an_error_summary_linking_to_the_question(
    manager_client, function
):
    page = manager_client.post(step_url(function, 1), {"action": "continue"}).content.decode()
    summary = page[page.index('id="error-summary"') :]
    assert summary.index("There is a problem") < summary.index('id="question"')
    assert 'href="#id_option_0"' in summary[: summary.index("</div>")]


def test_progress_names_the_position(manager_client, function, questions):
    page = manager_client.get(step_url(function, 3)).content.decode()
    assert f'aria-label="Question 3 of {len(questions)} (0 answered)"' in page


def test_a_note_without_an_answer_is_kept_on_back_and_shown_again(manager_client, function):
    response = manager_client.post(
        step_url(function, 2), {"action": "back", "note": "Ask finance first"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Your note on" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not Answer.objects.exists()
    page = manager_client.get(step_url(function, 2)).content.decode()
    assert "Ask finance first</textarea>" in page


def test_the_kept_note_is_saved_with_the_answer_and_then_forgotten(
    manager_client, function, questions
):
    manager_client.post(step_url(function, 1), {"action": "exit", "note": "Check with HR"})
    page = manager_client.get(step_url(function, 1)).content.decode()
    assert "Check with HR</textarea>" in page
    option = questions[0].options[0]
    manager_client.post(step_url(function, 1), {"option": option.pk, "note": "Checked"})
    assert Answer.objects.get().note == "Checked"
    assert manager_client.session.get("step_note_drafts") == {}


def test_save_and_exit_confirms_saved(manager_client, function, questions):
    option = questions[0].options[0]
    response = manager_client.post(
        step_url(function, 1), {"option": option.pk, "action": "exit"}, follow=True
    )
    assert "Saved." in response.content.decode()


def _sign_in(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=False
    )
    assert response.status_code == HTTPStatus.FOUND
    return response


def test_an_expired_session_keeps_the_submitted_answer_for_the_next_sign_in(
    client, manager, function, questions
):
    option = questions[1].options[1]
    response = client.post(
        step_url(function, 2), {"option": option.pk, "note": "Typed late", "action": "continue"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))
    login_page = client.get(response.url).content.decode()
    assert "Your session expired" in login_page
    assert not Answer.objects.exists()

    _sign_in(client, manager)
    page = client.get(step_url(function, 2)).content.decode()
    assert f'value="{option.pk}" id="id_option_1" checked' in page
    assert "Typed late</textarea>" in page
    assert "before your session expired" in page
    assert "data-unsaved-on-load" in page  # leaving it unsaved asks first
    assert not Answer.objects.exists(), "kept, not saved: the manager saves it"
    # Once only.
    again = client.get(step_url(function, 2)).content.decode()
    assert "Typed late" not in again
    assert "data-unsaved-on-load" not in again


def test_a_kept_submission_is_never_shown_to_someone_outside_the_organisation(
    client, outsider, function, questions
):
    option = questions[1].options[1]
    client.post(step_url(function, 2), {"option": option.pk, "note": "Planted"})
    _sign_in(client, outsider)
    assert client.get(step_url(function, 2)).status_code == HTTPStatus.NOT_FOUND


def test_a_kept_submission_needs_a_sign_in_after_it_was_kept(client, manager, function, questions):
    client.force_login(manager)  # signed in before the draft existed
    session = client.session
    session["step_expired_post"] = {
        "path": step_url(function, 2),
        "option": str(questions[1].options[1].pk),
        "note": "Planted",
        "at": "2999-01-01T00:00:00+00:00",
    }
    session.save()
    assert "Planted" not in client.get(step_url(function, 2)).content.decode()


def test_a_kept_submission_with_a_foreign_option_prefills_only_the_note(
    client, manager, function, questions
):
    foreign = factories.AnswerOptionFactory()
    client.post(step_url(function, 2), {"option": foreign.pk, "note": "Mine"})
    _sign_in(client, manager)
    page = client.get(step_url(function, 2)).content.decode()
    assert "Mine</textarea>" in page
    assert " checked" not in page[page.index('id="question"') : page.index("</fieldset>")]
