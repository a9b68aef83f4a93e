"""The forms of the household file: adding and editing residents, moving out, moving
the household, the head, focus groups, revealing a number; and the form of the
focus-group list itself.

The checks live in `people.rules` (shared with the spreadsheet import): the Django
fields here only carry widgets and labels and accept any text; `clean()` hands the
raw values to the rules' `clean_*` or `Checker` and puts every problem beside its field.
So a page and an import always agree on what is valid and say it in the same words.
After `is_valid()`, `form.values` holds what the action takes.
"""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.people import rules
from gridgov.people.choices import (
    ETHNICITY_CHOICES,
    Education,
    IdType,
    Registration,
    Relation,
    ResidentStatus,
    Sensitivity,
    Sex,
)
from gridgov.places.models import Dwelling


def _text(label, help_text="", **attrs):
    attrs = {"class": "form-control", **attrs}
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=attrs)
    )


def _select(label, choices, blank=True, help_text=""):
    options = [("", "—")] + list(choices) if blank else list(choices)
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Select(choices=options, attrs={"class": "form-select"}),
    )


def _date(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )


def _note(label):
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class RulesForm(forms.Form):
    """A form whose problems come from `people.rules` (or from an action's refusal)."""

    def add_error(self, field, error):
        if field is not None and field not in self.fields:
            field = None  # a rule about a field this form does not show: above the form
        super().add_error(field, error)
        if field is not None:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_problems(self, problems) -> None:
        for problem in problems:
            self.add_error(problem.field, problem.message)

    def show_refusal(self, exc) -> None:
        """Put an action's refusal (ActionError) beside the field it names."""
        self.add_error(self.refusal_fields.get(exc.field, exc.field), exc.message)

    # Action field names that this form shows under another name.
    refusal_fields: dict = {}


def _not_in_future(checker: rules.Checker, field: str) -> None:
    value = checker.values.get(field)
    if value and value > datetime.date.today():
        checker.fail(field, _("日期不能晚于今天。"))


class ResidentForm(RulesForm):
    """A resident's details (GB 11643 ID checks, enumerations, phone) via clean_resident.

    Editing never shows the stored ID or phone number: both fields start empty with the
    masked value as placeholder, and an empty field keeps the stored number. While the
    ID stays, sex and birth date stay bound to it.
    """

    name = _text(gettext_lazy("姓名"), autocomplete="off")
    id_type = _select(gettext_lazy("证件类型"), IdType.choices, blank=False)
    id_number = _text(gettext_lazy("证件号码"), autocomplete="off", spellcheck="false")
    sex = _select(
        gettext_lazy("性别"),
        Sex.choices,
        help_text=gettext_lazy("填写身份证号码时可不填，按号码确定。"),
    )
    birth_date = _date(gettext_lazy("出生日期"), help_text=gettext_lazy("填写身份证号码时可不填。"))
    ethnicity = _select(gettext_lazy("民族"), ETHNICITY_CHOICES, blank=False)
    phone = _text(gettext_lazy("联系电话"), autocomplete="off", inputmode="tel")
    relation = _select(gettext_lazy("与户主关系"), Relation.choices)
    registration = _select(gettext_lazy("人口类型"), Registration.choices)
    origin = _text(gettext_lazy("户籍地/来源地"), help_text=gettext_lazy("流动人口必填。"))
    arrival_date = _date(gettext_lazy("来穗日期"))
    permit_number = _text(gettext_lazy("居住证号"))
    permit_expiry = _date(gettext_lazy("居住证有效期至"))
    education = _select(gettext_lazy("文化程度"), Education.choices)
    occupation = _text(gettext_lazy("职业"))
    work_unit = _text(gettext_lazy("工作单位"))
    moved_in_on = _date(gettext_lazy("迁入日期"), help_text=gettext_lazy("不填则为今天。"))

    def __init__(self, data=None, *, resident=None):
        self.resident = resident
        initial = {"id_type": IdType.RESIDENT_ID, "ethnicity": "01"}
        if resident is not None:
            initial = {
                name: getattr(resident, name)
                for name in self.base_fields
                if name not in ("id_number", "phone", "moved_in_on")
            }
        super().__init__(data, initial=initial)
        if resident is not None:
            del self.fields["moved_in_on"]
            self._keep_hint("id_number", resident.id_masked)
            self._keep_hint("phone", resident.phone_masked)

    def _keep_hint(self, name, masked) -> None:
        field = self.fields[name]
        if masked:
            field.widget.attrs["placeholder"] = masked
            field.help_text = _("不修改请留空。")

    def clean(self):
        raw = dict(self.cleaned_data)
        resident = self.resident
        keep_id = (
            resident is not None
            and not raw.get("id_number")
            and raw.get("id_type") == resident.id_type
            and resident.id_type != IdType.NONE
        )
        mismatched = []
        if keep_id and resident.id_type == IdType.RESIDENT_ID:
            # The stored ID is not decrypted to re-check it: sex and birth date stay
            # the ones it gave, and a different value typed here is refused.
            mismatched = self._bound_to_id(raw, resident)
        values, problems = rules.clean_resident(raw)
        if keep_id:
            problems = [p for p in problems if p.field != "id_number"]
            values.pop("id_number", None)
        if resident is not None and not raw.get("phone"):
            values.pop("phone", None)
        self.add_problems(problems + mismatched)
        if resident is None:
            checker = rules.Checker(raw)
            checker.date("moved_in_on")
            _not_in_future(checker, "moved_in_on")
            self.add_problems(checker.problems)
            self.moved_in_on = checker.values["moved_in_on"]
        self.values = values
        return self.cleaned_data

    @staticmethod
    def _bound_to_id(raw: dict, resident) -> list:
        problems = []
        typed = rules.Checker(raw)
        sex = typed.choice("sex", Sex, required=False)
        birth = typed.date("birth_date")
        if sex and sex != resident.sex:
            problems.append(rules.Problem("sex", _("性别与身份证号码不一致。")))
        if birth and birth != resident.birth_date:
            problems.append(rules.Problem("birth_date", _("出生日期与身份证号码不一致。")))
        raw["sex"], raw["birth_date"] = resident.sex, resident.birth_date
        return problems


