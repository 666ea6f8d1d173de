from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Sourcing decisions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from outsourcing.middleware import start_session_clock

        # The idle and absolute session limits count from the sign-in.
        user_logged_in.connect(start_session_clock, dispatch_uid="start_session_clock")
