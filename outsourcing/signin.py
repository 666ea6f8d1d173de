"""Sign-in throttling: django-axes's database handler with an address limit and bounded logs.

django-axes locks one account from one address (``AXES_LOCKOUT_PARAMETERS``)
after ``AXES_FAILURE_LIMIT`` failures. One address trying a few passwords on
many accounts (password spraying) never reaches that, so an address that has
failed ``AXES_ADDRESS_FAILURE_LIMIT`` times within the cool-off, whichever
accounts it tried, counts as locked for every account.

Why not axes's combined lockout parameters (``[["username", "ip_address"],
"ip_address"]``)? They share one limit (axes compares the largest count with
``AXES_FAILURE_LIMIT``), so the address would lock after 5 failures — an office
behind one NAT address locked by a few typos — and a successful sign-in resets
every group, so an attacker signing in to an account of their own would wipe
the address count.

What failures store stays bounded: attempts expire after the cool-off (axes
deletes them), attempts refused by a lock are not stored
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), and the failure
log keeps ``AXES_FAILURE_LOG_DAYS`` days and at most ``AXES_FAILURE_LOG_MAX_ROWS``
rows (the newest).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address within the cool-off, for every username."""
    address = getattr(request, "axes_ip_address", None)
    if address is None:  # unknown address (see TRUSTED_PROXY_COUNT): nothing to count by
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def prune_failure_log() -> int:
    """Forget failures older than the retention and all but the newest rows; how many went."""
    deleted, _ = AccessFailureLog.objects.filter(
        attempt_time__lt=timezone.now() - timedelta(days=settings.AXES_FAILURE_LOG_DAYS)
    ).delete()
    oldest_kept = (
        AccessFailureLog.objects.order_by("-pk")
        .values_list("pk", flat=True)[settings.AXES_FAILURE_LOG_MAX_ROWS - 1 :]
        .first()
    )
    if oldest_kept is not None:
        deleted += AccessFailureLog.objects.filter(pk__lt=oldest_kept).delete()[0]
    return deleted


class ThrottlingHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: the account lock, plus the address lock and bounded failure log."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # The address is locked: every account counts as at its limit from there.
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if settings.AXES_ENABLE_ACCESS_FAILURE_LOG:
            prune_failure_log()
