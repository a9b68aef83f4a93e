"""The case list: every case the user may see, filtered, 50 to a page.

The filters are read by `queries.parse_filters`, the same reader the API and the
export use, so the three always agree; values that make no sense are ignored. The
form below only shows the filters back to the user. With hundreds of thousands of
cases an exact total is the slowest part of the page, so the count stops at
COUNT_CAP and the page says "10,000+".
"""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gridgov.cases import board_queries, queries
from gridgov.cases.choices import Level, Source, Status
from gridgov.cases.exports import EXPORT_ROWS
from gridgov.core.permissions import requires
from gridgov.core.widgets import QuickSelect

# Twenty rows a page: each row costs about a millisecond to render, and narrowing the
# filters finds a case faster than paging through them.
PAGE_SIZE = 20
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` + 1 rows (`capped` says it stopped);
    core/_pagination.html then shows "cap+" and no last page."""

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _choices(enum) -> list:
    return [("", _("全部")), *enum.choices]


def _select(label, choices=()):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=QuickSelect(attrs={"class": "form-select form-select-sm"}),
    )


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )


def _check(label):
    return forms.BooleanField(
        label=label,
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class CaseFilterForm(forms.Form):
    """The filters as the user typed them, shown back in the form (never validated:
    `queries.parse_filters` decides what applies)."""

    q = forms.CharField(
        label=_("编号或标题"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    status = _select(_("状态"), _choices(Status))
    category = _select(_("类别"))
    community = _select(_("社区"))
    grid = _select(_("网格"))
    department = _select(_("处置部门"))
    source = _select(_("来源"), _choices(Source))
    level = _select(_("处置层级"), _choices(Level))

    def __init__(self, data, user):
        super().__init__(data)
        communities, grids = board_queries.filter_areas(user)
        names = {c.pk: c.name for c in communities}
        by_community = {}
        for grid in grids:
            by_community.setdefault(names.get(grid.parent_id, ""), []).append((grid.pk, grid.name))
        self.fields["community"].choices = [("", _("全部")), *((c.pk, c.name) for c in communities)]
        self.fields["grid"].choices = [("", _("全部")), *by_community.items()]
        self.fields["category"].choices = [("", _("全部")), *board_queries.category_choices()]
        self.fields["department"].choices = [
            ("", _("全部")),
            *((d.pk, d.name) for d in board_queries.dispatch_departments()),
        ]
        # Names that are Python keywords or differ from the query parameters.
        self.fields["from"] = _date(_("上报日期从"))
        self.fields["to"] = _date(_("至"))
        self.fields["overdue"] = _check(_("仅看超期"))
        self.fields["open"] = _check(_("仅看未结案"))

    def selects(self):
        """The drop-down filters, in the order the form shows them."""
        names = ("status", "category", "community", "grid", "department", "source", "level")
        return [self[name] for name in names]


@requires("cases.view")
def case_list(request):
    filters = queries.parse_filters(request.GET)
    cases = queries.filtered_cases(request.user, filters).defer("grid__boundary", "description")
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": CaseFilterForm(request.GET, request.user),
        "page": page,
        "export_limit": EXPORT_ROWS,
        "now": timezone.now(),
    }
    return render(request, "cases/case_list.html", context)
