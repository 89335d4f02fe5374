import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from rencai.accounts import services
from rencai.core.exceptions import ApplicationError
from rencai.orgs import services as org_services


class Command(BaseCommand):
    help = "创建系统管理员(密码须符合口令策略)。非交互:--username 与环境变量 RENCAI_ADMIN_PASSWORD。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default=None)
        parser.add_argument("--full-name", default="系统管理员")
        parser.add_argument("--noinput", action="store_true")

    def handle(self, *args, **options):
        username = options["username"] or (None if options["noinput"] else input("用户名: ").strip())
        password = os.environ.get("RENCAI_ADMIN_PASSWORD")
        if not username:
            raise CommandError("请提供用户名(--username)。")
        if not password:
            if options["noinput"]:
                raise CommandError("非交互模式请通过环境变量 RENCAI_ADMIN_PASSWORD 提供密码。")
            password = getpass.getpass("密码(至少10位,含三类字符): ")
            if password != getpass.getpass("再次输入密码: "):
                raise CommandError("两次输入的密码不一致。")
        try:
            user = services.user_create(actor=None, username=username, password=password,
                                        full_name=options["full_name"], is_superuser=True)
            org_services.membership_assign(actor=None, user=user, unit=None, role="system_admin")
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"已创建系统管理员 {username}。"))
