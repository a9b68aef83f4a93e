"""The catalogue's routes under /hall/: the public pages first, then street staff's."""

from django.urls import path

from gridgov.hall import catalogue_views as views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("manage/items/", views.manage_items, name="catalogue_manage"),
    path("manage/items/export.xlsx", views.manage_export, name="catalogue_export"),
    path("manage/items/import/", views.manage_import, name="catalogue_import"),
    path(
        "manage/items/import/<str:report_id>.xlsx",
        views.manage_import_report,
        name="catalogue_import_report",
    ),
    path("manage/items/<int:pk>/status/", views.item_status, name="catalogue_item_status"),
]
