import importlib

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "迁移数据库(如需要)并加载演示数据;可重复执行,不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("--talents", type=int, default=None, help="生成的演示人才数量(用于性能测试)")
        parser.add_argument("--no-migrate", action="store_true", help="不执行数据库迁移")

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        # Each app may ship `<app>/demo.py` with `load(stdout=..., **options)`; run them in INSTALLED_APPS order.
        for config in apps.get_app_configs():
            if not config.name.startswith("rencai."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.load(stdout=self.stdout, **{k: v for k, v in options.items() if k in ("talents",)})
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
