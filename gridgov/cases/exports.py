"""The case list as a spreadsheet: the same filters as the page (`queries.parse_filters`),
the same scope, at most EXPORT_ROWS rows, and an audit row for every download.

No personal data leaves in it: neither the reporter's nor the residents' names and
phones, only the case itself.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases import export_actions, queries
from gridgov.core.permissions import requires
from gridgov.core.spreadsheets import xlsx_response

EXPORT_ROWS = 50_000


def _header():
    return (
        _("案件编号"),
        _("标题"),
        _("状态"),
        _("类别编码"),
        _("类别"),
        _("来源"),
        _("处置层级"),
        _("紧急程度"),
        _("社区"),
        _("网格"),
        _("地址"),
        _("处置部门"),
        _("上报时间"),
        _("派遣时间"),
        _("处置时间"),
        _("结案时间"),
        _("当前环节时限"),
        _("是否超期"),
        _("延期次数"),
        _("返工次数"),
        _("群众评价"),
    )


def _rows(cases, now):
    yes, no = _("是"), _("否")
    for c in cases.iterator(chunk_size=2000):
        yield (
            c.number,
            c.title,
            c.get_status_display(),
            c.category.code,
            c.category.name,
            c.get_source_display(),
            c.get_level_display(),
            c.get_priority_display(),
            c.community.name,
            c.grid.name,
            c.address,
            c.department.name if c.department else "",
            c.reported_at,
            c.dispatched_at,
            c.handled_at,
            c.closed_at,
            c.due_at,
            yes if c.is_overdue(now) else no,
            c.extension_count,
            c.rework_count,
            c.get_rating_display() if c.rating else "",
        )


@requires("cases.view")
def case_export(request):
    filters = queries.parse_filters(request.GET)
    cases = (
        queries.filtered_cases(request.user, filters)
        .select_related("community")
        .defer("grid__boundary", "community__boundary", "description")
    )
    now = timezone.now()
    response = xlsx_response(
        f"cases-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx",
        _header(),
        _rows(cases[: EXPORT_ROWS + 1], now),
        title=_("案件"),
        limit=EXPORT_ROWS,
    )
    export_actions.record_export(request.user, filters, response.rows_written, response.capped)
    return response
