from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "rencai.certification"
    label = "certification"
    verbose_name = "人才认定与人才卡"
