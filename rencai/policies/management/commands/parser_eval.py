import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rencai.policies.parser.evaluate import evaluate_dir, format_report


class Command(BaseCommand):
    help = "在标注样本上评测解析质量:对目录中每个 X.gold.json 解析对应原文,输出各字段的精确率、召回率和 F1。"

    def add_arguments(self, parser):
        parser.add_argument("gold_dir")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        folder = Path(options["gold_dir"])
        if not folder.is_dir() or not list(folder.glob("*.gold.json")):
            raise CommandError(f"目录 {folder} 中没有 *.gold.json 标注文件。", returncode=2)
        report = evaluate_dir(folder)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) if options["json"] else format_report(report))
