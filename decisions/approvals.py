"""Roles, versions, approval, and reports rendered in the background (issue 12).

- **Content fingerprint** — a SHA-256 over what the report shows, read in a few
  aggregate queries (:func:`content_fingerprint`). It names the *version* of an
  assessment: while it matches a submitted version's, the assessment is that version;
  any edit or recompute changes it, so the content becomes the next version.
- **Approval** — the assessment's author submits the current version to a member with
  the approver role; an approver other than the submitter approves it or returns it
  with a comment (four eyes: nobody approves their own submission, whatever their
  role). On approval a background task renders the report once and freezes its bytes
  (:class:`decisions.models.FrozenReport`).
- **Rendering** — a member asks for a report; one :class:`decisions.models.ReportRender`
  row per assessment, *render key* and appendix choice (a unique constraint: a double
  click enqueues once); a ``db_worker`` renders it; the bytes are kept, so a second
  download reads one row. The render key adds to the content fingerprint what else the
  document prints: its status and version, and the catalogue token.

Services are keyword-only and atomic; they raise ``ValidationError`` with the module's
message constants, which views show as they are.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from decisions import catalogue_version
from decisions.models import (
    Answer,
    Assessment,
    AssessmentVersion,
    BusinessCase,
    FrozenReport,
    FunctionAssessment,
    Membership,
    Organization,
    PriceOverride,
    ReportRender,
    Respondent,
    RiskRating,
    Settlement,
    VersionTransition,
)
from decisions.reports.document import DocumentControl, person_name

logger = logging.getLogger(__name__)

Role = Membership.Role
State = AssessmentVersion.State
Action = VersionTransition.Action

# A render waiting or running longer than this is presumed lost (a worker died): it no
# longer counts against the user's bound and may be retried.
RENDER_STALE_AFTER = timedelta(minutes=30)

LAST_OWNER = gettext_lazy("An organisation needs an owner: make someone else owner first.")
UNKNOWN_ROLE = gettext_lazy("Choose one of the roles offered.")
NOT_THE_AUTHOR = gettext_lazy("Only the assessment's author can submit it for approval.")
NOTHING_TO_APPROVE = gettext_lazy("Nothing to approve yet: no function has a recommendation.")
CHOOSE_AN_APPROVER = gettext_lazy(
    "Choose a member with the approver role, other than yourself, to approve it."
)
ALREADY_SUBMITTED = gettext_lazy("This version is already waiting for approval.")
ALREADY_APPROVED = gettext_lazy("This version is already approved.")
NOT_AN_APPROVER = gettext_lazy("Only a member with the approver role can approve or return it.")
OWN_SUBMISSION = gettext_lazy(
    "You submitted this version: another approver has to approve or return it."
)
NOT_WAITING = gettext_lazy("This version is not waiting for approval any more.")
CHANGED_SINCE_SUBMITTED = gettext_lazy(
    "The assessment changed after this version was submitted: its author has to "
    "submit the new version."
)
COMMENT_REQUIRED = gettext_lazy("Say what has to change before it can be approved.")
TOO_MANY_RENDERS = gettext_lazy(
    "You already have %(count)d reports being prepared: wait until one is ready, then ask again."
)
RENDER_FAILED = gettext_lazy(
    "The report could not be rendered. Try again; if it fails again, tell your administrator."
)
RENDER_STALE = gettext_lazy(
    "The assessment changed while this report was being prepared: ask for the report again."
)
APPROVED_REPORT = gettext_lazy(
    "This version is approved: its report is the approved one, on the report page."
)
NOT_RETRYABLE = gettext_lazy("This report is not failed: there is nothing to retry.")
FREEZE_CHANGED = gettext_lazy(
    "The assessment changed before its approved report could be frozen: submit the new "
    "version for approval."
)


# --- Roles --------------------------------------------------------------------------------


def role_of(user: User, organization: Organization) -> str | None:
    """The user's role in the organisation, or None when they are not a member."""
    return (
        Membership.objects.filter(organization=organization, user=user)
        .values_list("role", flat=True)
        .first()
    )


def membership_role_set(*, membership: Membership, role: str) -> Membership:
    """Give a member a role; the organisation always keeps an owner."""
    if role not in Role.values:
        raise ValidationError({"role": UNKNOWN_ROLE}, code="unknown_role")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Role.OWNER and role != Role.OWNER:
            owners = Membership.objects.select_for_update().filter(
                organization_id=locked.organization_id, role=Role.OWNER
            )
            if owners.count() <= 1:
                raise ValidationError(LAST_OWNER, code="last_owner")
        locked.role = role
        locked.save(update_fields=["role"])
    membership.refresh_from_db()
    return membership


