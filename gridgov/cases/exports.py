"""The case list as a spreadsheet: the same filters as the page (`queries.parse_filters`),
the same scope, at most EXPORT_ROWS rows, and an audit row for every download.

No personal data leaves in it: neither the reporter's nor the residents' names and
phones, only the case itself.
"""

import dataclasses

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gridgov.cases import queries
from gridgov.cases.choices import OPEN_STATUSES, Level, Priority, Rating, Source, Status
from gridgov.core.actions import record_export
from gridgov.core.permissions import requires
from gridgov.core.spreadsheets import xlsx_response

EXPORT_ROWS = 50_000


# (field, header) in sheet order; "overdue" is worked out, as the list does.
COLUMNS = (
    ("number", _lazy("案件编号")),
    ("title", _lazy("标题")),
    ("status", _lazy("状态")),
    ("category__code", _lazy("类别编码")),
    ("category__name", _lazy("类别")),
    ("source", _lazy("来源")),
    ("level", _lazy("处置层级")),
    ("priority", _lazy("紧急程度")),
    ("community__name", _lazy("社区")),
    ("grid__name", _lazy("网格")),
    ("address", _lazy("地址")),
    ("department__name", _lazy("处置部门")),
    ("reported_at", _lazy("上报时间")),
    ("dispatched_at", _lazy("派遣时间")),
    ("handled_at", _lazy("处置时间")),
    ("closed_at", _lazy("结案时间")),
    ("due_at", _lazy("当前环节时限")),
    ("overdue", _lazy("是否超期")),
    ("extension_count", _lazy("延期次数")),
    ("rework_count", _lazy("返工次数")),
    ("rating", _lazy("群众评价")),
)
_FIELDS = tuple(name for name, _label in COLUMNS if name != "overdue") + ("suspended_at",)
_LABELLED = {
    "status": Status,
    "source": Source,
    "level": Level,
    "priority": Priority,
    "rating": Rating,
}


def _rows(cases, now):
    """Plain tuples read with `values_list` (model instances make a 50,000-row export
    several times slower), with the choice codes turned into their labels."""
    labels = {
        name: {code: str(label) for code, label in enum.choices} for name, enum in _LABELLED.items()
    }
    yes, no = _("是"), _("否")
    for values in cases.values_list(*_FIELDS).iterator(chunk_size=2000):
        row = dict(zip(_FIELDS, values, strict=True))
        late = (
            row["status"] in OPEN_STATUSES
            and row["suspended_at"] is None
            and row["due_at"] is not None
            and row["due_at"] < now
        )
        row["overdue"] = yes if late else no
        for name, names in labels.items():
            row[name] = names.get(row[name], row[name])
        yield tuple(row[name] for name, _label in COLUMNS)


def _applied(filters) -> dict:
    """The filters the export used, as the audit row keeps them."""
    return {
        name: str(value) if not isinstance(value, bool | int) else value
        for name, value in dataclasses.asdict(filters).items()
        if value not in ("", None, False)
    }


@requires("cases.view")
def case_export(request):
    filters = queries.parse_filters(request.GET)
    cases = queries.filtered_cases(request.user, filters)
    now = timezone.now()
    response = xlsx_response(
        f"cases-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx",
        [label for _name, label in COLUMNS],
        _rows(cases[: EXPORT_ROWS + 1], now),
        title=_("案件"),
        limit=EXPORT_ROWS,
    )
    record_export(
        request.user,
        "case.export",
        "cases.case",
        capability="cases.view",
        filters=_applied(filters),
        rows=response.rows_written,
        capped=response.capped,
        object_repr=_("导出案件 %(n)d 条") % {"n": response.rows_written},
    )
    return response
