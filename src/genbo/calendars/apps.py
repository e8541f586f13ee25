from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "genbo.calendars"
    verbose_name = _("Calendar feeds")

    def ready(self) -> None:
        from genbo.calendars import signals  # noqa: F401