def approvers(organization: Organization) -> list[User]:
    """The members who hold the approver role, by name."""
    return list(
        User.objects.filter(
            memberships__organization=organization, memberships__role=Role.APPROVER
        ).order_by("first_name", "last_name", "username")
    )


# --- The content fingerprint and the version it names ------------------------------------


def content_fingerprint(assessment: Assessment) -> str:
    """SHA-256 over everything the report shows of this assessment, in seven queries.

    Rows are summarised (count, latest change, sum of ids), not read: a change to any
    of them moves its ``updated_at``; a deletion moves the count and the id sum.
    """
    digest = hashlib.sha256()

    def feed(*values: object) -> None:
        digest.update(repr(values).encode())
        digest.update(b"\x1f")

    org = assessment.organization  # loaded with the assessment by every caller
    feed(
        "assessment",
        assessment.pk,
        assessment.title,
        assessment.owner_id,
        org.name,
        org.currency,
        org.discount_rate_percent,
        org.contract_term_months,
    )
    for row in (
        FunctionAssessment.objects.filter(assessment=assessment)
        .order_by("order", "pk")
        .values_list(
            "pk",
            "name",
            "order",
            "activity_id",
            "status",
            "answered_count",
            "recommended_model_id",
            "confidence",
            "borderline",
            "criteria_version",
            "computed_at",
            "final_model_id",
            "final_reason",
            "decided_by_id",
            "decided_at",
        )
    ):
        feed(*row)
    for model, changed in (
        (Answer, "updated_at"),
        (BusinessCase, "updated_at"),
        (PriceOverride, "updated_at"),
        (RiskRating, "updated_at"),
        # Who answered (the memo names them) and what the owner settled, with its note.
        (Respondent, "submitted_at"),
        (Settlement, "settled_at"),
    ):
        # One aggregate per table: a change anywhere moves it, whatever the number of rows.
        feed(
            model.__name__,
            *model.objects.filter(function__assessment=assessment)  # type: ignore[attr-defined]
            .aggregate(Count("pk"), Max(changed), Sum("pk"))
            .values(),
        )
    return digest.hexdigest()


@dataclass(frozen=True)
class VersionState:
    """Where the assessment's current content stands in the approval workflow."""

    number: int  # the version the current content is (or would be, once submitted)
    fingerprint: str
    version: AssessmentVersion | None  # the submitted version with this content, if any
    latest: AssessmentVersion | None  # the newest submitted version, whatever its content

    @property
    def state(self) -> str:
        return self.version.state if self.version else ""

    @property
    def is_draft(self) -> bool:
        return self.version is None

    @property
    def is_approved(self) -> bool:
        return self.state == State.APPROVED

    @property
    def is_submitted(self) -> bool:
        return self.state == State.SUBMITTED


def version_state(assessment: Assessment, fingerprint: str | None = None) -> VersionState:
    """The version the assessment's current content is (two queries plus the fingerprint)."""
    fingerprint = fingerprint or content_fingerprint(assessment)
    # An assessment has a handful of versions: one query reads them all.
    versions = list(
        AssessmentVersion.objects.filter(assessment=assessment)
        .select_related("submitted_by", "submitted_to", "decided_by")
        .order_by("-number")
    )
    current = next((v for v in versions if v.fingerprint == fingerprint), None)
    latest = versions[0] if versions else None
    number = (latest.number + 1 if latest else 1) if current is None else current.number
    return VersionState(number=number, fingerprint=fingerprint, version=current, latest=latest)


def document_control(
    assessment: Assessment, state: VersionState, *, include_appendix: bool
) -> DocumentControl:
    """What the report prints about itself for the assessment's current version."""
    version = state.version
    prepared_for = ", ".join(person_name(u) for u in approvers(assessment.organization))
    if version is not None and version.submitted_to is not None:
        prepared_for = person_name(version.submitted_to)
    statuses: dict[str, str] = {
        State.SUBMITTED: _("Submitted for approval"),
        State.APPROVED: _("Approved"),
        State.RETURNED: _("Returned for changes"),
    }
    status = statuses.get(version.state if version else "", _("Draft"))
    approved = version is not None and version.state == State.APPROVED
    return DocumentControl(
        status=status,
        version=state.number,
        prepared_by=person_name(assessment.owner),
        prepared_for=prepared_for or assessment.organization.name,
        generated_at=timezone.localtime(),
        approved_by=person_name(version.decided_by) if approved and version else "",
        approved_at=version.decided_at if approved and version else None,
        submitted_at=version.submitted_at if version else None,
        fingerprint=state.fingerprint,
        include_appendix=include_appendix,
    )


