"""The public guide: the catalogue itself, so a manager can learn BPO vs KPO before answering."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from decisions import selectors


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    catalogue = selectors.guide_catalogue()
    return render(
        request,
        "decisions/guide.html",
        {"catalogue": catalogue, "source_numbers": catalogue.source_numbers},
    )
