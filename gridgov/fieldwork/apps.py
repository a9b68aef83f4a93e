from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "gridgov.fieldwork"
    label = "fieldwork"
    verbose_name = _("网格员工作")

    def ready(self):
        from gridgov.core.audit import register_action_labels

        register_action_labels(
            {
                "patrol.start": _("开始巡查"),
                "patrol.end": _("结束巡查"),
                "visit.record": _("登记走访"),
                "visit.raise_case": _("走访上报案件"),
                "visit.confirm_correction": _("确认走访信息更正"),
                "visit.refuse_correction": _("不采纳走访信息更正"),
                "visit_rule.save": _("修改走访规则"),
                "diary.open": _("新建民情日志"),
                "diary.add_item": _("新增日志条目"),
                "diary.update_item": _("修改日志条目"),
                "diary.item_case": _("日志条目转为案件"),
                "diary.item_request": _("日志条目转为诉求"),
                "diary.comment": _("批阅民情日志"),
                "mediation.update": _("记录矛盾纠纷调解"),
                "request.record": _("登记群众诉求"),
                "request.pass_on": _("转办群众诉求"),
                "request.answer": _("答复群众诉求"),
                "request.tell": _("告知诉求人"),
                "service.record": _("登记便民服务"),
                "case.phone_report": _("手机上报案件"),
            }
        )
