"""免申即享 scheduled job: `rencai benefits_auto_grant [--dry-run] [--date YYYY-MM-DD]` (run by the operator or cron)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rencai.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "免申即享:按人才信息库和认定结果,为符合条件的人才自动生成待遇资格/申领并发送告知(--dry-run 只预览)"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只显示将为谁生成什么、各资金的支出,不写入任何数据")
        parser.add_argument("--date", help="按指定日期判断(默认今天),格式 YYYY-MM-DD")

    def handle(self, *args, dry_run=False, date=None, **options):
        from rencai.benefits.services import auto_grant_run, yuan

        try:
            today = _parse(date) if date else None
            result = auto_grant_run(actor=None, dry_run=dry_run, today=today)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        head = "【预览,未写入】" if dry_run else "【已执行】"
        self.stdout.write(f"{head}免申即享 {result['today']}:符合条件 {len(result['items'])} 项,"
                          f"{'将生成' if dry_run else '已生成'} {result['granted']} 项,金额合计 {yuan(result['total'])} 元,"
                          f"跳过 {result['skipped']} 项。")
        for item in result["items"]:
            status = {"ok": "", "insufficient": "(资金不足,跳过)", "no_fund": "(无对应资金,跳过)",
                      "taken": "(已由他人办理,跳过)"}[item["status"]]
            money = f"{yuan(item['amount'])} 元" if item["kind"] == "amount" else "服务保障"
            self.stdout.write(f"  {item['region']} {item['talent_name']}({item['id_masked']}) {item['tier']}类:"
                              f"{item['benefit']} {money}{status}")
        for fund in result["funds"]:
            self.stdout.write(f"  资金 {fund['name']}:可用 {yuan(fund['available'])} 元,本次 {yuan(fund['cost'])} 元,"
                              f"{'充足' if fund['sufficient'] else '不足'}。")
        for row in result["no_fund"]:
            self.stdout.write(f"  {row['region']} 无本年度人才发展专项资金,{yuan(row['cost'])} 元未能安排。")


def _parse(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”格式不对,应为 YYYY-MM-DD。") from None
