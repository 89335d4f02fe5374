"""Daily job: certify applications whose publicity period has ended without an open objection."""

from django.core.management.base import BaseCommand

from rencai.certification import services


class Command(BaseCommand):
    help = "每日任务:公示期满且无未处理异议的申请自动办结认定并发卡;提醒超过审核期限的审核人。"

    def handle(self, *args, **options):
        done = services.publicity_close_due()
        reminded = services.overdue_reminders()
        self.stdout.write(f"办结认定 {len(done)} 件;超期审核提醒 {reminded} 条。")
