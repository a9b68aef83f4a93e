"""Forms of the camera registry pages: the list's filters, the import upload, a new
alert source and an alert kind."""

from django import forms
from django.utils.translation import gettext_lazy

from gridgov.cases.models import Category
from gridgov.command.models import CameraKind, CameraStatus
from gridgov.core.scope import street_q
from gridgov.core.uploads import SheetImportForm
from gridgov.core.widgets import QuickSelect
from gridgov.places.models import Area, Level

MAX_MERGE_MINUTES = 24 * 60

_select_sm = {"class": "form-select form-select-sm"}


def _all(choices) -> list:
    return [("", gettext_lazy("全部")), *choices]


class CameraFilterForm(forms.Form):
    """The filters as typed, shown back in the form (never validated: the view's
    `camera_filters` decides what applies and ignores what makes no sense)."""

    q = forms.CharField(
        label=gettext_lazy("编码、名称或地址"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=_all(CameraStatus.choices),
        widget=QuickSelect(_select_sm),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        required=False,
        choices=_all(CameraKind.choices),
        widget=QuickSelect(_select_sm),
    )
    community = forms.ChoiceField(
        label=gettext_lazy("社区"), required=False, widget=QuickSelect(_select_sm)
    )
    grid = forms.ChoiceField(
        label=gettext_lazy("网格"), required=False, widget=QuickSelect(_select_sm)
    )

    def __init__(self, data, communities, grids):
        super().__init__(data)
        names = {c.pk: c.name for c in communities}
        by_community: dict[str, list] = {}
        for grid in grids:
            by_community.setdefault(names.get(grid.parent_id, ""), []).append((grid.pk, grid.name))
        self.fields["community"].choices = _all((c.pk, c.name) for c in communities)
        self.fields["grid"].choices = _all(by_community.items())

    def selects(self):
        return [self[name] for name in ("status", "kind", "community", "grid")]


class CameraImportForm(SheetImportForm):
    """An .xlsx within the size limit (its content is checked on reading), and "only
    check" to see the report without writing."""


class AlertSourceForm(forms.Form):
    """A video platform or AI box to let in: its name, the street it serves (one of
    the user's streets) and its merge window."""

    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": gettext_lazy("如：视频监控平台")}
        ),
        error_messages={"required": gettext_lazy("请填写接入方名称。")},
    )
    street = forms.ModelChoiceField(
        label=gettext_lazy("街道"),
        queryset=Area.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": gettext_lazy("请选择您所在的街道。")},
    )
    merge_minutes = forms.IntegerField(
        label=gettext_lazy("合并窗口（分钟）"),
        initial=30,
        min_value=1,
        max_value=MAX_MERGE_MINUTES,
        help_text=gettext_lazy("同一摄像头、同一类型的告警在此时间内并入未结案件。"),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        streets = Area.objects.filter(street_q(user, "pk"), level=Level.STREET)
        self.fields["street"].queryset = streets.defer("boundary").order_by("code")


class AlertKindForm(forms.Form):
    """An alert kind: its code (fixed once it exists), name and the case category (a
    sub-class in force today) its alerts become. `command.actions` checks them again."""

    code = forms.CharField(
        label=gettext_lazy("编码"),
        max_length=32,
        help_text=gettext_lazy("接入方推送告警时填写的类型，如 garbage；保存后不能修改。"),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("请填写编码。")},
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": gettext_lazy("请填写名称。")},
    )
    category_code = forms.ChoiceField(
        label=gettext_lazy("案件类别"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": gettext_lazy("请选择案件类别。"),
            "invalid_choice": gettext_lazy("请选择一个现行的案件小类。"),
        },
    )

    def __init__(self, *args, kind=None, **kwargs):
        if kind is not None:
            kwargs["initial"] = {
                "code": kind.code,
                "name": kind.name,
                "category_code": kind.category_code,
            }
        super().__init__(*args, **kwargs)
        subclasses = Category.objects.current().exclude(parent_code="").order_by("code")
        self.fields["category_code"].choices = [
            ("", "—"),
            *((c.code, f"{c.code} {c.name}") for c in subclasses.only("code", "name")),
        ]
        if kind is not None:
            self.fields["code"].disabled = True
