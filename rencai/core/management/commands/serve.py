from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动平台(默认 http://127.0.0.1:8000)。生产环境请使用 gunicorn + rencai.wsgi。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--reload", action="store_true", help="代码变更时自动重启(开发用)")

    def handle(self, *args, **options):
        call_command("runserver", options["addrport"], use_reloader=options["reload"], use_threading=True)