class LeaveKind:
    """Moving out and death: the two ways a resident stops living here."""

    CHOICES = (
        (ResidentStatus.MOVED_OUT, gettext_lazy("迁出")),
        (ResidentStatus.DECEASED, gettext_lazy("死亡")),
    )


class LeaveForm(RulesForm):
    """Mark a resident moved out or deceased; the record stays, with the date."""

    status = forms.ChoiceField(
        label=gettext_lazy("情况"),
        choices=LeaveKind.CHOICES,
        initial=ResidentStatus.MOVED_OUT,
        widget=forms.RadioSelect,
    )
    status_date = _date(gettext_lazy("日期"))
    note = _note(gettext_lazy("说明（去向等）"))

    def clean(self):
        checker = rules.Checker(self.data)
        checker.date("status_date", required=True)
        _not_in_future(checker, "status_date")
        checker.text("note", 300)
        self.add_problems(checker.problems)
        self.values = checker.values
        return self.cleaned_data


class SetHeadForm(RulesForm):
    head = forms.TypedChoiceField(label=gettext_lazy("新户主"), coerce=int, choices=())

    def __init__(self, data=None, *, members=()):
        super().__init__(data)
        self.fields["head"].choices = [(r.pk, r.name) for r in members]
        self.fields["head"].widget.attrs["class"] = "form-select"
        self.fields["head"].error_messages["invalid_choice"] = _("请从在住成员中选择。")
        self.fields["head"].error_messages["required"] = _("必填。")


class MoveForm(RulesForm):
    """Where the household moves: a dwelling named by building code and room, found
    only among the dwellings the user may see."""

    building_code = _text(gettext_lazy("楼宇编码"), autocomplete="off")
    unit = _text(gettext_lazy("单元"), help_text=gettext_lazy("没有单元的楼宇请留空。"))
    room = _text(gettext_lazy("房号"))
    status_date = _date(gettext_lazy("搬迁日期"))
    note = _note(gettext_lazy("说明"))
    refusal_fields = {"dwelling": "room"}

    def __init__(self, data=None, *, user=None):
        self.user = user
        super().__init__(data)

    def clean(self):
        checker = rules.Checker(self.data)
        code = checker.text("building_code", 32, required=True)
        unit = checker.text("unit", 10)
        room = checker.text("room", 20, required=True)
        checker.date("status_date", required=True)
        _not_in_future(checker, "status_date")
        checker.text("note", 300)
        self.add_problems(checker.problems)
        self.values = checker.values
        self.dwelling = None
        if code and room and not checker.problems:
            self.dwelling = self._find(code, unit, room)
        return self.cleaned_data

    def _find(self, code, unit, room) -> Dwelling | None:
        dwellings = Dwelling.objects.visible_to(self.user).select_related("building")
        at_building = dwellings.filter(building__code=code)
        dwelling = at_building.filter(unit=unit, room=room).first()
        if dwelling is None:
            if at_building.exists():
                self.add_error("room", _("该楼宇没有这个房号。"))
            else:
                self.add_error("building_code", _("楼宇编码不存在或不在您的管辖范围内。"))
        return dwelling


