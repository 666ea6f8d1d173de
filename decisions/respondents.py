"""Writes of deciding together: asking members, inviting by link, settling a criterion.

Keyword-only, validated, atomic, like :mod:`decisions.services`. Only the assessment's owner
asks, invites and settles. An invitation's token is shown once (in the mail) and stored as
its SHA-256, so a copy of the database opens no account.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decisions import services
from decisions.models import (
    Assessment,
    FunctionAssessment,
    Invitation,
    Membership,
    Respondent,
    Settlement,
)
from decisions.models.assessments import NOTE_MAX
from decisions.questionnaire import QuestionDef

OWNER_ONLY = _("Only the assessment's owner can do this.")
NOT_A_MEMBER = _("Ask a member of the organisation (or invite a colleague by email).")
NO_FUNCTIONS = _("Choose at least one function to answer.")
FOREIGN_FUNCTION = _("Choose functions of this assessment.")
INVITATION_INVALID = _(
    "This invitation link is not valid: it may have been used already or have expired. "
    "Ask the person who invited you for a new one."
)
USERNAME_TAKEN = _("This user name is taken: choose another.")
NOT_SCORED = _("Only a scored question can be settled.")
OPTION_NOT_OF_QUESTION = _("Choose one of the options offered for this question.")
NOTE_TOO_LONG = _("Keep the note to %(max)d characters.")
TOKEN_BYTES = 32


def is_owner(assessment: Assessment, user: object) -> bool:
    pk = getattr(user, "pk", None)
    return pk is not None and assessment.owner_id == pk


def _require_owner(assessment: Assessment, user: User) -> None:
    if not is_owner(assessment, user):
        raise ValidationError(OWNER_ONLY, code="owner_only")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mail(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to], fail_silently=False)


def _check_functions(
    assessment: Assessment, functions: Sequence[FunctionAssessment]
) -> list[FunctionAssessment]:
    if not functions:
        raise ValidationError({"functions": NO_FUNCTIONS}, code="no_functions")
    if any(f.assessment_id != assessment.pk for f in functions):
        raise ValidationError({"functions": FOREIGN_FUNCTION}, code="foreign_function")
    return list(functions)


def respondents_ask(
    *,
    assessment: Assessment,
    functions: Sequence[FunctionAssessment],
    member: User,
    asked_by: User,
    link: str,
) -> list[Respondent]:
    """Ask a member of the organisation to answer functions (once each); mail them ``link``."""
    _require_owner(assessment, asked_by)
    chosen = _check_functions(assessment, functions)
    if not Membership.objects.filter(organization_id=assessment.organization_id, user=member):
        raise ValidationError({"member": NOT_A_MEMBER}, code="not_member")
    asked = []
    with transaction.atomic():
        for function in chosen:
            respondent, _created = Respondent.objects.get_or_create(
                function=function, user=member, defaults={"asked_by": asked_by}
            )
            asked.append(respondent)
    if member.email:
        names = ", ".join(f.name for f in chosen)
        _mail(
            member.email,
            gettext("Your answers are asked for: %(title)s") % {"title": assessment.title},
            gettext(
                "%(owner)s asks you to answer the questions for: %(names)s.\n\n"
                "Answer on your own: nobody sees your answers before you have given them "
                "all.\n\n%(link)s\n"
            )
            % {"owner": asked_by.get_username(), "names": names, "link": link},
        )
    return asked


def invitation_create(
    *,
    assessment: Assessment,
    functions: Sequence[FunctionAssessment],
    email: str,
    created_by: User,
    link_for: Callable[[str], str],
) -> Invitation:
    """Invite a colleague without an account to answer functions, by a single-use link.

    ``link_for(token)`` builds the absolute URL mailed to ``email``; the token is not kept.
    """
    _require_owner(assessment, created_by)
    chosen = _check_functions(assessment, functions)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(
        assessment=assessment,
        email=email.strip(),
        token_hash=token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["token_hash"])
    with transaction.atomic():
        invitation.save()
        invitation.functions.set(chosen)
    _mail(
        invitation.email,
        gettext("You are invited to answer: %(title)s") % {"title": assessment.title},
        gettext(
            "%(owner)s invites you to answer the questions for: %(names)s.\n\n"
            "Open this link to create your account (it works once, until %(expires)s):\n"
            "%(link)s\n"
        )
        % {
            "owner": created_by.get_username(),
            "names": ", ".join(f.name for f in chosen),
            "expires": invitation.expires_at.date().isoformat(),
            "link": link_for(token),
        },
    )
    return invitation


def invitation_open(token: str) -> Invitation | None:
    """The invitation a token opens: unused and unexpired, else ``None``."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.filter(
        token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def invitation_accept(*, token: str, username: str, password: str, email: str = "") -> User:
    """Use an invitation: create the account and make it a respondent of the functions.

    The invitation row is locked, so of two submits at once (a double click) one creates
    the account and the other finds the invitation used (:data:`INVITATION_INVALID`).
    """
    username = username.strip()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=token_hash(token or ""))
            .first()
        )
        if (
            invitation is None
            or invitation.used_at is not None
            or invitation.expires_at <= timezone.now()
        ):
            raise ValidationError(INVITATION_INVALID, code="invitation_invalid")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": USERNAME_TAKEN}, code="username_taken")
        user = User(username=username, email=email or invitation.email)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        password_validation.validate_password(password, user)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:  # the same name registered a moment ago
            raise ValidationError({"username": USERNAME_TAKEN}, code="username_taken") from error
        for function in invitation.functions.all():
            Respondent.objects.get_or_create(
                function=function, user=user, defaults={"asked_by": invitation.created_by}
            )
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
    return user


def criterion_settle(
    *,
    function: FunctionAssessment,
    question: QuestionDef,
    option_id: int | None,
    note: str,
    user: User,
) -> Settlement:
    """Record the owner's agreed answer to a scored question, then recompute the result.

    ``option_id`` ``None`` records the agreement that nobody knows (the criterion is left
    out). The individual answers stay as they were; the settlement's history is kept.
    """
    _require_owner(function.assessment, user)
    if not question.criterion.is_scored:
        raise ValidationError(NOT_SCORED, code="not_scored")
    if option_id is not None and question.option(option_id) is None:
        raise ValidationError({"option": OPTION_NOT_OF_QUESTION}, code="foreign_option")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": ValidationError(NOTE_TOO_LONG, params={"max": NOTE_MAX})}, code="note"
        )
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        settlement, _created = Settlement.objects.update_or_create(
            function=locked,
            question_id=question.id,
            defaults={
                "option_id": option_id,
                "note": note,
                "settled_by": user,
                "settled_at": timezone.now(),
            },
        )
        services.recompute_locked(locked)
    function.refresh_from_db()
    return settlement


def criterion_unsettle(*, function: FunctionAssessment, question_id: int, user: User) -> None:
    """Take back a settlement: the criterion goes back to the respondents' answers."""
    _require_owner(function.assessment, user)
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        for settlement in Settlement.objects.filter(function=locked, question_id=question_id):
            settlement.delete()
        services.recompute_locked(locked)
    function.refresh_from_db()
