"""The admin site: the catalogue listed apart from the operational tables.

Django groups an index by app, and one app holds both the catalogue (what staff
keep: criteria, scores, providers...) and what managers create (organisations,
assessments, answers). The index and the navigation sidebar show them as two
groups; which models are catalogue is ``CATALOGUE_MODELS``, so a catalogue
model added there is grouped with the catalogue without another change here.
Operational tables stay superuser-only (``decisions.admin.SuperuserOnlyAdmin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

CATALOGUE_GROUP = _("Catalogue")
OPERATIONAL_GROUP = _("Organisations and assessments")


class SourcingAdminSite(admin.AdminSite):
    site_header = _("Sourcing Advisor administration")
    site_title = _("Sourcing Advisor admin")
    index_title = _("Catalogue and organisations")

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list  # one app's own page lists all its models
        from decisions.models.catalogue import CATALOGUE_MODELS

        grouped: list[dict[str, Any]] = []
        for app in app_list:
            if app["app_label"] != "decisions":
                grouped.append(app)
                continue
            catalogue = [m for m in app["models"] if m["model"] in CATALOGUE_MODELS]
            operational = [m for m in app["models"] if m["model"] not in CATALOGUE_MODELS]
            grouped.extend(
                {**app, "name": name, "models": models}
                for name, models in ((CATALOGUE_GROUP, catalogue), (OPERATIONAL_GROUP, operational))
                if models
            )
        # The catalogue first: it is what staff come here to edit.
        grouped.sort(key=lambda app: app["name"] != CATALOGUE_GROUP)
        return grouped
