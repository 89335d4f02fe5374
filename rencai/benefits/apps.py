from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "rencai.benefits"
    label = "benefits"
    verbose_name = "待遇与资金"
