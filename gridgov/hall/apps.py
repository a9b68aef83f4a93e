from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "gridgov.hall"
    label = "hall"
    verbose_name = _("政务服务中心")

    def ready(self):
        from gridgov.core.audit import register_action_labels
        from gridgov.hall import queue_actions, window_actions

        register_action_labels(
            {
                "hall.receive": _("受理办件"),
                "hall.approve": _("批准办件"),
                "hall.reject": _("不予批准办件"),
                "hall.supplement": _("要求补正材料"),
                "hall.resubmit": _("收到补正材料"),
                "hall.forward": _("转外部门办理"),
                "hall.collect": _("办件取件"),
                "hall.rate": _("服务评价"),
                "hall.follow_up": _("跟进不满意评价"),
                "hall.settings": _("修改服务中心设置"),
                "service_item.import": _("导入服务事项"),
                "service_item.status": _("变更服务事项状态"),
            }
        )
        register_action_labels(queue_actions.ACTION_LABELS)
        register_action_labels(window_actions.ACTION_LABELS)
