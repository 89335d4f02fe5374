"""Background jobs (django-tasks): the daily supervision run, enqueued by a scheduler (cron/systemd timer)."""

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def supervision_daily() -> dict:
    today = timezone.localdate()
    return {"status": services.status_recompute(today=today), "reminders": services.reminders_run(today=today)}
