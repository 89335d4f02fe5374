"""`rencai classify --all`: evaluate the whole registry under each city's catalogue in force, report changes."""

import time

from django.core.management.base import BaseCommand, CommandError

from rencai.certification import services
from rencai.certification.models import CatalogueVersion


class Command(BaseCommand):
    help = "按现行人才分类目录评估人才信息库(SQL 批量),并报告与上次评估相比的变化。"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="评估所有城市的全部人才")
        parser.add_argument("--city", help="只评估一个城市(机构代码,如 ZZ)")

    def handle(self, *args, **options):
        versions = CatalogueVersion.objects.filter(status=CatalogueVersion.Status.PUBLISHED).select_related(
            "catalogue__city")
        if options["city"]:
            versions = versions.filter(catalogue__city__code=options["city"])
        elif not options["all"]:
            raise CommandError("请指定 --all(全部城市)或 --city 代码。")
        if not versions:
            raise CommandError("没有已发布的人才分类目录。")
        for version in versions:
            started = time.perf_counter()
            run = services.classify_version(actor=None, version=version)
            seconds = time.perf_counter() - started
            counts = "、".join(f"{t}类 {n} 人" for t, n in sorted(run.counts.items())) or "无人符合"
            self.stdout.write(f"{version.catalogue.name} {version.label}:评估 {run.evaluated} 人,用时 {seconds:.1f} 秒;{counts}")
            changes = run.changes
            if changes.get("previous_run"):
                self.stdout.write(f"  较上次评估(#{changes['previous_run']}):{changes['changed']} 人类别变化")
                for tier, v in changes["by_tier"].items():
                    if v["gained"] or v["lost"]:
                        self.stdout.write(f"    {tier}类 {v['before']} → {v['after']}(+{v['gained']} / -{v['lost']})")
            else:
                self.stdout.write("  首次评估,无可比较的上次结果。")
