from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    label = "cases"
    verbose_name = _("案件闭环")

    def ready(self):
        from gridgov.cases.workflow import ACTION_LABELS
        from gridgov.core.audit import register_action_labels

        register_action_labels({f"case.{code}": label for code, label in ACTION_LABELS.items()})
        register_action_labels(
            {
                "category.save": _("修改案件类别"),
                "category.import": _("导入案件类别"),
                "department.set_categories": _("设置部门承办类别"),
                "calendar.save_year": _("修改工作时间"),
                "calendar.save_day": _("设置节假日"),
                "calendar.delete_day": _("删除节假日"),
                "notices.read": _("通知标为已读"),
            }
        )
