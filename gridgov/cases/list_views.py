"""The case list: every case the user may see, filtered, 50 to a page.

The filters are read by `queries.parse_filters`, the same reader the API and the
export use, so the three always agree; values that make no sense are ignored. The
form below only shows the filters back to the user. With hundreds of thousands of
cases an exact total is the slowest part of the page, so it is counted by
core.pagination.CappedPaginator, which stops at a cap and says "10,000+".
"""

from django.shortcuts import render
from django.utils import timezone

from gridgov.cases import queries
from gridgov.cases.exports import EXPORT_ROWS
from gridgov.cases.forms import CaseFilterForm
from gridgov.core.pagination import CappedPaginator
from gridgov.core.permissions import requires

# Twenty rows a page: each row costs about a millisecond to render, and narrowing the
# filters finds a case faster than paging through them.
PAGE_SIZE = 20


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
