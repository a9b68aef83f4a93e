from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from gridgov.core.audit import register_action_labels

        register_action_labels({"audit.export": _("导出审计记录")})
