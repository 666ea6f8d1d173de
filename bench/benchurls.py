"""Root URLconf for benchmarks: the production URLs plus two reference views.

- ``/_bench/bare``: a bare Django view returning two bytes. It still passes the
  whole middleware stack, but reads no session and no table: the ceiling of
  gunicorn + Django on this machine.
- ``/_bench/floor``: for a signed-in user, renders ``base.html`` (navigation,
  user menu, CSRF token, CSP nonce). It reads the session and the user, as
  every page of ours does, and touches no table of ours: the framework floor
  a real page cannot beat.
- ``/_bench/idle``: 204 No Content. The POST run's Lua script sends it instead
  of a POST once the POST window has closed (a connection the server closed
  and wrk reopened), so late requests are told apart and not counted.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_safe


@require_safe
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@require_safe
def idle(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)


@login_required
@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [
    path("_bench/bare", bare, name="bench-bare"),
    path("_bench/floor", floor, name="bench-floor"),
    path("_bench/idle", idle, name="bench-idle"),
    path("", include("outsourcing.urls")),
]
