import sys

from django.core.management.base import BaseCommand

from rencai.talents import services


class Command(BaseCommand):
    help = ("用 RENCAI_FIELD_KEY 中的第一个(最新)密钥重新加密全部人才的个人信息。先把新密钥加在最前面"
            "(旧密钥保留在后面),执行本命令,完成后即可删除旧密钥。可中断后重复执行。")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        def progress(done, total):
            sys.stderr.write(f"\r已重新加密 {done:,} / {total:,}")
            sys.stderr.flush()

        done = services.talent_keys_rotate(actor=None, batch_size=options["batch_size"], progress=progress)
        sys.stderr.write("\n" if done else "")
        self.stdout.write(self.style.SUCCESS(f"密钥轮换完成:重新加密 {done} 条记录。"))
