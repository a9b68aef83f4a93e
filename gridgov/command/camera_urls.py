"""The camera registry pages and the alert sources (see `camera_views`)."""

from django.urls import path

from gridgov.command import camera_views

urlpatterns = [
    path("cameras/", camera_views.camera_list, name="camera_list"),
    path("cameras/export/", camera_views.camera_export, name="camera_export"),
    path("cameras/import/", camera_views.camera_import, name="camera_import"),
    path(
        "cameras/import/report/<str:report_id>/",
        camera_views.camera_import_report,
        name="camera_import_report",
    ),
    path("alert-sources/", camera_views.alert_sources, name="alert_sources"),
    path(
        "alert-sources/<int:pk>/disable/",
        camera_views.alert_source_disable,
        name="alert_source_disable",
    ),
]
