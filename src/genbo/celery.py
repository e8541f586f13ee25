"""The Celery application: background jobs and their schedule (celery beat).

`genbo worker` and `genbo beat` start it, or `celery -A genbo.celery worker`.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genbo.settings")

app = Celery("genbo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["genbo.notifications"])

# Times are Europe/Stockholm (CELERY_TIMEZONE), so 07:00 stays 07:00 across summer time.
app.conf.beat_schedule = {
    "weekly-newsletter": {
        "task": "genbo.notifications.tasks.send_weekly_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week="monday"),
    },
    "meeting-reminders": {
        "task": "genbo.notifications.tasks.send_meeting_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
    "outbox-sweep": {
        "task": "genbo.notifications.tasks.sweep_outbox",
        "schedule": crontab(minute="*/5"),
    },
}
