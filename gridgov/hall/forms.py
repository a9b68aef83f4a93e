"""Forms of the hall's staff pages: a window group and a window on the setup page, an
item's aliases. They check what was typed and keep it; the rules (unique letter and
number, the street's own groups) are the actions' (`window_actions`), whose refusals
the page puts on the field."""

from django import forms
from django.utils.translation import gettext_lazy

from gridgov.hall.models import ServiceItem, WindowGroup
from gridgov.hall.window_actions import MAX_WINDOW_NUMBER

_INTEGER = gettext_lazy("请填写整数。")


class WindowGroupForm(forms.Form):
    """A new group (letter and name), or a new name for a group (its letter shown,
    not changed)."""

    letter = forms.CharField(
        label=gettext_lazy("字母"),
        max_length=1,
        help_text=gettext_lazy("A 到 Z，取号时号码以它开头，如 A001。设定后不能修改。"),
        error_messages={
            "required": gettext_lazy("请填写分组字母。"),
            "max_length": gettext_lazy("分组字母只能是一个字母。"),
        },
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=50,
        error_messages={
            "required": gettext_lazy("请填写分组名称。"),
            "max_length": gettext_lazy("名称最多 50 个字。"),
        },
    )

    def __init__(self, *args, group: WindowGroup | None = None, **kwargs):
        if group is not None:
            kwargs.setdefault("initial", {"letter": group.letter, "name": group.name})
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["letter"].disabled = True


class WindowForm(forms.Form):
    """A window: its number (fixed once made), the groups it calls, and whether it is
    the pick-up window. `groups` offers the street's groups already read by the page."""

    number = forms.IntegerField(
        label=gettext_lazy("窗口号"),
        min_value=1,
        max_value=MAX_WINDOW_NUMBER,
        error_messages={
            "required": gettext_lazy("请填写窗口号。"),
            "invalid": _INTEGER,
            "min_value": gettext_lazy("窗口号应在 1 到 999 之间。"),
            "max_value": gettext_lazy("窗口号应在 1 到 999 之间。"),
        },
    )
    groups = forms.MultipleChoiceField(
        label=gettext_lazy("服务分组"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": gettext_lazy("请选择本服务中心的窗口分组。")},
    )
    is_pickup = forms.BooleanField(
        label=gettext_lazy("统一出件窗口"),
        required=False,
        help_text=gettext_lazy("办结的办件在此窗口统一发放。"),
    )

    def __init__(self, *args, groups: list[WindowGroup], window=None, **kwargs):
        if window is not None:
            initial = {
                "number": window.number,
                "groups": [str(group.pk) for group in window.groups.all()],
                "is_pickup": window.is_pickup,
            }
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.by_pk = {str(group.pk): group for group in groups}
        self.fields["groups"].choices = [(str(group.pk), str(group)) for group in groups]
        if window is not None:
            self.fields["number"].disabled = True

    def clean_groups(self) -> list[WindowGroup]:
        return [self.by_pk[pk] for pk in self.cleaned_data["groups"]]


class ItemAliasesForm(forms.ModelForm):
    """What residents call an item, besides its name."""

    class Meta:
        model = ServiceItem
        fields = ("aliases",)
