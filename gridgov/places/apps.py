from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "gridgov.places"
    label = "places"
    verbose_name = _("地理区域")

    def ready(self):
        from gridgov.core.audit import register_action_labels

        register_action_labels(
            {
                "area.create": _("新建区域"),
                "area.update": _("修改区域"),
                "area.import": _("导入区域"),
                "grid_layout.propose": _("生成网格划分方案"),
                "grid_layout.apply": _("应用网格划分"),
                "grid_layout.discard": _("放弃网格划分方案"),
            }
        )
