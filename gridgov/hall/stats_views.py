"""The hall's supervision page (统一监督评价): the period's figures and a table per
window, clerk or item, with an Excel export of the same."""

import datetime as dt

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.permissions import requires
from gridgov.core.spreadsheets import xlsx_response
from gridgov.hall import stats
from gridgov.hall.models import HallSettings


class StatsForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("统计周期"),
        choices=[
            ("day", gettext_lazy("日")),
            ("month", gettext_lazy("月")),
            ("year", gettext_lazy("年")),
        ],
        initial="month",
        required=False,
    )
    day = forms.DateField(label=gettext_lazy("日期"), required=False)
    by = forms.ChoiceField(
        label=gettext_lazy("分组"),
        choices=[
            ("window", gettext_lazy("按窗口")),
            ("clerk", gettext_lazy("按工作人员")),
            ("item", gettext_lazy("按事项")),
        ],
        initial="window",
        required=False,
    )


def _query(request):
    hall = HallSettings.objects.visible_to(request.user).select_related("street").first()
    if hall is None:
        raise Http404
    form = StatsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    period = data.get("period") or "month"
    day = data.get("day") or timezone.localdate()
    by = data.get("by") or "window"
    start, end = stats.period_range(period, day)
    return hall, form, period, day, by, start, end


@requires("hall.stats")
def stats_page(request):
    hall, form, period, day, by, start, end = _query(request)
    total, rows, counted_at = stats.counted(hall.street_id, start, end, by)
    return render(
        request,
        "hall/stats.html",
        {
            "hall": hall,
            "form": form,
            "period": period,
            "day": day,
            "by": by,
            "start": start,
            "last_day": (end - dt.timedelta(days=1)).date(),
            "summary": total,
            "rows": rows,
            "counted_at": counted_at,
        },
    )


COLUMNS = (
    ("served", gettext_lazy("服务人次")),
    ("waited_min", gettext_lazy("平均等候（分钟）")),
    ("service_min", gettext_lazy("平均办理（分钟）")),
    ("received", gettext_lazy("受理办件")),
    ("completed", gettext_lazy("办结办件")),
    ("on_time", gettext_lazy("按时办结率（%）")),
    ("ratings", gettext_lazy("评价数")),
    ("satisfaction", gettext_lazy("满意率（%）")),
)


@requires("hall.stats")
def stats_export(request):
    hall, _form, period, day, by, start, end = _query(request)
    total, breakdown, _at = stats.counted(hall.street_id, start, end, by)
    rows = [
        [label, *(getattr(figures, key) for key, _label in COLUMNS)] for label, figures in breakdown
    ]
    rows.append([_("合计"), *(getattr(total, key) for key, _label in COLUMNS)])
    header = [_("分组"), *(str(label) for _key, label in COLUMNS)]
    return xlsx_response(
        f"hall-stats-{period}-{day:%Y%m%d}-{by}.xlsx",
        header,
        rows,
        title=_("服务统计"),
    )
