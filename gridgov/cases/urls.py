"""URLs of the case loop: the field pages (reporting, the case page, my cases, the
inbox), the dispatch board with a department's queue, the list and its export, and the
reference tables administrators keep (categories, departments' categories, the
working-time calendar)."""

from django.urls import path, re_path

from gridgov.cases import (
    board_views,
    case_views,
    exports,
    inbox_views,
    list_views,
    reference_views,
    report_views,
)

app_name = "cases"

# Field pages: reporting, the case page, my cases, the inbox.
urlpatterns = [
    path("report/", report_views.report, name="report"),
    path("report/nearby/", report_views.nearby, name="nearby"),
    path("mine/", inbox_views.mine, name="mine"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/read/", inbox_views.inbox_read, name="inbox_read"),
    path("<int:pk>/", case_views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", case_views.act, name="act"),
    path("photos/<int:pk>/", case_views.photo, name="photo"),
]

# The dispatch board, a department's queue, the list and its export.
urlpatterns += [
    path("", list_views.case_list, name="list"),
    path("export/", exports.case_export, name="export"),
    path("board/", board_views.board, name="board"),
    path("board/dispatch/", board_views.bulk_dispatch, name="bulk_dispatch"),
    path("queue/", board_views.queue, name="queue"),
]

# The reference tables, kept by administrators.
urlpatterns += [
    path(
        "reference/categories/", reference_views.reference_categories, name="reference_categories"
    ),
    path(
        "reference/categories/new/",
        reference_views.reference_category_new,
        name="reference_category_new",
    ),
    path(
        "reference/categories/import/",
        reference_views.reference_category_import,
        name="reference_category_import",
    ),
    path(
        "reference/categories/export/",
        reference_views.reference_category_export,
        name="reference_category_export",
    ),
    re_path(
        r"^reference/categories/(?P<code>[CEG]\d{2}(?:\d{2})?)/$",
        reference_views.reference_category_edit,
        name="reference_category_edit",
    ),
    path(
        "reference/import-report/<str:report_id>/",
        reference_views.reference_import_report,
        name="reference_import_report",
    ),
    path(
        "reference/departments/",
        reference_views.reference_departments,
        name="reference_departments",
    ),
    path(
        "reference/departments/<int:pk>/",
        reference_views.reference_department_edit,
        name="reference_department_edit",
    ),
    path("reference/calendar/", reference_views.reference_calendar, name="reference_calendar"),
    path(
        "reference/calendar/<int:year>/",
        reference_views.reference_calendar,
        name="reference_calendar_year",
    ),
    path(
        "reference/calendar/<int:year>/hours/",
        reference_views.reference_calendar_hours,
        name="reference_calendar_hours",
    ),
    path(
        "reference/calendar/<int:year>/days/",
        reference_views.reference_calendar_day_add,
        name="reference_calendar_day_add",
    ),
    path(
        "reference/calendar/<int:year>/days/delete/",
        reference_views.reference_calendar_day_delete,
        name="reference_calendar_day_delete",
    ),
    path(
        "reference/calendar/<int:year>/import/",
        reference_views.reference_calendar_import,
        name="reference_calendar_import",
    ),
    path(
        "reference/calendar/<int:year>/export/",
        reference_views.reference_calendar_export,
        name="reference_calendar_export",
    ),
]
