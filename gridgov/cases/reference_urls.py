"""URLs of the case loop: the reference tables (categories, departments' categories,
the working-time calendar), kept by administrators."""

from django.urls import path, re_path

from gridgov.cases import reference_views as views

urlpatterns = [
    path("reference/categories/", views.reference_categories, name="reference_categories"),
    path("reference/categories/new/", views.reference_category_new, name="reference_category_new"),
    path(
        "reference/categories/import/",
        views.reference_category_import,
        name="reference_category_import",
    ),
    path(
        "reference/categories/export/",
        views.reference_category_export,
        name="reference_category_export",
    ),
    re_path(
        r"^reference/categories/(?P<code>[CEG]\d{2}(?:\d{2})?)/$",
        views.reference_category_edit,
        name="reference_category_edit",
    ),
    path(
        "reference/import-report/<str:report_id>/",
        views.reference_import_report,
        name="reference_import_report",
    ),
    path("reference/departments/", views.reference_departments, name="reference_departments"),
    path(
        "reference/departments/<int:pk>/",
        views.reference_department_edit,
        name="reference_department_edit",
    ),
    path("reference/calendar/", views.reference_calendar, name="reference_calendar"),
    path(
        "reference/calendar/<int:year>/",
        views.reference_calendar,
        name="reference_calendar_year",
    ),
    path(
        "reference/calendar/<int:year>/hours/",
        views.reference_calendar_hours,
        name="reference_calendar_hours",
    ),
    path(
        "reference/calendar/<int:year>/days/",
        views.reference_calendar_day_add,
        name="reference_calendar_day_add",
    ),
    path(
        "reference/calendar/<int:year>/days/delete/",
        views.reference_calendar_day_delete,
        name="reference_calendar_day_delete",
    ),
    path(
        "reference/calendar/<int:year>/import/",
        views.reference_calendar_import,
        name="reference_calendar_import",
    ),
    path(
        "reference/calendar/<int:year>/export/",
        views.reference_calendar_export,
        name="reference_calendar_export",
    ),
]
