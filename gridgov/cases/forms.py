"""The forms of the case pages: reporting a case, one form per move of the transition
table on the case page, the case list's filters, the board's bulk dispatch, and the
reference tables' category, working hours and special day.

The business checks live in `cases.actions`: the forms only parse what was typed,
say which fields a move needs (read from `workflow.TRANSITIONS`, so the page and the
table cannot disagree) and put an action's refusal (ActionError) beside its field.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import Department
from gridgov.accounts.roles import Role
from gridgov.cases import board_queries, reference_actions
from gridgov.cases.choices import (
    FIELD_SOURCES,
    CategoryKind,
    Coordinates,
    Level,
    Priority,
    Rating,
    Source,
    Status,
)
from gridgov.cases.models import DayKind
from gridgov.cases.workflow import TRANSITIONS
from gridgov.cases.worktime import Unit
from gridgov.core.widgets import QuickSelect
from gridgov.people.rules import Checker
from gridgov.places.queries import filter_areas

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class PhotoInput(forms.FileInput):
    """A file input taking several photos, opening the phone's back camera."""

    allow_multiple_selected = True

    def __init__(self):
        super().__init__(
            attrs={"class": "form-control", "accept": "image/*", "capture": "environment"}
        )

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "multiple": True}


class PhotosField(forms.Field):
    """The uploads as a list; their content is checked by the action (`cases.photos`)."""

    widget = PhotoInput

    def clean(self, value):
        return [f for f in (value or []) if f]


class CaseForm(forms.Form):
    """A form that shows an action's refusal beside the field it names."""

    # Action field names that this form shows under another name.
    refusal_fields: dict = {}

    def show_refusal(self, exc) -> None:
        field = self.refusal_fields.get(exc.field, exc.field)
        self.add_error(field if field in self.fields else None, exc.message)

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


# -- reporting ---------------------------------------------------------------------------

# The sources each role reports from, the first its default: a grid worker reports what
# they found, the command center takes the hotline and camera finds, a leader's visit…
_SOURCES = (
    (
        (Role.DISPATCHER, Role.STREET_STAFF),
        [s for s in Source.values if s not in FIELD_SOURCES],
        Source.COMMAND_CENTER,
    ),
    ((Role.STREET_LEADER,), [Source.LEADER_VISIT, Source.RESIDENT, Source.OTHER], None),
    (
        (Role.COMMUNITY_STAFF,),
        [Source.RESIDENT, Source.GRID_WORKER, Source.INFORMANT, Source.OTHER],
        None,
    ),
    ((Role.GRID_WORKER,), [Source.GRID_WORKER, Source.RESIDENT], None),
)


def sources_for(user) -> tuple[list, str]:
    """(choices, default) of the report's source for this user's roles."""
    values, default = [], None
    for roles, sources, preferred in _SOURCES:
        if user.has_role(*roles):
            default = default or preferred or sources[0]
            values += [s for s in sources if s not in values]
    values = values or [Source.OTHER]
    return [(v, Source(v).label) for v in Source.values if v in values], default or values[0]


def category_groups(categories) -> list[tuple[str, list]]:
    """[(big class, [(id, sub-class name), …]), …]: only sub-classes can be picked."""
    big = {c.code: c for c in categories if not c.parent_code}
    groups: dict[str, list] = {}
    for c in categories:
        if c.parent_code and c.parent_code in big:
            groups.setdefault(c.parent_code, []).append((str(c.pk), c.name))
    return [(f"{big[code].code} {big[code].name}", groups[code]) for code in sorted(groups)]


def _text(label, required=False, rows=0, **attrs):
    widget = (
        forms.Textarea(attrs={**_TEXT, "rows": rows, **attrs})
        if rows
        else forms.TextInput(attrs={**_TEXT, **attrs})
    )
    return forms.CharField(label=label, required=required, widget=widget)


def _rating(unrated_label):
    """The resident's rating as buttons; unrated_label names the empty choice."""
    return forms.ChoiceField(
        label=gettext_lazy("居民评价"),
        choices=[("", unrated_label), *Rating.choices],
        required=False,
        widget=forms.RadioSelect,
    )


