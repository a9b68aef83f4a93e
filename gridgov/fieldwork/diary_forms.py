"""The forms of the diary pages: an item, a dispute's mediation, a comment."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.fieldwork.choices import DiaryItemKind, MediationState
from gridgov.fieldwork.forms import FieldForm, choice_field, household_numbers, text_field
from gridgov.people.models import Household


class DiaryItemForm(FieldForm):
    """An item: its kind and text, the households it concerns by number (户号) and the
    buildings of the grid; the parties, for a dispute."""

    kind = choice_field(gettext_lazy("类别"), DiaryItemKind.choices)
    text = text_field(gettext_lazy("内容"), required=True, rows=3, max_length=2000)
    households = text_field(
        gettext_lazy("相关住户（户号，多个用逗号分隔）"), max_length=300, autocomplete="off"
    )
    buildings = forms.MultipleChoiceField(
        label=gettext_lazy("相关楼宇"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}),
    )
    parties = text_field(gettext_lazy("当事人（矛盾纠纷）"), max_length=200)

    def __init__(self, *args, user, buildings=(), item=None, **kwargs):
        if item is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": item.kind,
                "text": item.text,
                "households": "，".join(h.number for h in item.households.all()),
                "buildings": [str(b.pk) for b in item.buildings.all()],
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["buildings"].choices = [(str(b.pk), b.name) for b in buildings]
        if item is not None:
            del self.fields["parties"]

    def clean_households(self):
        numbers = household_numbers(self.cleaned_data["households"])
        found = {
            h.number: h for h in Household.objects.visible_to(self.user).filter(number__in=numbers)
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("户号 %(n)s 不存在或不在您的管辖范围内。") % {"n": "、".join(missing)}
            )
        return [found[n] for n in dict.fromkeys(numbers)]

    def inputs(self) -> dict:
        data = self.cleaned_data
        inputs = {
            "kind": data["kind"],
            "text": data["text"],
            "households": data["households"],
            "buildings": [int(pk) for pk in data["buildings"]],
        }
        if "parties" in data:
            inputs["parties"] = data["parties"]
        return inputs


class MediationForm(FieldForm):
    parties = text_field(gettext_lazy("当事人"), required=True, max_length=200)
    mediator = text_field(gettext_lazy("调解人"), required=True, max_length=50)
    outcome = text_field(gettext_lazy("调解结果"), rows=3, max_length=2000)
    state = choice_field(gettext_lazy("状态"), MediationState.choices)


class CommentForm(FieldForm):
    text = text_field(gettext_lazy("批阅意见"), required=True, rows=2, max_length=500)