def render_key(control: DocumentControl) -> str:
    """The cache key of a rendered report: its content and what it says about itself."""
    parts = (
        control.fingerprint,
        control.status,
        control.version,
        control.prepared_by,
        control.prepared_for,
        control.approved_by,
        control.approved_at.isoformat() if control.approved_at else "",
        control.submitted_at.isoformat() if control.submitted_at else "",
        catalogue_version.current_token(),
        settings.LANGUAGE_CODE,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# --- Approval -----------------------------------------------------------------------------


def _transition(
    version: AssessmentVersion, action: str, actor: User | None, comment: str = ""
) -> None:
    VersionTransition.objects.create(
        version=version, action=action, actor=actor, at=timezone.now(), comment=comment
    )


def version_submit(
    *, assessment: Assessment, user: User, approver_id: object, include_appendix: bool
) -> AssessmentVersion:
    """Submit the assessment's current content, as a version, to an approver."""
    if assessment.owner_id != user.pk:
        raise ValidationError(NOT_THE_AUTHOR, code="not_the_author")
    if not FunctionAssessment.objects.filter(
        assessment=assessment, recommended_model__isnull=False
    ).exists():
        raise ValidationError(NOTHING_TO_APPROVE, code="nothing_to_approve")
    try:
        approver = next(
            u for u in approvers(assessment.organization) if str(u.pk) == str(approver_id)
        )
    except StopIteration:
        raise ValidationError({"approver": CHOOSE_AN_APPROVER}, code="approver") from None
    if approver.pk == user.pk:
        raise ValidationError({"approver": CHOOSE_AN_APPROVER}, code="approver")
    with transaction.atomic():
        # One submission at a time per assessment: the lock orders double clicks.
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        state = version_state(assessment)
        version = state.version
        now = timezone.now()
        if version is not None and version.state == State.SUBMITTED:
            raise ValidationError(ALREADY_SUBMITTED, code="already_submitted")
        if version is not None and version.state == State.APPROVED:
            raise ValidationError(ALREADY_APPROVED, code="already_approved")
        for stale in AssessmentVersion.objects.filter(assessment=assessment, state=State.SUBMITTED):
            stale.state = State.SUPERSEDED
            stale.save(update_fields=["state"])
            _transition(stale, Action.SUPERSEDE, user)
        if version is None:
            version = AssessmentVersion(
                assessment=assessment, number=state.number, fingerprint=state.fingerprint
            )
        version.state = State.SUBMITTED
        version.submitted_by = user
        version.submitted_to = approver
        version.submitted_at = now
        version.include_appendix = include_appendix
        version.decided_by, version.decided_at, version.comment = None, None, ""
        version.save()
        _transition(version, Action.SUBMIT, user)
    return version


def _check_decider(version: AssessmentVersion, user: User) -> None:
    if role_of(user, version.assessment.organization) != Role.APPROVER:
        raise ValidationError(NOT_AN_APPROVER, code="not_an_approver")
    if version.submitted_by_id == user.pk:
        raise ValidationError(OWN_SUBMISSION, code="own_submission")


def version_approve(*, version: AssessmentVersion, user: User, comment: str = "") -> None:
    """Approve a submitted version; its report is then rendered once and frozen."""
    from decisions import tasks

    _check_decider(version, user)
    with transaction.atomic():
        locked = AssessmentVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state != State.SUBMITTED:
            raise ValidationError(NOT_WAITING, code="not_waiting")
        if content_fingerprint(version.assessment) != locked.fingerprint:
            raise ValidationError(CHANGED_SINCE_SUBMITTED, code="changed")
        locked.state = State.APPROVED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.comment = comment.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        _transition(locked, Action.APPROVE, user, locked.comment)
    tasks.freeze_report.enqueue(version.pk)
    version.refresh_from_db()


def version_return(*, version: AssessmentVersion, user: User, comment: str) -> None:
    """Return a submitted version to its author with what has to change."""
    _check_decider(version, user)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": COMMENT_REQUIRED}, code="comment_required")
    with transaction.atomic():
        locked = AssessmentVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state != State.SUBMITTED:
            raise ValidationError(NOT_WAITING, code="not_waiting")
        locked.state = State.RETURNED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.comment = comment
        locked.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        _transition(locked, Action.RETURN, user, comment)
    version.refresh_from_db()


def _render_pdf(
    assessment: Assessment, control: DocumentControl, *, include_appendix: bool
) -> tuple[str, bytes]:
    from decisions import selectors
    from decisions.reports.pdf import PDFReport

    functions = selectors.assessment_functions(assessment, full=True)
    filename, _content_type, pdf = PDFReport().render(
        assessment, functions, document=control, include_appendix=include_appendix
    )
    return filename, pdf


def report_freeze(*, version_id: int) -> FrozenReport | None:
    """Render an approved version's report and keep its bytes (once: later calls keep them)."""
    version = (
        AssessmentVersion.objects.select_related(
            "assessment__organization", "assessment__owner", "submitted_to", "decided_by"
        )
        .filter(pk=version_id, state=State.APPROVED)
        .first()
    )
    if version is None:
        return None
    existing = FrozenReport.objects.filter(version=version).first()
    if existing is not None:
        return existing
    assessment = version.assessment
    state = VersionState(
        number=version.number, fingerprint=version.fingerprint, version=version, latest=None
    )
    control = document_control(assessment, state, include_appendix=version.include_appendix)
    if content_fingerprint(assessment) != version.fingerprint:
        version.freeze_error = str(FREEZE_CHANGED)
        version.save(update_fields=["freeze_error"])
        return None
    filename, pdf = _render_pdf(assessment, control, include_appendix=version.include_appendix)
    if content_fingerprint(assessment) != version.fingerprint:
        version.freeze_error = str(FREEZE_CHANGED)
        version.save(update_fields=["freeze_error"])
        return None
    try:
        with transaction.atomic():
            frozen = FrozenReport.objects.create(
                version=version,
                filename=filename,
                content=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
            )
            _transition(version, Action.FREEZE, None)
            if version.freeze_error:
                version.freeze_error = ""
                version.save(update_fields=["freeze_error"])
    except IntegrityError:
        # Another worker froze it first: theirs is the frozen one.
        return FrozenReport.objects.get(version=version)
    return frozen


def freeze_failed(*, version_id: int) -> None:
    """Record that freezing failed, so the page says so and offers to try again."""
    logger.exception("Freezing the report of version %s failed", version_id)
    AssessmentVersion.objects.filter(pk=version_id).update(freeze_error=str(RENDER_FAILED))


def freeze_retry(*, version: AssessmentVersion) -> None:
    """Try again to freeze an approved version whose freezing failed."""
    from decisions import tasks

    if version.state != State.APPROVED or FrozenReport.objects.filter(version=version).exists():
        raise ValidationError(NOT_RETRYABLE, code="not_retryable")
    AssessmentVersion.objects.filter(pk=version.pk).update(freeze_error="")
    tasks.freeze_report.enqueue(version.pk)
    version.refresh_from_db()


# --- Reports rendered in the background ---------------------------------------------------


@dataclass(frozen=True)
class CurrentReport:
    """The assessment's current version and its renders, one per appendix choice."""

    state: VersionState
    key: str
    renders: dict[bool, ReportRender | None]


def current_report(assessment: Assessment) -> CurrentReport:
    """What the report page shows: the version, and the renders of its current key."""
    state = version_state(assessment)
    key = render_key(document_control(assessment, state, include_appendix=False))
    renders: dict[bool, ReportRender | None] = {False: None, True: None}
    for render in ReportRender.objects.filter(assessment=assessment, fingerprint=key).defer(
        "content"
    ):
        renders[render.include_appendix] = render
    return CurrentReport(state=state, key=key, renders=renders)


def is_stale(render: ReportRender) -> bool:
    return (
        render.state in ReportRender.IN_FLIGHT
        and render.requested_at < timezone.now() - RENDER_STALE_AFTER
    )


def renders_in_flight(user: User) -> int:
    return ReportRender.objects.filter(
        requested_by=user,
        state__in=ReportRender.IN_FLIGHT,
        requested_at__gte=timezone.now() - RENDER_STALE_AFTER,
    ).count()


def _enqueue(render: ReportRender) -> None:
    from decisions import tasks

    try:
        result = tasks.render_report.enqueue(render.pk)
    except Exception:
        logger.exception("Could not enqueue report render %s", render.pk)
        ReportRender.objects.filter(pk=render.pk).update(
            state=ReportRender.State.FAILED, error=str(RENDER_FAILED), finished_at=timezone.now()
        )
    else:
        ReportRender.objects.filter(pk=render.pk, task_id="").update(task_id=str(result.id)[:64])
    render.refresh_from_db()


def report_request(
    *, assessment: Assessment, user: User, include_appendix: bool, key: str = ""
) -> ReportRender:
    """The render of the assessment's current report: found, or created and enqueued once.

    A second request for the same content (a double click, a colleague) finds the
    first one's row — a unique constraint makes sure of it — and enqueues nothing.
    ``key`` is the current render key when the caller has just worked it out.
    """
    current = None if key else current_report(assessment)
    if current is not None and current.state.is_approved:
        raise ValidationError(APPROVED_REPORT, code="approved")
    key = key or (current.key if current else "")
    created = False
    with transaction.atomic():
        # Serialises one user's requests, so the bound on renders in flight holds.
        User.objects.select_for_update().filter(pk=user.pk).first()
        render = ReportRender.objects.filter(
            assessment=assessment, fingerprint=key, include_appendix=include_appendix
        ).first()
        if render is None:
            limit = settings.REPORT_RENDERS_IN_FLIGHT
            if renders_in_flight(user) >= limit:
                raise ValidationError(TOO_MANY_RENDERS, code="too_many", params={"count": limit})
            try:
                with transaction.atomic():
                    render = ReportRender.objects.create(
                        assessment=assessment,
                        fingerprint=key,
                        include_appendix=include_appendix,
                        requested_by=user,
                        requested_at=timezone.now(),
                    )
                created = True
            except IntegrityError:
                render = ReportRender.objects.get(
                    assessment=assessment, fingerprint=key, include_appendix=include_appendix
                )
    if created:
        _enqueue(render)
    return render


def report_retry(*, render: ReportRender, user: User) -> ReportRender:
    """Ask again for a render that failed (or was lost with its worker)."""
    if not (render.state == ReportRender.State.FAILED or is_stale(render)):
        raise ValidationError(NOT_RETRYABLE, code="not_retryable")
    with transaction.atomic():
        retried = ReportRender.objects.filter(pk=render.pk, state=render.state).update(
            state=ReportRender.State.QUEUED,
            error="",
            requested_by=user,
            requested_at=timezone.now(),
            started_at=None,
            finished_at=None,
            task_id="",
        )
    if retried:
        _enqueue(render)
    render.refresh_from_db()
    return render


def report_render(*, render_id: int) -> None:
    """Render one requested report (run by a worker); the row records how it went."""
    started = ReportRender.objects.filter(pk=render_id, state=ReportRender.State.QUEUED).update(
        state=ReportRender.State.RUNNING, started_at=timezone.now()
    )
    if not started:
        return  # done, or taken by another worker
    render = ReportRender.objects.select_related("assessment__organization", "assessment__owner")
    render_row = render.get(pk=render_id)
    assessment = render_row.assessment
    try:
        state = version_state(assessment)
        control = document_control(assessment, state, include_appendix=render_row.include_appendix)
        stale = render_key(control) != render_row.fingerprint
        if not stale:
            filename, pdf = _render_pdf(
                assessment, control, include_appendix=render_row.include_appendix
            )
            stale = content_fingerprint(assessment) != state.fingerprint
    except BaseException as error:
        # A worker told to stop at once (SystemExit) leaves the row failed, not running.
        logger.exception("Report render %s failed", render_id)
        ReportRender.objects.filter(pk=render_id).update(
            state=ReportRender.State.FAILED, error=str(RENDER_FAILED), finished_at=timezone.now()
        )
        if not isinstance(error, Exception):
            raise
        return
    if stale:
        ReportRender.objects.filter(pk=render_id).update(
            state=ReportRender.State.FAILED, error=str(RENDER_STALE), finished_at=timezone.now()
        )
        return
    ReportRender.objects.filter(pk=render_id).update(
        state=ReportRender.State.READY,
        filename=filename,
        content=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        finished_at=timezone.now(),
    )


def submitted_to(user: User) -> list[AssessmentVersion]:
    """Versions waiting for this user's approval, in the organisations they belong to."""
    return list(
        AssessmentVersion.objects.filter(
            state=State.SUBMITTED,
            submitted_to=user,
            assessment__organization__memberships__user=user,
        )
        .select_related("assessment", "submitted_by")
        .order_by("submitted_at")
        .distinct()
    )
