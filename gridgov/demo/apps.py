from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Installed only for its `load_demo` management command; it has no models."""

    name = "gridgov.demo"
    label = "demo"
    verbose_name = _("演示数据")

    def ready(self):
        from gridgov.core.audit import register_action_labels

        register_action_labels(
            {"demo.population": _("生成演示人口"), "demo.scale": _("复制演示街道")}
        )