class FocusAddForm(RulesForm):
    """Put a resident into a focus group, with the details the group asks for
    (`group.detail_fields`, e.g. 残疾证号、残疾类别、等级).

    The group is picked first (a GET form that reloads the page with its detail
    fields); this form carries it as a hidden field.
    """

    group = forms.TypedChoiceField(
        label=gettext_lazy("重点人群"), coerce=int, choices=(), widget=forms.HiddenInput
    )
    since = _date(gettext_lazy("认定日期"))

    def __init__(self, data=None, *, groups=(), group=None):
        super().__init__(data, initial={"group": group.pk if group else None})
        self.groups = {g.pk: g for g in groups}
        field = self.fields["group"]
        field.choices = [(g.pk, g.name) for g in groups]
        field.error_messages["invalid_choice"] = _("请选择一个重点人群。")
        field.error_messages["required"] = _("请选择一个重点人群。")
        self.group = group
        self.detail_keys = []
        for index, (key, label) in enumerate(detail_fields(group)):
            name = f"detail_{index}"
            self.fields[name] = _text(label)
            self.detail_keys.append((name, key))

    def clean(self):
        data = super().clean()
        checker = rules.Checker(self.data)
        checker.date("since")
        _not_in_future(checker, "since")
        for name, _key in self.detail_keys:
            checker.text(name, 100)
        self.add_problems(checker.problems)
        self.values = {
            "group": self.groups.get(data.get("group")),
            "since": checker.values["since"],
            "details": {
                key: checker.values[name] for name, key in self.detail_keys if checker.values[name]
            },
        }
        return data


def detail_fields(group) -> list[tuple[str, str]]:
    """(key, label) of a group's detail fields: plain labels, or {"key", "label"} items."""
    items = []
    for item in (group.detail_fields if group else None) or []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("label") or "")
            label = str(item.get("label") or key)
        else:
            key = label = str(item)
        if key:
            items.append((key[:50], label[:50]))
    return items


class FocusEndForm(RulesForm):
    ended_on = _date(gettext_lazy("结束日期"))

    def clean(self):
        checker = rules.Checker(self.data)
        checker.date("ended_on", required=True)
        _not_in_future(checker, "ended_on")
        self.add_problems(checker.problems)
        self.values = checker.values
        return self.cleaned_data


class FocusGroupForm(RulesForm):
    """One focus group of the list: checked by `rules.clean_focus_group`. The detail
    fields are typed one per line; the code is fixed once the group exists."""

    code = _text(
        gettext_lazy("代码"),
        help_text=gettext_lazy("小写字母、数字和下划线，如 elderly_alone；保存后不能修改。"),
        autocomplete="off",
        spellcheck="false",
    )
    name = _text(gettext_lazy("名称"))
    sensitivity = _select(
        gettext_lazy("敏感程度"),
        Sensitivity.choices,
        blank=False,
        help_text=gettext_lazy("敏感人群只对下面勾选的角色可见；一个都不勾选时无人可见。"),
    )
    visible_roles = forms.MultipleChoiceField(
        label=gettext_lazy("可见角色"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=gettext_lazy("不勾选时，一般人群对所有能查看居民的角色可见。"),
    )
    detail_fields = forms.CharField(
        label=gettext_lazy("附加信息项"),
        required=False,
        help_text=gettext_lazy("每行一项，如残疾证号、残疾类别、等级。"),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    sort = _text(gettext_lazy("排序"), inputmode="numeric")

    def __init__(self, data=None, *, group=None):
        initial = {"sensitivity": Sensitivity.ORDINARY, "sort": 0}
        if group is not None:
            initial = {name: getattr(group, name) for name in self.base_fields}
            initial["detail_fields"] = "\n".join(label for _key, label in detail_fields(group))
        super().__init__(data, initial=initial)
        field = self.fields["visible_roles"]
        field.choices = rules.role_choices()
        field.error_messages["invalid_choice"] = _("未知角色：%(value)s")
        if group is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("代码保存后不能修改。")

    def clean(self):
        raw = dict(self.cleaned_data)
        raw["detail_fields"] = (raw.get("detail_fields") or "").splitlines()
        self.values, problems = rules.clean_focus_group(raw)
        self.add_problems(problems)
        return self.cleaned_data
