"""The filters of the auditor's lists, shared by each page and its export.

A filter the auditor mistyped (a bad date, an action that never happened) is shown
beside its field in Chinese and left out of the query; the valid filters still apply,
so the page always answers and never shows rows the auditor did not ask for by accident.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.audit import action_label
from gridgov.core.models import AuditEntry

FIRST_YEAR, LAST_YEAR = 1970, 2100
_DATE_ERRORS = {"invalid": _("日期格式不对，请按 2026-01-31 的格式填写；此条件已忽略。")}


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in local time (Asia/Shanghai), where the auditor's dates live."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


class LogFilterForm(forms.Form):
    """Filters common to both logs. Bound to request.GET; never raises."""

    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    date_from = _date_field(_("开始日期"))
    date_to = _date_field(_("结束日期"))

    lookups = {
        "actor": "actor_name__icontains",
        "object_type": "object_type",
        "object_id": "object_id",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )
        self.fields["object_type"].widget.attrs["placeholder"] = "places.area"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def clean_object_type(self):
        return self.cleaned_data["object_type"].lower()

    def _clean_year(self, name):
        day = self.cleaned_data.get(name)
        if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("日期须在 %(first)d 年至 %(last)d 年之间；此条件已忽略。"),
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return day

    def clean_date_from(self):
        return self._clean_year("date_from")

    def clean_date_to(self):
        return self._clean_year("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            data.pop("date_from")
            self.add_error("date_to", _("结束日期早于开始日期；日期条件已忽略。"))
        return data

    def applied(self) -> dict:
        """The valid, non-empty filters: what the query uses and the export audits."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}

    def filter(self, queryset):
        applied = self.applied()
        conditions = {self.lookups[k]: v for k, v in applied.items() if k in self.lookups}
        if "date_from" in applied:
            conditions["created_at__gte"] = day_start(applied["date_from"])
        if "date_to" in applied:
            conditions["created_at__lt"] = day_start(
                applied["date_to"] + datetime.timedelta(days=1)
            )
        return queryset.filter(**conditions)

    def describe(self) -> dict:
        """The applied filters as JSON-safe text, for the export's audit row."""
        return {k: str(v) for k, v in self.applied().items()}


class AuditFilterForm(LogFilterForm):
    """Filters of the audit log; the action is a select of the actions recorded so far."""

    action = forms.ChoiceField(
        label=_("操作"),
        required=False,
        error_messages={"invalid_choice": _("没有“%(value)s”这种操作；此条件已忽略。")},
    )
    request_id = forms.CharField(label=_("请求编号"), required=False, max_length=64)

    field_order = [
        "actor",
        "action",
        "object_type",
        "object_id",
        "date_from",
        "date_to",
        "request_id",
    ]
    lookups = {**LogFilterForm.lookups, "action": "action", "request_id": "request_id"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [
            ("", _("全部操作")),
            *((a, action_label(a)) for a in actions),
        ]


class AccessFilterForm(LogFilterForm):
    """Filters of the sensitive-data access log."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].label = _("查看人")
