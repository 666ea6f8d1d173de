"""The public guide: the catalogue itself, so a manager can learn BPO vs KPO before answering."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from decisions import catalogue_version, selectors


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    # Read only when the cached fragment (keyed on the catalogue version) must be rendered again.
    catalogue = SimpleLazyObject(selectors.guide_catalogue)
    return render(
        request,
        "decisions/guide.html",
        {
            "catalogue": catalogue,
            "source_numbers": SimpleLazyObject(lambda: catalogue.source_numbers),
            "catalogue_token": catalogue_version.current_token(),
        },
    )
