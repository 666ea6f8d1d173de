"""Typing for views behind ``login_required``: ``request.user`` is a real user."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
