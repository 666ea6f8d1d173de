"""Roles, versions, approval with frozen reports, and reports rendered in the background.

Tasks run on the immediate backend (tests/testenv.py) unless a test switches to the
dummy backend, which keeps what is enqueued without running it: a report then stays
"waiting for a worker", as it does until a ``db_worker`` takes it.
"""

from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.tasks import default_task_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from decisions import approvals, questionnaire, services
from decisions.models import (
    AssessmentVersion,
    FrozenReport,
    Membership,
    ReportRender,
    RiskType,
    SourcingModel,
    VersionTransition,
)
from decisions.reports.pdf import PDFReport
from tests import factories
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def approver(organization):
    user = factories.UserFactory(username="approver", first_name="Olivia", last_name="Brandt")
    factories.MembershipFactory(organization=organization, user=user, role="approver")
    return user


@pytest.fixture
def approver_client(approver):
    """A browser of its own: ``manager_client`` is pytest-django's ``client``."""
    client = Client()
    client.force_login(approver)
    return client


@pytest.fixture
def member(organization):
    user = factories.UserFactory(username="member")
    factories.MembershipFactory(organization=organization, user=user, role="member")
    return user


@pytest.fixture
def ready(recommended_function):
    """The assessment of a recommended function, loaded as views load it."""
    from decisions import selectors

    return selectors.get_assessment_for_user(
        recommended_function.assessment.owner, recommended_function.assessment_id
    )


@pytest.fixture
def dummy_tasks(settings):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    return default_task_backend


def detail_url(assessment) -> str:
    return reverse("decisions:report-detail", args=[assessment.pk])


def submit(client, assessment, approver, *, follow=False, **extra):
    return client.post(
        reverse("decisions:approval-submit", args=[assessment.pk]),
        {"approver": approver.pk, **extra},
        follow=follow,
    )


