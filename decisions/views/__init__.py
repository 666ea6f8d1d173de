"""Views, one module per area; thin: fetch (scoped), validate, call a service, respond."""

from decisions.views.pages import home

__all__ = ["home"]
