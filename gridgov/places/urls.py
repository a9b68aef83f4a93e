from django.urls import path

from gridgov.places import io_views, views

app_name = "places"

urlpatterns = [
    path("", views.area_tree, name="area_tree"),
    path("import/", io_views.area_import, name="area_import"),
    path(
        "import/report/<str:report_id>.xlsx",
        io_views.area_import_report,
        name="area_import_report",
    ),
    path("export.<str:fmt>", io_views.area_export, name="area_export"),
    path("<str:code>/", views.area_detail, name="area_detail"),
]
