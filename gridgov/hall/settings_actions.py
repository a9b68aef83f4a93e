"""The hall's configurable unifications (name, signage, service norms) and queue
rules, changed by street staff; audited."""

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.hall.models import HallSettings

FIELDS = ("name", "signage", "norms", "no_show_calls", "starvation_minutes")


def update_hall_settings(actor, hall: HallSettings, **values) -> HallSettings:
    check_capability(actor, "hall.manage")
    name = (values.get("name") or "").strip()
    if not name:
        raise ActionError(_("请填写服务中心名称。"), "name")
    if not 1 <= int(values.get("no_show_calls") or 0) <= 10:
        raise ActionError(_("过号前的叫号次数应在 1 到 10 之间。"), "no_show_calls")
    if not 1 <= int(values.get("starvation_minutes") or 0) <= 240:
        raise ActionError(_("普通号最长等候应在 1 到 240 分钟之间。"), "starvation_minutes")
    with transaction.atomic():
        hall = HallSettings.objects.visible_to(actor).select_for_update().filter(pk=hall.pk).first()
        if hall is None:
            raise ActionError(_("服务中心不存在。"), status=404)
        before = audit.snapshot(hall, FIELDS)
        hall.name = name[:100]
        hall.signage = (values.get("signage") or "").strip()[:200]
        hall.norms = (values.get("norms") or "").strip()
        hall.no_show_calls = int(values["no_show_calls"])
        hall.starvation_minutes = int(values["starvation_minutes"])
        hall.save()
        audit.record(
            actor, "hall.settings", hall, before=before, after=audit.snapshot(hall, FIELDS)
        )
    return hall