class ReportForm(CaseForm):
    """Reporting a case (发现告知), from a phone or the command center's desk."""

    category = forms.ChoiceField(
        label=gettext_lazy("案件小类"), widget=forms.Select(attrs={**_SELECT})
    )
    title = _text(gettext_lazy("标题"), required=True, maxlength=100)
    description = _text(gettext_lazy("问题描述"), rows=3, maxlength=2000)
    photos = PhotosField(label=gettext_lazy("现场照片"), required=False)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    coords = forms.ChoiceField(
        choices=Coordinates.choices, initial=Coordinates.WGS84, widget=forms.HiddenInput
    )
    address = _text(gettext_lazy("地址"), maxlength=200)
    priority = forms.ChoiceField(
        label=gettext_lazy("紧急程度"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(label=gettext_lazy("来源"), widget=forms.Select(attrs=_SELECT))
    source_ref = _text(gettext_lazy("来源编号（如 12345 工单号）"), maxlength=64)
    contact_name = _text(gettext_lazy("反映人姓名"), maxlength=50, autocomplete="off")
    contact_phone = _text(
        gettext_lazy("反映人电话"), maxlength=20, autocomplete="off", inputmode="tel"
    )
    on_spot = forms.BooleanField(
        label=gettext_lazy("当场解决"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )
    on_spot_result = _text(gettext_lazy("处置结果"), rows=2, maxlength=2000)
    follow_up_note = _text(gettext_lazy("居民意见"), rows=2, maxlength=2000)
    rating = _rating(gettext_lazy("未评价"))

    refusal_fields = {"location": "lon", "grid": "lon", "contacts": "contact_name"}

    def __init__(self, data=None, files=None, *, user, categories, fixed_source=False):
        """`fixed_source`: the page reporting through this form sets the source itself
        (a patrol's "发现问题"), so the form offers none."""
        self.user = user
        self.categories = {str(c.pk): c for c in categories if c.parent_code}
        sources, default_source = sources_for(user)
        super().__init__(data, files, initial={"source": default_source})
        self.fields["category"].choices = [("", _("请选择小类")), *category_groups(categories)]
        self.fields["category"].error_messages["invalid_choice"] = _("请选择案件小类。")
        self.fields["source"].choices = sources
        if fixed_source:
            del self.fields["source"]
        if fixed_source or Source.HOTLINE not in dict(sources):
            del self.fields["source_ref"]  # only the command center takes numbered tickets
        self.can_solve_on_spot = user.has_role(Role.GRID_WORKER)
        if not self.can_solve_on_spot:
            for name in ("on_spot", "on_spot_result", "follow_up_note", "rating"):
                del self.fields[name]
        for name, message in (
            ("category", _("请选择案件小类。")),
            ("title", _("请填写标题。")),
        ):
            self.fields[name].error_messages["required"] = message

    def clean(self):
        data = self.cleaned_data
        if (data.get("lon") is None or data.get("lat") is None) and "lon" not in self.errors:
            self.add_error("lon", _("请用手机定位或在地图上选点。"))
        checker = Checker({"phone": self.data.get("contact_phone", "")})
        data["contact_phone"] = checker.phone("phone")
        for problem in checker.problems:
            self.add_error("contact_phone", problem.message)
        if data.get("on_spot") and not (data.get("on_spot_result") or "").strip():
            self.add_error("on_spot_result", _("当场解决请填写处置结果。"))
        return data

    def report_inputs(self) -> dict:
        """The keyword arguments of `actions.report_case`."""
        d = self.cleaned_data
        name, phone = d["contact_name"].strip(), d["contact_phone"]
        inputs = {
            "category": self.categories[d["category"]],
            "title": d["title"],
            "description": d["description"],
            "lon": d["lon"],
            "lat": d["lat"],
            "coords": d["coords"],
            "address": d["address"],
            "priority": d["priority"],
            "reporter_name": name,
            "contacts": [(name, phone, None)] if name or phone else [],
            "photos": d["photos"],
        }
        if "source" in self.fields:
            inputs |= {"source": d["source"], "source_ref": d.get("source_ref", "")}
        if d.get("on_spot"):
            inputs |= {
                "on_spot_result": d["on_spot_result"],
                "follow_up_note": d["follow_up_note"],
                "rating": d["rating"],
            }
        return inputs


# -- the moves on the case page ----------------------------------------------------------

# Optional fields some moves take beside the ones the table requires.
_EXTRA_FIELDS = {
    "escalate": ("reason",),
    "dispatch": ("due_at",),
    "assign_verify": ("due_at",),
    "resolve": ("photos",),
    "handle": ("photos",),
    "follow_up": ("rating", "comment"),
    "close": ("reason",),
    "reopen": ("reason",),
}
_REASON_LABELS = {
    "escalate": gettext_lazy("上报说明"),
    "reject": gettext_lazy("不予受理理由"),
    "return": gettext_lazy("退回理由"),
    "request_extension": gettext_lazy("延期理由"),
    "deny_extension": gettext_lazy("驳回理由"),
    "suspend": gettext_lazy("挂起理由"),
    "close": gettext_lazy("判定理由（无群众评价且自评未通过时必填）"),
    "reopen": gettext_lazy("判定理由（无群众评价且自评未通过时必填）"),
}


def fields_of(action: str) -> tuple[str, ...]:
    needs = next(m.needs for (_s, a), m in TRANSITIONS.items() if a == action)
    return (*needs, *_EXTRA_FIELDS.get(action, ()))


class ActionForm(CaseForm):
    """One move on the case page; it shows the fields the move needs and no others."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(gettext_lazy("理由"), rows=2, maxlength=200)
    result = _text(gettext_lazy("处置结果"), rows=3, maxlength=2000)
    photos = PhotosField(label=gettext_lazy("处置后照片"), required=False)
    note = _text(gettext_lazy("回访情况"), rows=2, maxlength=2000)
    rating = _rating(gettext_lazy("居民未当场评价"))
    comment = _text(gettext_lazy("评价意见"), maxlength=300)
    department = forms.ModelChoiceField(
        label=gettext_lazy("处置部门"),
        queryset=None,
        empty_label=gettext_lazy("请选择部门"),
        widget=QuickSelect(attrs=_SELECT),
    )
    due_at = forms.DateTimeField(
        label=gettext_lazy("处置时限（不填按类别时限）"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={**_TEXT, "type": "datetime-local"}),
    )
    worker = forms.ModelChoiceField(
        label=gettext_lazy("核实网格员"),
        queryset=None,
        empty_label=gettext_lazy("请选择网格员"),
        widget=QuickSelect(attrs=_SELECT),
    )
    target = _text(gettext_lazy("合并到的案件编号"), maxlength=24, inputmode="numeric")
    amount = forms.DecimalField(
        label=gettext_lazy("延期时长"),
        min_value=0.5,
        max_value=999,
        decimal_places=1,
        widget=forms.NumberInput(attrs={**_TEXT, "step": "0.5"}),
    )

    def __init__(
        self,
        action,
        data=None,
        files=None,
        *,
        case,
        departments=None,
        department=None,
        workers=None,
        typed=None,
    ):
        self.action = action
        initial = {"department": department, **(typed or {}), "version": case.version}
        super().__init__(data, files, initial=initial, prefix=action)
        shown = fields_of(action)
        needs = next(m.needs for (_s, a), m in TRANSITIONS.items() if a == action)
        for name in [n for n in self.fields if n != "version" and n not in shown]:
            del self.fields[name]
        for name, field in self.fields.items():
            field.required = name == "version" or name in needs
            field.error_messages["required"] = _("必填。")
        if "department" in self.fields:
            self.fields["department"].queryset = departments
            self.fields["department"].error_messages["required"] = _("请选择处置部门。")
        if "worker" in self.fields:
            self.fields["worker"].queryset = workers
            self.fields["worker"].error_messages["required"] = _("请选择核实的网格员。")
        if "reason" in self.fields and action in _REASON_LABELS:
            self.fields["reason"].label = _REASON_LABELS[action]
        if "amount" in self.fields:
            unit = case.category.get_handle_unit_display()
            self.fields["amount"].label = _("延期时长（%(unit)s）") % {"unit": unit}

    def inputs(self) -> dict:
        """The keyword arguments of `actions.act` (without version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# -- the case list and the board --------------------------------------------------------


_ANY = ("", gettext_lazy("全部"))


def _all(enum) -> list:
    return [_ANY, *enum.choices]


def _filter_select(label, choices=()):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=QuickSelect(attrs={"class": "form-select form-select-sm"}),
    )


def _filter_date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )


def _filter_check(label):
    return forms.BooleanField(
        label=label,
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class CaseFilterForm(forms.Form):
    """The filters as the user typed them, shown back in the form (never validated:
    `queries.parse_filters` decides what applies)."""

    q = forms.CharField(
        label=gettext_lazy("编号或标题"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    status = _filter_select(gettext_lazy("状态"), _all(Status))
    category = _filter_select(gettext_lazy("类别"))
    community = _filter_select(gettext_lazy("社区"))
    grid = _filter_select(gettext_lazy("网格"))
    department = _filter_select(gettext_lazy("处置部门"))
    source = _filter_select(gettext_lazy("来源"), _all(Source))
    level = _filter_select(gettext_lazy("处置层级"), _all(Level))

    def __init__(self, data, user):
        super().__init__(data)
        communities, grids = filter_areas(user)
        names = {c.pk: c.name for c in communities}
        by_community = {}
        for grid in grids:
            by_community.setdefault(names.get(grid.parent_id, ""), []).append((grid.pk, grid.name))
        departments = board_queries.dispatch_departments()
        self.fields["community"].choices = [_ANY, *((c.pk, c.name) for c in communities)]
        self.fields["grid"].choices = [_ANY, *by_community.items()]
        self.fields["category"].choices = [_ANY, *board_queries.category_choices()]
        self.fields["department"].choices = [_ANY, *((d.pk, d.name) for d in departments)]
        # Names that are Python keywords or differ from the query parameters.
        self.fields["from"] = _filter_date(gettext_lazy("上报日期从"))
        self.fields["to"] = _filter_date(gettext_lazy("至"))
        self.fields["overdue"] = _filter_check(gettext_lazy("仅看超期"))
        self.fields["open"] = _filter_check(gettext_lazy("仅看未结案"))

    def selects(self):
        """The drop-down filters, in the order the form shows them."""
        names = ("status", "category", "community", "grid", "department", "source", "level")
        return [self[name] for name in names]


class BulkDispatchForm(forms.Form):
    """The department and the optional due time of a bulk dispatch; the cases come as
    a list of ids checked on the board."""

    department = forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True),
        error_messages={
            "required": gettext_lazy("请选择处置部门。"),
            "invalid_choice": gettext_lazy("处置部门不存在或已停用。"),
        },
    )
    due_at = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": gettext_lazy("处置时限格式不正确。")},
    )


# -- the reference tables ---------------------------------------------------------------

STEP_LABELS = (
    ("accept", gettext_lazy("受理")),
    ("dispatch", gettext_lazy("派遣")),
    ("handle", gettext_lazy("处置")),
    ("follow_up", gettext_lazy("回访")),
)


def date_input():
    """A date picker that shows a bound date back as the browser expects it."""
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")


class CategoryForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("编码"),
        max_length=5,
        help_text=gettext_lazy("大类：C/E/G 加两位数字（如 E01）；小类再加两位（如 E0102）。"),
        widget=forms.TextInput(attrs=_TEXT | {"autocomplete": "off"}),
    )
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60, widget=forms.TextInput(_TEXT))
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=CategoryKind.choices, widget=forms.Select(_SELECT)
    )
    default_department = forms.ModelChoiceField(
        label=gettext_lazy("默认处置部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.Select(_SELECT),
    )
    standard = forms.CharField(
        label=gettext_lazy("立案与结案标准"),
        required=False,
        max_length=reference_actions.MAX_STANDARD_CHARS,
        widget=forms.Textarea(attrs=_TEXT | {"rows": 3}),
    )
    effective = forms.DateField(
        label=gettext_lazy("生效日期"),
        help_text=gettext_lazy("此日起上报的案件按新时限计算；之前的案件保持原时限。"),
        widget=date_input(),
    )

    def __init__(self, *args, user, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        departments = reference_actions.CategoryRules.departments_for(user).filter(is_active=True)
        self.fields["default_department"].queryset = departments
        for step, label in STEP_LABELS:
            self.fields[f"{step}_limit"] = forms.DecimalField(
                label=_("%(step)s时限") % {"step": label},
                min_value=Decimal("0.01"),
                max_digits=6,
                decimal_places=2,
                widget=forms.NumberInput(attrs=_TEXT | {"step": "0.01"}),
            )
            self.fields[f"{step}_unit"] = forms.ChoiceField(
                label=_("单位"), choices=Unit.choices, widget=forms.Select(_SELECT)
            )
        if editing:
            self.fields["code"].disabled = True

    def step_fields(self):
        return [(label, self[f"{step}_limit"], self[f"{step}_unit"]) for step, label in STEP_LABELS]


class HoursForm(forms.Form):
    morning_start = forms.TimeField(label=gettext_lazy("上午上班"), widget=_time_input())
    morning_end = forms.TimeField(label=gettext_lazy("上午下班"), widget=_time_input())
    afternoon_start = forms.TimeField(label=gettext_lazy("下午上班"), widget=_time_input())
    afternoon_end = forms.TimeField(label=gettext_lazy("下午下班"), widget=_time_input())


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), widget=date_input())
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=DayKind.choices, widget=forms.Select(_SELECT)
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs=_TEXT | {"placeholder": gettext_lazy("如：春节")}),
    )
