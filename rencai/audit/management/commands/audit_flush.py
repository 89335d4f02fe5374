from django.core.management.base import BaseCommand

from rencai.audit import spool


class Command(BaseCommand):
    help = "把高频审计事件(人才卡核验)的暂存文件写入审计哈希链。"

    def handle(self, *args, **options):
        self.stdout.write(f"写入审计链 {spool.flush()} 条。")
