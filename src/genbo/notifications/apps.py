from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "genbo.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Loading the Celery application here makes the tasks use its settings (such as
        # eager running in the embedded default) in every process, not only in workers.
        import genbo.celery  # noqa: F401
