from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gridgov.people"
    label = "people"
    verbose_name = _("人口与单位")

    def ready(self):
        from gridgov.core.audit import register_action_labels

        register_action_labels(
            {
                "people.import": _("导入基础数据"),
                "people.export": _("导出基础数据"),
                "household.create": _("新建住户"),
                "household.set_head": _("变更户主"),
                "household.move": _("住户搬迁"),
                "resident.create": _("新增居民"),
                "resident.update": _("修改居民信息"),
                "resident.move_out": _("居民迁出"),
                "resident.decease": _("居民死亡"),
                "resident.add_focus": _("列入重点人群"),
                "resident.end_focus": _("移出重点人群"),
                "building.create": _("新建楼宇"),
                "dwelling.create": _("新建房屋"),
                "focus_group.create": _("新增重点人群"),
                "focus_group.update": _("修改重点人群"),
                "focus_group.change_visibility": _("变更重点人群可见范围"),
                "focus_group.deactivate": _("停用重点人群"),
                "focus_group.activate": _("启用重点人群"),
            }
        )
