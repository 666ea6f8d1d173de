"""Project middleware (MIDDLEWARE in outsourcing/settings.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.security import SecurityMiddleware


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
