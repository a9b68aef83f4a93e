"""The forms of the grid worker's pages: a home visit (with its corrections of the
household file), a case raised from a visit or a diary item, a request and its moves,
a convenience service, a visit rule.

The business checks live in the actions: the forms parse what was typed, look up what
a worker names by its number (户号) inside their scope, and put an action's refusal
beside its field (`ActionError.show_on`). After `is_valid()`, `form.inputs()` holds
the keyword arguments of the action. The diary's forms are in `diary_forms`.
"""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.cases.choices import Priority
from gridgov.cases.forms import category_groups
from gridgov.cases.models import Category
from gridgov.core.widgets import QuickSelect
from gridgov.fieldwork.choices import RequestChannel, ServiceKind, VisitKind
from gridgov.fieldwork.corrections import FIELDS as CORRECTABLE
from gridgov.people.models import Household

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
CORRECTION_ROWS = 3


def text_field(label, required=False, rows=0, max_length=None, **attrs):
    widget = (
        forms.Textarea(attrs={**_TEXT, "rows": rows, **attrs})
        if rows
        else forms.TextInput(attrs={**_TEXT, **attrs})
    )
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=widget, strip=True
    )


def choice_field(label, choices, required=True, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.Select(attrs=_SELECT),
        **kwargs,
    )


