"""`rencai report annual --year Y --scope S [--format html,pdf,xlsx] [--out DIR]`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rencai.core.exceptions import ApplicationError
from rencai.reports import services


class Command(BaseCommand):
    help = "生成年度人才工作统计报告和人才发展白皮书(HTML、PDF,报表另出 Excel)。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1, help="统计年度(默认上一年)")
        parser.add_argument("--scope", default="", help="统计范围:机构编码,如 ZZ 或 ZZ-D01;默认全平台")
        parser.add_argument("--format", default="html,pdf,xlsx", help="输出格式,逗号分隔:html,pdf,xlsx")
        parser.add_argument("--out", default=".", help="输出目录(默认当前目录)")

    def handle(self, *args, **options):
        def progress(percent, step):
            sys.stderr.write(f"\r[{percent:3d}%] {step}          ")
            sys.stderr.flush()

        try:
            unit = services.report_scope(options["scope"])
            files = services.annual_report_build(actor=None, year=options["year"], unit=unit, formats=options["format"],
                                                 out_dir=Path(options["out"]), progress=progress)
        except ApplicationError as exc:
            sys.stderr.write("\n")
            raise CommandError(exc.message) from None
        sys.stderr.write("\r[100%] 完成                    \n")
        out = Path(options["out"]).resolve()
        for name in files.values():
            self.stdout.write(str(out / name))