def decide(client, version, action, comment=""):
    return client.post(
        reverse("decisions:version-decide", args=[version.assessment_id, version.pk]),
        {"action": action, "comment": comment},
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---- roles -------------------------------------------------------------------------------


def test_the_owner_gives_roles_on_the_members_page(manager_client, organization, member):
    url = reverse("decisions:organization-members", args=[organization.pk])
    page = manager_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "member" in page.content.decode()

    membership = Membership.objects.get(user=member)
    response = manager_client.post(
        url, {"membership": membership.pk, "role": "approver"}, follow=True
    )

    membership.refresh_from_db()
    assert membership.role == "approver"
    assert any("is now approver" in m for m in messages_of(response))
    assert membership.history.count() == 2  # created, then the role changed


def test_a_member_who_is_not_the_owner_gets_404_on_the_members_page(
    client, organization, member, manager
):
    client.force_login(member)
    url = reverse("decisions:organization-members", args=[organization.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    own = Membership.objects.get(user=member)
    response = client.post(url, {"membership": own.pk, "role": "owner"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    own.refresh_from_db()
    assert own.role == "member"


def test_the_last_owner_cannot_step_down(manager_client, organization, manager):
    url = reverse("decisions:organization-members", args=[organization.pk])
    own = Membership.objects.get(user=manager)

    response = manager_client.post(url, {"membership": own.pk, "role": "member"}, follow=True)

    own.refresh_from_db()
    assert own.role == "owner"
    assert str(approvals.LAST_OWNER) in messages_of(response)


@pytest.mark.parametrize(
    "data",
    [
        {"membership": "x", "role": "member"},
        {"role": "member"},
        {"membership": "1", "role": "emperor"},
    ],
)
def test_tampered_role_posts_get_a_message(manager_client, organization, member, data):
    url = reverse("decisions:organization-members", args=[organization.pk])
    response = manager_client.post(url, data, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "Choose one of the roles offered." in messages_of(response)
    assert Membership.objects.get(user=member).role == "member"


def test_a_foreign_membership_id_is_404(manager_client, organization, outsider):
    url = reverse("decisions:organization-members", args=[organization.pk])
    foreign = Membership.objects.get(user=outsider)
    response = manager_client.post(url, {"membership": foreign.pk, "role": "owner"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    foreign.refresh_from_db()
    assert foreign.role == "member"


def test_first_members_become_owners_in_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("decisions.migrations.0015_approval_first_member_owner")
    first = factories.MembershipFactory()
    second = factories.MembershipFactory(organization=first.organization)
    other = factories.MembershipFactory()
    migration.first_member_owns(apps, None)
    roles = dict(Membership.objects.values_list("pk", "role"))
    assert roles[first.pk] == roles[other.pk] == "owner"
    assert roles[second.pk] == "member"


# ---- the content fingerprint -----------------------------------------------------------


def test_the_fingerprint_moves_with_every_kind_of_edit(ready, recommended_function, manager):
    seen = {approvals.content_fingerprint(ready)}
    assert approvals.content_fingerprint(ready) in seen  # stable when nothing changes

    def changed() -> bool:
        fingerprint = approvals.content_fingerprint(ready)
        fresh = fingerprint not in seen
        seen.add(fingerprint)
        return fresh

    question = questionnaire.current().questions[0]
    services.answer_save(
        function=recommended_function,
        question=question,
        option_id=question.options[1].id,
        user=manager,
    )
    assert changed(), "an answer"
    recommended_function.refresh_from_db()
    services.recommendation_recompute(function=recommended_function)
    assert changed(), "a recompute"
    other = SourcingModel.objects.exclude(pk=recommended_function.recommended_model_id).first()
    services.decision_record(
        function=recommended_function, final_model=other, reason="Board call.", user=manager
    )
    assert changed(), "a decision"
    services.business_case_save(
        function=recommended_function,
        user=manager,
        currency=ready.organization.currency,
        annual_cost=None,
        ftes=Decimal(4),
        cost_per_fte=Decimal(60000),
        yearly_volume=None,
    )
    assert changed(), "a business case"
    risk = RiskType.objects.first()
    services.risks_save(
        function=recommended_function,
        user=manager,
        ratings=[services.RatingInput(risk_type=risk, likelihood=2, impact=3)],
    )
    assert changed(), "a risk"
    services.business_case_delete(function=recommended_function)
    assert changed(), "a deletion"


def test_the_fingerprint_takes_a_few_queries_whatever_the_size(ready, manager):
    for number in range(5):
        factories.FunctionAssessmentFactory(assessment=ready, name=f"F{number}", order=number)
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        approvals.content_fingerprint(ready)
    assert len(queries) == 7


# ---- approval ----------------------------------------------------------------------------


def test_submit_approve_freezes_the_report_and_the_page_shows_its_hash(
    manager_client, client, ready, approver
):
    response = submit(manager_client, ready, approver)
    assert response.status_code == HTTPStatus.FOUND
    version = AssessmentVersion.objects.get(assessment=ready)
    assert (version.number, version.state, version.submitted_to) == (1, "submitted", approver)

    client.force_login(approver)
    page = client.get(detail_url(ready)).content.decode()
    assert "Approve version 1" in page
    decide(client, version, "approve", "Go ahead.")

    version.refresh_from_db()
    assert version.state == "approved"
    frozen = FrozenReport.objects.get(version=version)
    page = client.get(detail_url(ready)).content.decode()
    shown = re.search(r"data-frozen-sha256>([0-9a-f]{64})<", page).group(1)
    download = client.get(reverse("decisions:version-report", args=[ready.pk, version.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(download.content).hexdigest() == shown == frozen.sha256
    assert [t.action for t in VersionTransition.objects.filter(version=version)] == [
        "submit",
        "approve",
        "freeze",
    ]
    actors = list(VersionTransition.objects.values_list("actor__username", flat=True))
    assert actors == ["manager", "approver", None]


def test_the_frozen_report_tells_the_document_it_is_approved(ready, manager, approver, monkeypatch):
    controls = []
    real = PDFReport.render

    def spy(self, assessment, functions, *, document=None, include_appendix=False):
        controls.append(document)
        return real(self, assessment, functions, document=document, include_appendix=False)

    monkeypatch.setattr(PDFReport, "render", spy)
    version = approvals.version_submit(
        assessment=ready, user=manager, approver_id=approver.pk, include_appendix=True
    )
    approvals.version_approve(version=version, user=approver)

    (control,) = controls
    assert control.status == "Approved"
    assert control.approved_by == "Olivia Brandt"
    assert control.fingerprint == version.fingerprint
    assert control.include_appendix is True
    assert control.version == 1


def test_frozen_bytes_never_change_after_later_edits(
    manager_client, ready, recommended_function, manager, approver
):
    version = approvals.version_submit(
        assessment=ready, user=manager, approver_id=approver.pk, include_appendix=False
    )
    approvals.version_approve(version=version, user=approver)
    frozen = FrozenReport.objects.get(version=version)
    before = bytes(frozen.content)

    services.recommendation_recompute(function=recommended_function)
    state = approvals.version_state(ready)
    assert state.number == 2
    assert state.is_draft
    page = manager_client.get(detail_url(ready)).content.decode()
    assert "this is a new version, which needs approval again" in page
    assert "Submit version 2 for approval" in page
    approvals.report_freeze(version_id=version.pk)  # again: keeps the first bytes

    download = manager_client.get(reverse("decisions:version-report", args=[ready.pk, version.pk]))
    assert download.content == before
    assert hashlib.sha256(download.content).hexdigest() == frozen.sha256
    assert FrozenReport.objects.count() == 1


def test_an_approver_who_submitted_cannot_approve_their_own_submission(
    client, organization, approver
):
    """Four eyes: an author holding the approver role still needs another approver."""
    second = factories.UserFactory(username="second-approver")
    factories.MembershipFactory(organization=organization, user=second, role="approver")
    assessment = factories.AssessmentFactory(organization=organization, owner=approver)
    answer_all(factories.FunctionAssessmentFactory(assessment=assessment), approver)
    client.force_login(approver)

    refused = submit(client, assessment, approver, follow=True)
    assert str(approvals.CHOOSE_AN_APPROVER) in messages_of(refused)
    submit(client, assessment, second)
    version = AssessmentVersion.objects.get(assessment=assessment)
    response = decide(client, version, "approve")
    version.refresh_from_db()
    assert version.state == "submitted"
    page = client.get(response["Location"])
    assert str(approvals.OWN_SUBMISSION) in messages_of(page)


def test_only_approvers_approve(manager_client, client, ready, approver, member):
    submit(manager_client, ready, approver)
    version = AssessmentVersion.objects.get(assessment=ready)
    client.force_login(member)
    response = decide(client, version, "approve")
    assert response.status_code == HTTPStatus.FOUND
    version.refresh_from_db()
    assert version.state == "submitted"
    assert str(approvals.NOT_AN_APPROVER) in messages_of(client.get(response["Location"]))


def test_only_the_author_submits(client, ready, approver, member):
    client.force_login(member)
    response = submit(client, ready, approver, follow=True)
    assert str(approvals.NOT_THE_AUTHOR) in messages_of(response)
    assert not AssessmentVersion.objects.exists()


def test_returning_needs_a_comment_and_the_author_can_resubmit(
    manager_client, approver_client, ready, approver
):
    submit(manager_client, ready, approver)
    version = AssessmentVersion.objects.get(assessment=ready)

    response = decide(approver_client, version, "return", "  ")
    version.refresh_from_db()
    assert version.state == "submitted"
    assert str(approvals.COMMENT_REQUIRED) in messages_of(approver_client.get(response["Location"]))

    decide(approver_client, version, "return", "Add the risks for payroll.")
    version.refresh_from_db()
    assert (version.state, version.comment) == ("returned", "Add the risks for payroll.")
    page = manager_client.get(detail_url(ready)).content.decode()
    assert "Add the risks for payroll." in page
    assert "Submit version 1 for approval" in page

    submit(manager_client, ready, approver)
    version.refresh_from_db()
    assert version.state == "submitted"
    assert list(version.transitions.values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
    ]


def test_a_double_submit_makes_one_version(manager_client, ready, approver):
    submit(manager_client, ready, approver)
    response = submit(manager_client, ready, approver, follow=True)
    assert AssessmentVersion.objects.count() == 1
    assert str(approvals.ALREADY_SUBMITTED) in messages_of(response)


def test_approving_a_version_that_changed_since_submission_is_refused(
    manager_client, approver_client, ready, recommended_function, approver
):
    submit(manager_client, ready, approver)
    version = AssessmentVersion.objects.get(assessment=ready)
    services.recommendation_recompute(function=recommended_function)

    response = decide(approver_client, version, "approve")

    version.refresh_from_db()
    assert version.state == "submitted"
    assert not FrozenReport.objects.exists()
    messages = messages_of(approver_client.get(response["Location"]))
    assert str(approvals.CHANGED_SINCE_SUBMITTED) in messages
    # The author submits the new version; the old submission is superseded.
    submit(manager_client, ready, approver)
    states = dict(AssessmentVersion.objects.values_list("number", "state"))
    assert states == {1: "superseded", 2: "submitted"}


@pytest.mark.parametrize(
    "data",
    [{"action": "bless"}, {}, {"action": "approve", "comment": "x" * 3000}],
)
def test_tampered_decisions_get_a_message(manager_client, approver_client, ready, approver, data):
    submit(manager_client, ready, approver)
    version = AssessmentVersion.objects.get(assessment=ready)
    url = reverse("decisions:version-decide", args=[ready.pk, version.pk])
    response = approver_client.post(url, data, follow=True)
    assert response.status_code == HTTPStatus.OK
    version.refresh_from_db()
    assert version.state == "submitted"
    assert messages_of(response)


@pytest.mark.parametrize("approver_id", ["", "abc", "999999", "-1"])
def test_tampered_submissions_get_a_message(manager_client, ready, approver, approver_id):
    response = manager_client.post(
        reverse("decisions:approval-submit", args=[ready.pk]),
        {"approver": approver_id},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert str(approvals.CHOOSE_AN_APPROVER) in messages_of(response)
    assert not AssessmentVersion.objects.exists()


def test_a_version_of_another_assessment_is_404(manager_client, ready, approver, manager):
    submit(manager_client, ready, approver)
    version = AssessmentVersion.objects.get()
    other = factories.AssessmentFactory(organization=ready.organization, owner=manager)
    for name in ("version-decide", "version-freeze"):
        url = reverse(f"decisions:{name}", args=[other.pk, version.pk])
        assert manager_client.post(url, {"action": "approve"}).status_code == 404
    url = reverse("decisions:version-report", args=[other.pk, version.pk])
    assert manager_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_freezing_that_fails_says_so_and_can_be_tried_again(
    approver_client, ready, manager, approver, monkeypatch
):
    version = approvals.version_submit(
        assessment=ready, user=manager, approver_id=approver.pk, include_appendix=False
    )

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    with monkeypatch.context() as patch:
        patch.setattr(PDFReport, "render", broken)
        approvals.version_approve(version=version, user=approver)
    version.refresh_from_db()
    assert version.state == "approved"
    assert version.freeze_error == str(approvals.RENDER_FAILED)
    assert str(approvals.RENDER_FAILED) in approver_client.get(detail_url(ready)).content.decode()

    approver_client.post(reverse("decisions:version-freeze", args=[ready.pk, version.pk]))

    assert FrozenReport.objects.filter(version=version).exists()
    version.refresh_from_db()
    assert version.freeze_error == ""


# ---- reports rendered in the background -------------------------------------------------


def test_requesting_a_report_renders_it_and_the_hash_shown_is_the_downloads(manager_client, ready):
    response = manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    assert response["Location"] == detail_url(ready)

    render = ReportRender.objects.get()
    assert render.state == "ready"
    page = manager_client.get(detail_url(ready)).content.decode()
    shown = re.search(r'class="sha">([0-9a-f]{64})<', page).group(1)
    download = manager_client.get(reverse("decisions:report-download", args=[ready.pk, render.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    assert hashlib.sha256(download.content).hexdigest() == shown
    text = PdfReader(io.BytesIO(download.content)).pages[0].extract_text()
    assert ready.title in text


def test_a_double_click_enqueues_one_render(manager_client, ready, dummy_tasks):
    url = reverse("decisions:report-request", args=[ready.pk])
    manager_client.post(url)
    manager_client.post(url)
    manager_client.post(url, {"include_appendix": "1"})

    assert ReportRender.objects.count() == 2
    assert len(dummy_tasks.results) == 2
    page = manager_client.get(detail_url(ready)).content.decode()
    assert "Waiting for a worker" in page
    assert "Refresh to see whether it is ready" in page  # works without JavaScript
    assert 'hx-trigger="every 2s"' in page


def test_the_database_allows_one_render_per_content(ready, manager):
    from django.db import IntegrityError, transaction

    fields = {
        "assessment": ready,
        "fingerprint": "a" * 64,
        "include_appendix": False,
        "requested_at": timezone.now(),
    }
    ReportRender.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRender.objects.create(**fields)


def test_htmx_polls_get_only_the_status(manager_client, ready, dummy_tasks):
    manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    response = manager_client.get(detail_url(ready), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="report-status"' in html
    assert "<html" not in html
    assert "Waiting for a worker" in html


def test_a_user_has_a_bounded_number_of_renders_in_flight(
    manager_client, organization, manager, settings, dummy_tasks
):
    settings.REPORT_RENDERS_IN_FLIGHT = 2
    assessments = [
        factories.AssessmentFactory(organization=organization, owner=manager) for _ in range(3)
    ]
    for assessment in assessments[:2]:
        manager_client.post(reverse("decisions:report-request", args=[assessment.pk]))
    response = manager_client.post(
        reverse("decisions:report-request", args=[assessments[2].pk]), follow=True
    )

    assert ReportRender.objects.count() == 2
    assert "You already have 2 reports being prepared" in " ".join(messages_of(response))
    # Once one is done, there is room again.
    ReportRender.objects.filter(assessment=assessments[0]).update(state="ready")
    manager_client.post(reverse("decisions:report-request", args=[assessments[2].pk]))
    assert ReportRender.objects.count() == 3


def test_a_second_download_reads_the_stored_bytes(manager_client, ready, monkeypatch):
    manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    render = ReportRender.objects.get()

    def no_rendering(*args, **kwargs):
        raise AssertionError("a download rendered the report")

    monkeypatch.setattr(PDFReport, "render", no_rendering)
    from django.db import connection

    url = reverse("decisions:report-download", args=[ready.pk, render.pk])
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert len(queries) <= 5  # session, user, assessment, render (+ savepoints)
    # The old report URL serves the cached bytes too, without rendering.
    again = manager_client.get(reverse("decisions:assessment-report", args=[ready.pk]))
    assert again.content == response.content


def test_head_never_renders(manager_client, ready, monkeypatch):
    def no_rendering(*args, **kwargs):
        raise AssertionError("HEAD rendered the report")

    monkeypatch.setattr(PDFReport, "render", no_rendering)
    response = manager_client.head(reverse("decisions:assessment-report", args=[ready.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == detail_url(ready)
    assert not ReportRender.objects.exists()
    assert manager_client.head(detail_url(ready)).status_code == HTTPStatus.OK
    assert not ReportRender.objects.exists()


def test_get_on_the_old_report_url_asks_for_the_report(manager_client, ready, dummy_tasks):
    response = manager_client.get(reverse("decisions:assessment-report", args=[ready.pk]))
    assert response["Location"] == detail_url(ready)
    assert ReportRender.objects.get().state == "queued"
    assert len(dummy_tasks.results) == 1


def test_a_failed_render_says_so_and_can_be_retried(manager_client, ready, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    with monkeypatch.context() as patch:
        patch.setattr(PDFReport, "render", broken)
        manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    render = ReportRender.objects.get()
    assert render.state == "failed"
    page = manager_client.get(detail_url(ready)).content.decode()
    assert str(approvals.RENDER_FAILED) in page
    assert "Try again" in page
    download = manager_client.get(reverse("decisions:report-download", args=[ready.pk, render.pk]))
    assert download.status_code == HTTPStatus.FOUND

    manager_client.post(reverse("decisions:report-retry", args=[ready.pk, render.pk]))

    render.refresh_from_db()
    assert render.state == "ready"
    assert render.error == ""


def test_retrying_a_render_that_did_not_fail_changes_nothing(manager_client, ready):
    manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    render = ReportRender.objects.get()
    response = manager_client.post(
        reverse("decisions:report-retry", args=[ready.pk, render.pk]), follow=True
    )
    assert str(approvals.NOT_RETRYABLE) in messages_of(response)
    assert ReportRender.objects.get().sha256 == render.sha256


def test_a_render_whose_content_changed_while_waiting_is_not_kept(
    manager_client, ready, recommended_function, dummy_tasks, settings
):
    manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    render = ReportRender.objects.get()
    services.recommendation_recompute(function=recommended_function)

    approvals.report_render(render_id=render.pk)  # what the worker does

    render.refresh_from_db()
    assert render.state == "failed"
    assert render.error == str(approvals.RENDER_STALE)
    assert render.content is None


def test_an_edit_makes_a_new_render_key(manager_client, ready, recommended_function):
    manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    services.recommendation_recompute(function=recommended_function)
    page = manager_client.get(detail_url(ready)).content.decode()
    assert "Prepare the report" in page
    manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    assert ReportRender.objects.filter(state="ready").count() == 2


def test_a_render_of_another_assessment_is_404(manager_client, ready, manager):
    manager_client.post(reverse("decisions:report-request", args=[ready.pk]))
    render = ReportRender.objects.get()
    other = factories.AssessmentFactory(organization=ready.organization, owner=manager)
    url = reverse("decisions:report-download", args=[other.pk, render.pk])
    assert manager_client.get(url).status_code == HTTPStatus.NOT_FOUND
    url = reverse("decisions:report-retry", args=[other.pk, render.pk])
    assert manager_client.post(url).status_code == HTTPStatus.NOT_FOUND


def test_an_approved_version_has_one_report_the_frozen_one(
    manager_client, ready, manager, approver
):
    version = approvals.version_submit(
        assessment=ready, user=manager, approver_id=approver.pk, include_appendix=False
    )
    approvals.version_approve(version=version, user=approver)

    page = manager_client.get(detail_url(ready)).content.decode()
    assert "This version is approved: its report is the approved one" in page
    assert "Prepare the report" not in page
    response = manager_client.post(
        reverse("decisions:report-request", args=[ready.pk]), follow=True
    )
    assert str(approvals.APPROVED_REPORT) in messages_of(response)
    old_url = manager_client.get(reverse("decisions:assessment-report", args=[ready.pk]))
    assert old_url["Location"] == detail_url(ready)
    assert not ReportRender.objects.exists()


def test_the_approvers_dashboard_lists_what_waits_for_them(
    manager_client, approver_client, ready, approver
):
    dashboard = reverse("decisions:dashboard")
    assert "Waiting for your approval" not in approver_client.get(dashboard).content.decode()
    submit(manager_client, ready, approver)

    html = approver_client.get(dashboard).content.decode()

    assert "Waiting for your approval" in html
    assert f"{ready.title}, version 1" in html
    assert detail_url(ready) in html
    assert "Waiting for your approval" not in manager_client.get(dashboard).content.decode()
