from django.apps import AppConfig


class TalentsConfig(AppConfig):
    name = "rencai.talents"
    label = "talents"
    verbose_name = "人才信息库"
