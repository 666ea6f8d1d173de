"""Project middleware (MIDDLEWARE in outsourcing/settings.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase
from django.middleware.security import SecurityMiddleware
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # typing only: a dev dependency


class SecurityHeadersMiddleware(SecurityMiddleware):
    """Only the response headers of Django's SecurityMiddleware, outermost, on every response.

    Django's SecurityMiddleware (next in MIDDLEWARE, where ``check --deploy``
    looks for it) reads the Host header for its HTTPS redirect. A bad Host raises
    there, and the 400 that follows never passes back through that middleware's
    own headers (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy). This one
    redirects nothing and adds the same headers to whatever comes back; Django
    sets them only where missing, so a response that has them is unchanged.
    """

    def process_request(self, request: HttpRequest) -> None:
        return None


# Session keys (seconds since the epoch) and how often the activity time is written:
# not on every request, which would write the session row each time.
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
ACTIVITY_RESOLUTION = 60
SIGNED_OUT_IDLE = _("You were signed out after a while without activity. Sign in again to go on.")
SIGNED_OUT_AGE = _("Your sign-in has expired. Sign in again to go on.")


def _now() -> int:
    return int(timezone.now().timestamp())


def start_session_clock(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver (connected in decisions/apps.py): signing in starts both
    clocks, in the session that the sign-in saves anyway."""
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = _now()


class SessionTimeoutMiddleware:
    """Sign out a session idle for ``SESSION_IDLE_TIMEOUT`` or older than ``SESSION_COOKIE_AGE``.

    Django alone has one lifetime, ``SESSION_COOKIE_AGE``, counted from the last
    time the session was saved; here it is absolute (from signing in) and an
    idle limit comes on top. Signing out flushes the session on the server; the
    next page asks to sign in and says why. A session signed in before these
    clocks existed starts them at its next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = _now()
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            self._sign_out(request, SIGNED_OUT_IDLE)
        elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
            self._sign_out(request, SIGNED_OUT_AGE)
        elif LAST_SEEN not in session or now - last_seen >= ACTIVITY_RESOLUTION:
            session[LAST_SEEN] = now

    @staticmethod
    def _sign_out(request: HttpRequest, message: StrOrPromise) -> None:
        logout(request)
        messages.info(request, message)
