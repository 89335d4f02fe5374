from django.core.management.base import BaseCommand, CommandError

from rencai.audit import selectors


class Command(BaseCommand):
    help = "重新计算审计日志哈希链;发现改动或删除时以非零状态退出并指出第一条问题记录。"

    def handle(self, *args, **options):
        from rencai.audit import spool

        spool.flush()  # events still in the spool join the chain first
        result = selectors.audit_chain_verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"审计日志完整:共校验 {result.checked} 条记录。"))
            return
        where = f"序号 {result.first_bad_seq}" + (f"(id={result.first_bad_id})" if result.first_bad_id else "")
        raise CommandError(f"审计日志校验失败:第一条问题记录为 {where}:{result.reason}。已校验通过 {result.checked} 条。")