class FieldForm(forms.Form):
    """A form that marks its invalid fields (Bootstrap) and takes an action's refusal."""

    def add_error(self, field, error):
        if field is not None and field not in self.fields:
            field = None  # about a field this form does not show: above the form
        super().add_error(field, error)
        if field is not None:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class HouseholdNumberField(forms.CharField):
    """A household named by its number (户号), found among those the user sees."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("widget", forms.TextInput(attrs={**_TEXT, "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        number = super().clean(value)
        if not number:
            return None
        found = Household.objects.visible_to(self.user).filter(number=number).first()
        if found is None:
            raise forms.ValidationError(
                _("户号 %(n)s 不存在或不在您的管辖范围内。") % {"n": number}
            )
        return found


def case_fields(form, required: bool) -> None:
    """The category and title of a case to report (a sub-class only can be picked)."""
    categories = list(
        Category.objects.current()
        .only("id", "code", "name", "parent_code")
        .order_by("code", "-valid_from")
    )
    form.categories = {str(c.pk): c for c in categories if c.parent_code}
    form.fields["case_category"] = forms.ChoiceField(
        label=gettext_lazy("案件小类"),
        choices=[("", _("请选择小类")), *category_groups(categories)],
        required=required,
        widget=QuickSelect(attrs=_SELECT),
        error_messages={"required": _("请选择案件小类。")},
    )
    form.fields["case_title"] = text_field(
        gettext_lazy("案件标题"), required=required, max_length=100
    )


def case_inputs(form) -> dict | None:
    """The inputs of a case to raise (None when no title was given)."""
    data = form.cleaned_data
    if not data.get("case_title"):
        return None
    if not data.get("case_category"):
        form.add_error("case_category", _("请选择案件小类。"))
        return None
    return {"category": form.categories[data["case_category"]], "title": data["case_title"]}


class CaseForm(FieldForm):
    """Report what a visit or a diary item found as a case."""

    description = text_field(gettext_lazy("问题描述"), rows=3, max_length=2000)
    priority = forms.ChoiceField(
        label=gettext_lazy("紧急程度"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )
    refusal_fields = {"category": "case_category", "title": "case_title"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case_fields(self, required=True)
        self.order_fields(["case_category", "case_title", "description", "priority"])

    def inputs(self) -> dict:
        data = self.cleaned_data
        return {
            "category": self.categories[data["case_category"]],
            "title": data["case_title"],
            "description": data["description"],
            "priority": data["priority"],
        }


class VisitForm(FieldForm):
    """A home visit. To a household: up to three corrections of its living members'
    details, and the residents' opinions recorded as their request in the same step."""

    kind = choice_field(gettext_lazy("走访类型"), VisitKind.choices)
    visited_at = forms.DateTimeField(
        label=gettext_lazy("走访时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(
            attrs={**_TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    met = text_field(gettext_lazy("见到的人"), max_length=100)
    findings = text_field(gettext_lazy("走访情况"), rows=3, max_length=2000)
    opinions = text_field(gettext_lazy("居民意见和诉求"), rows=2, max_length=2000)
    as_request = forms.BooleanField(
        label=gettext_lazy("把居民意见登记为诉求"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    photo = forms.FileField(
        label=gettext_lazy("照片"),
        required=False,
        widget=forms.FileInput(attrs={**_TEXT, "accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        if self.members:
            people = [("", "—"), *((str(m.pk), m.name) for m in self.members)]
            fields = [("", "—"), *((name, label) for name, (label, _k) in CORRECTABLE.items())]
            for row in range(CORRECTION_ROWS):
                self.fields[f"fix{row}_resident"] = choice_field(
                    gettext_lazy("成员"), people, required=False
                )
                self.fields[f"fix{row}_field"] = choice_field(
                    gettext_lazy("更正项"), fields, required=False
                )
                self.fields[f"fix{row}_value"] = text_field(gettext_lazy("更正为"), max_length=100)
        else:
            del self.fields["as_request"]
        case_fields(self, required=False)
        self.fields["case_title"].label = gettext_lazy("发现问题需上报案件时填写标题")

    def correction_rows(self):
        return [
            [self[f"fix{row}_{part}"] for part in ("resident", "field", "value")]
            for row in range(CORRECTION_ROWS)
            if self.members
        ]

    def inputs(self) -> dict:
        data = self.cleaned_data
        proposed = []
        for row in range(CORRECTION_ROWS if self.members else 0):
            resident, name = data[f"fix{row}_resident"], data[f"fix{row}_field"]
            value = data[f"fix{row}_value"]
            if resident or name or value:
                proposed.append({"resident": resident, "field": name, "value": value})
        inputs = {
            "kind": data["kind"],
            "visited_at": data["visited_at"],
            "met": data["met"],
            "findings": data["findings"],
            "opinions": data["opinions"],
            "photo": data["photo"],
            "corrections_proposed": proposed,
            "raise_case": case_inputs(self),
        }
        if data.get("as_request") and data["opinions"]:
            head = next((m for m in self.members if m.is_head), None)
            inputs["raise_request"] = {
                "content": data["opinions"],
                "requester": head.pk if head else None,
                "requester_name": "" if head else (data["met"] or _("住户"))[:50],
            }
        return inputs


class RequestForm(FieldForm):
    """A resident's request: who (a name, and their household's number if known), how
    it came, what they ask."""

    requester_name = text_field(gettext_lazy("诉求人姓名"), required=True, max_length=50)
    channel = choice_field(gettext_lazy("渠道"), RequestChannel.choices)
    content = text_field(gettext_lazy("诉求内容"), required=True, rows=3, max_length=2000)

    def __init__(self, *args, user, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"] = HouseholdNumberField(
            label=gettext_lazy("户号（选填）"), required=False, user=user, max_length=32
        )
        self.grids = {str(g.pk): g for g in grids}
        if len(grids) > 1:
            self.fields["grid"] = choice_field(
                gettext_lazy("网格"), [("", "—"), *((str(g.pk), g.name) for g in grids)], False
            )
        self.order_fields(["requester_name", "household", "channel", "content", "grid"])

    def inputs(self) -> dict:
        data = self.cleaned_data
        home, name = data["household"], data["requester_name"]
        person = None
        if home is not None:
            person = home.members.filter(name=name, status="living").only("id").first()
        return {
            "requester": person,
            "requester_name": name,
            "household": home,
            "channel": data["channel"],
            "content": data["content"],
            "grid": self.grids.get(data.get("grid") or ""),
        }


class ServiceForm(FieldForm):
    kind = choice_field(gettext_lazy("服务类型"), ServiceKind.choices)
    minutes = forms.IntegerField(
        label=gettext_lazy("用时（分钟）"),
        min_value=1,
        max_value=1440,
        widget=forms.NumberInput(attrs={**_TEXT, "inputmode": "numeric"}),
    )
    day = forms.DateField(
        label=gettext_lazy("日期"),
        required=False,
        widget=forms.DateInput(attrs={**_TEXT, "type": "date"}, format="%Y-%m-%d"),
    )
    note = text_field(gettext_lazy("说明"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"] = HouseholdNumberField(
            label=gettext_lazy("户号"), required=True, user=user, max_length=32
        )
        self.order_fields(["household", "kind", "minutes", "day", "note"])

    def inputs(self) -> dict:
        return dict(self.cleaned_data)


def household_numbers(text: str) -> list[str]:
    """户号 typed one after another, separated by commas, spaces or 、."""
    return [n for n in re.split(r"[\s,，、;；]+", text or "") if n]


class RequestMoveForm(FieldForm):
    """The next move of a request: pass it on (to a person, a department, or as a case),
    answer it, or tell the requester."""

    target = forms.ChoiceField(
        label=gettext_lazy("转办方式"),
        choices=[
            ("person", gettext_lazy("转给具体人员")),
            ("department", gettext_lazy("转给部门")),
            ("case", gettext_lazy("转为案件")),
        ],
        initial="person",
        widget=forms.RadioSelect,
    )
    passed_to = text_field(gettext_lazy("转办对象"), max_length=100)
    answer = text_field(gettext_lazy("答复内容"), rows=3, max_length=2000)
    note = text_field(gettext_lazy("告知情况"), max_length=200)
    refusal_fields = {"category": "case_category", "title": "case_title"}

    def __init__(self, *args, action: str, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        keep = {"pass_on": ("target", "passed_to"), "answer": ("answer",), "tell": ("note",)}
        for name in [n for n in self.fields if n not in keep.get(action, ())]:
            del self.fields[name]
        if action == "pass_on":
            self.departments = {str(d.pk): d for d in departments}
            self.fields["department"] = choice_field(
                gettext_lazy("部门"),
                [("", "—"), *((k, d.name) for k, d in self.departments.items())],
                required=False,
            )
            case_fields(self, required=False)
        elif action == "answer":
            self.fields["answer"].required = True
        elif action == "tell":
            self.fields["note"].required = True
            self.fields["note"].widget.attrs["placeholder"] = _("如：电话告知本人")

    def clean(self):
        data = super().clean()
        if self.action != "pass_on":
            return data
        needs = {"person": "passed_to", "department": "department", "case": "case_title"}
        target = data.get("target")
        if target in needs and not data.get(needs[target]):
            self.add_error(needs[target], _("请填写转办去向。"))
        if target == "case" and not data.get("case_category"):
            self.add_error("case_category", _("请选择案件小类。"))
        return data

    def inputs(self) -> dict:
        data = self.cleaned_data
        if self.action == "answer":
            return {"answer": data["answer"]}
        if self.action == "tell":
            return {"note": data["note"]}
        target = data["target"]
        if target == "person":
            return {"passed_to": data["passed_to"]}
        if target == "department":
            return {"department": self.departments[data["department"]]}
        return {"raise_case": case_inputs(self)}


class RuleForm(FieldForm):
    """One visit rule of a street: its interval, the kind of visit it asks for, on/off."""

    interval_days = forms.IntegerField(
        label=gettext_lazy("间隔（天）"),
        min_value=1,
        max_value=3660,
        widget=forms.NumberInput(attrs={**_TEXT, "inputmode": "numeric"}),
    )
    visit_kind = choice_field(gettext_lazy("走访类型"), VisitKind.choices)
    is_active = forms.BooleanField(
        label=gettext_lazy("启用"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
