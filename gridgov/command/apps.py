from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "gridgov.command"
    label = "command"
    verbose_name = _("指挥中心")

    def ready(self):
        from gridgov.core.audit import register_action_labels

        register_action_labels(
            {
                "camera.import": _("导入摄像头"),
                "camera.alert": _("摄像头告警立案"),
                "camera.alert_joined": _("摄像头告警并入案件"),
                "alert_source.create": _("新建告警接入方"),
                "alert_source.disable": _("停用告警接入方"),
                "alert_kind.create": _("新增告警类型"),
                "alert_kind.update": _("修改告警类型"),
                "alert_kind.delete": _("删除告警类型"),
            }
        )
