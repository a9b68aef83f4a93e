from django.urls import path

from gridgov.places import io_views, layout_views, views

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
    path("partition/", layout_views.partition_index, name="partition_index"),
    path(
        "partition/<str:code>/",
        layout_views.partition_community,
        name="partition_community",
    ),
    path(
        "partition/<str:code>/current.geojson",
        layout_views.current_geojson,
        name="current_geojson",
    ),
    path("layouts/<int:pk>/", layout_views.layout_detail, name="layout_detail"),
    path("layouts/<int:pk>/apply/", layout_views.layout_apply, name="layout_apply"),
    path("layouts/<int:pk>/discard/", layout_views.layout_discard, name="layout_discard"),
    path("layouts/<int:pk>.geojson", layout_views.layout_geojson, name="layout_geojson"),
    path("<str:code>/", views.area_detail, name="area_detail"),
]
