import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rencai.policies.parser import ParseError, parse_document, read_document


class Command(BaseCommand):
    help = "解析政策文件(.txt/.docx/.pdf/.html),输出章节、任务、牵头与责任单位、量化目标。--json 输出约定的 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="按约定格式输出 JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件:{path}", returncode=2)
        try:
            read = read_document(path.read_bytes(), path.name, max_bytes=settings.RENCAI_UPLOAD_MAX_BYTES)
            result = parse_document(read.text)
        except ParseError as exc:
            raise CommandError(exc.message, returncode=2) from None
        if read.warnings:
            result.setdefault("warnings", []).extend(read.warnings)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"标题:{result['title']}")
        self.stdout.write(f"牵头规则:{result['lead_rule'] or '文件未说明(默认排第一的为牵头单位,请审核确认)'}")
        self.stdout.write(f"章节 {len(result['sections'])} 个,任务 {len(result['tasks'])} 项")
        for task in result["tasks"]:
            units = "、".join(task["units"]) or "—"
            groups = f";统称:{'、'.join(task['unit_groups'])}" if task["unit_groups"] else ""
            self.stdout.write(f"  {task['number']}. {task['title']} [牵头:{task['lead_unit'] or '—'};单位:{units}{groups}]")
            for target in task["targets"]:
                self.stdout.write(f"      目标:{target['text']} → {target['value']}{target['unit']} {target['qualifier'] or ''} {target['period'] or ''}")
        for warning in result.get("warnings", []):
            self.stderr.write(f"提示:{warning}")
