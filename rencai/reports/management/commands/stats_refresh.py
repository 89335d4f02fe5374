"""`rencai stats_refresh`: rebuild the statistics snapshot behind the dashboard and reports (cron / after imports)."""

import sys

from django.core.management.base import BaseCommand

from rencai.reports import services


class Command(BaseCommand):
    help = "重建统计快照(领导驾驶舱、年度报告使用)并重新计算已绑定指标的量化目标。"

    def handle(self, *args, **options):
        def progress(percent, step):
            sys.stderr.write(f"\r[{percent:3d}%] {step}          ")

        snapshot = services.stats_refresh(actor=None, progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(f"统计快照已重建:人才 {snapshot.talent_count} 人,耗时 {snapshot.duration_ms / 1000:.1f} 秒。")
