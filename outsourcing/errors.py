"""Error views (``handler400`` … ``handler500`` in outsourcing/urls.py).

Django's default error views are wrapped in ``requires_csrf_token``, which runs
the CSRF check again, and the CSRF check reads ``request.POST``. When the body
is what failed — a form posted as UTF-16 raises ``BadRequest`` while it is
parsed — the 400 view fails the same way, then the 500 view, and the server
answers a bare 500 without any security header. These views render our
templates and never touch the body. The CSRF middleware has already run for any
page that shows a form (the navigation's sign-out button), so its token is
there for the templates.

The 400 and 500 pages are rendered without the request (no context processor,
no database): what made the request bad, or broke the server, cannot break them.
"""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponseForbidden:
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponseNotFound:
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


def server_error(request: HttpRequest) -> HttpResponseServerError:
    return HttpResponseServerError(loader.render_to_string("500.html"))
