from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from rencai.supervision import services


class Command(BaseCommand):
    help = "每日督办作业:重新计算全部任务状态,发送催办提醒,升级逾期未答复的督办单。可用 --today 指定日期。"

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        counts = services.status_recompute(today=today)
        reminders = services.reminders_run(today=today)
        self.stdout.write(f"状态:{counts};催办:{reminders}")
