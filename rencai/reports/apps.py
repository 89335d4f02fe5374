from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rencai.reports"
    label = "reports"
    verbose_name = "统计报告与数据开放"
