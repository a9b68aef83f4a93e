from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Installed only for its `load_demo` management command; it has no models."""

    name = "gridgov.demo"
    label = "demo"
    verbose_name = _("演示数据")
