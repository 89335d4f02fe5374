import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rencai.core.exceptions import ApplicationError
from rencai.talents import services


class TerminalProgress:
    """One rate-limited stderr line: a rewritten line on a terminal, a line every few seconds in a log."""

    def __init__(self, stream):
        self.stream, self.started = stream, time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last = 0.0

    def __call__(self, processed: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < 2 and processed != total:
            return
        self.last = now
        rate = processed / max(now - self.started, 1e-6)
        share = f"/ {total:,} 行({min(100, processed * 100 // total)}%)" if total else "行"
        line = f"导入中:已处理 {processed:,} {share},{rate:,.0f} 行/秒"
        self.stream.write(("\r" + line + "   ") if self.tty else line + "\n")
        self.stream.flush()

    def done(self):
        if self.tty:
            self.stream.write("\n")


class Command(BaseCommand):
    help = ("导入人才信息(.xlsx 或 .csv,人才信息导入模板)。默认全部正确才导入;--partial 只导入正确的行。"
            "按证件号新增或更新;没有导入任何数据时以非零状态退出。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel(.xlsx)或 CSV(UTF-8/GB18030)文件")
        parser.add_argument("--partial", action="store_true", help="只导入正确的行,其余行报告错误")
        parser.add_argument("--user", help="以该用户的身份和管辖范围导入(默认:平台本身,不限范围)")
        parser.add_argument("--errors-out", help="把错误报告(标出错误单元格的 Excel)另存到此路径")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度")

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"找不到用户“{options['user']}”。")
        progress = None if options["no_progress"] else TerminalProgress(sys.stderr)
        try:
            job, result = services.talent_import_file(actor=actor, path=options["file"], partial=options["partial"],
                                                      progress=progress)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        if progress is not None:
            progress.done()
        for warning in job.warnings:
            self.stderr.write(f"提示:{warning}")
        if result is not None:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.error_count > len(result.errors):
                self.stderr.write(f"……另有 {result.error_count - len(result.errors)} 处错误未列出。")
        if job.report_path and options["errors_out"]:
            import shutil
            from pathlib import Path

            from django.conf import settings

            shutil.copyfile(Path(settings.MEDIA_ROOT) / job.report_path, options["errors_out"])
            self.stderr.write(f"错误报告已保存到 {options['errors_out']}")
        imported = result.imported if result is not None else 0
        if imported == 0:
            raise CommandError(job.message or "没有导入任何数据。")
        self.stdout.write(self.style.SUCCESS(job.message))
