"""The lists of base data: residents, households, buildings and organizations in scope.

Each list has a small filter form bound to the query string. A filter that is wrong
(a grid outside the user's area, a focus group their roles may not see, an unknown
value) is shown beside its field and left out, never a 500; the other filters apply.
Pages are 50 rows, with the same small number of queries whatever the table holds; the
total is counted only up to a cap (core.pagination), so a district's list says "10,000+".
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gridgov.core.pagination import CappedPaginator
from gridgov.core.permissions import requires
from gridgov.core.widgets import QuickSelect
from gridgov.people import queries
from gridgov.people.choices import HouseholdKind, OrganizationKind, Registration, ResidentStatus
from gridgov.places.models import Building, BuildingUse

PAGE_SIZE = 50
IGNORED = {"invalid_choice": _("“%(value)s”不可选，此条件已忽略。")}


def _choices(enum) -> list:
    return [("", _("全部")), *enum.choices]


class ListFilter(forms.Form):
    """Filters of one list; `applied()` gives the valid ones as keyword arguments of the
    matching `queries.*_list` function."""

    # A district-wide scope offers some 1,600 grids: rendered in Python, not per option.
    grid = forms.ChoiceField(
        label=_("网格"), required=False, error_messages=IGNORED, widget=QuickSelect
    )
    q = forms.CharField(label=_("关键字"), required=False, max_length=queries.MAX_TEXT)

    def __init__(self, data, user, grids):
        super().__init__(data)
        self.user = user
        self.grids = {g.code: g for g in grids}
        self.fields["grid"].choices = [("", _("全部")), *((g.code, g.name) for g in grids)]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if is_select else "form-control form-control-sm"
            field.widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def clean_grid(self):
        return self.grids.get(self.cleaned_data["grid"])

    def applied(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class ResidentFilter(ListFilter):
    focus = forms.ChoiceField(label=_("重点人群"), required=False, error_messages=IGNORED)
    registration = forms.ChoiceField(
        label=_("人口类型"), required=False, choices=_choices(Registration), error_messages=IGNORED
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=_choices(ResidentStatus), error_messages=IGNORED
    )

    def __init__(self, data, user, grids, groups=()):
        super().__init__(data, user, grids)
        # Only the groups the user's roles may see are offered, or accepted.
        self.groups = {g.code: g for g in groups}
        self.fields["focus"].choices = [
            ("", _("全部")),
            *((c, g.name) for c, g in self.groups.items()),
        ]
        self.fields["q"].label = _("姓名或拼音")

    def clean_focus(self):
        return self.groups.get(self.cleaned_data["focus"])


class HouseholdFilter(ListFilter):
    kind = forms.ChoiceField(
        label=_("户别"), required=False, choices=_choices(HouseholdKind), error_messages=IGNORED
    )
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, user, grids):
        super().__init__(data, user, grids)
        self.fields["q"].label = _("户号")

    def clean_building(self):
        return _building_in_scope(self.user, self.cleaned_data["building"])


class BuildingFilter(ListFilter):
    use = forms.ChoiceField(
        label=_("用途"), required=False, choices=_choices(BuildingUse), error_messages=IGNORED
    )

    def __init__(self, data, user, grids):
        super().__init__(data, user, grids)
        self.fields["q"].label = _("名称、地址或编码")


class OrganizationFilter(ListFilter):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=_choices(OrganizationKind), error_messages=IGNORED
    )
    key_unit = forms.TypedChoiceField(
        label=_("重点单位"),
        required=False,
        choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        error_messages=IGNORED,
    )
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, user, grids):
        super().__init__(data, user, grids)
        self.fields["q"].label = _("名称或信用代码")

    def clean_building(self):
        return _building_in_scope(self.user, self.cleaned_data["building"])


def _building_in_scope(user, pk):
    """The building of a link from the search or a building page, if the user sees it."""
    if pk is None:
        return None
    found = Building.objects.visible_to(user).filter(pk=pk).only("id", "code", "name").first()
    if found is None:
        raise forms.ValidationError(_("楼宇不存在或不在您的管辖范围内，此条件已忽略。"))
    return found


def _list(request, form_class, query, template: str, tab: str, **form_extra):
    grids = queries.visible_grids(request.user)
    form = form_class(request.GET, request.user, grids, **form_extra)
    applied = form.applied()
    rows = query(request.user, **applied)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    grid_names = {g.pk: g.name for g in grids}
    for row in page:  # loads the page's rows once; the template reuses them
        row.grid_name = grid_names.get(row.grid_id, "")
    context = {"form": form, "page": page, "tab": tab, "building": applied.get("building")}
    return render(request, template, context)


@requires(queries.VIEW)
def resident_list(request):
    groups = queries.visible_focus_groups(request.user)

    def query(user, **filters):
        return queries.resident_list(user, **filters).prefetch_related(
            queries.focus_prefetch(groups)
        )

    return _list(
        request, ResidentFilter, query, "people/resident_list.html", "residents", groups=groups
    )


@requires(queries.VIEW)
def household_list(request):
    return _list(
        request, HouseholdFilter, queries.household_list, "people/household_list.html", "households"
    )


@requires(queries.VIEW)
def building_list(request):
    return _list(
        request, BuildingFilter, queries.building_list, "people/building_list.html", "buildings"
    )


@requires(queries.VIEW)
def organization_list(request):
    return _list(
        request,
        OrganizationFilter,
        queries.organization_list,
        "people/organization_list.html",
        "organizations",
    )
