from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "rencai.orgs"
    label = "orgs"
    verbose_name = _("组织机构")

    def ready(self):
        from rencai.core import scope

        from . import selectors

        scope.register_resolver(selectors.scope_resolve)
